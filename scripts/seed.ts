/**
 * npm run seed -- --cases N --data DIR [--workstation W001] [--seed 12345] [--now EPOCH_MS] [--replace]
 *
 * Writes DIR/hotline.sqlite full of generated history calibrated to the Jining figures and
 * prints one JSON line with the build rate.
 */
import { parseArgs } from 'node:util';
import { generateStore } from '../src/main/seed/generate';

function main(): void {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string' },
      data: { type: 'string' },
      workstation: { type: 'string', default: 'W001' },
      seed: { type: 'string', default: '12345' },
      now: { type: 'string' },
      replace: { type: 'boolean', default: false },
    },
  });
  const cases = Number(values.cases);
  if (!values.data || !Number.isInteger(cases) || cases < 1) {
    console.error('usage: npm run seed -- --cases N --data DIR [--workstation W001] [--seed 12345] [--now EPOCH_MS] [--replace]');
    process.exit(2);
  }
  const result = generateStore({
    dataDir: values.data,
    cases,
    workstation: values.workstation,
    seed: Number(values.seed),
    now: values.now ? Number(values.now) : undefined,
    replace: values.replace,
  });
  console.log(JSON.stringify({ name: 'seed', file: result.file, n: result.cases, seconds: Number(result.seconds.toFixed(2)), cases_per_s: result.casesPerSecond }));
}

try {
  main();
} catch (e) {
  console.error(`seed: ${(e as Error).message}`);
  process.exit(1);
}
