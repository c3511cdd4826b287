/**
 * Bounds on what a client's mutation may bring: how deeply its arguments nest, and how much of
 * them a rejection keeps. Every check here is iterative: a value nested 100,000 levels deep must
 * not overflow the stack of the code that inspects it (JSON.stringify, a recursive walk).
 */

/** No mutation's arguments nest deeper than a few levels; 32 leaves room for growth. */
export const MAX_ARGS_DEPTH = 32;
/** What a rejection keeps of the refused arguments, in characters of JSON. */
export const MAX_STORED_ARGS = 16 * 1024;
/** What a rejection keeps of its reason, in characters. */
export const MAX_REASON = 500;

/** True when `value` nests deeper than `max` arrays/objects (counted without recursion). */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** JSON text of refused arguments, in a form that always fits: too deep or too long is summarised. */
export function boundedJson(value: unknown): string {
  if (nestsDeeperThan(value, MAX_ARGS_DEPTH)) {
    return JSON.stringify({ omitted: `arguments nested deeper than ${MAX_ARGS_DEPTH} levels` });
  }
  const text = JSON.stringify(value ?? null);
  if (text.length <= MAX_STORED_ARGS) return text;
  return JSON.stringify({ truncated: text.slice(0, MAX_STORED_ARGS), length: text.length });
}

export function boundedReason(reason: string): string {
  // PostgreSQL text cannot hold NUL
  const clean = reason.replaceAll('\u0000', '');
  return clean.length <= MAX_REASON ? clean : `${clean.slice(0, MAX_REASON)}…`;
}
