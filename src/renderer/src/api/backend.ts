/**
 * The renderer's only door to the main process. In Electron the preload defines
 * `window.hotline` (src/preload); in the browser harness the same contract travels over a
 * WebSocket to the same handler table (src/main/harness). Either way callers get an Envelope,
 * never an exception.
 */
import {
  BRIDGE_GLOBAL,
  type Backend,
  type Envelope,
  type EventData,
  type EventName,
  type Method,
  type MethodInput,
  type MethodOutput,
} from '../../../shared/contract';

type Pending = { resolve: (e: Envelope<unknown>) => void };

/** WebSocket transport for the browser harness; reconnects when the socket drops. */
class SocketBackend implements Backend {
  private socket: WebSocket | null = null;
  private opening: Promise<WebSocket> | null = null;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private listeners = new Map<string, Set<(data: unknown) => void>>();

  constructor(private readonly url: string) {}

  private connect(): Promise<WebSocket> {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) return Promise.resolve(this.socket);
    if (this.opening) return this.opening;
    this.opening = new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(this.url);
      ws.onopen = () => {
        this.socket = ws;
        this.opening = null;
        resolve(ws);
      };
      ws.onerror = () => {
        this.opening = null;
        reject(new Error('harness connection failed'));
      };
      ws.onclose = () => {
        this.socket = null;
        for (const [, p] of this.pending) {
          p.resolve({ ok: false, error: { code: 'internal', message: 'connection closed' } });
        }
        this.pending.clear();
      };
      ws.onmessage = (ev) => {
        const msg = JSON.parse(String(ev.data)) as { id: number; event?: unknown; data?: unknown } & Envelope<unknown>;
        // main's events come without id: {event, data}
        if (msg.id === undefined && typeof msg.event === 'string') {
          for (const listener of this.listeners.get(msg.event) ?? []) listener(msg.data);
          return;
        }
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        p.resolve(msg.ok ? { ok: true, data: msg.data } : { ok: false, error: msg.error });
      };
    });
    return this.opening;
  }

  on<E extends EventName>(event: E, listener: (data: EventData<E>) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as (data: unknown) => void);
    this.listeners.set(event, set);
    // events only reach an open socket
    void this.connect().catch(() => undefined);
    return () => set.delete(listener as (data: unknown) => void);
  }

  async invoke<M extends Method>(method: M, input: MethodInput<M>): Promise<Envelope<MethodOutput<M>>> {
    let ws: WebSocket;
    try {
      ws = await this.connect();
    } catch (e) {
      return { ok: false, error: { code: 'internal', message: (e as Error).message } };
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve: resolve as (e: Envelope<unknown>) => void });
      ws.send(JSON.stringify({ id, method, input }));
    });
  }
}

function createBackend(): Backend {
  const bridged = (globalThis as Record<string, unknown>)[BRIDGE_GLOBAL] as Backend | undefined;
  if (bridged) return bridged;
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return new SocketBackend(`${scheme}://${location.host}/ws?token=${encodeURIComponent(token)}`);
}

export const backend: Backend = createBackend();

/** Calls a method and throws on error: for places where an error is a bug, not a user's mistake. */
export async function call<M extends Method>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const res = await backend.invoke(method, input);
  if (!res.ok) throw Object.assign(new Error(res.error.message), { contractError: res.error });
  return res.data;
}
