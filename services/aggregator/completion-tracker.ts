/**
 * Completion tracking in DynamoDB. One partition per job: a `plan` item (the tasks expected
 * and the snapshot), one `task#<name>` item per specialist outcome and one `step#<detail-type>`
 * item per classification step (for the timeline only). Every write is
 * conditional, so duplicates and replays change nothing, and events may arrive in any order:
 * outcomes that come before their plan simply wait in the table.
 *
 * Finishing a job is a claim: a conditional update that sets `finalizedBy` on the plan item.
 * Exactly one claimant wins; the claim is made with the winner's business key, so a retry of
 * the same message (after a crash between claim and write) is recognised and carries on.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Task } from '#events/values.ts';

/** Tracking items outlive the job by this long, then DynamoDB's TTL removes them. */
const RETENTION_SECONDS = 30 * 24 * 60 * 60;

export interface PlanRecord {
  jobId: string;
  userId: string;
  tasks: Task[];
  /** The AnalysisPlanned detail, as JSON text (snapshot included). */
  planned: string;
  deadline: string;
  finalizedBy?: string;
  finalStatus?: string;
  published?: boolean;
}

export interface OutcomeRecord {
  jobId: string;
  task: Task;
  outcome: 'completed' | 'failed';
  /** SpecialistCompleted or SpecialistFailed detail, as JSON text. */
  detail: string;
  at: string;
}

/** A step of the job that decides nothing but belongs in its timeline (ClassificationRequested…). */
export interface StepRecord {
  jobId: string;
  detailType: string;
  at: string;
  note?: string;
}

export interface JobState {
  plan: PlanRecord | undefined;
  outcomes: Map<Task, OutcomeRecord>;
  steps: StepRecord[];
}

export class CompletionTracker {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    dynamo: DynamoDBClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: equivalent, the client drops undefined attributes
    this.documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** Stores the plan once; returns false when it was already there. */
  recordPlan(plan: Omit<PlanRecord, 'finalizedBy' | 'finalStatus' | 'published'>): Promise<boolean> {
    return this.putOnce({ pk: plan.jobId, sk: 'plan', ...plan });
  }

  /** Stores the first outcome of a task; returns false when one was already there. */
  recordOutcome(outcome: OutcomeRecord): Promise<boolean> {
    return this.putOnce({ pk: outcome.jobId, sk: `task#${outcome.task}`, ...outcome });
  }

  /** Stores the first sighting of a step; returns false when it was already there. */
  recordStep(step: StepRecord): Promise<boolean> {
    return this.putOnce({ pk: step.jobId, sk: `step#${step.detailType}`, ...step });
  }

  async load(jobId: string): Promise<JobState> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :jobId',
          ExpressionAttributeValues: { ':jobId': jobId },
          // Stryker disable next-line BooleanLiteral: not observable, dynalite always reads the latest write
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      // Stryker disable next-line ArrayDeclaration: equivalent, every Query page has Items (empty if none)
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const state: JobState = { plan: undefined, outcomes: new Map(), steps: [] };
    for (const item of items) {
      if (item.sk === 'plan') state.plan = item as unknown as PlanRecord;
      else if (String(item.sk).startsWith('step#')) state.steps.push(item as unknown as StepRecord);
      else state.outcomes.set(item.task as Task, item as unknown as OutcomeRecord);
    }
    return state;
  }

  /**
   * Claims the right to finish the job. True for the one claimant that wins, and again for
   * that same claimant on a retry; false for everyone else.
   */
  async claim(jobId: string, claimant: string, finalStatus: string): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: jobId, sk: 'plan' },
          UpdateExpression: 'SET finalizedBy = :claimant, finalStatus = :status, finalizedAt = :now',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(finalizedBy) OR finalizedBy = :claimant)',
          ExpressionAttributeValues: {
            ':claimant': claimant,
            ':status': finalStatus,
            ':now': this.now().toISOString(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async markPublished(jobId: string): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: jobId, sk: 'plan' },
        UpdateExpression: 'SET published = :yes',
        ExpressionAttributeValues: { ':yes': true },
      }),
    );
  }

  private async putOnce(item: Record<string, unknown>): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...item, expiresAt: Math.floor(this.now().getTime() / 1000) + RETENTION_SECONDS },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

/** Every expected task has reported, whatever the outcome. */
export function isComplete(state: JobState): state is JobState & { plan: PlanRecord } {
  return state.plan !== undefined && state.plan.tasks.every((task) => state.outcomes.has(task));
}
