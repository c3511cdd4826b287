/** sqlLiteral / inlineParams (src/server/db/adapter.ts): what commitWith sends must read back exactly. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineParams, sqlLiteral, type Db } from '../../../src/server/db/adapter';
import { openPglite } from '../../../src/server/db/pglite';

describe('sqlLiteral', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openPglite();
  });
  afterAll(async () => {
    await db.close();
  });

  it('writes text, integers, null and arrays that the database reads back unchanged', async () => {
    const texts = ["it's", 'back\\slash \\\' both', '{"a":"\\u0000"}', '$1 $2', '', '热线 E\'x\''];
    const sql = 'SELECT $1::text[] AS texts, $2::bigint[] AS ints, $3::bigint[] AS empty, $4::text AS one, $5::bigint AS n, $6::text AS nothing';
    const [row] = await db.query(inlineParams(sql, [texts, [1, -2, 9007199254740991], [], texts[1], 42, null]));
    expect(row).toEqual({ texts, ints: [1, -2, 9007199254740991], empty: [], one: texts[1], n: 42, nothing: null });
  });

  it('refuses what it cannot write safely', () => {
    expect(() => sqlLiteral(1.5)).toThrow(/safe integer/);
    expect(() => sqlLiteral('a\u0000b')).toThrow(/NUL/);
    expect(() => sqlLiteral({})).toThrow(/cannot write/);
    expect(() => inlineParams('SELECT $2', [1])).toThrow(/no parameter \$2/);
  });
});
