import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/main/config';

const resourcesDir = resolve(__dirname, '../../../resources');

function withPolicy(policy: object) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cfg-tel-'));
  const policyFile = join(dataDir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify(policy));
  return { resourcesDir, dataDir, policyFile };
}

describe('telephony configuration (policy keys)', () => {
  it('is optional, and takes AMI and ESL with the default ports', () => {
    expect(loadConfig(withPolicy({})).telephony).toBeUndefined();
    const cfg = loadConfig(
      withPolicy({
        telephony: {
          http: { enabled: false },
          ami: { host: '10.0.0.5', username: 'hotline', secret: 's3cret', extension: '8001' },
          esl: { host: 'fs.example', password: 'ClueCon', extension: '8001' },
        },
      }),
    );
    expect(cfg.telephony).toEqual({
      http: { enabled: false },
      ami: { host: '10.0.0.5', port: 5038, username: 'hotline', secret: 's3cret', extension: '8001' },
      esl: { host: 'fs.example', port: 8021, password: 'ClueCon', extension: '8001' },
    });
  });

  it('names the key of a bad telephony setting', () => {
    expect(() => loadConfig(withPolicy({ telephony: { ami: { host: 'x', port: 70000, username: 'u', secret: 's', extension: '8001' } } }))).toThrow(
      /policy\.json: telephony\.ami\.port/,
    );
    expect(() => loadConfig(withPolicy({ telephony: { esl: { host: 'x', password: 'p', extension: '80 01' } } }))).toThrow(/telephony\.esl\.extension/);
    expect(() => loadConfig(withPolicy({ telephony: { sip: {} } }))).toThrow(/telephony/);
  });
});
