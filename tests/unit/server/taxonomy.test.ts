/**
 * GET /api/taxonomy: the category tree and region list for anyone signed in (the portal names
 * codes with it), and a bad --taxonomy-dir stops the server before it starts, naming the file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/server/app';
import { namePaths } from '../../../src/shared/taxonomy';
import { BACKENDS, serverPerSuite, type TestServer } from './helpers';

describe('GET /api/taxonomy', () => {
  let s: TestServer;
  serverPerSuite(BACKENDS[0]!, (_db, server) => {
    s = server;
  });

  it('answers a signed-in account of any role with the shipped names, and 401 without a token', async () => {
    expect((await s.call('GET', '/api/taxonomy')).status).toBe(401);
    const unit = await s.account('operator');
    const res = await s.call('GET', '/api/taxonomy', undefined, unit.token);
    expect(res.status).toBe(200);
    const body = res.body as { categories: never[]; regions: never[] };
    expect(namePaths(body.categories).get('C0102')).toEqual(['城乡建设', '市政设施']);
    expect(namePaths(body.regions).get('370811001')).toEqual(['任城区', '古槐街道']);
  });
});

describe('--taxonomy-dir', () => {
  it('refuses to build a server on a folder whose file is broken, naming the file and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'taxonomy-'));
    writeFileSync(join(dir, 'categories.json'), JSON.stringify([{ code: 'C01', name: '' }]));
    writeFileSync(join(dir, 'regions.json'), '[]');
    // the folder is read before the database is touched: no db needed to see the refusal
    await expect(buildServer({ db: null as never, taxonomyDir: dir })).rejects.toThrow(/categories\.json: 0\.name/);
    await expect(buildServer({ db: null as never, taxonomyDir: join(dir, 'missing') })).rejects.toThrow(/cannot read .*categories\.json/);
  });
});
