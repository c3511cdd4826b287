/**
 * Full-text search tokens for Chinese and mixed text (全文检索分词).
 *
 * FTS5's trigram tokenizer only matches queries of 3+ characters, and most Chinese search
 * words have two (物业, 供暖, 噪音). So, as CJK search engines do, the text is cut in JavaScript
 * into overlapping bigrams of Han characters ("物业管理" → 物业 业管 管理) plus lower-case runs of
 * other letters and digits, and stored space-separated in an FTS5 table with the `ascii`
 * tokenizer, which keeps every non-ASCII character inside its token: the index holds exactly
 * the tokens made here, whatever Unicode version SQLite's own tables know.
 *
 * A query is cut the same way and sent as phrases of quoted tokens, so "物业管理" must find the
 * three bigrams at consecutive positions, i.e. the substring. The MATCH string is built only
 * from these tokens, each quoted: user text never reaches FTS5's query syntax.
 */

/** Han runs, or runs of other letters/digits (Latin words, digit runs, kana…). */
const RUN = new RegExp('\\p{Script=Han}+|[[\\p{L}\\p{N}]--\\p{Script=Han}]+', 'gv');
const HAN_START = /^\p{Script=Han}/u;
const SURROGATE = /[\uD800-\uDFFF]/;

/** Text as it is indexed: full-width forms folded (ＡＢＣ１２ → abc12), lower case. */
function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

function hanTokens(run: string, out: string[]): void {
  const chars = SURROGATE.test(run) ? Array.from(run) : null;
  const n = chars ? chars.length : run.length;
  if (n === 1) {
    out.push(run);
    return;
  }
  for (let i = 0; i < n - 1; i++) out.push(chars ? chars[i]! + chars[i + 1]! : run.slice(i, i + 2));
}

/** The space-separated tokens stored in the index for one field. */
export function indexTokens(text: string): string {
  if (text === '') return '';
  const out: string[] = [];
  for (const m of fold(text).matchAll(RUN)) {
    const run = m[0];
    if (HAN_START.test(run)) hanTokens(run, out);
    else out.push(run);
  }
  return out.join(' ');
}

/** Longest query text looked at; the rest of a pasted paragraph adds nothing but cost. */
export const MAX_QUERY_CHARS = 200;
/** Enough tokens to pin a phrase down; more only make FTS5 read more doclists. */
const MAX_QUERY_TOKENS = 24;

export type MatchPlan =
  | { kind: 'match'; match: string }
  /** only single characters were typed: a bigram index cannot look them up */
  | { kind: 'too_short' }
  /** nothing searchable (punctuation, emoji, control characters) */
  | { kind: 'nothing' };

interface Phrase {
  tokens: string[];
  /** the phrase ends in a lone Han character: match it as a prefix of the next bigram */
  prefixLast: boolean;
  /** a single character in all, too short to look up alone */
  single: boolean;
}

const quote = (token: string): string => `"${token.replaceAll('"', '""')}"`;

/**
 * Cuts a query into phrases: runs that touch each other ("3号楼") form one phrase, runs
 * separated by spaces or punctuation ("物业 电梯") are separate phrases that must all match.
 */
function phrasesOf(query: string): Phrase[] {
  const phrases: Phrase[] = [];
  let current: Phrase | null = null;
  let end = -1;
  for (const m of fold(query).matchAll(RUN)) {
    const run = m[0];
    if (current === null || m.index !== end) {
      current = { tokens: [], prefixLast: false, single: true };
      phrases.push(current);
    }
    end = m.index + run.length;
    const before = current.tokens.length;
    if (HAN_START.test(run)) hanTokens(run, current.tokens);
    else current.tokens.push(run);
    const added = current.tokens.length - before;
    const lastIsLoneHan = added === 1 && HAN_START.test(run) && Array.from(run).length === 1;
    current.prefixLast = lastIsLoneHan && current.tokens.length > 1;
    if (current.tokens.length > 1 || Array.from(current.tokens[0] ?? '').length > 1) current.single = false;
  }
  return phrases;
}

/** The FTS5 MATCH expression for what the operator typed, or why there is none. */
export function buildMatch(query: string): MatchPlan {
  const phrases = phrasesOf(query.slice(0, MAX_QUERY_CHARS));
  if (phrases.length === 0) return { kind: 'nothing' };
  const usable = phrases.filter((p) => !p.single);
  if (usable.length === 0) return { kind: 'too_short' };
  const parts: string[] = [];
  let budget = MAX_QUERY_TOKENS;
  for (const p of usable) {
    if (budget <= 0) break;
    const tokens = p.tokens.slice(0, budget);
    budget -= tokens.length;
    const prefix = p.prefixLast && tokens.length === p.tokens.length ? '*' : '';
    parts.push(`(${tokens.map(quote).join(' + ')}${prefix})`);
  }
  return { kind: 'match', match: parts.join(' AND ') };
}
