import type { FastifyInstance } from 'fastify';
import { API } from '../api';
import type { AuthService } from '../auth/service';
import { HttpError } from '../errors';
import { RawBody, RawJson, route } from '../http';
import { currentSnapshot, snapshotFileAnswer } from './snapshot';
import { registerClient } from './clients';
import { pull } from './pull';
import { push, type SyncDeps } from './push';

export function registerSyncRoutes(
  app: FastifyInstance,
  deps: SyncDeps & { serverId: string; auth: AuthService; snapshotDir?: string | null },
): void {
  route(app, API.snapshot, deps.auth, async () => {
    const { manifest } = currentSnapshot(deps.snapshotDir);
    // a snapshot of another database (a folder copied between servers) would be refused by its cursor later
    if (manifest.serverId !== deps.serverId) {
      throw new HttpError(404, 'snapshot_unavailable', `no snapshot: the one in --snapshot-dir was built from another server database (${manifest.serverId})`);
    }
    return manifest;
  });
  route(app, API.snapshotFile, deps.auth, async (_body, { req }) => {
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const answer = snapshotFileAnswer(currentSnapshot(deps.snapshotDir), header('range'), header('if-range'));
    req.log.info({ status: answer.status, range: answer.headers['content-range'] ?? null }, 'snapshot download');
    return new RawBody(answer.body, 'application/vnd.sqlite3', answer.headers, answer.status);
  });
  route(app, API.registerClient, deps.auth, async (body, { caller }) => ({
    clientId: body.clientId,
    ...(await registerClient(deps.db, caller.id, body.clientId)),
    serverId: deps.serverId,
  }));
  route(
    app,
    API.push,
    deps.auth,
    async (body, { caller, req }) => {
      const result = await push(deps, caller, body);
      req.log.info(
        {
          clientId: body.clientId,
          account: caller.username,
          mutations: body.mutations.length,
          lastMutationId: result.lastMutationId,
          rejections: result.rejections.length,
        },
        'push applied',
      );
      return result;
    },
    { bodyLimit: deps.config.pushBodyLimit },
  );
  route(app, API.pull, deps.auth, async (body, { caller, req }) => {
    const page = await pull(deps, caller, body);
    req.log.debug({ clientId: body.clientId, account: caller.username, changes: page.changes, more: page.more }, 'pull served');
    return new RawJson(page.json);
  });
}
