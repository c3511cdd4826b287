/**
 * Version 6: the phone system's call a case was logged during (screen pop, src/main/telephony):
 * its call id, 来电时间 (ringing), answered and ended times (epoch ms) and 通话时长 in seconds.
 * All NULL for a case logged without a phone event, and for every case before this version.
 * ADD COLUMN with no default rewrites nothing: instant on a store of millions of cases.
 */
import type { Db } from '../db';

export function migrate6(db: Db): void {
  db.exec(`
    ALTER TABLE cases ADD COLUMN call_id TEXT;
    ALTER TABLE cases ADD COLUMN call_ring_at INTEGER;
    ALTER TABLE cases ADD COLUMN call_answer_at INTEGER;
    ALTER TABLE cases ADD COLUMN call_end_at INTEGER;
    ALTER TABLE cases ADD COLUMN talk_seconds INTEGER CHECK (talk_seconds IS NULL OR talk_seconds >= 0);
  `);
}
