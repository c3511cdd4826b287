import type { FastifyInstance } from 'fastify';
import { API } from '../api';
import type { AuthService } from '../auth/service';
import { route } from '../http';
import { registerClient } from './clients';
import { pull } from './pull';
import { push, type SyncDeps } from './push';

export function registerSyncRoutes(app: FastifyInstance, deps: SyncDeps & { serverId: string; auth: AuthService }): void {
  route(app, API.registerClient, deps.auth, async (body, { caller }) => ({
    clientId: body.clientId,
    ...(await registerClient(deps.db, caller.id, body.clientId)),
    serverId: deps.serverId,
  }));
  route(app, API.push, deps.auth, (body, { caller }) => push(deps, caller, body), { bodyLimit: deps.config.pushBodyLimit });
  route(app, API.pull, deps.auth, (body, { caller }) => pull(deps, caller, body));
}
