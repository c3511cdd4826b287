/**
 * The unit portal's static files (src/server/portal-static.ts): only files inside the built
 * folder, whatever the path encoding; index.html for client routes; the CSP and nosniff on every
 * answer; a clear 404 telling to build the portal when it is not built.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandlers } from '../../../src/server/errors';
import { NOT_BUILT_MESSAGE, PORTAL_CSP, portalSegments, registerPortalStatic } from '../../../src/server/portal-static';

let base: string;
let built: FastifyInstance;
let empty: FastifyInstance;

async function serverOn(dir: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  installErrorHandlers(app);
  registerPortalStatic(app, dir);
  await app.ready();
  return app;
}

/** a request whose path goes to the socket exactly as written (no URL normalisation) */
function rawGet(app: FastifyInstance, path: string): Promise<{ status: number; body: string }> {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'portal-static-'));
  const dir = join(base, 'portal');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>单位门户</title>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(dir, 'assets', 'index-abc123.css'), 'body{}');
  writeFileSync(join(dir, '.env'), 'SECRET=1');
  writeFileSync(join(base, 'secret.txt'), 'outside the portal');
  symlinkSync(join(base, 'secret.txt'), join(dir, 'assets', 'link.txt'));
  built = await serverOn(dir);
  await built.listen({ port: 0, host: '127.0.0.1' });
  empty = await serverOn(join(base, 'missing'));
});

afterAll(async () => {
  await built?.close();
  await empty?.close();
  rmSync(base, { recursive: true, force: true });
});

describe('portal static files', () => {
  it('serves index.html at /portal/ and for client routes, with the CSP, nosniff and no caching', async () => {
    for (const url of ['/portal/', '/portal/orders/6b1c0f0e-1', '/portal/?x=1']) {
      const res = await built.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toContain('单位门户');
      expect(res.headers['content-security-policy']).toBe(PORTAL_CSP);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
    expect(PORTAL_CSP).toContain("script-src 'self';");
    expect(PORTAL_CSP).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(PORTAL_CSP).toContain("frame-ancestors 'none'");
    const bare = await built.inject({ method: 'GET', url: '/portal' });
    expect(bare.statusCode).toBe(301);
    expect(bare.headers.location).toBe('/portal/');
  });

  it('serves the bundles with their content types and long caching', async () => {
    const js = await built.inject({ method: 'GET', url: '/portal/assets/index-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    expect(js.headers['content-security-policy']).toBe(PORTAL_CSP);
    const css = await built.inject({ method: 'GET', url: '/portal/assets/index-abc123.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const missing = await built.inject({ method: 'GET', url: '/portal/assets/nope.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['x-content-type-options']).toBe('nosniff');
  });

  it('never reads outside the folder: traversal, encoded and double-encoded dots, backslashes, NUL, dot-files, links', async () => {
    const attacks = [
      '/portal/../secret.txt',
      '/portal/assets/../../secret.txt',
      '/portal/%2e%2e/secret.txt',
      '/portal/%2E%2E%2Fsecret.txt',
      '/portal/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/portal/%252e%252e/secret.txt',
      '/portal/..%5csecret.txt',
      '/portal/assets\\..\\..\\secret.txt',
      '/portal/%c0%ae%c0%ae/secret.txt',
      '/portal/secret.txt%00.js',
      '/portal/%',
      '/portal/.env',
      '/portal/assets/./index-abc123.js',
      '/portal//etc/passwd',
      '/portal/assets/link.txt',
    ];
    for (const path of attacks) {
      const res = await rawGet(built, path);
      expect(res.body, path).not.toContain('outside the portal');
      expect(res.body, path).not.toContain('SECRET');
      expect([400, 404], path).toContain(res.status);
    }
    expect(portalSegments('/portal/%2e%2e/x')).toBeNull();
    expect(portalSegments('/portal/a/b.js')).toEqual(['a', 'b.js']);
    expect(portalSegments('/portal/')).toEqual([]);
  });

  it('answers 404 with the command to run when the portal is not built', async () => {
    for (const url of ['/portal/', '/portal/orders/1', '/portal/assets/index.js']) {
      const res = await empty.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).toBe(NOT_BUILT_MESSAGE);
      expect(res.body).toContain('npm run build:portal');
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    }
  });

  it('leaves the API alone: other paths are not the portal', async () => {
    const res = await built.inject({ method: 'GET', url: '/api/orders' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'not_found' });
  });
});
