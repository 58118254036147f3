/**
 * The AlexWeb stack: a private bucket only CloudFront reads (origin access control), the dashboard
 * CSP and security headers as a response-headers policy, a year of cache for fingerprinted assets
 * and revalidation for index.html and config.json, a config.json the page's own schema accepts,
 * optional WAF, cdk-nag clean and registry-schema valid. Built alone (no service bundling).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '#infra/cdk/config.ts';
import { API_SSM, STACK_NAMES } from '#infra/cdk/names.ts';
import { WebStack } from '#infra/cdk/stacks/web-stack.ts';
import { TemplateLinter } from '#infra/cdk/template-lint.ts';
import { dashboardCsp } from '#infra/web/csp.ts';
import { WebPageConfigSchema } from '#infra/web/page-config.ts';
import { renderCfn, ssmParameterIds } from '#test/support/cfn-render.ts';

const ISSUER = 'https://clerk.alex.example/tenant';
const API_ORIGIN = 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com';
const STREAM_ORIGIN = 'https://d111111abcdef8.cloudfront.net';
const WEB_ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/alex-edge/0c1d2e3f';

const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Built {
  stack: WebStack;
  app: App;
  outdir: string;
  template: Record<string, any>;
}

function build(overrides: Parameters<typeof resolveConfig>[0], assetsDir: string): Built {
  const config = resolveConfig({ api: { issuer: ISSUER, audience: ['alex-api'] }, ...overrides });
  const outdir = tempDir('alex-web-cdk-');
  const app = new App({ outdir });
  const stack = new WebStack(app, STACK_NAMES.web, {
    env: { region: config.region },
    api: config.api!,
    web: config.web!,
    assetsDir,
  });
  const template = app.synth().getStackByName(STACK_NAMES.web).template;
  return { stack, app, outdir, template };
}

let assetsDir: string;
let plain: Built;
let withWaf: Built;
let samples: Record<string, string>;

beforeAll(() => {
  assetsDir = tempDir('alex-web-dist-');
  writeFileSync(join(assetsDir, 'index.html'), '<!doctype html><title>Alex</title><script src="app-3f9a.js"></script>');
  writeFileSync(join(assetsDir, 'app-3f9a.js'), 'console.log(1)');
  plain = build({ web: { clientId: 'client_123' } }, assetsDir);
  withWaf = build({ web: { clientId: 'client_123', webAclArn: WEB_ACL } }, assetsDir);
  const ids = ssmParameterIds(plain.template);
  samples = { [ids[API_SSM.url]!]: API_ORIGIN, [ids[API_SSM.streamUrl]!]: STREAM_ORIGIN };
}, 180_000);

const resources = (b: Built, type: string) =>
  Object.entries(b.template.Resources as Record<string, any>)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => ({ id, ...r.Properties }));

describe('AlexWeb', () => {
  it('sends the dashboard CSP, allowing the API, its stream and the issuer, with HSTS, nosniff, DENY and no referrer', () => {
    const [policy] = resources(plain, 'AWS::CloudFront::ResponseHeadersPolicy');
    const headers = policy.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = renderCfn(headers.ContentSecurityPolicy.ContentSecurityPolicy, samples);
    expect(csp).toBe(dashboardCsp({ connect: [API_ORIGIN, STREAM_ORIGIN, 'https://clerk.alex.example'] }));
    expect(csp).toContain(
      `connect-src 'self' ${API_ORIGIN} ${STREAM_ORIGIN} https://clerk.alex.example; manifest-src 'self'`,
    );
    expect(headers.ContentSecurityPolicy.Override).toBe(true);
    expect(headers.StrictTransportSecurity).toEqual({
      AccessControlMaxAgeSec: 63_072_000,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    const [distribution] = resources(plain, 'AWS::CloudFront::Distribution');
    expect(distribution.DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({
      Ref: policy.id,
    });
  });

  it('keeps the bucket private, encrypted and TLS-only, readable only by this distribution through OAC', () => {
    const [bucket] = resources(plain, 'AWS::S3::Bucket');
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: 'AES256',
    });
    const [oac] = resources(plain, 'AWS::CloudFront::OriginAccessControl');
    expect(oac.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const [distribution] = resources(plain, 'AWS::CloudFront::Distribution');
    const [origin] = distribution.DistributionConfig.Origins;
    expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oac.id, 'Id'] });
    expect(origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });

    const [policy] = resources(plain, 'AWS::S3::BucketPolicy');
    const statements = policy.PolicyDocument.Statement as any[];
    const denies = statements.filter((s) => s.Effect === 'Deny');
    expect(denies).toEqual([expect.objectContaining({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]);
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' } });
    const sourceArn = renderCfn(allows[0].Condition.StringEquals['AWS:SourceArn'], {
      'AWS::Partition': 'aws',
      'AWS::AccountId': '123456789012',
      [distribution.id]: 'E2ALEXWEB',
    });
    expect(sourceArn).toBe('arn:aws:cloudfront::123456789012:distribution/E2ALEXWEB');
  });

  it('serves index.html at the root over HTTPS only, with a cache policy that lets each object say how long', () => {
    const [distribution] = resources(plain, 'AWS::CloudFront::Distribution');
    const config = distribution.DistributionConfig;
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      Compress: true,
    });
    expect(config.CustomErrorResponses).toBeUndefined();
    const [cache] = resources(plain, 'AWS::CloudFront::CachePolicy');
    expect(config.DefaultCacheBehavior.CachePolicyId).toEqual({ Ref: cache.id });
    expect(cache.CachePolicyConfig).toMatchObject({ MinTTL: 0, DefaultTTL: 0, MaxTTL: 31_536_000 });
    expect(cache.CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin).toMatchObject({
      CookiesConfig: { CookieBehavior: 'none' },
      HeadersConfig: { HeaderBehavior: 'none' },
      QueryStringsConfig: { QueryStringBehavior: 'none' },
    });
  });

  it('deploys fingerprinted assets for a year and immutable, then index.html and config.json to revalidate', () => {
    const deployments = resources(plain, 'Custom::CDKBucketDeployment');
    expect(deployments).toHaveLength(2);
    const assets = deployments.find((d) => d.Exclude?.includes('index.html'));
    const page = deployments.find((d) => d.Include);
    expect(assets).toMatchObject({
      Exclude: ['index.html', 'config.json'],
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
      Prune: false,
    });
    expect(page).toMatchObject({
      Exclude: ['*'],
      Include: ['index.html', 'config.json'],
      SystemMetadata: { 'cache-control': 'no-cache' },
      Prune: false,
    });
    const pageId = page!.id as string;
    expect(plain.template.Resources[pageId].DependsOn).toEqual(
      expect.arrayContaining([expect.stringMatching(/^DeployAssetsCustomResource/)]),
    );
  });

  it('writes a config.json the page schema accepts: the API, its stream and the OIDC issuer and client', () => {
    const page = resources(plain, 'Custom::CDKBucketDeployment').find((d) => d.Include)!;
    // Source.jsonData stages a folder holding config.json with markers the deployment replaces.
    const staged = readdirSync(plain.outdir)
      .filter((name) => name.startsWith('asset.'))
      .map((name) => join(plain.outdir, name, 'config.json'))
      .filter((path) => {
        try {
          readFileSync(path);
          return true;
        } catch {
          return false;
        }
      });
    expect(staged).toHaveLength(1);
    const markers = page.SourceMarkers.find((m: object) => Object.keys(m).length > 0) as Record<string, unknown>;
    let text = readFileSync(staged[0]!, 'utf8');
    for (const [marker, value] of Object.entries(markers))
      text = text.replaceAll(marker, String(renderCfn(value, samples)));
    expect(WebPageConfigSchema.parse(JSON.parse(text))).toEqual({
      apiUrl: API_ORIGIN,
      streamUrl: STREAM_ORIGIN,
      auth: {
        kind: 'oidc',
        issuer: ISSUER,
        clientId: 'client_123',
        audience: 'alex-api',
        scopes: ['openid', 'profile', 'email'],
      },
    });
  });

  it("attaches a web ACL when configured, its own or the API's", () => {
    const acl = (b: Built) => resources(b, 'AWS::CloudFront::Distribution')[0].DistributionConfig.WebACLId;
    expect(acl(plain)).toBeUndefined();
    expect(acl(withWaf)).toBe(WEB_ACL);
    const inherited = build(
      { api: { issuer: ISSUER, audience: ['a'], webAclArn: WEB_ACL }, web: { clientId: 'c' } },
      assetsDir,
    );
    expect(acl(inherited)).toBe(WEB_ACL);
  }, 120_000);

  it('passes cdk-nag AwsSolutions with no unacknowledged finding, with and without WAF', () => {
    for (const b of [plain, withWaf]) {
      const report = new AwsSolutionsChecks(b.app).validateScope(b.stack);
      expect(
        report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
      ).toEqual([]);
    }
  });

  it('passes the CloudFormation registry schemas and refers to no other stack', () => {
    expect(new TemplateLinter().lint(plain.template as never)).toEqual([]);
    expect(JSON.stringify(plain.template)).not.toContain('Fn::ImportValue');
  });

  it('refuses to synthesize without a built dashboard, saying how to build it', () => {
    expect(() => build({ web: { clientId: 'c' } }, tempDir('alex-web-empty-'))).toThrow(
      /has no index\.html: build the dashboard first \(npm run build\)/,
    );
  });

  it('refuses web without api, naming the field', () => {
    expect(() => resolveConfig({ web: { clientId: 'c' } })).toThrow(/CDK config\.web: .*configure api as well/);
  });
});
