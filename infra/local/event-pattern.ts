/**
 * The EventBridge event-pattern language for the local bus: validation as EventBridge does it,
 * and matching with event-ruler's semantics. A pattern is expanded into its `$or` alternatives
 * (event-pattern/expand.ts) and each compiled once into closures; matching an event walks only
 * the fields the pattern names and stops at the first failed condition. RuleIndex
 * (event-pattern/rule-index.ts) matches many patterns at once, as the bus does.
 *
 * Operators: exact values (strings, numbers compared numerically, booleans, null), prefix and
 * suffix (each also with equals-ignore-case), equals-ignore-case, wildcard, anything-but (value,
 * list, and its prefix / suffix / equals-ignore-case / wildcard forms), numeric, exists, cidr
 * (IPv4 and IPv6) and `$or`. See event-pattern/compile.ts for how arrays and nesting behave.
 */
import { InvalidInputError } from '#events/errors.ts';
import { isPlainObject, matchRoot } from './event-pattern/compile.ts';
import { InvalidEventPatternError } from './event-pattern/errors.ts';
import { type Alternative, compileRoot } from './event-pattern/expand.ts';

export { InvalidEventPatternError } from './event-pattern/errors.ts';
export { MAX_PATTERN_ALTERNATIVES, MAX_PATTERN_DEPTH } from './event-pattern/expand.ts';
export { RuleIndex } from './event-pattern/rule-index.ts';

export interface CompiledPattern {
  /** The pattern as given. */
  readonly source: unknown;
  /** What it expands into: it matches when one of them does. */
  readonly alternatives: readonly Alternative[];
  /** Whether the event (a parsed EventBridge envelope) matches. */
  matches(event: unknown): boolean;
}

/** Validates and compiles a pattern; throws InvalidEventPatternError naming the offending path. */
export function compilePattern(pattern: unknown): CompiledPattern {
  const alternatives = compileRoot(pattern);
  const matchers = alternatives.map((alternative) => alternative.matcher);
  const matches =
    matchers.length === 1
      ? (event: unknown) => matchRoot(matchers[0]!, event)
      : (event: unknown) => {
          for (let i = 0; i < matchers.length; i++) if (matchRoot(matchers[i]!, event)) return true;
          return false;
        };
  return { source: pattern, alternatives, matches };
}

/** One-off match; compile once with compilePattern when the same pattern sees many events. */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  return compilePattern(pattern).matches(event);
}

/** The envelope fields TestEventPattern insists on. */
export const TEST_EVENT_MANDATORY_FIELDS = [
  'id',
  'account',
  'source',
  'time',
  'region',
  'resources',
  'detail-type',
] as const;

/**
 * Like `aws events test-event-pattern`: both arguments are JSON text. A bad pattern throws
 * InvalidEventPatternError; an event that is not JSON, not an object, or lacks one of the fields
 * TestEventPattern requires throws InvalidInputError saying which.
 */
export function testEventPattern(patternJson: string, eventJson: string): boolean {
  let pattern: unknown;
  try {
    pattern = JSON.parse(patternJson);
  } catch (error) {
    throw new InvalidEventPatternError(`the pattern is not valid JSON (${(error as Error).message})`, '(root)');
  }
  const compiled = compilePattern(pattern);

  let event: unknown;
  try {
    event = JSON.parse(eventJson);
  } catch (error) {
    throw new InvalidInputError(`event is not valid JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(event)) throw new InvalidInputError('event must be a JSON object (an EventBridge envelope)');
  const missing = TEST_EVENT_MANDATORY_FIELDS.filter((field) => !Object.hasOwn(event, field));
  if (missing.length > 0) {
    throw new InvalidInputError(
      `event is missing ${missing.join(', ')}: TestEventPattern requires ${TEST_EVENT_MANDATORY_FIELDS.join(', ')}`,
    );
  }
  return compiled.matches(event);
}
