/**
 * Serving first-sync snapshots (SnapshotManifest, src/shared/sync.ts) from `--snapshot-dir`:
 * `manifest.json` and the `snapshot-<createdAt>.sqlite` it names, as written by
 * `npm run snapshot` (scripts/snapshot.ts → src/main/sync/snapshot-build.ts; the server does not
 * import workstation code, it only reads the files).
 *
 * GET /api/sync/snapshot       the manifest, or 404 snapshot_unavailable saying why
 * GET /api/sync/snapshot/file  the file; ETag "<sha256>"; Range: bytes=a-b | a- | -n (one range)
 *                              → 206 with Content-Range, If-Range with the ETag (a changed
 *                              snapshot answers 200 with the whole new file), 416 otherwise
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { SnapshotManifest } from '../../shared/sync';
import { HttpError } from '../errors';

export const SNAPSHOT_MANIFEST = 'manifest.json';
/** the file is read in 1 MiB pieces (64 KiB by default: four times the system calls and stream turns for a gigabyte) */
const READ_CHUNK = 1 << 20;

export interface ServedSnapshot {
  manifest: SnapshotManifest;
  file: string;
}

/** The current snapshot of `dir`, checked against its file; throws 404 snapshot_unavailable with the reason. */
export function currentSnapshot(dir: string | null | undefined): ServedSnapshot {
  const unavailable = (why: string) => new HttpError(404, 'snapshot_unavailable', `no snapshot: ${why}; pull page by page`);
  if (!dir) throw unavailable('this server was started without --snapshot-dir');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dir, SNAPSHOT_MANIFEST), 'utf8'));
  } catch (e) {
    throw unavailable((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'none built yet (npm run snapshot)' : `unreadable manifest (${(e as Error).message})`);
  }
  const parsed = SnapshotManifest.safeParse(raw);
  const name = (raw as { file?: unknown } | null)?.file;
  if (!parsed.success || typeof name !== 'string' || basename(name) !== name || !/^snapshot-\d+\.sqlite$/.test(name)) {
    throw unavailable('the manifest is not valid');
  }
  const file = join(dir, name);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw unavailable(`its file ${name} is missing`);
  }
  if (size !== parsed.data.bytes) throw unavailable(`its file ${name} has ${size} bytes, the manifest says ${parsed.data.bytes}`);
  return { manifest: parsed.data, file };
}

export interface FileAnswer {
  status: 200 | 206;
  headers: Record<string, string>;
  body: Readable;
}

/** The file, whole or the asked range. */
export function snapshotFileAnswer(snap: ServedSnapshot, range: string | undefined, ifRange: string | undefined): FileAnswer {
  const size = snap.manifest.bytes;
  const etag = `"${snap.manifest.sha256}"`;
  const headers: Record<string, string> = {
    etag,
    'accept-ranges': 'bytes',
    'cache-control': 'private, no-store',
    'content-disposition': `attachment; filename="${basename(snap.file)}"`,
  };
  // If-Range names another (older) snapshot: the whole current file instead of a piece of it
  const useRange = range !== undefined && (ifRange === undefined || ifRange === etag);
  if (!useRange) {
    return { status: 200, headers: { ...headers, 'content-length': String(size) }, body: createReadStream(snap.file, { highWaterMark: READ_CHUNK }) };
  }
  const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (!m || (m[1] === '' && m[2] === '')) {
    throw new HttpError(400, 'invalid_request', 'Range: give one range, bytes=FIRST-[LAST] or bytes=-SUFFIX', { field: 'range' });
  }
  let first: number;
  let last: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    first = Math.max(0, size - suffix);
    last = size - 1;
  } else {
    first = Number(m[1]);
    last = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || first >= size || last < first) {
    throw new HttpError(416, 'range_not_satisfiable', `Range ${range}: the file has ${size} bytes`);
  }
  return {
    status: 206,
    headers: { ...headers, 'content-range': `bytes ${first}-${last}/${size}`, 'content-length': String(last - first + 1) },
    body: createReadStream(snap.file, { start: first, end: last, highWaterMark: READ_CHUNK }),
  };
}
