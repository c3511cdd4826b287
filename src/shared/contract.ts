/**
 * The one typed contract between the renderer and the main process.
 *
 * Every method the renderer may call is named here with the zod schema of its input and
 * output. The Electron preload exposes exactly these names; the browser harness speaks the
 * same names over a WebSocket; main validates every input against `input` before a handler
 * runs (src/main/services/dispatch.ts). Adding a method: see src/main/services/README.md.
 */
import { z } from 'zod';
import type { TaxonomyNode } from './domain';
import { CallerHistory, CaseDetail, IntakeDraft, IntakeInput, SearchQuery, SearchResult } from './schemas';

const TaxonomyNodeSchema: z.ZodType<TaxonomyNode> = z.lazy(() =>
  z.object({
    code: z.string(),
    name: z.string(),
    initials: z.string(),
    path: z.array(z.string()),
    children: z.array(TaxonomyNodeSchema).optional(),
  }),
);

const Empty = z.object({}).strict();

export const contract = {
  'app.info': {
    input: Empty,
    output: z.object({
      version: z.string(),
      schemaVersion: z.number().int(),
      workstation: z.string(),
      operator: z.string(),
      transport: z.enum(['electron', 'browser']),
    }),
  },
  'taxonomy.get': {
    input: Empty,
    output: z.object({ categories: z.array(TaxonomyNodeSchema), regions: z.array(TaxonomyNodeSchema) }),
  },
  /** 来电历史 of a number as typed so far */
  'caller.history': {
    input: z.object({ phone: z.string().max(64) }).strict(),
    output: CallerHistory,
  },
  /** 受理: one durable commit of contact + case + outbox row + search index */
  'intake.save': {
    input: IntakeInput,
    output: z.object({ caseId: z.number().int(), localNo: z.string(), createdAt: z.number().int() }),
  },
  'draft.load': {
    input: Empty,
    output: z.object({ draft: IntakeDraft.nullable(), updatedAt: z.number().int().nullable() }),
  },
  'draft.save': {
    input: z.object({ draft: IntakeDraft }).strict(),
    output: z.object({ updatedAt: z.number().int() }),
  },
  'draft.clear': {
    input: Empty,
    output: z.object({ cleared: z.boolean() }),
  },
  /** 搜索: case number, full phone, last 4+ digits, name, address or words of the content */
  'search.query': {
    input: SearchQuery,
    output: SearchResult,
  },
  'case.get': {
    input: z.object({ id: z.number().int().positive() }).strict(),
    output: CaseDetail.nullable(),
  },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

export type Contract = typeof contract;
export type Method = keyof Contract;
export const METHODS = Object.keys(contract) as Method[];
export const isMethod = (name: unknown): name is Method =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);

export type MethodInput<M extends Method> = z.input<Contract[M]['input']>;
export type MethodParsedInput<M extends Method> = z.output<Contract[M]['input']>;
export type MethodOutput<M extends Method> = z.output<Contract[M]['output']>;

/** What travels back for every call: a result or a typed error, never a thrown exception. */
export type ContractError = {
  /** invalid_input: the input failed its schema; not_found; internal: a bug or I/O failure */
  code: 'invalid_input' | 'unknown_method' | 'not_found' | 'internal' | 'unauthorized';
  message: string;
  /** per-field i18n keys for invalid_input: { "content": "content.tooShort" } */
  fields?: Record<string, string>;
};
export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ContractError };

/** The renderer's view of the backend, the same in Electron and in the browser harness. */
export interface Backend {
  invoke<M extends Method>(method: M, input: MethodInput<M>): Promise<Envelope<MethodOutput<M>>>;
}

/** Name of the global the preload defines: `window.hotline`. */
export const BRIDGE_GLOBAL = 'hotline';
/** The single IPC channel the contract travels on in Electron. */
export const IPC_CHANNEL = 'hotline:invoke';
