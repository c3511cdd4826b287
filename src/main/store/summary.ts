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
  c.last_follow_up AS lastFollowUp, c.confidential AS confidential`;

/** Taxonomy names by primary-key lookups; a code no longer in the tree shows as itself. */
export const SUMMARY_JOINS = `
  LEFT JOIN categories cat ON cat.code = c.category_code
  LEFT JOIN regions reg ON reg.code = c.region_code`;

export type SummaryRow = Omit<CaseSummary, 'confidential'> & { confidential: number };

export const toSummary = (row: SummaryRow): CaseSummary => ({ ...row, confidential: row.confidential === 1 });
