/**
 * Who may put what on Alex's bus. Alex's own services publish their detail-types under `alex.*`
 * sources; a publisher outside Alex may publish only the open detail-types (OPEN_DETAIL_TYPES),
 * under a source of its own. The local endpoints refuse an entry that breaks this, one entry at
 * a time, with the error code EventBridge gives when a bus policy denies it; on AWS the bus
 * policy says the same with the `events:source` and `events:detail-type` condition keys.
 */
import { OPEN_DETAIL_TYPES } from './catalog.ts';

export interface Publisher {
  name: string;
  /** Alex's own tools; may publish any detail-type. */
  internal: boolean;
}

export interface PublishRefusal {
  code: 'NotAuthorizedForSourceException' | 'NotAuthorizedForDetailTypeException';
  message: string;
}

/** Sources starting with this are Alex's own services'. */
export const ALEX_SOURCE_PREFIX = 'alex.';

/** Why this publisher may not put this entry, or undefined when it may. */
export function publishRefusal(
  entry: { source: string; detailType: string },
  publisher: Publisher,
): PublishRefusal | undefined {
  if (publisher.internal) return undefined;
  if (entry.source.startsWith(ALEX_SOURCE_PREFIX)) {
    return {
      code: 'NotAuthorizedForSourceException',
      message:
        `Publisher ${publisher.name} is not authorized to publish with source ${entry.source}: sources starting ` +
        `with "${ALEX_SOURCE_PREFIX}" are Alex's own services'. Use your own source, such as com.example.crm.`,
    };
  }
  if (!(OPEN_DETAIL_TYPES as readonly string[]).includes(entry.detailType)) {
    return {
      code: 'NotAuthorizedForDetailTypeException',
      message:
        `Publisher ${publisher.name} is not authorized to publish detail-type ${entry.detailType}: ` +
        `other systems may publish ${OPEN_DETAIL_TYPES.join(' and ')}; the rest are Alex's internal events.`,
    };
  }
  return undefined;
}
