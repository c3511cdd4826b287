/**
 * Reads FTS5's structure record (row 10 of the %_data table; format per SQLite's
 * fts5_index.c, fts5StructureDecode) into levels and segments, so tests can check where the
 * bulk-built search index sits and that later writes leave it alone.
 */
import type Database from 'better-sqlite3';

export interface Segment {
  id: number;
  pages: number;
}

const V2_MARKER = Buffer.from([0xff, 0x00, 0x00, 0x01]);

function varint(b: Buffer, at: number): [bigint, number] {
  let v = 0n;
  for (let k = 0; k < 9; k++) {
    const c = b[at + k]!;
    if (k === 8) return [(v << 8n) | BigInt(c), at + 9];
    v = (v << 7n) | BigInt(c & 0x7f);
    if ((c & 0x80) === 0) return [v, at + k + 1];
  }
  throw new Error('unreachable');
}

/** segments per level, index = level */
export function searchIndexLevels(db: Database.Database): Segment[][] {
  const b = db.prepare('SELECT block FROM case_search_data WHERE id = 10').pluck().get() as Buffer;
  let i = 4;
  const v2 = b.subarray(4, 8).equals(V2_MARKER);
  if (v2) i += 4;
  const [nLevel, afterLevels] = varint(b, i);
  i = afterLevels;
  [, i] = varint(b, i); // segment count
  [, i] = varint(b, i); // write counter
  const levels: Segment[][] = [];
  for (let l = 0; l < Number(nLevel); l++) {
    let total: bigint;
    [, i] = varint(b, i); // segments being merged
    [total, i] = varint(b, i);
    const segments: Segment[] = [];
    for (let s = 0; s < Number(total); s++) {
      let id: bigint, first: bigint, last: bigint;
      [id, i] = varint(b, i);
      [first, i] = varint(b, i);
      [last, i] = varint(b, i);
      // origins, tombstone pages and entries, entry count
      if (v2) for (let x = 0; x < 5; x++) [, i] = varint(b, i);
      segments.push({ id: Number(id), pages: Number(last - first + 1n) });
    }
    levels.push(segments);
  }
  return levels;
}
