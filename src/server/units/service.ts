/**
 * The units directory on the server: the checked directory of an import replaces the current
 * one in one transaction (units upserted by code, units left out deactivated — never deleted,
 * orders point at them — and the dispatch catalogue replaced whole), and the directory read back.
 */
import type { DispatchRule, Unit, UnitDirectory } from '../../shared/units';
import type { Db, Queryable } from '../db/adapter';

export interface ImportSummary {
  units: number;
  rules: number;
  added: number;
  updated: number;
  unchanged: number;
  /** units of the database the file left out: now inactive */
  deactivated: number;
}

const UNIT_COLUMNS = 'code, name, kind, parent_code AS "parentCode", phone, active';

export async function listUnits(db: Queryable): Promise<Unit[]> {
  return db.query<Unit>(`SELECT ${UNIT_COLUMNS} FROM units ORDER BY code`);
}

export async function listRules(db: Queryable): Promise<DispatchRule[]> {
  return db.query<DispatchRule>(
    'SELECT category_code AS "categoryCode", region_code AS "regionCode", unit_code AS "unitCode" FROM dispatch_rules ORDER BY category_code, region_code',
  );
}

const same = (a: Unit, b: Unit) =>
  a.name === b.name && a.kind === b.kind && a.parentCode === b.parentCode && a.phone === b.phone && a.active === b.active;

/** Replaces the directory (dryRun: computes the summary and rolls back). */
export async function replaceDirectory(db: Db, dir: UnitDirectory, opts: { dryRun?: boolean } = {}): Promise<ImportSummary> {
  const rollback = new Error('dry run');
  let summary: ImportSummary | undefined;
  try {
    await db.transaction(async (tx) => {
      // one import at a time: two at once would interleave their deactivations
      await tx.query('LOCK TABLE units IN EXCLUSIVE MODE');
      const before = new Map((await listUnits(tx)).map((u) => [u.code, u]));
      const inFile = new Set(dir.units.map((u) => u.code));
      let added = 0;
      let updated = 0;
      let unchanged = 0;
      for (const u of dir.units) {
        const old = before.get(u.code);
        if (!old) added++;
        else if (same(old, u)) unchanged++;
        else updated++;
      }
      const gone = [...before.keys()].filter((code) => !inFile.has(code) && before.get(code)!.active);
      await tx.query(
        `INSERT INTO units (code, name, kind, parent_code, phone, active)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[])
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, parent_code = excluded.parent_code,
           phone = excluded.phone, active = excluded.active, updated_at = now()
         WHERE (units.name, units.kind, units.parent_code, units.phone, units.active)
           IS DISTINCT FROM (excluded.name, excluded.kind, excluded.parent_code, excluded.phone, excluded.active)`,
        [
          dir.units.map((u) => u.code),
          dir.units.map((u) => u.name),
          dir.units.map((u) => u.kind),
          dir.units.map((u) => u.parentCode),
          dir.units.map((u) => u.phone),
          dir.units.map((u) => u.active),
        ],
      );
      if (gone.length > 0) {
        await tx.query('UPDATE units SET active = false, updated_at = now() WHERE code = ANY($1::text[])', [gone]);
      }
      await tx.query('DELETE FROM dispatch_rules');
      if (dir.rules.length > 0) {
        await tx.query(
          `INSERT INTO dispatch_rules (category_code, region_code, unit_code)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
          [dir.rules.map((r) => r.categoryCode), dir.rules.map((r) => r.regionCode), dir.rules.map((r) => r.unitCode)],
        );
      }
      summary = { units: dir.units.length, rules: dir.rules.length, added, updated, unchanged, deactivated: gone.length };
      if (opts.dryRun) throw rollback;
    });
  } catch (e) {
    if (e !== rollback) throw e;
  }
  return summary!;
}
