import type { FastifyInstance } from 'fastify';
import { API } from '../api';
import { route } from '../http';
import type { AuthService } from './service';

export function registerAuthRoutes(app: FastifyInstance, auth: AuthService): void {
  route(app, API.login, auth, (body, { req }) => auth.login(body.username, body.password, req.ip));
  route(app, API.refresh, auth, (body) => auth.refresh(body.refreshToken));
  route(app, API.logout, auth, (body) => auth.logout(body.refreshToken));
}
