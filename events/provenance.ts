/**
 * Who may publish what. Other systems may publish only the detail-types the catalog opens to
 * them (`openToOutside`); every other detail-type is internal and comes only from the services
 * the catalog names as its sources. Checked in two places, with the same functions: at the door
 * (`alex events put`, the AWS-compatible PutEvents endpoint), which refuses each forged entry with
 * its reason as PutEvents reports per-entry failures; and in every consumer (parseEnvelope), so a
 * forged event that reached the bus anyway is dead-lettered with its reason, never applied.
 */
import { catalog, isDetailType, OPEN_DETAIL_TYPES } from './catalog.ts';

/** A refused PutEvents entry, in the shape of PutEventsResultEntry's ErrorCode and ErrorMessage. */
export interface EntryRefusal {
  errorCode: 'AccessDeniedException';
  errorMessage: string;
}

/** Why an outside publisher may not put this entry, or undefined when it may. */
export function refuseOutsideEntry(entry: { detailType: string; source: string }): EntryRefusal | undefined {
  if ((OPEN_DETAIL_TYPES as readonly string[]).includes(entry.detailType)) return undefined;
  const open = OPEN_DETAIL_TYPES.join(', ');
  const errorMessage = isDetailType(entry.detailType)
    ? `${entry.detailType} is internal to Alex: only ${catalog[entry.detailType].sources.join(', ')} publish it ` +
      `from inside; other systems may publish ${open}`
    : `"${entry.detailType}" is not a detail-type Alex accepts from other systems; publish one of ${open}`;
  return { errorCode: 'AccessDeniedException', errorMessage };
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
