/** Official numbers: the SQL that numbers a push's cases and the JS that numbers the seed's agree. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centreDay, formatOfficialNo, officialNoSql } from '../../../src/server/sync/official-no';
import { BACKENDS, type TestDb } from './helpers';

describe.each(BACKENDS)('official numbers on $name', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await backend.open();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('formats the same number in SQL as in JS, padded to 6 digits and widened past 999999', async () => {
    const seqs = [1, 42, 999_999, 1_000_000, 12_345_678];
    const rows = await t.db.query<{ no: string }>(
      `SELECT ${officialNoSql('$1::text', '$2::text', 's')} AS no FROM unnest($3::int[]) WITH ORDINALITY AS u(s, i) ORDER BY i`,
      ['JN', '20261130', seqs],
    );
    expect(rows.map((r) => r.no)).toEqual(seqs.map((s) => formatOfficialNo('JN', '20261130', s)));
    expect(rows.map((r) => r.no)).toEqual(['JN20261130-000001', 'JN20261130-000042', 'JN20261130-999999', 'JN20261130-1000000', 'JN20261130-12345678']);
  });
});

describe('the centre day', () => {
  it("is the date in the centre's time zone, not UTC's", () => {
    // 2026-11-29 17:30 UTC is already the 30th in Jining (UTC+8)
    expect(centreDay(Date.UTC(2026, 10, 29, 17, 30), 'Asia/Shanghai')).toBe('20261130');
    expect(centreDay(Date.UTC(2026, 10, 29, 17, 30), 'UTC')).toBe('20261129');
  });
});
