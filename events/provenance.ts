/**
 * Who may publish what. Other systems may publish only the detail-types the catalog opens to
 * them (`openToOutside`), under a source of their own; every other detail-type is internal and
 * comes only from the services the catalog names as its sources. Checked in two places: at the
 * door (`alex events put`, the AWS-compatible PutEvents endpoint), which refuses each forged entry
 * with the error code EventBridge gives when a bus policy denies it, one entry at a time; and in
 * every consumer (parseEnvelope), so a forged event that reached the bus anyway is dead-lettered
 * with its reason, never applied. On AWS the bus policy says the same (infra/cdk/constructs/bus-guard.ts).
 */
import { catalog, isDetailType, OPEN_DETAIL_TYPES } from './catalog.ts';

/** Sources starting with this are Alex's own services'. */
export const ALEX_SOURCE_PREFIX = 'alex.';

export interface Publisher {
  name: string;
  /** Alex's own tools; may publish any detail-type. */
  internal: boolean;
}

/** A refused PutEvents entry, in the shape of PutEventsResultEntry's ErrorCode and ErrorMessage. */
export interface EntryRefusal {
  errorCode: 'NotAuthorizedForSourceException' | 'NotAuthorizedForDetailTypeException';
  errorMessage: string;
}

/** Why this publisher may not put this entry, or undefined when it may. */
export function publishRefusal(
  entry: { source: string; detailType: string },
  publisher: Publisher,
): EntryRefusal | undefined {
  if (publisher.internal) return undefined;
  const open = OPEN_DETAIL_TYPES.join(', ');
  if (!(OPEN_DETAIL_TYPES as readonly string[]).includes(entry.detailType)) {
    const errorMessage = isDetailType(entry.detailType)
      ? `${entry.detailType} is internal to Alex: only ${catalog[entry.detailType].sources.join(', ')} publish it ` +
        `from inside; other systems may publish ${open}`
      : `"${entry.detailType}" is not a detail-type Alex accepts from other systems; publish one of ${open}`;
    return { errorCode: 'NotAuthorizedForDetailTypeException', errorMessage };
  }
  if (entry.source.startsWith(ALEX_SOURCE_PREFIX)) {
    return {
      errorCode: 'NotAuthorizedForSourceException',
      errorMessage:
        `Publisher ${publisher.name} is not authorized to publish with source ${entry.source}: sources starting ` +
        `with "${ALEX_SOURCE_PREFIX}" are Alex's own services'. Use your own source, such as com.example.crm.`,
    };
  }
  return undefined;
}

/**
 * Why a consumer must not apply an event with this source, or undefined when the source is one
 * the catalog names for its detail-type. Open detail-types may come from any source.
 */
export function refuseSource(detailType: string, source: string): string | undefined {
  if (!isDetailType(detailType) || catalog[detailType].openToOutside) return undefined;
  const sources = catalog[detailType].sources;
  if (sources.includes(source)) return undefined;
  return (
    `event: source "${source}" may not publish ${detailType} (only ${sources.join(', ')} do); ` +
    'refused as forged, not applied'
  );
}
