/**
 * npm run bench -- store [--cases 1000000] [--data DIR] [--seed 12345] [--skip-screen-pop] [--encryption on|off|both]
 *
 * Builds (or reuses) a generated store of N cases and measures the operator's hot paths on it:
 * the repeat-caller panel, last-4-digit lookup, text search against a LIKE scan of the same
 * queries, the repeat-call proposal 可能重复 (repeat_proposal, with a scan baseline; bench/repeat-proposal.ts;
 * --only-repeat runs the build and it alone), a durable intake commit, and the screen pop (ringing event in main → 来电历史
 * rendered in the page, bench/screen-pop.ts; needs Chromium). Prints one JSON line per
 * measurement.
 *
 * --encryption (default on, as the workstation runs): the store encrypted (chacha20, the
 * development key; docs/encryption-at-rest.md), off: a plain store, both: the plain store, then
 * the encrypted one, in one run (two data folders, DIR-plain and DIR-encrypted). Every line
 * carries `encrypted: true|false` (the screen pop's harness runs with --plain-store for the plain one).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateStore } from '../src/main/seed/generate';
import { heavyCallerPhones } from '../src/main/seed/model';
import { Rng } from '../src/main/seed/random';
import { ISSUES, COMMUNITIES } from '../src/main/seed/vocabulary';
import { buildMatch } from '../src/main/store/fts';
import { openStore } from '../src/main/store/store';
import { STORE_FILE } from '../src/main/store/paths';
import { isPlainSqliteFile } from '../src/main/store/db';
import type { IntakeValues } from '../src/shared/schemas';
import { measureRepeatProposal } from './repeat-proposal';
import { measureScreenPop } from './screen-pop';
import { percentiles, printLine, setLineExtras, timeEach } from './stats';

interface BuildRecord {
  n: number;
  seconds: number;
  cases_per_s: number;
  phases: Record<string, number>;
}

function buildOrReuse(dataDir: string, cases: number, seed: number, encrypted: boolean): { build: BuildRecord; reused: boolean } {
  const recordFile = join(dataDir, 'bench-build.json');
  if (existsSync(join(dataDir, STORE_FILE)) && existsSync(recordFile) && isPlainSqliteFile(join(dataDir, STORE_FILE)) === !encrypted) {
    const build = JSON.parse(readFileSync(recordFile, 'utf8')) as BuildRecord;
    if (build.n === cases) return { build, reused: true };
  }
  const result = generateStore({ dataDir, cases, seed, replace: true, key: encrypted ? undefined : null });
  const build: BuildRecord = {
    n: result.cases,
    seconds: Number(result.seconds.toFixed(2)),
    cases_per_s: result.casesPerSecond,
    phases: result.phases,
  };
  writeFileSync(recordFile, JSON.stringify(build));
  return { build, reused: false };
}

/** 2–4 Han characters cut from a text at random. */
function cutWord(text: string, rng: Rng): string | null {
  const runs = text.match(/\p{Script=Han}{2,}/gu);
  if (!runs) return null;
  const run = rng.pick(runs);
  const len = Math.min(run.length, 2 + rng.int(3));
  const start = rng.int(run.length - len + 1);
  return run.slice(start, start + len);
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      cases: { type: 'string', default: '1000000' },
      data: { type: 'string' },
      seed: { type: 'string', default: '12345' },
      'skip-screen-pop': { type: 'boolean', default: false },
      /** only the build and repeat_proposal (with its baseline) */
      'only-repeat': { type: 'boolean', default: false },
      encryption: { type: 'string', default: 'on' },
    },
  });
  const n = Number(values.cases);
  if (!Number.isInteger(n) || n < 1000) throw new Error('--cases must be an integer of at least 1000');
  const modes = { on: [true], off: [false], both: [false, true] }[values.encryption as 'on' | 'off' | 'both'];
  if (!modes) throw new Error(`--encryption must be on, off or both, got ${values.encryption}`);
  const base = values.data ?? join(tmpdir(), `hotline-bench-${n}`);
  for (const encrypted of modes) {
    setLineExtras({ encrypted });
    await runOne(values.encryption === 'both' ? `${base}-${encrypted ? 'encrypted' : 'plain'}` : base, n, values, encrypted);
  }
}

async function runOne(
  dataDir: string,
  n: number,
  values: { seed: string; 'skip-screen-pop': boolean; 'only-repeat': boolean },
  encrypted: boolean,
): Promise<void> {
  const { build, reused } = buildOrReuse(dataDir, n, Number(values.seed), encrypted);
  printLine({ name: 'build', n: build.n, cases_per_s: build.cases_per_s, seconds: build.seconds, phases: build.phases, reused, data: dataDir });

  const store = openStore({ file: join(dataDir, STORE_FILE), workstation: 'W001', key: encrypted ? undefined : null });
  const rng = new Rng(7);
  const maxId = store.db.prepare<[], { id: number }>('SELECT max(id) AS id FROM cases').get()!.id;
  const randomCase = store.db.prepare<[number], { phone: string; content: string; address: string }>(
    'SELECT phone, content, address FROM cases WHERE id = ?',
  );
  const sample = (count: number) => Array.from({ length: count }, () => randomCase.get(1 + rng.int(maxId))!);

  measureRepeatProposal(store, n, new Rng(11));
  if (values['only-repeat']) {
    store.close();
    return;
  }

  // a ringing phone is drawn from the calls themselves, so frequent callers ring more often;
  // every heavy caller is looked up as well, in the spellings a phone system or operator uses
  const heavy = heavyCallerPhones();
  const phones = [...sample(2000).map((c) => c.phone), ...heavy.flatMap((p) => [p, p, p])];
  const spelled = phones.map((p, i) => (i % 3 === 0 && p.startsWith('1') ? `+86 ${p.slice(0, 3)} ${p.slice(3, 7)} ${p.slice(7)}` : p));
  timeEach(spelled.slice(0, 300), (p) => store.callerHistory(p));
  const lookups = timeEach(spelled, (p) => store.callerHistory(p));
  const heavyTotals = heavy.map((p) => store.callerHistory(p).totalCalls);
  printLine({ name: 'caller_lookup', n, ...percentiles(lookups), iterations: lookups.length, heaviest_caller_calls: Math.max(...heavyTotals) });

  const tails = phones.map((p) => p.slice(-4));
  const suffix = timeEach(tails, (t) => store.search(t, 50));
  printLine({ name: 'caller_lookup_suffix', n, ...percentiles(suffix), iterations: suffix.length });

  // queries: words cut from random cases (common words come up often) and from the vocabulary
  // chosen uniformly (rare phrases and small communities)
  const queries: string[] = [];
  for (const c of sample(400)) {
    const word = cutWord(rng.chance(0.7) ? c.content : c.address, rng);
    if (word && queries.length < 150) queries.push(word);
  }
  const vocabulary = [...Object.values(ISSUES).flat(), ...COMMUNITIES];
  while (queries.length < 200) {
    const word = cutWord(rng.pick(vocabulary), rng);
    if (word) queries.push(word);
  }
  const countHits = store.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM case_search WHERE case_search MATCH ?');
  const hits = queries
    .map((q) => {
      const plan = buildMatch(q);
      return plan.kind === 'match' ? countHits.get(plan.match)!.n : 0;
    })
    .sort((a, b) => a - b);
  for (const q of queries) store.search(q, 50);
  const rounds = [...queries, ...queries, ...queries];
  const text = timeEach(rounds, (q) => store.search(q, 50));
  printLine({
    name: 'text_search',
    n,
    ...percentiles(text),
    iterations: text.length,
    queries: queries.length,
    hits_min: hits[0],
    hits_p50: hits[Math.floor(hits.length / 2)],
    hits_max: hits[hits.length - 1],
  });

  // the same queries as the LIKE scan a naive implementation would run; it reads every row,
  // so only a subset (every fifth query) is timed. Ordered as search orders (newest first, then
  // the higher id): cases logged in the same millisecond, as intake_save writes them into a
  // reused store, would otherwise compare as different results
  const likeQueries = queries.filter((_, i) => i % 5 === 0);
  const like = store.db.prepare<[string, string, string, string], { id: number }>(`
    SELECT id FROM cases WHERE content LIKE ? OR address LIKE ? OR caller_name LIKE ? OR answer LIKE ?
    ORDER BY created_at DESC, id DESC LIMIT 50`);
  const likeIds: number[][] = [];
  const likeTimes = timeEach(likeQueries, (q) => {
    const p = `%${q}%`;
    likeIds.push(like.all(p, p, p, p).map((r) => r.id));
  });
  const ftsSame = timeEach(likeQueries, (q) => store.search(q, 50));
  const agree = likeQueries.filter((q, i) => store.search(q, 50).results.map((r) => r.id).join() === likeIds[i]!.join()).length;
  const likeP = percentiles(likeTimes);
  const ftsP = percentiles(ftsSame);
  printLine({
    name: 'text_search_like_baseline',
    n,
    ...likeP,
    iterations: likeTimes.length,
    speedup_p50: Math.round(likeP.p50_ms / ftsP.p50_ms),
    speedup_p95: Math.round(likeP.p95_ms / ftsP.p95_ms),
    same_results: `${agree}/${likeQueries.length}`,
  });

  const intakes: IntakeValues[] = sample(500).map((c, i) => ({
    phone: c.phone,
    callerName: '王先生',
    channel: 'hotline',
    requestType: 'complaint',
    categoryCode: 'C0201',
    regionCode: '370811001',
    address: c.address,
    content: c.content,
    urgency: 'normal',
    handlingMode: i % 5 < 2 ? 'dispatch' : 'direct',
    answer: i % 5 < 2 ? '' : '已告知来电人办理流程',
    confidential: false,
  }));
  const synchronous = store.db.pragma('synchronous', { simple: true });
  const saves = timeEach(intakes, (v) => store.saveIntake(v, 'bench'));
  printLine({ name: 'intake_save', n, ...percentiles(saves), iterations: saves.length, synchronous: synchronous === 2 ? 'FULL' : synchronous });
  store.close();

  if (!values['skip-screen-pop']) await measureScreenPop({ dataDir, n, plain: !encrypted });
}
