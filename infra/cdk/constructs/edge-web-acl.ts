/**
 * A WAF web ACL for a CloudFront distribution: a per-IP rate limit first (cheapest, and it stops
 * a flood before anything else is evaluated), then AWS's managed common and known-bad-inputs
 * rule sets. CLOUDFRONT scope exists only in us-east-1, so the construct refuses any other
 * region at synth. Use: `new cloudfront.Distribution(this, 'Api', { webAclId: acl.arn, ... })`.
 */
import { Stack } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export const EDGE_REGION = 'us-east-1';

/** AWS managed rule groups, in evaluation order after the rate limit. */
export const MANAGED_RULE_GROUPS = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'] as const;

/**
 * Common-rule-set rules counted instead of blocked: SizeRestrictions_BODY blocks any body over
 * 8 KB, and a portfolio sent as JSON may be larger; the API enforces its own documented limit.
 */
export const DEFAULT_COUNT_ONLY_RULES = ['SizeRestrictions_BODY'];

export interface EdgeWebAclProps {
  /** The web ACL's name, also its CloudWatch metric names' prefix. */
  name: string;
  /** Requests one client IP may make in any 5 minutes before it is blocked (10 to 2,000,000,000). */
  rateLimitPer5Minutes: number;
  /** Rules of the common rule set to count rather than block; defaults to DEFAULT_COUNT_ONLY_RULES. */
  countOnlyRules?: string[];
}

export class EdgeWebAcl extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  /** What CloudFront's `webAclId` takes (for WAFv2, the ARN). */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: EdgeWebAclProps) {
    super(scope, id);
    this.node.addValidation({
      validate: () => {
        const region = Stack.of(this).region;
        return region === EDGE_REGION
          ? []
          : [
              `a CloudFront web ACL must be created in ${EDGE_REGION}, but this stack's region is ${region}: put it in a stack with env.region '${EDGE_REGION}'`,
            ];
      },
    });
    const visibility = (metric: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${props.name}-${metric}`,
      sampledRequestsEnabled: true,
    });
    const countOnly = props.countOnlyRules ?? DEFAULT_COUNT_ONLY_RULES;
    const rules: wafv2.CfnWebACL.RuleProperty[] = [
      {
        name: 'RateLimitPerIp',
        priority: 0,
        action: { block: {} },
        statement: {
          rateBasedStatement: { limit: props.rateLimitPer5Minutes, aggregateKeyType: 'IP', evaluationWindowSec: 300 },
        },
        visibilityConfig: visibility('rate-limit'),
      },
      ...MANAGED_RULE_GROUPS.map((group, index) => ({
        name: group,
        priority: index + 1,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name: group,
            ...(group === 'AWSManagedRulesCommonRuleSet' && countOnly.length > 0
              ? { ruleActionOverrides: countOnly.map((rule) => ({ name: rule, actionToUse: { count: {} } })) }
              : {}),
          },
        },
        visibilityConfig: visibility(group),
      })),
    ];
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: props.name,
      description: 'Alex: rate limit per IP, AWS managed common and known-bad-inputs rule sets',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('all'),
      rules,
    });
    this.arn = this.webAcl.attrArn;
  }
}
