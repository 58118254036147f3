/**
 * AlexSecurity (`-c guardduty=true|existing`): GuardDuty threat detection, its medium and higher
 * findings routed by a rule on the default bus (where GuardDuty publishes) to the core's alarm
 * topic, found by name. A region holds one detector per account and CloudFormation fails to
 * create a second, so `existing` leaves the account's own detector alone and adds the rule only.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import type { Construct } from 'constructs';
import { ALARM_TOPIC_NAME, FINDINGS_RULE_NAME } from '../names.ts';

/** GuardDuty's scale: low 1–3.9, medium 4–6.9, high 7–8.9, critical 9–10. Low findings stay in the console. */
export const MIN_NOTIFIED_SEVERITY = 4;

/**
 * Lambda network activity and S3 data events; the foundational sources (CloudTrail, VPC flow
 * logs, DNS) are always on. A region without one of these protections rejects the detector.
 */
export const DETECTOR_FEATURES = ['LAMBDA_NETWORK_LOGS', 'S3_DATA_EVENTS'] as const;

export interface SecurityStackProps extends StackProps {
  /** `existing`: the account already has a detector in this region (`aws guardduty list-detectors`). */
  detector: 'create' | 'existing';
}

export class SecurityStack extends Stack {
  readonly detector?: guardduty.CfnDetector;

  constructor(scope: Construct, id: string, props: SecurityStackProps) {
    super(scope, id, props);
    if (props.detector === 'create') {
      this.detector = new guardduty.CfnDetector(this, 'Detector', {
        enable: true,
        findingPublishingFrequency: 'FIFTEEN_MINUTES',
        features: DETECTOR_FEATURES.map((name) => ({ name, status: 'ENABLED' })),
      });
    }
    // Low-level rule, as in the other stacks; the topic's policy (core stack) admits this rule by name.
    new events.CfnRule(this, 'Findings', {
      name: FINDINGS_RULE_NAME,
      description: `GuardDuty findings of severity ${MIN_NOTIFIED_SEVERITY} and above, to ${ALARM_TOPIC_NAME}`,
      eventPattern: {
        source: ['aws.guardduty'],
        'detail-type': ['GuardDuty Finding'],
        detail: { severity: [{ numeric: ['>=', MIN_NOTIFIED_SEVERITY] }] },
      },
      targets: [{ id: 'AlarmTopic', arn: this.formatArn({ service: 'sns', resource: ALARM_TOPIC_NAME }) }],
    });
  }
}
