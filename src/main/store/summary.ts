/** The CaseSummary projection shared by caller history, search and case detail. */
import type { CaseSummary } from '../../shared/schemas';

/** How much of the content the lists show. */
export const SUMMARY_CHARS = 60;

export const SUMMARY_COLUMNS = `
  c.id AS id, c.local_no AS localNo, c.official_no AS officialNo, c.phone AS phone,
  c.caller_name AS callerName, c.channel AS channel, c.request_type AS requestType,
  c.category_code AS categoryCode, coalesce(cat.name, c.category_code) AS categoryName,
  c.region_code AS regionCode, coalesce(reg.name, c.region_code) AS regionName,
  c.address AS address, substr(c.content, 1, ${SUMMARY_CHARS}) AS summary, c.status AS status,
  c.handling_mode AS handlingMode, c.urgency AS urgency, c.created_at AS createdAt,
  c.last_follow_up AS lastFollowUp, c.confidential AS confidential,
  (SELECT json_object('outcome', json_extract(o.snapshot, '$.followUp.lastOutcome'), 'satisfaction',
     json_extract(o.snapshot, '$.followUp.satisfaction'), 'at', json_extract(o.snapshot, '$.followUp.lastAt'))
   FROM orders o WHERE o.case_id = c.id AND json_extract(o.snapshot, '$.followUp.lastAt') IS NOT NULL) AS followUpJson`;

/** Taxonomy names by primary-key lookups; a code no longer in the tree shows as itself. */
export const SUMMARY_JOINS = `
  LEFT JOIN categories cat ON cat.code = c.category_code
  LEFT JOIN regions reg ON reg.code = c.region_code`;

export type SummaryRow = Omit<CaseSummary, 'confidential' | 'followUp'> & { confidential: number; followUpJson?: string | null };

/**
 * The row as the screens read it: the work order's last 回访 (pulled with the order) when there
 * is one — its satisfaction is then the case's last follow-up too.
 */
export const toSummary = (row: SummaryRow): CaseSummary => {
  const { followUpJson, ...rest } = row;
  const followUp = followUpJson ? (JSON.parse(followUpJson) as NonNullable<CaseSummary['followUp']>) : null;
  return {
    ...rest,
    confidential: row.confidential === 1,
    followUp,
    lastFollowUp: followUp?.satisfaction ?? row.lastFollowUp,
  };
};
