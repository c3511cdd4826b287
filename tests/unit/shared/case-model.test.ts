/**
 * One case model, many projections: the record (CaseCreateCase) against the pull payload
 * (CaseChange), the store's SQLite columns and the server's PostgreSQL columns. A field added in
 * one place and forgotten in another fails here.
 */
import { describe, expect, it } from 'vitest';
import { CASE_CHANGE_EXTRA_FIELDS, CASE_STORAGE, CONTACT_STORAGE } from '../../../src/shared/case-model';
import { CaseChange, CaseCreateCase, CaseCreateContact, ContactChange } from '../../../src/shared/sync';
import { openStore } from '../../../src/main/store/store';
import { BACKENDS, openMigrated } from '../server/helpers';

const keys = (o: object) => Object.keys(o).sort();
const storeColumns = (m: Record<string, { store: readonly string[] | null }>) => Object.values(m).flatMap((f) => f.store ?? []);
const serverColumns = (m: Record<string, { server: readonly string[] }>) => Object.values(m).flatMap((f) => f.server);

describe('the case record and its projections', () => {
  it('places every field of the record and of its first contact', () => {
    expect(keys(CASE_STORAGE)).toEqual(keys(CaseCreateCase.shape));
    expect(keys(CONTACT_STORAGE)).toEqual(keys(CaseCreateContact.shape));
  });

  it('pulls the record with only the server-known fields added', () => {
    expect(keys(CaseChange.shape)).toEqual([...keys(CaseCreateCase.shape), ...CASE_CHANGE_EXTRA_FIELDS].sort());
    expect(keys(ContactChange.shape)).toEqual(keys(CaseCreateContact.shape));
  });

  it("has a column for every field in the workstation's store", () => {
    const store = openStore({ file: ':memory:', workstation: 'W001' });
    try {
      const cols = (table: string) => store.db.prepare<[], { name: string }>(`PRAGMA table_info(${table})`).all().map((c) => c.name);
      expect(cols('cases')).toEqual(expect.arrayContaining(storeColumns(CASE_STORAGE)));
      expect(cols('contacts')).toEqual(expect.arrayContaining(storeColumns(CONTACT_STORAGE)));
    } finally {
      store.close();
    }
  });

  it("has a column for every field in the server's database", async () => {
    const t = await openMigrated(BACKENDS[0]!);
    const db = t.db;
    try {
      const cols = async (table: string) =>
        (await db.query<{ column_name: string }>('SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema()', [table])).map(
          (r) => r.column_name,
        );
      expect(await cols('cases')).toEqual(expect.arrayContaining(serverColumns(CASE_STORAGE)));
      expect(await cols('contacts')).toEqual(expect.arrayContaining(serverColumns(CONTACT_STORAGE)));
    } finally {
      await t.drop();
    }
  });
});
