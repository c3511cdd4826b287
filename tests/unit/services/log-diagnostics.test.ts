/**
 * The workstation's log and diagnostics export (issue 9, item 5): the log file is masked and
 * rotates; the diagnostics hold versions, configuration without secrets, the store's integrity
 * check and counts, the log tail — and none of a case's data.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../../src/main/config';
import { collectDiagnostics, DIAGNOSTICS_DIR, type Diagnostics } from '../../../src/main/diagnostics';
import { dispatch } from '../../../src/main/services/dispatch';
import { createHandlers } from '../../../src/main/services/handlers';
import { startSync } from '../../../src/main/sync/service';
import { createMainLog } from '../../../src/main/log';
import { STORE_FILE } from '../../../src/main/store/paths';
import { openStore } from '../../../src/main/store/store';
import { intake, TAXONOMY } from '../store/helpers';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'hotline-log-'));
  dirs.push(d);
  return d;
};

describe('main-process log', () => {
  it('writes masked JSON lines 0600 under <data>/logs and rotates by size', () => {
    const dataDir = tmp();
    const echoed: string[] = [];
    const log = createMainLog({ dataDir, maxBytes: 400, keep: 2, echo: (l) => echoed.push(l) });
    log.info('case saved', { phone: '13905371234', callerName: '张三', content: '小区噪音' });
    log.error('push failed', { err: new Error('server refused 13905371234') });
    const text = readFileSync(log.file, 'utf8');
    for (const s of ['13905371234', '张三', '小区噪音']) expect(text).not.toContain(s);
    expect(text).toContain('*******1234');
    expect(statSync(log.file).mode & 0o777).toBe(0o600);
    expect(echoed).toHaveLength(1); // errors and warnings are echoed, masked
    expect(echoed[0]).not.toContain('13905371234');
    for (let i = 0; i < 30; i++) log.info('tick', { i });
    expect(statSync(log.file).size).toBeLessThanOrEqual(400);
    expect(statSync(`${log.file}.2`).size).toBeGreaterThan(0);
    expect(log.tail(2).map((l) => JSON.parse(l).i)).toEqual([28, 29]);
  });
});

describe('diagnostics export', () => {
  it('holds versions, safe configuration, integrity and counts, the log tail — no case data', () => {
    const dataDir = tmp();
    const store = openStore({ file: join(dataDir, STORE_FILE), workstation: 'W001' });
    store.loadTaxonomy(TAXONOMY.categories, TAXONOMY.regions);
    store.saveIntake(intake({ phone: '13905371234', callerName: '王秀英', content: '阳光花园楼下烧烤油烟扰民', address: '任城区古槐街道阳光花园3号楼' }), 'op');
    store.close();
    const log = createMainLog({ dataDir, echo: () => {} });
    log.warn('sync failed', { phone: '13905371234' });
    const config: AppConfig = {
      workstation: 'W001',
      operator: 'op',
      defaultAreaCode: '0537',
      locale: 'zh-CN',
      serverUrl: 'https://user:pw@hotline.example.lan:8345/',
      telephony: { ami: { host: '10.0.0.5', port: 5038, username: 'hotline', secret: 'ami-secret', extension: '8001' } },
    };
    const d = collectDiagnostics({ dataDir, config, appVersion: '0.1.0' });
    const text = JSON.stringify(d);
    for (const s of ['13905371234', '王秀英', '烧烤', '阳光花园', 'ami-secret', 'user:pw']) expect(text).not.toContain(s);
    expect(d.versions).toMatchObject({ app: '0.1.0', node: process.versions.node });
    expect(d.store).toMatchObject({ integrity: ['ok'], counts: { cases: 1, contacts: 1 } });
    expect(d.store!.schemaVersion).toBeGreaterThan(0);
    expect(d.config).toMatchObject({ workstation: 'W001', serverUrl: 'https://hotline.example.lan:8345/' });
    expect(d.logTail.at(-1)).toContain('sync failed');
  });

  it('导出诊断信息 in the app writes the same bundle to <data>/diagnostics, 0600, through the contract', async () => {
    const dataDir = tmp();
    const store = openStore({ file: join(dataDir, STORE_FILE), workstation: 'W002' });
    store.loadTaxonomy(TAXONOMY.categories, TAXONOMY.regions);
    store.saveIntake(intake({ phone: '13905375678', callerName: '李建国', content: '井盖缺失有安全隐患', address: '太白湖新区' }), 'op');
    const config: AppConfig = { workstation: 'W002', operator: 'op', defaultAreaCode: '0537', locale: 'zh-CN' };
    const sync = startSync({ db: store.db });
    try {
      const handlers = createHandlers(store, config, sync, () => null, dataDir);
      const res = await dispatch(handlers, 'diagnostics.export', {}, { transport: 'browser' });
      expect(res.ok).toBe(true);
      const { file, bytes } = (res as { ok: true; data: { file: string; bytes: number } }).data;
      expect(file.startsWith(join(dataDir, DIAGNOSTICS_DIR, 'diagnostics-'))).toBe(true);
      expect(statSync(file).size).toBe(bytes);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const text = readFileSync(file, 'utf8');
      const bundle = JSON.parse(text) as Diagnostics;
      // the same bundle as the command line's, taken from the store the app holds open
      expect(Object.keys(bundle)).toEqual(Object.keys(collectDiagnostics({ dataDir, config })));
      expect(bundle).toMatchObject({ kind: 'hotline-desk/diagnostics@1', config: { workstation: 'W002' }, store: { integrity: ['ok'], counts: { cases: 1 } } });
      for (const s of ['13905375678', '李建国', '井盖', '太白湖']) expect(text).not.toContain(s);
      // a workstation without a data folder (tests) refuses, rather than writing somewhere else
      const none = await dispatch(createHandlers(store, config, sync), 'diagnostics.export', {}, { transport: 'browser' });
      expect(none).toMatchObject({ ok: false, error: { code: 'not_found' } });
    } finally {
      sync.stop();
      store.close();
    }
  });
});
