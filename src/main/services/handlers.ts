/**
 * The handler table: what each contract method does, in terms of the store and the sync
 * service. The same table serves Electron IPC and the browser harness (see dispatch.ts);
 * nothing here knows which.
 */
import pkg from '../../../package.json' with { type: 'json' };
import { SETTING_KEYS, type SessionState, type UpdateStatus } from '../../shared/contract';
import { UPDATES_NOT_CONFIGURED } from '../updates/service';
import { AccountListResponse, AdminAccountResponse } from '../../shared/admin';
import { AdminAuditResult } from '../../shared/desk-admin';
import { ReportOrders, ReportSummary } from '../../shared/reports/api';
import { CreateAccountResponse } from '../../shared/sync';
import { createAdminClient } from '../sync/admin';
import {
  FaceToFaceResponse,
  LeaderCurrentResponse,
  LeaderDispatchResponse,
  LeaderRotaResponse,
  LeaderSessionDetail,
  LeaderSessionList,
  LeaderSessionResponse,
  MeetingList,
  MeetingResponse,
} from '../../shared/leader';
import type { SessionView } from '../sync/auth';
import type { SyncService } from '../sync/service';
import type { RepeatLink, Store } from '../store/types';
import { StoreInputError } from '../store/errors';
import { LinkRefusedError } from '../store/orders';
import { DEFAULT_REPEAT_WINDOW_DAYS } from '../store/repeats';
import { ContractRefusal, type HandlerTable } from './dispatch';
import { lockedSettings, type AppConfig } from '../config';
import { writeDiagnostics } from '../diagnostics';
import type { StoreKey } from '../store/key';
import { serverFetch } from '../sync/ca-fetch';

/**
 * The intake draft belongs to an account, not to the workstation: one slot per username
 * (standalone: the configured operator). Before drafts were per account, the one draft of the
 * workstation had the key 'intake'; the first account to load a draft after the upgrade adopts it.
 */
const intakeDraftKey = (username: string): string => `intake:${username}`;
const LEGACY_INTAKE_DRAFT = 'intake';

/** A refused repeat link is the operator's to see beside the proposal: invalid_input on repeatOf ("repeatOf.already_linked"). */
function linkRefusalsAsInput<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof LinkRefusedError) throw new StoreInputError(`repeatOf.${e.refusal.code}`);
    throw e;
  }
}

const sessionState = (view: SessionView): SessionState => ({
  loginRequired: view.loginRequired,
  user: view.user && { username: view.user.username, displayName: view.user.displayName, role: view.user.role, mode: view.user.mode },
  endedReason: view.endedReason,
});

/** The update service as the handlers see it (src/main/updates/service.ts). */
export interface UpdateHandle {
  status(): UpdateStatus;
  checkNow(): Promise<void>;
}

export function createHandlers(
  store: Store,
  config: AppConfig,
  sync: SyncService,
  updates: () => UpdateHandle | null = () => null,
  /** the data folder, for 导出诊断信息; absent (tests): that method is refused */
  dataDir?: string,
  /** the store's key, for the diagnostics' second connection (db.ts resolveKey) */
  storeKey?: StoreKey | null,
): HandlerTable {
  /** Who logs a case now: the signed-in account (and its outbox client), or in standalone mode the configured operator. */
  const operator = (): { name: string; clientId: string | null } => {
    const user = sync.auth.current();
    if (user) return { name: user.username, clientId: user.clientId };
    if (sync.auth.loginRequired) throw new ContractRefusal('unauthorized', 'sign in before logging a case');
    return { name: config.operator, clientId: null };
  };

  /** Who reads work orders: the signed-in account; with a server configured, nobody else (standalone: anyone, read only). */
  const reader = () => {
    const user = sync.auth.current();
    if (!user && sync.auth.loginRequired) throw new ContractRefusal('unauthorized', 'sign in to see work orders');
    return user;
  };

  /** the last account seen signed in: a session that ends by itself still saves its draft there */
  let lastUser: string | null = null;
  /** Whose draft the form is: the signed-in account, or whose session just ended by itself. */
  const draftKey = (): string => {
    const user = sync.auth.current();
    if (user) {
      lastUser = user.username;
      return intakeDraftKey(user.username);
    }
    if (!sync.auth.loginRequired) return intakeDraftKey(config.operator);
    if (lastUser !== null && sync.auth.session().endedReason !== null) return intakeDraftKey(lastUser);
    throw new ContractRefusal('unauthorized', 'sign in to keep a draft');
  };

  // 系统管理: the server's admin routes as the signed-in account (src/main/sync/admin.ts)
  const admin = createAdminClient({
    serverUrl: config.serverUrl,
    auth: sync.auth,
    workstation: config.workstation,
    fetch: serverFetch(config),
  });
  // 领导接听 and 面对面: the centre's staff; each route checks its own roles (supervisors manage)
  const centre = createAdminClient({
    serverUrl: config.serverUrl,
    auth: sync.auth,
    workstation: config.workstation,
    fetch: serverFetch(config),
    roles: ['operator', 'supervisor', 'admin'],
  });
  // 统计分析: the centre's supervisors and admins
  const reports = createAdminClient({
    serverUrl: config.serverUrl,
    auth: sync.auth,
    workstation: config.workstation,
    fetch: serverFetch(config),
    roles: ['supervisor', 'admin'],
  });
  const accountAt = (path: string, body?: unknown) => admin.json({ method: 'POST', path, body }, AdminAccountResponse);
  const AuditPage = AdminAuditResult.options[0].omit({ ok: true });

  return {
    'app.info': (_input, ctx) => ({
      version: pkg.version,
      schemaVersion: store.schemaVersion,
      workstation: config.workstation,
      operator: sync.auth.current()?.username ?? (sync.auth.loginRequired ? '' : config.operator),
      transport: ctx.transport,
    }),
    'settings.get': () => {
      const locked = new Set<string>(lockedSettings(config));
      return {
        locale: config.locale,
        serverUrl: config.serverUrl ?? null,
        workstation: config.workstation,
        defaultAreaCode: config.defaultAreaCode,
        locked: SETTING_KEYS.filter((k) => locked.has(k)),
      };
    },
    'diagnostics.export': () => {
      if (!dataDir) throw new ContractRefusal('not_found', 'this workstation has no data folder to export diagnostics from');
      return writeDiagnostics({ dataDir, config, appVersion: pkg.version, key: storeKey });
    },
    'app.update': () => {
      const service = updates();
      if (!service) return UPDATES_NOT_CONFIGURED;
      // the server refused this version: look for the update now rather than at the next hourly check
      if (sync.status().state === 'update_required') void service.checkNow();
      return service.status();
    },
    'taxonomy.get': () => store.taxonomy(),
    'caller.history': ({ phone }) => store.callerHistory(phone),
    'repeat.propose': (input) => {
      const windowDays = config.repeatWindowDays ?? DEFAULT_REPEAT_WINDOW_DAYS;
      // standalone (no server): no orders pulled, nothing to propose; with one, only a signed-in account asks
      if (!sync.auth.current()) return { proposal: null, windowDays };
      return { proposal: sync.orders.propose(input, windowDays), windowDays };
    },
    'intake.save': ({ repeatOf, ...values }) => {
      const who = operator();
      let repeat: RepeatLink | null = null;
      if (repeatOf !== null) {
        const user = sync.auth.current();
        if (!user) throw new ContractRefusal('unauthorized', 'sign in to link a repeat call');
        repeat = linkRefusalsAsInput(() => sync.orders.linkFor(repeatOf, user));
      }
      const saved = linkRefusalsAsInput(() => store.saveIntake(values, who.name, { clientId: who.clientId, repeat }));
      store.clearDraft(intakeDraftKey(who.name));
      sync.kick();
      return saved;
    },
    'draft.load': () => {
      const key = draftKey();
      let found = store.loadDraft(key);
      const legacy = found ? null : store.loadDraft(LEGACY_INTAKE_DRAFT);
      if (legacy) {
        store.saveDraft(key, legacy.draft);
        store.clearDraft(LEGACY_INTAKE_DRAFT);
        found = legacy;
      }
      return found ? { draft: found.draft, updatedAt: found.updatedAt } : { draft: null, updatedAt: null };
    },
    'draft.save': ({ draft }) => store.saveDraft(draftKey(), draft),
    'draft.clear': () => ({ cleared: store.clearDraft(draftKey()) }),
    'search.query': ({ q, limit }) => store.search(q, limit),
    'case.get': ({ id }) => store.getCase(id),
    'auth.session': () => sessionState(sync.auth.session()),
    'auth.login': async ({ username, password }) => {
      const result = await sync.auth.login(username, password);
      return result.ok ? { ok: true as const, session: sessionState(result.session) } : result;
    },
    'auth.changePassword': async ({ username, password, newPassword }) => {
      const result = await sync.auth.changePassword(username, password, newPassword);
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
    // work orders (src/shared/desk-orders.ts): from the local store, pending local actions applied (store/orders.ts)
    'orders.queue': (input) => {
      reader();
      return sync.orders.queue(input);
    },
    'orders.get': (input) => sync.orders.get(input, reader()),
    'orders.act': (input) => {
      const user = sync.auth.current();
      if (!user) {
        throw new ContractRefusal('unauthorized', sync.auth.loginRequired ? 'sign in before acting on a work order' : 'work orders need a central server');
      }
      const result = sync.orders.act(input, user);
      if (result.ok) sync.kick();
      return result;
    },
    'orders.board': () => {
      reader();
      return sync.orders.board();
    },
    'units.list': () => sync.orders.units(sync.auth.current()),
    'admin.accounts': () => admin.json({ method: 'GET', path: '/api/accounts' }, AccountListResponse),
    'admin.createAccount': async (input) => {
      const created = await admin.json({ method: 'POST', path: '/api/accounts', body: input }, CreateAccountResponse);
      if (!created.ok) return created;
      // the create route answers the plain Account: the admin's view of it comes from the list
      const list = await admin.json({ method: 'GET', path: '/api/accounts', query: { q: input.username } }, AccountListResponse);
      if (!list.ok) return list;
      const account = list.accounts.find((a) => a.username === input.username);
      return account ? { ok: true as const, account } : { ok: false as const, code: 'server_error' as const, message: 'the new account is not listed', field: null };
    },
    'admin.setDisabled': ({ id, disabled }) => accountAt(`/api/accounts/${id}/${disabled ? 'disable' : 'enable'}`),
    'admin.resetPassword': ({ id, password }) => accountAt(`/api/accounts/${id}/password`, { password }),
    'admin.changeRole': ({ id, role, unitCode }) => accountAt(`/api/accounts/${id}/role`, { role, unitCode }),
    'admin.bindUnit': ({ id, unitCode }) => accountAt(`/api/accounts/${id}/unit`, { unitCode }),
    'admin.audit': (query) => admin.json({ method: 'GET', path: '/api/audit', query }, AuditPage),
    'admin.auditExport': (query) => admin.file({ method: 'GET', path: '/api/audit/export', query }),
    // 领导接听 and 面对面: online only (src/shared/desk-leader.ts)
    'leader.list': () => centre.json({ method: 'GET', path: '/api/leader/sessions' }, LeaderSessionList),
    'leader.current': () => centre.json({ method: 'GET', path: '/api/leader/current', query: { seat: config.workstation } }, LeaderCurrentResponse),
    'leader.create': (body) => centre.json({ method: 'POST', path: '/api/leader/sessions', body }, LeaderSessionResponse),
    'leader.rota': (body) => centre.json({ method: 'POST', path: '/api/leader/rota', body }, LeaderRotaResponse),
    'leader.get': ({ id }) => centre.json({ method: 'GET', path: `/api/leader/sessions/${id}` }, LeaderSessionDetail),
    'leader.end': ({ id }) => centre.json({ method: 'POST', path: `/api/leader/sessions/${id}/end`, body: {} }, LeaderSessionResponse),
    'leader.dispatch': ({ id, ...body }) => centre.json({ method: 'POST', path: `/api/leader/sessions/${id}/dispatch`, body }, LeaderDispatchResponse),
    'meetings.faceToFace': () => centre.json({ method: 'GET', path: '/api/meetings/face-to-face' }, FaceToFaceResponse),
    'meetings.create': (body) => centre.json({ method: 'POST', path: '/api/meetings', body }, MeetingResponse),
    'meetings.outcome': ({ id, ...body }) => centre.json({ method: 'POST', path: `/api/meetings/${id}/outcome`, body }, MeetingResponse),
    'meetings.forPhone': ({ phone }) => centre.json({ method: 'GET', path: '/api/meetings', query: { phone } }, MeetingList),
    // 统计分析: the server's report routes as the signed-in supervisor / admin (src/server/reports/routes.ts)
    'reports.summary': async (query) => {
      const r = await reports.json({ method: 'GET', path: '/api/reports/summary', query }, ReportSummary);
      if (!r.ok) return r;
      const { ok: _ok, ...summary } = r;
      return { ok: true as const, summary };
    },
    'reports.orders': async (query) => {
      const r = await reports.json({ method: 'GET', path: '/api/reports/orders', query }, ReportOrders);
      if (!r.ok) return r;
      return { ok: true as const, orders: { total: r.total, rows: r.rows } };
    },
    'reports.export': (query) => reports.file({ method: 'GET', path: '/api/reports/export', query }),
    'reports.printPdf': async ({ filename }, ctx) => {
      if (!ctx.printToPdf) return { printed: false, filename, base64: '' };
      const pdf = await ctx.printToPdf();
      return { printed: true, filename, base64: pdf.toString('base64') };
    },
  };
}
