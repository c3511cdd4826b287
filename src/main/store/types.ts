/**
 * The workstation store's interface, as the main-process services see it. The implementation
 * (src/main/store/store.ts) is better-sqlite3; tests, the harness, the seed generator and the
 * benchmarks all use this same interface.
 */
import type { CallTimes, IntakeDraft, IntakeValues, CallerHistory, CaseDetail, SearchResult } from '../../shared/schemas';
import type { CaseStatus, Channel, HandlingMode, RequestType, TaxonomyNode, Urgency } from '../../shared/domain';

export interface StoreOptions {
  /** the SQLite file; ':memory:' for throwaway stores in tests */
  file: string;
  /** workstation code used in provisional case numbers (W001-20261127-0001) */
  workstation: string;
  /** default landline area code for bare local numbers */
  defaultAreaCode?: string;
  /** clock, injectable for tests */
  now?: () => number;
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
  saveIntake(values: IntakeValues & { call?: CallTimes | null }, operator: string, opts?: { clientId?: string | null }): SaveResult;
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
 * are the idempotency keys: a mutation pushed twice creates nothing twice.
 */
export interface CaseCreateMutation {
  case: {
    uuid: string;
    /** provisional number, W001-20261127-0042 */
    localNo: string;
    workstation: string;
    /** normalised (src/shared/phone.ts) */
    phone: string;
    /** '' when none was given */
    phoneExt: string;
    callerName: string;
    channel: Channel;
    requestType: RequestType;
    categoryCode: string;
    regionCode: string;
    address: string;
    content: string;
    answer: string;
    urgency: Urgency;
    handlingMode: HandlingMode;
    status: CaseStatus;
    confidential: boolean;
    operator: string;
    /** epoch ms */
    createdAt: number;
    /** the phone system's call it was logged during; null (or absent in rows written before version 5) when none */
    call?: CallTimes | null;
  };
  contact: {
    uuid: string;
    phone: string;
    phoneExt: string;
    callerName: string;
    channel: Channel;
    requestType: RequestType;
    content: string;
    operator: string;
    createdAt: number;
  };
}
