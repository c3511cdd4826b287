/**
 * The preload exposes exactly the contract and nothing else: one `invoke` that refuses any
 * method not named in src/shared/contract.ts before it reaches IPC. Bundled into a single
 * CommonJS file because a sandboxed preload cannot require() modules.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL, IPC_CHANNEL, isMethod, type Backend, type Envelope } from '../shared/contract';

const bridge = {
  invoke: ((method: unknown, input: unknown) => {
    if (!isMethod(method)) {
      const refused: Envelope<never> = {
        ok: false,
        error: { code: 'unknown_method', message: `unknown method: ${String(method).slice(0, 64)}` },
      };
      return Promise.resolve(refused);
    }
    return ipcRenderer.invoke(IPC_CHANNEL, method, input);
  }) as Backend['invoke'],
} satisfies Backend;

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
