/**
 * The handler table: what each contract method does, in terms of the store. The same table
 * serves Electron IPC and the browser harness (see dispatch.ts); nothing here knows which.
 */
import pkg from '../../../package.json' with { type: 'json' };
import type { Store } from '../store/types';
import type { HandlerTable } from './dispatch';
import type { AppConfig } from '../config';

/** The only draft slot for now: the intake form of this workstation. */
const INTAKE_DRAFT = 'intake';

export function createHandlers(store: Store, config: AppConfig): HandlerTable {
  return {
    'app.info': (_input, ctx) => ({
      version: pkg.version,
      schemaVersion: store.schemaVersion,
      workstation: config.workstation,
      operator: config.operator,
      transport: ctx.transport,
    }),
    'taxonomy.get': () => store.taxonomy(),
    'caller.history': ({ phone }) => store.callerHistory(phone),
    'intake.save': (values) => {
      const saved = store.saveIntake(values, config.operator);
      store.clearDraft(INTAKE_DRAFT);
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
  };
}
