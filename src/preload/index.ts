/**
 * The preload exposes exactly the contract and nothing else: one `invoke` that refuses any
 * method not named in src/shared/contract.ts before it reaches IPC, and one `on` for the
 * contract's named events (main → renderer). Bundled into a single
 * CommonJS file because a sandboxed preload cannot require() modules.
 */
import { contextBridge, ipcRenderer } from 'electron';
import {
  BRIDGE_GLOBAL,
  EVENT_CHANNEL,
  IPC_CHANNEL,
  isEventName,
  isMethod,
  type Backend,
  type Envelope,
  type EventName,
} from '../shared/contract';

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
  /** only the named events of the contract; the listener never sees the IPC event object */
  on: ((event: unknown, listener: unknown) => {
    if (!isEventName(event) || typeof listener !== 'function') return () => undefined;
    const wanted: EventName = event;
    const handler = (_e: unknown, name: unknown, data: unknown) => {
      if (name === wanted) (listener as (data: unknown) => void)(data);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  }) as Backend['on'],
} satisfies Backend;

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
