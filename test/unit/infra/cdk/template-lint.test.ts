import { describe, expect, it } from 'vitest';
import { TemplateLinter } from '#infra/cdk/template-lint.ts';

const linter = new TemplateLinter();
const queue = (properties: Record<string, unknown>) => ({
  Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: properties } },
});

describe('registry-schema template linter', () => {
  it('accepts valid properties and intrinsic functions in any position', () => {
    expect(
      linter.lint(
        queue({
          QueueName: 'a',
          VisibilityTimeout: 910,
          RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['D', 'Arn'] }, maxReceiveCount: 3 },
        }),
      ),
    ).toEqual([]);
    expect(
      linter.lint(queue({ QueueName: { Ref: 'AWS::StackName' }, Tags: [{ Key: 'project', Value: 'alex' }] })),
    ).toEqual([]);
  });

  it('reports unknown properties, wrong types, missing required properties and unknown types', () => {
    expect(linter.lint(queue({ VisibilityTimeOut: 30 }))[0]!.message).toMatch(
      /must NOT have additional properties: VisibilityTimeOut/,
    );
    expect(linter.lint(queue({ VisibilityTimeout: 'soon' })).length).toBeGreaterThan(0);
    expect(linter.lint(queue({ Tags: [{ Key: 'project' }] })).length).toBeGreaterThan(0);
    const lambda = linter.lint({
      Resources: { F: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs24.x' } } },
    });
    expect(lambda.map((p) => p.message)).toContainEqual(expect.stringMatching(/must have required property 'Code'/));
    expect(linter.lint({ Resources: { X: { Type: 'AWS::SQS::Queues' } } })).toEqual([
      { logicalId: 'X', type: 'AWS::SQS::Queues', message: 'unknown resource type' },
    ]);
  });
});
