/**
 * A small FreeSWITCH event socket (mod_event_socket, inbound) on loopback, speaking the real wire
 * protocol: "Content-Type: auth/request", the client's "auth <password>", "+OK accepted" or
 * "-ERR invalid" and a disconnect; "event plain|json <names>" subscriptions answered with
 * "+OK event listener enabled …"; events framed with Content-Length and Content-Type
 * text/event-plain (url-encoded "Key: Value" lines) or text/event-json.
 */
import { createServer, type Server, type Socket } from 'node:net';

interface Session {
  socket: Socket;
  authed: boolean;
  format: 'plain' | 'json' | null;
  names: Set<string>;
}

export interface FakeEsl {
  port: number;
  auths: { password: string; ok: boolean }[];
  /** the subscription commands received, e.g. "event json CHANNEL_CREATE" */
  commands: string[];
  emit(name: string, fields: Record<string, string>): void;
  subscribed(name: string): number;
  dropAll(): void;
  close(): Promise<void>;
}

const frame = (headers: Record<string, string>, body = '') => {
  const head = { ...(body ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}), ...headers };
  return (
    Object.entries(head)
      .map(([k, v]) => `${k}: ${v}\n`)
      .join('') +
    '\n' +
    body
  );
};

export async function startFakeEsl(opts: { password: string }): Promise<FakeEsl> {
  const sessions = new Set<Session>();
  const auths: FakeEsl['auths'] = [];
  const commands: string[] = [];

  const server: Server = createServer((socket) => {
    const session: Session = { socket, authed: false, format: null, names: new Set() };
    sessions.add(session);
    socket.on('close', () => sessions.delete(session));
    socket.on('error', () => undefined);
    socket.write(frame({ 'Content-Type': 'auth/request' }));
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const command = buffer.slice(0, end).trim();
        buffer = buffer.slice(end + 2);
        const reply = (text: string) => socket.write(frame({ 'Content-Type': 'command/reply', 'Reply-Text': text }));
        if (command.startsWith('auth ')) {
          const ok = command.slice(5) === opts.password;
          auths.push({ password: command.slice(5), ok });
          if (ok) {
            session.authed = true;
            reply('+OK accepted');
          } else {
            reply('-ERR invalid');
            const notice = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';
            socket.end(frame({ 'Content-Type': 'text/disconnect-notice' }, notice));
          }
          continue;
        }
        if (!session.authed) {
          reply('-ERR command not found');
          continue;
        }
        const sub = /^event (plain|json) (.+)$/i.exec(command);
        if (sub) {
          commands.push(command);
          session.format = sub[1]!.toLowerCase() as 'plain' | 'json';
          for (const n of sub[2]!.split(/\s+/)) session.names.add(n.toUpperCase());
          reply(`+OK event listener enabled ${session.format}`);
          continue;
        }
        reply('-ERR command not found');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    auths,
    commands,
    emit: (name, fields) => {
      const all = { 'Event-Name': name, 'Core-UUID': '6f0c8b1e-0000-4000-8000-000000000001', ...fields };
      for (const s of sessions) {
        if (!s.authed || !s.format || !(s.names.has(name) || s.names.has('ALL'))) continue;
        const body =
          s.format === 'json'
            ? JSON.stringify(all)
            : Object.entries(all)
                .map(([k, v]) => `${k}: ${encodeURIComponent(v)}\n`)
                .join('') + '\n';
        s.socket.write(frame({ 'Content-Type': `text/event-${s.format}` }, body));
      }
    },
    subscribed: (name) => [...sessions].filter((s) => s.authed && s.names.has(name)).length,
    dropAll: () => {
      for (const s of sessions) s.socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sessions) s.socket.destroy();
        server.close(() => resolve());
      }),
  };
}
