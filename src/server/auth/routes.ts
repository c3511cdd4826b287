import type { FastifyInstance } from 'fastify';
import { API } from '../api';
import { route } from '../http';
import type { AuthService } from './service';

export function registerAuthRoutes(app: FastifyInstance, auth: AuthService): void {
  route(app, API.login, auth, async (body, { req }) => {
    try {
      return await auth.login(body.username, body.password, req.ip);
    } catch (e) {
      // failed logins are what an intrusion looks like: keep them in the log, never the password
      req.log.warn({ username: body.username, ip: req.ip, error: (e as { code?: string }).code }, 'login refused');
      throw e;
    }
  });
  route(app, API.refresh, auth, (body) => auth.refresh(body.refreshToken));
  route(app, API.logout, auth, (body) => auth.logout(body.refreshToken));
}
