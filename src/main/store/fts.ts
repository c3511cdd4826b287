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
 * three bigrams at consecutive positions, i.e. the substring (see GAP_TOKEN). The MATCH string is built only
 * from these tokens, each quoted: user text never reaches FTS5's query syntax.
 */
import { isHan } from '../../shared/text/han';

/** high surrogates of planes 2 and 3 (U+20000–U+3FFFF): CJK extensions B–H */
const isHanHigh = (c: number): boolean => c >= 0xd840 && c <= 0xd8bf;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;
const isAsciiWord = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
const OTHER_WORD = /^[\p{L}\p{N}]$/u;

/**
 * Text that folding would not change into other tokens: ASCII without A–Z, CJK and full-width
 * punctuation (separators before and after NFKC alike) and the unified ideographs. Most
 * generated and typed text is; only the rest pays for normalize().
 */
const ALREADY_FOLDED =
  /^[\u0000-\u0040\u005b-\u007f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]*$/;

/** Text as it is indexed: full-width forms folded (ＡＢＣ１２ → abc12), lower case. */
function fold(text: string): string {
  return ALREADY_FOLDED.test(text) ? text : text.normalize('NFKC').toLowerCase();
}

/** Width in code units of the Han character at i (2 for planes 2–3), or 0. */
function hanWidth(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (isHan(c)) return 1;
  return isHanHigh(c) && isLow(text.charCodeAt(i + 1)) ? 2 : 0;
}

/** Width of the non-Han letter or digit at i, or 0 (punctuation, emoji, lone surrogates). */
function wordCharWidth(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (isAsciiWord(c)) return 1;
  if (c < 0x80 || isHan(c) || isHanHigh(c)) return 0;
  const cp = text.codePointAt(i)!;
  return OTHER_WORD.test(String.fromCodePoint(cp)) ? (cp > 0xffff ? 2 : 1) : 0;
}

const NONE = 0;
const HAN = 1;
const WORD = 2;
/** where the run found by nextRun starts and ends (module state: the hot loop allocates nothing) */
let runStart = 0;
let runEnd = 0;

/**
 * Finds the next run at or after `from`: a run of Han characters, or of other letters and
 * digits. Sets runStart/runEnd and returns its kind, or NONE at the end of the text.
 */
function nextRun(text: string, from: number): number {
  const n = text.length;
  for (let i = from; i < n; ) {
    let w = hanWidth(text, i);
    if (w > 0) {
      runStart = i;
      do i += w;
      while (i < n && (w = hanWidth(text, i)) > 0);
      runEnd = i;
      return HAN;
    }
    w = wordCharWidth(text, i);
    if (w > 0) {
      runStart = i;
      do i += w;
      while (i < n && (w = wordCharWidth(text, i)) > 0);
      runEnd = i;
      return WORD;
    }
    i += 1;
  }
  return NONE;
}

/**
 * Appends the tokens of a Han run: overlapping bigrams, or the character itself when alone.
 * Returns where the run's last character starts when the run has two or more (its edge token,
 * see indexTokens), or -1.
 */
function hanTokens(text: string, start: number, end: number, emit: (token: string) => void): number {
  let a = start;
  let wa = hanWidth(text, a);
  if (a + wa === end) {
    emit(text.slice(a, end));
    return -1;
  }
  while (a + wa < end) {
    const b = a + wa;
    const wb = hanWidth(text, b);
    emit(text.slice(a, b + wb));
    a = b;
    wa = wb;
  }
  return a;
}

/**
 * Stored between runs that do not touch ("物业，业管"): without it 物业 and 业管 would sit at
 * consecutive positions and the phrase for "物业管" would match text that does not contain it.
 * A private-use character: the ascii tokenizer keeps it as a token, and queries, made only of
 * letters and digits, can never contain it.
 */
export const GAP_TOKEN = '\ue000';

/**
 * The space-separated tokens stored in the index for one field.
 *
 * A Han run of two or more characters that touches a letter/digit run on its right also
 * stores its last character alone, between its last bigram and the word ("今年4月" → 今年 年 4
 * 月): a query may start with that character ("年4月"), and it has no bigram of its own to find
 * (the bigram 今年 begins one character earlier). A lone character is its own token already.
 * The query is cut by the same rule, so index and query tokens agree at every CJK/ASCII edge.
 */
export function indexTokens(text: string): string {
  if (text === '') return '';
  const folded = fold(text);
  let out = '';
  const emit = (token: string) => {
    out = out === '' ? token : out + ' ' + token;
  };
  let prevEnd = -1;
  let lastHan = -1;
  for (let kind = nextRun(folded, 0); kind !== NONE; kind = nextRun(folded, prevEnd)) {
    const start = runStart;
    const end = runEnd;
    if (prevEnd !== -1 && start !== prevEnd) out += ' ' + GAP_TOKEN;
    else if (kind === WORD && lastHan !== -1) emit(folded.slice(lastHan, start));
    prevEnd = end;
    lastHan = -1;
    if (kind === WORD) emit(folded.slice(start, end));
    else lastHan = hanTokens(folded, start, end, emit);
  }
  return out;
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
  const text = fold(query);
  const phrases: Phrase[] = [];
  let current: Phrase | null = null;
  let prevEnd = -1;
  let lastHan = -1;
  for (let kind = nextRun(text, 0); kind !== NONE; kind = nextRun(text, prevEnd)) {
    const start = runStart;
    const end = runEnd;
    if (current === null || start !== prevEnd) {
      current = { tokens: [], prefixLast: false, single: true };
      phrases.push(current);
    } else if (kind === WORD && lastHan !== -1) {
      // the edge token indexTokens stores between a Han run and the word it touches
      current.tokens.push(text.slice(lastHan, start));
    }
    prevEnd = end;
    lastHan = -1;
    const phrase: Phrase = current;
    if (kind === WORD) phrase.tokens.push(text.slice(start, end));
    else lastHan = hanTokens(text, start, end, (t) => phrase.tokens.push(t));
    const loneHan = kind === HAN && hanWidth(text, start) === end - start;
    phrase.prefixLast = loneHan && phrase.tokens.length > 1;
    if (phrase.tokens.length > 1 || Array.from(phrase.tokens[0] ?? '').length > 1) phrase.single = false;
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
