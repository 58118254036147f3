/**
 * AlexCost (`-c budget=USD`): a monthly AWS Budgets cost budget over everything tagged
 * project=alex, notifying the core's alarm topic (found by name) at 50, 80 and 100 % of actual
 * spend and at 100 % of forecast spend. The tag must be activated as a cost-allocation tag once
 * per account (docs/aws.md) before Budgets sees any spend under it.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import type { Construct } from 'constructs';
import { ALARM_TOPIC_NAME, BUDGET_NAME, COST_TAG } from '../names.ts';

/** [kind, percent] pairs: Budgets alerts once per month per threshold crossed. */
export const BUDGET_THRESHOLDS: ReadonlyArray<readonly ['ACTUAL' | 'FORECASTED', number]> = [
  ['ACTUAL', 50],
  ['ACTUAL', 80],
  ['ACTUAL', 100],
  ['FORECASTED', 100],
];

export interface CostStackProps extends StackProps {
  /** Monthly limit in USD. */
  budgetUsd: number;
}

export class CostStack extends Stack {
  readonly budget: budgets.CfnBudget;

  constructor(scope: Construct, id: string, props: CostStackProps) {
    super(scope, id, props);
    const topicArn = this.formatArn({ service: 'sns', resource: ALARM_TOPIC_NAME });
    this.budget = new budgets.CfnBudget(this, 'Budget', {
      budget: {
        budgetName: BUDGET_NAME,
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.budgetUsd, unit: 'USD' },
        // Budgets names a user-defined cost-allocation tag `user:<key>` and joins key and value with `$`.
        costFilters: { TagKeyValue: [`user:${COST_TAG.key}$${COST_TAG.value}`] },
      },
      notificationsWithSubscribers: BUDGET_THRESHOLDS.map(([kind, threshold]) => ({
        notification: {
          notificationType: kind,
          comparisonOperator: 'GREATER_THAN',
          threshold,
          thresholdType: 'PERCENTAGE',
        },
        subscribers: [{ subscriptionType: 'SNS', address: topicArn }],
      })),
      // Budgets keeps its tags apart from Tags, where the app-wide tag does not reach.
      resourceTags: [{ key: COST_TAG.key, value: COST_TAG.value }],
    });
  }
}
