import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { followUpSettings } from '../../shared/workorders';
import { checkDirectory, MAX_IMPORT_BYTES } from '../../shared/units';
import { API } from '../api';
import type { AuthService } from '../auth/service';
import type { ServerConfig } from '../config';
import type { Db } from '../db/adapter';
import { HttpError } from '../errors';
import { route } from '../http';
import { auditSource, recordAudit } from '../audit/service';
import { listRules, listUnits, replaceDirectory } from './service';
import { readDirectoryFile, SheetError } from './spreadsheet';

export function registerUnitRoutes(app: FastifyInstance, deps: { db: Db; auth: AuthService; config: ServerConfig; now: () => number }): void {
  const workflow = {
    operatorMayDispatch: deps.config.workOrders.settings.operatorMayDispatch,
    deadlineRules: deps.config.workOrders.deadlineRules,
    followUp: (({ satisfiedLevels, ...rest }) => ({ ...rest, satisfiedLevels: [...satisfiedLevels] }))(followUpSettings(deps.config.workOrders.settings)),
  };
  route(app, API.units, deps.auth, async () => ({ units: await listUnits(deps.db), rules: await listRules(deps.db), workflow }));
  // GET /api/units carries an ETag (a hash of the body): a workstation that asks after every sync
  // cycle with If-None-Match gets 304 and no body while nothing changed
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.method !== 'GET' || req.routeOptions.url !== API.units.path || reply.statusCode !== 200 || typeof payload !== 'string') {
      return payload;
    }
    const etag = `"${createHash('sha256').update(payload).digest('base64url').slice(0, 32)}"`;
    reply.header('etag', etag);
    if (req.headers['if-none-match'] === etag) {
      reply.code(304);
      return '';
    }
    return payload;
  });

  route(
    app,
    API.importUnits,
    deps.auth,
    async (body, { caller, req }) => {
      const file = Buffer.from(body.fileBase64, 'base64');
      if (file.length > MAX_IMPORT_BYTES) {
        throw new HttpError(413, 'body_too_large', `the file is larger than ${MAX_IMPORT_BYTES} bytes`);
      }
      let read;
      try {
        read = await readDirectoryFile(file, body.format);
      } catch (e) {
        if (e instanceof SheetError) throw new HttpError(422, 'invalid_directory', e.problem.en, { problems: [e.problem] });
        throw e;
      }
      const checked = checkDirectory(read.units, read.rules);
      if (!checked.ok) {
        throw new HttpError(
          422,
          'invalid_directory',
          `the spreadsheet has ${checked.problems.length} problem(s); nothing was imported`,
          { problems: checked.problems.slice(0, 500) },
        );
      }
      const summary = await replaceDirectory(deps.db, checked.directory, { dryRun: body.dryRun });
      req.log.info({ by: caller.username, dryRun: body.dryRun, ...summary }, 'units directory imported');
      if (!body.dryRun) {
        await recordAudit(
          deps.db,
          {
            actor: { id: caller.id, username: caller.username, role: caller.role },
            action: 'units.import',
            targetType: 'units',
            target: 'units',
            source: auditSource(req),
            details: { format: body.format, ...summary },
          },
          deps.now(),
        );
      }
      return { dryRun: body.dryRun, ...summary };
    },
    { bodyLimit: Math.ceil((MAX_IMPORT_BYTES * 4) / 3) + 4096 },
  );
}
