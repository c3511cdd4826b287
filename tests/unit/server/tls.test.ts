/**
 * TLS on the server itself (--tls-cert/--tls-key) and a workstation that trusts the centre's own
 * CA from IT's policy file (serverCaFile). The certificates are made at test time with the
 * openssl command line (node:crypto cannot write X.509); without openssl the tests are skipped
 * with the reason printed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/main/config';
import { fetchTrusting, readCaFile } from '../../../src/main/sync/ca-fetch';
import { createHttpClient } from '../../../src/main/sync/http';
import { createAccount } from '../../../src/server/accounts/service';
import { buildServer } from '../../../src/server/app';
import type { Db } from '../../../src/server/db/adapter';
import { openPglite } from '../../../src/server/db/pglite';
import { loadTlsFiles } from '../../../src/server/tls';

const hasOpenssl = spawnSync('which', ['openssl']).status === 0;
if (!hasOpenssl) console.log('server TLS tests skipped: no openssl command to make a test certificate (`which openssl` found none)');

const root = resolve(__dirname, '../../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const cli = join(root, 'src/server/cli.ts');

describe.skipIf(!hasOpenssl)('TLS on the server and the CA a workstation trusts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-tls-'));
  const f = (name: string) => join(dir, name);
  let db: Db;
  let app: FastifyInstance;
  let url: string;
  const password = `pw-${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    // the centre's own CA, and the server's certificate signed by it for 127.0.0.1
    openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Hotline Test CA');
    openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
    // a second, unrelated CA: trusting it must not be enough
    openssl('req', '-x509', ...ec, '-keyout', 'other.key', '-out', 'other.pem', '-days', '2', '-subj', '/CN=Someone Else');

    db = await openPglite();
    app = await buildServer({ db, config: { scrypt: { N: 1024 } }, tls: loadTlsFiles(f('server.pem'), f('server.key')) });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `https://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    await createAccount(db, { username: 'op-tls', displayName: '话务员', role: 'operator', password }, { N: 1024, r: 8, p: 1, keyLength: 32 });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS that a workstation trusting the centre CA can sign in to and sync with, and nobody else', async () => {
    const http = createHttpClient({ baseUrl: url, fetch: fetchTrusting(readCaFile(f('ca.pem'))) });
    const login = await http.login('op-tls', password);
    expect(login.account.username).toBe('op-tls');
    const registered = await http.register(login.accessToken, `ws-${randomBytes(4).toString('hex')}`);
    expect(registered.lastMutationId).toBe(0);

    // the system's roots do not know the centre's CA, nor does a workstation trusting another CA
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    await expect(createHttpClient({ baseUrl: url }).login('op-tls', password)).rejects.toThrow(/cannot be reached/);
    await expect(createHttpClient({ baseUrl: url, fetch: fetchTrusting(readCaFile(f('other.pem'))) }).login('op-tls', password)).rejects.toThrow(
      /cannot be reached \(.*(CERT|certificate|SIGNATURE)/i,
    );
  });

  it('refuses to start on half a pair, an unreadable file or a file that is not PEM, saying which', () => {
    const run = (args: string[]) =>
      spawnSync(tsx, [cli, '--data', f('data'), '--port', '0', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, DATABASE_URL: '' } });
    const half = run(['--tls-cert', f('server.pem')]);
    expect(half.status).toBe(1);
    expect(half.stderr).toMatch(/--tls-cert and --tls-key go together: --tls-key is missing/);

    expect(() => loadTlsFiles(undefined, f('server.key'))).toThrow(/--tls-cert is missing/);
    expect(() => loadTlsFiles(f('missing.pem'), f('server.key'))).toThrow(/--tls-cert .*missing\.pem: cannot read the file \(ENOENT\)/);
    expect(() => loadTlsFiles(f('server.pem'), f('ext.cnf'))).toThrow(/--tls-key .*ext\.cnf: not a PEM private key/);
    expect(() => loadTlsFiles(f('server.key'), f('server.key'))).toThrow(/--tls-cert .*: not a PEM certificate/);
    // a certificate with somebody else's key
    expect(() => loadTlsFiles(f('server.pem'), f('other.key'))).toThrow(/unusable/);
    expect(loadTlsFiles(undefined, undefined)).toBeUndefined();
  });

  it('takes the CA from IT\'s policy file only, and checks it is a readable certificate', () => {
    const data = mkdtempSync(join(dir, 'ws-'));
    const policy = f('policy.json');
    const base = { resourcesDir: join(root, 'resources'), dataDir: data, policyFile: policy };
    writeFileSync(policy, JSON.stringify({ serverUrl: url, serverCaFile: f('ca.pem') }));
    expect(loadConfig(base)).toMatchObject({ serverUrl: url, serverCaFile: f('ca.pem') });

    writeFileSync(policy, JSON.stringify({ serverUrl: url, serverCaFile: f('nope.pem') }));
    expect(() => loadConfig(base)).toThrow(/policy\.json: serverCaFile .*nope\.pem: cannot read the file \(ENOENT\)/);
    writeFileSync(policy, JSON.stringify({ serverUrl: url, serverCaFile: f('ext.cnf') }));
    expect(() => loadConfig(base)).toThrow(/not a PEM certificate/);

    writeFileSync(policy, '{}');
    writeFileSync(join(data, 'config.json'), JSON.stringify({ serverCaFile: f('ca.pem') }));
    expect(() => loadConfig(base)).toThrow(/serverCaFile: only IT's policy file/);
  });
});
