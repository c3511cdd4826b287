/**
 * Downloading a first-sync snapshot (SnapshotManifest, src/shared/sync.ts) next to the store,
 * resumable across restarts: the bytes go to `<store>.snapshot.part`, the manifest they belong
 * to to `<store>.snapshot.part.json` (both 0600, in the data folder, which is 0700). A later
 * run with the same snapshot on offer (same sha256) asks for the rest with `Range` and
 * `If-Range`; if the server has a newer snapshot meanwhile it answers 200 with the whole new
 * file and the download starts over. The sha256 is computed while the bytes arrive (the part
 * already on disk is hashed again first), and the finished file is renamed to
 * `<store>.snapshot` only when it matches.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import type { SnapshotManifest } from '../../shared/sync';
import { NetworkError } from './http';

/** The file is not the snapshot the manifest describes: do not retry it, pull page by page. */
export class SnapshotRejected extends Error {
  override readonly name = 'SnapshotRejected';
}

export const snapshotPaths = (storeFile: string) => ({
  file: `${storeFile}.snapshot`,
  part: `${storeFile}.snapshot.part`,
  info: `${storeFile}.snapshot.part.json`,
});

/** Removes every file a download left (after an install, or when the store is no longer new). */
export function removeSnapshotFiles(storeFile: string): void {
  const p = snapshotPaths(storeFile);
  for (const f of [p.file, p.part, p.info, `${p.file}-journal`, `${p.file}-wal`, `${p.file}-shm`]) rmSync(f, { force: true });
}

export interface DownloadOptions {
  storeFile: string;
  manifest: SnapshotManifest;
  /** GET the file from byte `from` (Range + If-Range when from > 0); 200 or 206, else throws */
  open(from: number, etag: string, signal: AbortSignal): Promise<Response>;
  /** bytes on disk so far, as they grow */
  onProgress?(bytes: number): void;
  signal?: AbortSignal;
  /** no byte for this long: the connection is given up (NetworkError; the next attempt resumes) */
  stallMs?: number;
}

async function hashPrefix(file: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
}

/** Downloads and checks the sha256; returns the verified file's path (`<store>.snapshot`). */
export async function downloadSnapshot(o: DownloadOptions): Promise<{ file: string; resumedFrom: number }> {
  const p = snapshotPaths(o.storeFile);
  const { manifest } = o;
  const etag = `"${manifest.sha256}"`;
  let hash = createHash('sha256');
  let have = 0;
  let previous: { sha256?: string } | null = null;
  try {
    previous = JSON.parse(readFileSync(p.info, 'utf8')) as { sha256?: string };
  } catch {
    previous = null;
  }
  if (previous?.sha256 === manifest.sha256 && existsSync(p.part) && statSync(p.part).size <= manifest.bytes) {
    have = statSync(p.part).size;
    await hashPrefix(p.part, hash);
  } else {
    rmSync(p.part, { force: true });
    rmSync(p.file, { force: true });
    writeFileSync(p.info, JSON.stringify(manifest), { mode: 0o600 });
  }
  const resumedFrom = have;
  o.onProgress?.(have);
  if (have < manifest.bytes) {
    const stall = new AbortController();
    const signal = o.signal ? AbortSignal.any([o.signal, stall.signal]) : stall.signal;
    const stallMs = o.stallMs ?? 30_000;
    let timer = setTimeout(() => stall.abort(), stallMs);
    const fd = { value: -1 };
    try {
      const res = await o.open(have, etag, signal);
      if (res.status === 206) {
        const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(res.headers.get('content-range') ?? '');
        if (!range || Number(range[1]) !== have || Number(range[3]) !== manifest.bytes) {
          throw new SnapshotRejected(`the server answered the range ${res.headers.get('content-range')} to bytes=${have}-`);
        }
      } else {
        // the whole file (a server without ranges, or a new snapshot): start over
        have = 0;
        hash = createHash('sha256');
      }
      if (res.headers.get('etag') !== etag) throw new SnapshotRejected(`the file's ETag ${res.headers.get('etag')} is not the manifest's ${etag}`);
      fd.value = openSync(p.part, have === 0 ? 'w' : 'a', 0o600);
      if (!res.body) throw new NetworkError('/api/sync/snapshot/file: an answer without a body');
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          clearTimeout(timer);
          timer = setTimeout(() => stall.abort(), stallMs);
          if (have + chunk.length > manifest.bytes) throw new SnapshotRejected(`the file is longer than the manifest's ${manifest.bytes} bytes`);
          writeSync(fd.value, chunk);
          hash.update(chunk);
          have += chunk.length;
          o.onProgress?.(have);
        }
      } catch (e) {
        if (e instanceof SnapshotRejected || o.signal?.aborted) throw e;
        throw new NetworkError(`/api/sync/snapshot/file: cut after ${have} of ${manifest.bytes} bytes (${(e as Error).message}); the next attempt resumes`);
      }
      fsyncSync(fd.value);
    } finally {
      clearTimeout(timer);
      if (fd.value >= 0) closeSync(fd.value);
    }
    if (have < manifest.bytes) throw new NetworkError(`/api/sync/snapshot/file: cut after ${have} of ${manifest.bytes} bytes; the next attempt resumes`);
  }
  const digest = hash.digest('hex');
  if (digest !== manifest.sha256) {
    // a corrupted file (or a part from elsewhere): never again
    for (const f of [p.part, p.info]) rmSync(f, { force: true });
    throw new SnapshotRejected(`sha256 ${digest} is not the manifest's ${manifest.sha256}`);
  }
  renameSync(p.part, p.file);
  rmSync(p.info, { force: true });
  return { file: p.file, resumedFrom };
}
