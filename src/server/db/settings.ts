/** server_settings: values generated once, on the first start, then kept for the database's life. */
import type { Queryable } from './adapter';

export async function ensureSetting(db: Queryable, key: string, generate: () => string): Promise<string> {
  // ON CONFLICT: two servers starting on one PostgreSQL agree on the first value written
  await db.query('INSERT INTO server_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, generate()]);
  const [row] = await db.query<{ value: string }>('SELECT value FROM server_settings WHERE key = $1', [key]);
  if (!row) throw new Error(`server setting ${key} missing after insert`);
  return row.value;
}
