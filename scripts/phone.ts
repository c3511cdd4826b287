/**
 * Simulates the phone system for demos and tests:
 *
 *   npm run phone -- --data DIR ring 13905371234 [--call-id ID] [--line 12345] [--ext 8001]
 *   npm run phone -- --data DIR answer [--call-id ID]
 *   npm run phone -- --data DIR end [--call-id ID]
 *
 * Reaches the workstation (browser harness or Electron) running on DIR through its loopback
 * telephony endpoint, whose port and token it reads from DIR/telephony-endpoint.json. `ring`
 * makes up a call id unless one is given and remembers it in DIR/telephony-simulator.json, so
 * `answer` and `end` without --call-id mean the last call rung. Prints the endpoint's answer;
 * exits 0 when the event was accepted, 1 when refused, 2 on a usage or connection problem.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ENDPOINT_FILE, type EndpointInfo } from '../src/main/telephony/http-endpoint';

const SIMULATOR_FILE = 'telephony-simulator.json';
const KINDS = { ring: 'ringing', answer: 'answered', end: 'ended' } as const;

function fail(message: string, code = 2): never {
  process.stderr.write(`phone: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      'call-id': { type: 'string' },
      line: { type: 'string', default: '12345' },
      ext: { type: 'string', default: '' },
    },
  });
  if (!values.data) fail('--data DIR is required: the data folder of the running workstation');
  const [verb, number] = positionals;
  if (!verb || !(verb in KINDS)) fail('usage: npm run phone -- --data DIR ring NUMBER | answer | end [--call-id ID]');
  const kind = KINDS[verb as keyof typeof KINDS];
  if (kind === 'ringing' && !number) fail('ring needs the caller’s number: npm run phone -- --data DIR ring 13905371234');

  const dataDir = resolve(values.data);
  const endpointFile = join(dataDir, ENDPOINT_FILE);
  if (!existsSync(endpointFile)) fail(`no workstation is running on ${dataDir} (${ENDPOINT_FILE} not found)`);
  const endpoint = JSON.parse(readFileSync(endpointFile, 'utf8')) as EndpointInfo;

  const simulatorFile = join(dataDir, SIMULATOR_FILE);
  let callId = values['call-id'];
  if (!callId && kind !== 'ringing' && existsSync(simulatorFile)) {
    callId = (JSON.parse(readFileSync(simulatorFile, 'utf8')) as { lastCallId?: string }).lastCallId;
  }
  if (!callId && kind !== 'ringing') fail(`${verb}: which call? ring first or give --call-id`);
  callId ??= `sim-${Date.now()}-${randomBytes(3).toString('hex')}`;

  const event = { kind, callId, callerNumber: number ?? '', calledLine: values.line, agentExtension: values.ext };
  let res: Response;
  try {
    res = await fetch(endpoint.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
  } catch (e) {
    fail(`cannot reach the workstation at ${endpoint.url}: ${(e as Error).message} (is it still running?)`);
  }
  const body = await res.text();
  process.stdout.write(`${body}\n`);
  if (!res.ok) process.exit(1);
  if (kind === 'ringing') writeFileSync(simulatorFile, JSON.stringify({ lastCallId: callId }) + '\n', { mode: 0o600 });
}

main().catch((e: unknown) => fail((e as Error).message));
