/**
 * AlexWaf (`-c waf=true`, always in us-east-1): the EdgeWebAcl for the API's CloudFront
 * distribution. Its ARN goes to an SSM parameter in us-east-1 and a stack output (no export),
 * for the stack that owns the distribution to take it by value; no stack references another.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { EdgeWebAcl } from '../constructs/edge-web-acl.ts';
import { WEB_ACL_ARN_PARAMETER, WEB_ACL_NAME } from '../names.ts';

export interface WafStackProps extends StackProps {
  rateLimitPer5Minutes: number;
}

export class WafStack extends Stack {
  readonly webAcl: EdgeWebAcl;

  constructor(scope: Construct, id: string, props: WafStackProps) {
    super(scope, id, props);
    this.webAcl = new EdgeWebAcl(this, 'Edge', {
      name: WEB_ACL_NAME,
      rateLimitPer5Minutes: props.rateLimitPer5Minutes,
    });
    new ssm.StringParameter(this, 'WebAclArn', { parameterName: WEB_ACL_ARN_PARAMETER, stringValue: this.webAcl.arn });
    new CfnOutput(this, 'WebAclArnOutput', { value: this.webAcl.arn, description: 'CloudFront webAclId for the API' });
  }
}
