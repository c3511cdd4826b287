/**
 * buildServer: the whole HTTP server on a given database, without listening — the CLI listens,
 * tests call app.inject(). On build it migrates the database and creates, on first start, the
 * server id. The token signing secret is not in the database: the caller passes it.
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { SYNC_MIN_SCHEMA_VERSION, SYNC_SCHEMA_VERSION } from '../shared/sync';
import { registerAccountRoutes } from './accounts/routes';
import { API } from './api';
import { registerAuditRoutes } from './audit/routes';
import { registerAuthRoutes } from './auth/routes';
import { AuthService } from './auth/service';
import { newSecret } from './auth/tokens';
import { resolveConfig, type ServerConfigOverrides } from './config';
import type { Db } from './db/adapter';
import { migrate } from './db/migrations';
import { ensureSetting } from './db/settings';
import { HttpError, installErrorHandlers } from './errors';
import { route } from './http';
import { buildOpenApi } from './openapi';
import { registerPortalStatic } from './portal-static';
import { registerSyncRoutes } from './sync/routes';
import { registerUnitRoutes } from './units/routes';
import { readTaxonomyDir, registerTaxonomyRoute, SHIPPED_TAXONOMY_DIR } from './taxonomy';
import { registerWorkOrderRoutes } from './workorders/routes';
import { registerLeaderRoutes } from './leader/routes';
import { registerReportRoutes } from './reports/routes';

export interface BuildServerOptions {
  /** the caller opens and closes it (src/server/db/open.ts) */
  db: Db;
  config?: ServerConfigOverrides;
  /** clock, epoch ms; injectable for tests */
  now?: () => number;
  /** pino options, or false for silence (tests) */
  logger?: FastifyServerOptions['logger'];
  /** behind a reverse proxy: take the client IP (for login limits) from X-Forwarded-For */
  trustProxy?: boolean;
  /**
   * the key that signs access tokens (src/server/auth/secret.ts; the CLI loads it from its own
   * file or the environment). Absent: a random key for this process only (tests), so tokens die
   * with it.
   */
  tokenSecret?: Buffer;
  /** the built unit portal (out/portal), served at /portal/; absent: no portal routes */
  portalDir?: string;
  /** categories.json and regions.json for GET /api/taxonomy; absent: the shipped resources/taxonomy */
  taxonomyDir?: string;
  /** the folder of first-sync snapshots (npm run snapshot --out), served at /api/sync/snapshot; absent: none */
  snapshotDir?: string;
  /** serve HTTPS with this certificate and key (src/server/tls.ts checks them); absent: plain HTTP */
  tls?: { cert: Buffer; key: Buffer };
}

export async function buildServer(opts: BuildServerOptions): Promise<FastifyInstance> {
  const config = resolveConfig(opts.config);
  // before the database: a bad folder stops the start with the file and the problem
  const taxonomy = readTaxonomyDir(opts.taxonomyDir ?? SHIPPED_TAXONOMY_DIR);
  const now = opts.now ?? Date.now;
  const { db } = opts;
  await migrate(db);
  const secret = opts.tokenSecret ?? Buffer.from(newSecret(), 'base64');
  const serverId = await ensureSetting(db, 'server_id', () => randomBytes(6).toString('hex'));

  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: config.bodyLimit,
    trustProxy: opts.trustProxy ?? false,
    // the routes do not care which server carries them: typed as the plain HTTP instance
    ...(opts.tls ? { https: { cert: opts.tls.cert, key: opts.tls.key } } : {}),
  }) as unknown as FastifyInstance;
  installErrorHandlers(app);
  // JSON only: any other body type is a 415, not a string our schemas would misread
  app.removeContentTypeParser('text/plain');
  const auth = new AuthService({ db, config, now, secret });
  const openapi = buildOpenApi();

  route(app, API.health, auth, async () => {
    try {
      await db.query('SELECT 1');
    } catch {
      throw new HttpError(503, 'db_unavailable', 'the database does not answer');
    }
    return { status: 'ok' as const, db: db.kind, schemaVersion: SYNC_SCHEMA_VERSION, minSchemaVersion: SYNC_MIN_SCHEMA_VERSION };
  });
  route(app, API.openapi, auth, async () => openapi);
  registerAuthRoutes(app, auth);
  registerAccountRoutes(app, { db, config, auth, now });
  registerAuditRoutes(app, { db, auth, now });
  registerSyncRoutes(app, { db, config, now, serverId, auth, snapshotDir: opts.snapshotDir ?? null });
  registerUnitRoutes(app, { db, auth, config, now });
  registerTaxonomyRoute(app, { auth, taxonomy });
  registerWorkOrderRoutes(app, { db, config, now, auth });
  registerLeaderRoutes(app, { db, config, now, auth });
  registerReportRoutes(app, { db, auth, taxonomy, now });
  if (opts.portalDir) registerPortalStatic(app, opts.portalDir);
  return app;
}
