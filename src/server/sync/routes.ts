import type { FastifyInstance } from 'fastify';
import { API } from '../api';
import type { AuthService } from '../auth/service';
import { RawJson, route } from '../http';
import { registerClient } from './clients';
import { CaseJsonCache, pull } from './pull';
import { push, type SyncDeps } from './push';

export function registerSyncRoutes(app: FastifyInstance, deps: SyncDeps & { serverId: string; auth: AuthService }): void {
  // this instance's memo of cases' JSON by version (pull.ts): never shared between databases
  const caseJson = new CaseJsonCache();
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
    const page = await pull({ ...deps, caseJson }, caller, body);
    req.log.debug({ clientId: body.clientId, account: caller.username, changes: page.changes, more: page.more }, 'pull served');
    return new RawJson(page.json);
  });
}
