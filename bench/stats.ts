/** Helpers shared by the benchmarks: timing and the JSON line every benchmark prints. */

export interface Percentiles {
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
}

const round = (ms: number): number => Number(ms.toFixed(ms < 1 ? 4 : 2));

/** Nearest-rank percentiles of durations in milliseconds. */
export function percentiles(durations: number[]): Percentiles {
  const sorted = [...durations].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
  return { p50_ms: round(at(0.5)), p95_ms: round(at(0.95)), p99_ms: round(at(0.99)) };
}

/** Runs fn once per input and returns each call's duration in ms. */
export function timeEach<T>(inputs: readonly T[], fn: (input: T) => unknown): number[] {
  const durations: number[] = [];
  for (const input of inputs) {
    const start = performance.now();
    fn(input);
    durations.push(performance.now() - start);
  }
  return durations;
}

/** fields added to every line (e.g. `encrypted` in `bench store`) */
const extras: Record<string, unknown> = {};
export function setLineExtras(fields: Record<string, unknown>): void {
  Object.assign(extras, fields);
}

export function printLine(line: Record<string, unknown>): void {
  console.log(JSON.stringify({ ...line, ...extras }));
}
