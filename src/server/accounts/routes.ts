import type { FastifyInstance } from 'fastify';
import { API } from '../api';
import type { AuthService } from '../auth/service';
import type { Db } from '../db/adapter';
import type { ServerConfig } from '../config';
import { route } from '../http';
import { createAccount } from './service';

export function registerAccountRoutes(app: FastifyInstance, deps: { db: Db; config: ServerConfig; auth: AuthService }): void {
  route(app, API.createAccount, deps.auth, async (body, { caller, req }) => {
    const account = await createAccount(deps.db, body, deps.config.scrypt);
    req.log.info({ account: account.username, role: account.role, by: caller.username }, 'account created');
    return { account };
  });
}
