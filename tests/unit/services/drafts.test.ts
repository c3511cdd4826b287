/** The intake draft belongs to the signed-in account, not to the workstation. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { dispatch } from '../../../src/main/services/dispatch';
import { IntakeDraft } from '../../../src/shared/schemas';
import { Clock, openWorkstation, startTestServer, tempDir, type TestServer, type TestWorkstation } from '../sync/helpers';

const clock = new Clock();
let server: TestServer;
const { dir, cleanup } = tempDir('hotline-drafts-');
const open: TestWorkstation[] = [];
let files = 0;

function workstation(serverUrl?: string): TestWorkstation {
  const ws = openWorkstation({ file: join(dir, `ws-${++files}.sqlite`), serverUrl, clock });
  open.push(ws);
  return ws;
}

const draft = (content: string): IntakeDraft => IntakeDraft.parse({ phone: '13805371234', content });

beforeAll(async () => {
  server = await startTestServer(clock);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((ws) => ws.close()));
});
afterAll(async () => {
  await server.close();
  cleanup();
});

describe('intake drafts per account', () => {
  it('two accounts on one workstation keep separate drafts', async () => {
    const a = await server.account();
    const b = await server.account();
    const ws = workstation(server.url);

    await ws.call('auth.login', a);
    await ws.call('draft.save', { draft: draft('甲的草稿：楼道漏水') });
    await ws.call('auth.logout', {});

    await ws.call('auth.login', b);
    expect(await ws.call('draft.load', {})).toEqual({ draft: null, updatedAt: null });
    await ws.call('draft.save', { draft: draft('乙的草稿：路灯不亮') });
    await ws.call('auth.logout', {});

    await ws.call('auth.login', a);
    expect((await ws.call('draft.load', {})).draft?.content).toBe('甲的草稿：楼道漏水');
    // saving a case clears only this account's draft
    await ws.log();
    expect((await ws.call('draft.load', {})).draft).toBeNull();
    await ws.call('auth.logout', {});

    await ws.call('auth.login', b);
    expect((await ws.call('draft.load', {})).draft?.content).toBe('乙的草稿：路灯不亮');
    await ws.call('draft.clear', {});
    expect((await ws.call('draft.load', {})).draft).toBeNull();
  });

  it('keeps no draft for nobody: signed out, drafts are refused', async () => {
    const ws = workstation(server.url);
    for (const [method, input] of [
      ['draft.load', {}],
      ['draft.save', { draft: draft('无主草稿内容') }],
      ['draft.clear', {}],
    ] as const) {
      expect(await dispatch(ws.handlers, method, input, { transport: 'browser' })).toMatchObject({
        ok: false,
        error: { code: 'unauthorized' },
      });
    }
  });

  it('standalone, the draft belongs to the configured operator', async () => {
    const ws = workstation();
    await ws.call('draft.save', { draft: draft('单机草稿内容') });
    expect(ws.store.loadDraft('intake:standalone-op')?.draft.content).toBe('单机草稿内容');
    expect((await ws.call('draft.load', {})).draft?.content).toBe('单机草稿内容');
  });

  it('the workstation draft of an older version is adopted by the first account that loads one', async () => {
    const a = await server.account();
    const b = await server.account();
    const ws = workstation(server.url);
    ws.store.saveDraft('intake', draft('升级前的草稿'));

    await ws.call('auth.login', a);
    expect((await ws.call('draft.load', {})).draft?.content).toBe('升级前的草稿');
    expect(ws.store.loadDraft('intake')).toBeNull();
    await ws.call('auth.logout', {});

    await ws.call('auth.login', b);
    expect((await ws.call('draft.load', {})).draft).toBeNull();
  });
});
