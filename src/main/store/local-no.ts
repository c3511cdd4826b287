/**
 * Provisional case numbers (临时编号): workstation, China date, daily sequence —
 * W001-20261127-0042. The server gives the official number later; until then this one is
 * what the operator reads to the caller, so it must be unique and readable.
 */

const CHINA_OFFSET_MS = 8 * 3600_000;

/**
 * The calendar day in China (UTC+8, no daylight saving) as YYYYMMDD. Fixed rather than the
 * machine's zone so a workstation or CI runner set to UTC numbers cases like the call floor.
 */
export function chinaDay(epochMs: number): string {
  return new Date(epochMs + CHINA_OFFSET_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

export function formatLocalNo(workstation: string, day: string, seq: number): string {
  return `${workstation}-${day}-${String(seq).padStart(4, '0')}`;
}
