import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { openStore } from '../../../src/main/store/store';
import { tempDir } from './helpers';

const WRITER = join(import.meta.dirname, 'fixtures/durable-writer.ts');

/** Starts the writer, SIGKILLs it once `acknowledged` numbers were printed, returns them all. */
function killMidStream(file: string, acknowledged: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    const seen: string[] = [];
    let partial = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      seen.push(...lines);
      if (seen.length >= acknowledged && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(seen);
      else reject(new Error(`writer exited with ${code}: ${stderr}`));
    });
  });
}

describe('durability', () => {
  it('every case acknowledged before a SIGKILL is there after reopening, and the file is intact', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'hotline.sqlite');
      const acknowledged = await killMidStream(file, 300);
      expect(acknowledged.length).toBeGreaterThanOrEqual(300);

      const store = openStore({ file, workstation: 'W001' });
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      store.db.exec("INSERT INTO case_search (case_search, rank) VALUES ('integrity-check', 0)");
      const stored = new Set((store.db.prepare('SELECT local_no FROM cases').pluck().all() as string[]));
      const missing = acknowledged.filter((no) => !stored.has(no));
      expect(missing).toEqual([]);
      // every stored case has its contact, caller and outbox row: the transaction is all or nothing
      const counts = store.db
        .prepare('SELECT (SELECT count(*) FROM cases) AS cases, (SELECT count(*) FROM contacts) AS contacts, (SELECT count(*) FROM outbox) AS outbox')
        .get();
      expect(counts).toEqual({ cases: stored.size, contacts: stored.size, outbox: stored.size });
      // numbering continues after the last committed case
      const next = store.saveIntake(
        {
          phone: '13805371234', callerName: '', channel: 'hotline', requestType: 'consult', categoryCode: 'C0201',
          regionCode: '370811001', address: '', content: '咨询物业费标准', urgency: 'normal', handlingMode: 'direct',
          answer: '已告知', confidential: false,
        },
        'op001',
      );
      expect(stored.has(next.localNo)).toBe(false);
      store.close();
    } finally {
      cleanup();
    }
  });
});
