/**
 * The handler table: what each contract method does, in terms of the store and the sync
 * service. The same table serves Electron IPC and the browser harness (see dispatch.ts);
 * nothing here knows which.
 */
import pkg from '../../../package.json' with { type: 'json' };
import type { SessionState } from '../../shared/contract';
import type { SessionView } from '../sync/auth';
import type { SyncService } from '../sync/service';
import type { Store } from '../store/types';
import { ContractRefusal, type HandlerTable } from './dispatch';
import type { AppConfig } from '../config';

/** The only draft slot for now: the intake form of this workstation. */
const INTAKE_DRAFT = 'intake';

const sessionState = (view: SessionView): SessionState => ({
  loginRequired: view.loginRequired,
  user: view.user && { username: view.user.username, displayName: view.user.displayName, role: view.user.role, mode: view.user.mode },
  endedReason: view.endedReason,
});

export function createHandlers(store: Store, config: AppConfig, sync: SyncService): HandlerTable {
  /** Who logs a case now: the signed-in account (and its outbox client), or in standalone mode the configured operator. */
  const operator = (): { name: string; clientId: string | null } => {
    const user = sync.auth.current();
    if (user) return { name: user.username, clientId: user.clientId };
    if (sync.auth.loginRequired) throw new ContractRefusal('unauthorized', 'sign in before logging a case');
    return { name: config.operator, clientId: null };
  };

  return {
    'app.info': (_input, ctx) => ({
      version: pkg.version,
      schemaVersion: store.schemaVersion,
      workstation: config.workstation,
      operator: sync.auth.current()?.username ?? (sync.auth.loginRequired ? '' : config.operator),
      transport: ctx.transport,
    }),
    'taxonomy.get': () => store.taxonomy(),
    'caller.history': ({ phone }) => store.callerHistory(phone),
    'intake.save': (values) => {
      const who = operator();
      const saved = store.saveIntake(values, who.name, { clientId: who.clientId });
      store.clearDraft(INTAKE_DRAFT);
      sync.kick();
      return saved;
    },
    'draft.load': () => {
      const found = store.loadDraft(INTAKE_DRAFT);
      return found ? { draft: found.draft, updatedAt: found.updatedAt } : { draft: null, updatedAt: null };
    },
    'draft.save': ({ draft }) => store.saveDraft(INTAKE_DRAFT, draft),
    'draft.clear': () => ({ cleared: store.clearDraft(INTAKE_DRAFT) }),
    'search.query': ({ q, limit }) => store.search(q, limit),
    'case.get': ({ id }) => store.getCase(id),
    'auth.session': () => sessionState(sync.auth.session()),
    'auth.login': async ({ username, password }) => {
      const result = await sync.auth.login(username, password);
      return result.ok ? { ok: true as const, session: sessionState(result.session) } : result;
    },
    'auth.logout': () => {
      const view = sync.auth.logout();
      // the account's last changes still go out, then its refresh token is revoked (sync/auth.ts)
      sync.kick();
      return sessionState(view);
    },
    'sync.status': () => sync.status(),
    'sync.now': async () => {
      await sync.job?.syncNow();
      return sync.status();
    },
    'sync.rejections': ({ includeDismissed }) =>
      sync.store.rejections({ includeDismissed, markSeen: true }).map((r) => ({
        id: r.id,
        username: r.username,
        mutationId: r.mutationId,
        name: r.name,
        code: r.code,
        reason: r.reason,
        rejectedAt: r.rejectedAt,
        localNo: r.localNo,
        caseId: r.caseId,
        seen: r.seen,
        dismissed: r.dismissed,
      })),
    'sync.dismissRejection': ({ id }) => ({ dismissed: sync.store.dismissRejection(id) }),
  };
}
