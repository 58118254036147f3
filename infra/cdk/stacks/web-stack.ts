/**
 * AlexWeb (`-c web=…`, with `api`): the dashboard from a private S3 bucket behind CloudFront
 * (origin access control), with the same content security policy as `alex serve` sent as a
 * response-headers policy. The API's URLs come from the AlexApi stack's SSM parameters at deploy
 * time, so the stack deploys alone; `config.json` beside the assets tells the page where they are.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CfnElement,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Token,
  Validations,
} from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { dashboardCsp } from '#infra/web/csp.ts';
import { originOf, type WebPageConfig } from '#infra/web/page-config.ts';
import type { AlexConfig } from '../config.ts';
import { API_SSM } from '../names.ts';

export interface WebStackProps extends StackProps {
  api: NonNullable<AlexConfig['api']>;
  web: NonNullable<AlexConfig['web']>;
  /** The built dashboard (the app passes `dist/web`): index.html and fingerprinted assets. */
  assetsDir: string;
}

/** Rewritten by every deploy under the same name, so browsers and CloudFront revalidate them. */
export const MUTABLE_FILES = ['index.html', 'config.json'] as const;
/** Everything else carries a content hash in its name, so a year and `immutable` are safe. */
export const CACHE_CONTROL = { immutable: 'public, max-age=31536000, immutable', revalidate: 'no-cache' } as const;

export class WebStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly headers: cloudfront.ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    const { api, web, assetsDir } = props;
    if (!existsSync(join(assetsDir, 'index.html')))
      throw new Error(
        `AlexWeb: ${assetsDir} has no index.html: build the dashboard first (npm run build), or leave web unset`,
      );
    // Origins (https://host, no path): the AlexApi stack writes them so; resolved at deploy time.
    const apiUrl = ssm.StringParameter.valueForStringParameter(this, API_SSM.url);
    const streamUrl = ssm.StringParameter.valueForStringParameter(this, API_SSM.streamUrl);

    this.bucket = new s3.Bucket(this, 'Assets', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Only CloudFront reads the bucket (origin access control) and only a deployment writes it',
    });

    const connect = [apiUrl, streamUrl, originOf(api.issuer), ...web.connectOrigins.map(originOf)];
    this.headers = this.securityHeaders(dashboardCsp({ connect }));
    this.distribution = this.buildDistribution(web.webAclArn ?? api.webAclArn);

    const page: WebPageConfig = {
      apiUrl,
      streamUrl,
      auth: { kind: 'oidc', issuer: api.issuer, clientId: web.clientId, audience: api.audience[0], scopes: web.scopes },
    };
    this.deployAssets(assetsDir, page);
    new CfnOutput(this, 'Url', {
      value: `https://${this.distribution.distributionDomainName}`,
      description: 'The dashboard; add it to api.corsOrigins and to the OIDC client redirect URIs',
    });
  }

  private securityHeaders(csp: string): cloudfront.ResponseHeadersPolicy {
    return new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      responseHeadersPolicyName: 'alex-web',
      comment: 'Alex dashboard: the alex serve CSP, HSTS, nosniff, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        // The page's URL may name a job: nothing of it leaves with a request to another origin.
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
  }

  private buildDistribution(webAclArn: string | undefined): cloudfront.Distribution {
    // The objects' Cache-Control decides (minimum TTL 0 lets `no-cache` through): a year for the
    // fingerprinted assets, revalidation for index.html and config.json.
    const cachePolicy = new cloudfront.CachePolicy(this, 'Cache', {
      cachePolicyName: 'alex-web',
      comment: 'Alex dashboard: TTL from the object Cache-Control; no cookies, headers or query in the key',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.days(365),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    // No error-response rewrite to index.html: while the dashboard routes after `#`, every path
    // CloudFront sees is a file, and a missing one is an honest 403 rather than HTML with a 200.
    // A path-based router would need a 403 → /index.html error response here.
    const distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Alex dashboard',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        compress: true,
        cachePolicy,
        responseHeadersPolicy: this.headers,
      },
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      webAclId: webAclArn,
    });
    const acknowledged = [
      { id: 'AwsSolutions-CFR1', reason: 'No geo restriction: users are wherever their sign-in is valid' },
      ...(webAclArn
        ? []
        : [{ id: 'AwsSolutions-CFR2', reason: 'WAF is opt-in: set web.webAclArn or api.webAclArn (AlexWaf output)' }]),
      {
        id: 'AwsSolutions-CFR3',
        reason: 'No access logs: the same public static files for everyone; the API logs what users do',
      },
      { id: 'AwsSolutions-CFR4', reason: 'The default *.cloudfront.net certificate; TLS 1.2 minimum is set' },
    ];
    for (const finding of acknowledged) Validations.of(distribution).acknowledge(finding);
    return distribution;
  }

  /**
   * Assets first, then the page that names them, so a visitor never loads an index.html whose
   * assets are not there yet. No pruning: a page loaded before a deploy keeps finding its assets.
   */
  private deployAssets(assetsDir: string, page: WebPageConfig): void {
    const source = s3deploy.Source.asset(assetsDir);
    const assets = new s3deploy.BucketDeployment(this, 'DeployAssets', {
      sources: [source],
      destinationBucket: this.bucket,
      exclude: [...MUTABLE_FILES],
      cacheControl: [s3deploy.CacheControl.fromString(CACHE_CONTROL.immutable)],
      prune: false,
    });
    const pageDeployment = new s3deploy.BucketDeployment(this, 'DeployPage', {
      sources: [source, s3deploy.Source.jsonData('config.json', page, { escape: true })],
      destinationBucket: this.bucket,
      exclude: ['*'],
      include: [...MUTABLE_FILES],
      cacheControl: [s3deploy.CacheControl.fromString(CACHE_CONTROL.revalidate)],
      prune: false,
    });
    pageDeployment.node.addDependency(assets);
    // The deployment's function is a stack-level singleton CDK builds: it copies from the CDK
    // assets bucket into this one during a deploy, with the actions CDK grants for that.
    const provider = this.node.findAll().find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!provider) return;
    const region = Token.isUnresolved(this.region) ? '<AWS::Region>' : this.region;
    const bucketId = this.getLogicalId(this.bucket.node.defaultChild as CfnElement);
    const copies = 'CDK scopes its deployment function to copying from its assets bucket into this bucket';
    for (const finding of [
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'CDK gives its deployment function the basic execution policy: its own logs only',
      },
      ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: copies,
      })),
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-${region}/*]`,
        reason: copies,
      },
      { id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`, reason: copies },
      { id: 'AwsSolutions-L1', reason: 'CDK chooses and updates the runtime of its deployment function' },
    ])
      Validations.of(provider).acknowledge(finding);
  }
}
