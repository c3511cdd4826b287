/**
 * Starts the telephony sources the configuration asks for (AppConfig.telephony) around one hub:
 * the loopback HTTP endpoint (on unless `telephony.http.enabled` is false), Asterisk AMI and
 * FreeSWITCH ESL. Electron adds the hotline:// URL (src/main/electron). A source that cannot
 * connect keeps retrying in the background and never stops the workstation.
 */
import type { TelephonyConfig } from '../config';
import { startAmi, type SourceStatus, type TelephonySourceHandle } from './ami';
import { startEsl } from './esl';
import { startPhoneEndpoint, type PhoneEndpoint } from './http-endpoint';
import type { TelephonyHub } from './hub';

export { createTelephonyHub, type TelephonyHub } from './hub';

export interface Telephony {
  endpoint: PhoneEndpoint | null;
  status(): Record<string, SourceStatus>;
  close(): Promise<void>;
}

export async function startTelephony(opts: {
  hub: TelephonyHub;
  config: TelephonyConfig | undefined;
  dataDir: string;
  onError?: (message: string) => void;
}): Promise<Telephony> {
  const onError = opts.onError ?? (() => undefined);
  const sources: Record<string, TelephonySourceHandle> = {};
  let endpoint: PhoneEndpoint | null = null;
  if (opts.config?.http?.enabled !== false) {
    endpoint = await startPhoneEndpoint({ hub: opts.hub, dataDir: opts.dataDir });
  }
  if (opts.config?.ami) sources.ami = startAmi(opts.config.ami, opts.hub, onError);
  if (opts.config?.esl) sources.esl = startEsl(opts.config.esl, opts.hub, onError);
  return {
    endpoint,
    status: () => Object.fromEntries(Object.entries(sources).map(([name, s]) => [name, s.status()])),
    close: async () => {
      await Promise.all([endpoint?.close(), ...Object.values(sources).map((s) => s.close())]);
    },
  };
}
