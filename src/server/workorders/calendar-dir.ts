/**
 * `--calendar-dir DIR`: the working-calendar override files IT adds for a year chinese-days does
 * not know yet (format in src/shared/workorders/README.md). Every `*.json` of the folder, by
 * name (a later file wins for a year listed twice); one bad file stops the server from starting,
 * naming the file and the problem, rather than computing deadlines on a calendar it half read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCalendarOverride, type CalendarOverrideFile } from '../../shared/workorders';

export function readCalendarDir(dir: string): CalendarOverrideFile[] {
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort();
  return names.map((name) => {
    const file = join(dir, name);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`${file}: not a readable JSON file (${e instanceof Error ? e.message : String(e)})`);
    }
    const parsed = parseCalendarOverride(json);
    if (!parsed.ok) throw new Error(`${file}: not a working-calendar override file: ${parsed.errors.join('; ')}`);
    return parsed.override;
  });
}
