/**
 * The workstation store's interface, as the main-process services see it. The implementation
 * (src/main/store/store.ts) is better-sqlite3; tests, the harness, the seed generator and the
 * benchmarks all use this same interface.
 */
import type { CallTimes, IntakeDraft, IntakeValues, CallerHistory, CaseDetail, SearchResult } from '../../shared/schemas';
import type { TaxonomyNode } from '../../shared/domain';
import type { CaseCreateArgs } from '../../shared/sync';
import type { StoreKey } from './key';

export interface StoreOptions {
  /** the SQLite file; ':memory:' for throwaway stores in tests */
  file: string;
  /** workstation code used in provisional case numbers (W001-20261127-0001) */
  workstation: string;
  /** default landline area code for bare local numbers */
  defaultAreaCode?: string;
  /** clock, injectable for tests */
  now?: () => number;
  /**
   * the store's encryption key (key.ts): undefined = the development key (harness, tests,
   * tools), null = a plain store (only where IT's policy allows it). A plain store opened with
   * a key is encrypted in place first (encrypt.ts).
   */
  key?: StoreKey | null;
  /** tests: interrupt the encryption of a plain store at a step (encrypt.ts) */
  onEncryptStep?: (step: 'copied' | 'rekeyed') => void;
}

/**
 * 重复件: the call is saved as a repeat of this order (repeat_of, 转办, closed, never dispatched);
 * `link(caseUuid, at)` runs inside the intake's transaction after the case's outbox row and
 * queues the order's link_call (store/orders.ts linkFor); if it throws, nothing is saved.
 */
export interface RepeatLink {
  orderId: string;
  link(caseUuid: string, at: number): void;
}

export interface SaveOptions {
  clientId?: string | null;
  repeat?: RepeatLink | null;
}

export interface SaveResult {
  caseId: number;
  localNo: string;
  createdAt: number;
}

export interface Store {
  readonly schemaVersion: number;
  readonly clientId: string;

  /**
   * 受理: contact + case + outbox row + search index, one durable transaction. `clientId`: the
   * signed-in account's client (its next mutation id goes on the outbox row); absent in
   * standalone mode, where the row waits for the first account that signs in (sync-store.ts).
   */
  /** values.call: the phone system's call the case was logged during (screen pop), if any */
  saveIntake(values: IntakeValues & { call?: CallTimes | null; leaderSessionId?: string | null }, operator: string, opts?: SaveOptions): SaveResult;
  callerHistory(phoneText: string, opts?: { limit?: number }): CallerHistory;
  search(q: string, limit: number): SearchResult;
  getCase(id: number): CaseDetail | null;

  loadDraft(key: string): { draft: IntakeDraft; updatedAt: number } | null;
  saveDraft(key: string, draft: IntakeDraft): { updatedAt: number };
  clearDraft(key: string): boolean;

  /** replace the category tree and region list (from resources or configuration) */
  loadTaxonomy(categories: TaxonomyNode[], regions: TaxonomyNode[]): void;
  taxonomy(): { categories: TaxonomyNode[]; regions: TaxonomyNode[] };

  close(): void;
}

/**
 * The outbox row written with every intake (name 'case.create'), in the same transaction as
 * the case: everything the server needs to create the case and its first contact. The uuids
 * are the idempotency keys: a mutation pushed twice creates nothing twice. Its shape is the
 * protocol's (src/shared/sync.ts), not spelled out again here.
 */
export type CaseCreateMutation = CaseCreateArgs;
