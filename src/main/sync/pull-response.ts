/**
 * Checks a pull page (PullResponse of src/shared/sync.ts) before anything of it reaches SQLite,
 * at a cost that stays small next to JSON.parse: a first sync brings a million cases, and
 * running the zod schema over each of them cost about as much as writing them.
 *
 * The cases are checked field by field with plain type tests, the same rules as CaseChange and
 * ContactChange (types, enum members, the uuid form, whole numbers), and passed on as parsed;
 * the rest of the page (cursor, rejections, counters: a few objects) goes through zod.
 * tests/unit/sync/pull-response.test.ts holds the two to the same verdicts.
 */
import { z } from 'zod';
import { CaseStatus, Channel, HandlingMode, RequestType, Urgency } from '../../shared/domain';
import { CaseChange, ContactChange, PullResponse } from '../../shared/sync';
import { HistoryEntry, WorkOrder } from '../../shared/workorders/model';

/** Where and why a page was refused, as zod would say it: "changes.12.phone: expected string". */
export class PullResponseError extends Error {
  override readonly name = 'PullResponseError';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type Check = (v: unknown) => string | null;
const str: Check = (v) => (typeof v === 'string' ? null : 'expected string');
const int: Check = (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? null : 'expected an integer');
const bool: Check = (v) => (typeof v === 'boolean' ? null : 'expected boolean');
const uuid: Check = (v) => (typeof v !== 'string' ? 'expected string' : UUID.test(v) ? null : 'must be a lower-case UUID');
const oneOf = (values: readonly string[]): Check => {
  const set = new Set(values);
  return (v) => (typeof v === 'string' && set.has(v) ? null : `expected one of ${values.join('|')}`);
};
const intOrNull: Check = (v) => (v === null ? null : int(v));
const CALL_ENTRIES: [string, Check][] = [
  ['callId', str],
  ['ringAt', intOrNull],
  ['answerAt', intOrNull],
  ['endAt', intOrNull],
  ['talkSeconds', intOrNull],
];
/** the phone system's call (CaseCall): absent, null, or its id and times */
const call: Check = (v) => {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) return 'expected object or null';
  for (const [key, check] of CALL_ENTRIES) {
    const problem = check((v as Record<string, unknown>)[key]);
    if (problem !== null) return `${key}: ${problem}`;
  }
  return null;
};
/** a zod schema as a Check, for the rare nested parts (a 转办 case's order and history) */
const viaZod =
  (schema: z.ZodType): Check =>
  (v) => {
    if (v === undefined || v === null) return null;
    const r = schema.safeParse(v);
    if (r.success) return null;
    const issue = r.error.issues[0];
    return `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`;
  };
const order = viaZod(WorkOrder);
const history = viaZod(z.array(HistoryEntry));
const channel = oneOf(Channel.options);
const requestType = oneOf(RequestType.options);

const CONTACT_FIELDS: Record<keyof ContactChange, Check> = {
  uuid,
  caseUuid: uuid,
  phone: str,
  phoneExt: str,
  callerName: str,
  channel,
  requestType,
  content: str,
  operator: str,
  createdAt: int,
};

const CASE_FIELDS: Record<Exclude<keyof CaseChange, 'contacts'>, Check> = {
  uuid,
  officialNo: str,
  localNo: str,
  workstation: str,
  phone: str,
  phoneExt: str,
  callerName: str,
  channel,
  requestType,
  categoryCode: str,
  regionCode: str,
  address: str,
  content: str,
  answer: str,
  urgency: oneOf(Urgency.options),
  handlingMode: oneOf(HandlingMode.options),
  status: oneOf(CaseStatus.options),
  confidential: bool,
  operator: str,
  createdAt: int,
  originClientId: str,
  version: int,
  call,
  leaderSessionId: (v) => (v === undefined || v === null ? null : uuid(v)),
  repeatOf: (v) => (v === undefined || v === null || typeof v === 'string' ? null : 'expected string or null'),
  order,
  history,
};
const CONTACT_ENTRIES = Object.entries(CONTACT_FIELDS);
const CASE_ENTRIES = Object.entries(CASE_FIELDS);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkFields(value: unknown, entries: [string, Check][], path: string): void {
  if (!isObject(value)) throw new PullResponseError(`${path}: expected object`);
  for (const [key, check] of entries) {
    const problem = check(value[key]);
    if (problem !== null) throw new PullResponseError(`${path}.${key}: ${problem}`);
  }
}

/** Checks one case of a page; throws PullResponseError naming the first offending field. */
export function checkCaseChange(value: unknown, path = 'case'): asserts value is CaseChange {
  checkFields(value, CASE_ENTRIES, path);
  const contacts = (value as Record<string, unknown>).contacts;
  if (!Array.isArray(contacts)) throw new PullResponseError(`${path}.contacts: expected array`);
  for (let j = 0; j < contacts.length; j++) checkFields(contacts[j], CONTACT_ENTRIES, `${path}.contacts.${j}`);
}

const PageFrame = PullResponse.extend({ changes: z.array(z.unknown()) });

/** A parsed pull answer as PullResponse, or PullResponseError. */
export function checkPullResponse(json: unknown): PullResponse {
  const frame = PageFrame.safeParse(json);
  if (!frame.success) {
    const issue = frame.error.issues[0];
    throw new PullResponseError(`${issue?.path.join('.')}: ${issue?.message}`);
  }
  const { changes } = frame.data;
  let version = -Infinity;
  for (let i = 0; i < changes.length; i++) {
    checkCaseChange(changes[i], `changes.${i}`);
    // the protocol's promise: in version order, each case at most once per page
    const next = (changes[i] as CaseChange).version;
    if (next <= version) throw new PullResponseError(`changes.${i}.version: not after the version of the case before it`);
    version = next;
  }
  return frame.data as PullResponse;
}
