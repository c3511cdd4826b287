/**
 * Dates as the hotline writes them, always in Asia/Shanghai whatever the browser's zone:
 * 2026年11月27日 17:30 in Chinese, 2026-11-27 17:30 in English. Shanghai is UTC+8 without
 * daylight saving since 1991, so a fixed shift is exact (as in src/shared/workorders/calendar.ts).
 */
import type { Lang } from './i18n';

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const pad = (n: number) => String(n).padStart(2, '0');

export function formatShanghai(ms: number, lang: Lang): string {
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return lang === 'en' ? `${y}-${pad(mo)}-${pad(day)} ${time}` : `${y}年${mo}月${day}日 ${time}`;
}

/** The machine-readable form for <time dateTime>: ISO 8601 with the +08:00 offset. */
export function isoShanghai(ms: number): string {
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+08:00`;
}
