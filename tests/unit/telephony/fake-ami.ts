/**
 * A small Asterisk manager interface on loopback, speaking the real wire protocol: a greeting
 * line, then messages of "Key: Value\r\n" lines ended by an empty line. It answers Action: Login
 * (Success or Error "Authentication failed"), Logoff, anything else with Success, and sends
 * events to every logged-in connection that asked for them (Events: on).
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface FakeAmi {
  port: number;
  /** login attempts seen: username and whether it was accepted */
  logins: { username: string; ok: boolean }[];
  /** sends "Event: name" and the fields to every logged-in client */
  emit(name: string, fields: Record<string, string>): void;
  /** drops every connection, as a PBX restart would */
  dropAll(): void;
  loggedIn(): number;
  close(): Promise<void>;
}

const serialize = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('') + '\r\n';

export async function startFakeAmi(opts: { username: string; secret: string }): Promise<FakeAmi> {
  const sessions = new Set<Socket>();
  const all = new Set<Socket>();
  const logins: FakeAmi['logins'] = [];

  const server: Server = createServer((socket) => {
    all.add(socket);
    socket.on('close', () => {
      all.delete(socket);
      sessions.delete(socket);
    });
    socket.on('error', () => undefined);
    socket.setEncoding('utf8');
    socket.write('Asterisk Call Manager/7.0.3\r\n');
    let buffer = '';
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\r\n\r\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 4);
        const msg: Record<string, string> = {};
        for (const line of block.split('\r\n')) {
          const i = line.indexOf(': ');
          if (i > 0) msg[line.slice(0, i).toLowerCase()] = line.slice(i + 2);
        }
        const actionId = msg.actionid ?? '';
        switch ((msg.action ?? '').toLowerCase()) {
          case 'login': {
            const ok = msg.username === opts.username && msg.secret === opts.secret;
            logins.push({ username: msg.username ?? '', ok });
            if (ok) {
              if ((msg.events ?? 'on').toLowerCase() !== 'off') sessions.add(socket);
              socket.write(serialize({ Response: 'Success', ActionID: actionId, Message: 'Authentication accepted' }));
            } else {
              socket.write(serialize({ Response: 'Error', ActionID: actionId, Message: 'Authentication failed' }));
            }
            break;
          }
          case 'logoff':
            socket.end(serialize({ Response: 'Goodbye', ActionID: actionId, Message: 'Thanks for all the fish.' }));
            break;
          default:
            socket.write(serialize({ Response: sessions.has(socket) ? 'Success' : 'Error', ActionID: actionId }));
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    logins,
    emit: (name, fields) => {
      const text = serialize({ Event: name, Privilege: 'call,all', ...fields });
      for (const s of sessions) s.write(text);
    },
    dropAll: () => {
      for (const s of all) s.destroy();
    },
    loggedIn: () => sessions.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of all) s.destroy();
        server.close(() => resolve());
      }),
  };
}
