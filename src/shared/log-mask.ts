/**
 * What the logs may not say (issue 9, item 5): citizens' phone numbers, names, addresses and
 * the content of their calls, nor passwords and tokens. Every log line of the workstation and
 * the server passes through `maskLogRecord` before it is written; the function is pure, so it
 * is tested on its own and used alike by both.
 *
 * - values under a sensitive key (phone, callerName, content, address, password, token…; any
 *   key containing one of those words, case-insensitive) are replaced: `[masked]`, or for a
 *   phone-like key the number with all but its last 4 digits starred (`*******1234`), enough
 *   for the help desk to match a complaint without the log holding the number;
 * - in every other string, digit runs that look like a phone number (7+ digits, also written
 *   with spaces, dashes or dots, optionally +86) are starred the same way, so a number inside an
 *   error message or a URL does not slip through;
 * - names cannot be recognised in free text, which is why logging code passes citizens' data
 *   only under its own key (and the key rule masks it) and never builds it into messages.
 */

export const MASKED = '[masked]';

/** keys whose values are personal data or secrets, matched as substrings of the lower-cased key */
const SECRET_KEY_PARTS = ['password', 'secret', 'token', 'authorization', 'cookie', 'verifier'];
const PERSONAL_KEY_PARTS = ['callername', 'name', 'content', 'address', 'answer', 'summary', 'reply', 'note', 'text', 'body', 'args'];
const PHONE_KEY_PARTS = ['phone', 'caller', 'mobile', 'tel', 'number'];
/** keys that contain a word above but are safe and useful in a log */
const ALLOWED_KEYS = new Set(['contentlength', 'contenttype', 'hostname', 'username', 'pathname', 'level', 'msg', 'time', 'pid', 'reqid', 'responsetime', 'statuscode', 'method', 'url', 'err', 'type', 'stack', 'code', 'name_of_route', 'officialno', 'localno']);

type KeyKind = 'secret' | 'personal' | 'phone' | null;

/** the keys of log records are few (the server's lines have a dozen): each is judged once */
const keyKinds = new Map<string, KeyKind>();
const keyKind = (key: string): KeyKind => {
  let kind = keyKinds.get(key);
  if (kind === undefined) {
    kind = judgeKey(key);
    // a record with ever new keys (ids as keys) cannot grow the cache without bound
    if (keyKinds.size > 2_000) keyKinds.clear();
    keyKinds.set(key, kind);
  }
  return kind;
};

const judgeKey = (key: string): KeyKind => {
  const k = key.toLowerCase().replace(/[-_\s]/g, '');
  if (ALLOWED_KEYS.has(k)) return null;
  if (SECRET_KEY_PARTS.some((p) => k.includes(p))) return 'secret';
  if (PHONE_KEY_PARTS.some((p) => k.includes(p)) && !k.includes('name')) return 'phone';
  if (PERSONAL_KEY_PARTS.some((p) => k.includes(p))) return 'personal';
  return null;
};

/** `13905371234` → `*******1234`; fewer than 5 digits: all starred. */
export function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length <= 4) return '*'.repeat(digits.length);
  return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}

// 7+ digits, possibly grouped by single spaces, dashes or dots, optionally after +86 / 0086;
// not part of a longer alphanumeric token (uuids, hashes keep their shape)
const PHONE_IN_TEXT = /(?<![\w.-])(?:(?:\+|00)86[\s-]?)?\d(?:[\s.-]?\d){6,}(?![\w])/g;

// ISO dates and times (2026-11-27, 2026-11-27 10:00:05, 2026-11-27T02:00:00.000Z) are left alone
const ISO_DATE = /(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)/;

// PHONE_IN_TEXT's digits alone, without its guards: a string without them holds no number
const MAY_HOLD_PHONE = /\d(?:[\s.-]?\d){6}/;

/** Stars phone-like digit runs inside free text, keeping their last 4 digits. */
export function maskPhonesInText(text: string): string {
  // most strings of a log line (a method, a path, a host, a message) have no 7 digits in a row:
  // they are returned as they are, without the split and the replace below
  if (!MAY_HOLD_PHONE.test(text)) return text;
  return text
    .split(ISO_DATE)
    .map((part, i) =>
      // odd parts are the dates the split kept
      i % 2 === 1
        ? part
        : part.replace(PHONE_IN_TEXT, (m) => {
            const digits = m.replace(/\D/g, '');
            // a compact date (20261127) is not a phone number
            if (/^(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/.test(m)) return m;
            return maskPhone(digits);
          }),
    )
    .join('');
}

/**
 * A copy of `value` fit for a log: sensitive keys masked, phone numbers in strings starred.
 * Handles nesting (depth ≤ 8, deeper parts become `[masked]`), arrays and cycles; leaves
 * numbers, booleans and null alone.
 */
export function maskLogRecord<T>(value: T, depth = 0, seen: WeakSet<object> = new WeakSet()): T {
  if (typeof value === 'string') return maskPhonesInText(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8 || seen.has(value as object)) return MASKED as T;
  seen.add(value as object);
  if (Array.isArray(value)) return value.map((v) => maskLogRecord(v, depth + 1, seen)) as T;
  if (value instanceof Error) {
    return { type: value.name, message: maskPhonesInText(value.message), stack: maskPhonesInText(value.stack ?? '') } as T;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const kind = keyKind(key);
    if (kind === 'secret' || kind === 'personal') out[key] = v === '' || v === null || v === undefined ? v : MASKED;
    else if (kind === 'phone') out[key] = typeof v === 'string' || typeof v === 'number' ? maskPhone(String(v)) : maskLogRecord(v, depth + 1, seen);
    else out[key] = maskLogRecord(v, depth + 1, seen);
  }
  return out as T;
}
