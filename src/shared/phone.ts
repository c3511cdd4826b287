/**
 * Phone number normalisation (主叫号码归一化).
 *
 * The telephone system, callers reading numbers aloud and operators typing them produce many
 * spellings of one line: "+86 138-0537-1234", "0086 13805371234", "0537-2345678 转 801",
 * "2345678" (a local landline without area code). Repeat-caller lookup only works when every
 * spelling maps to one key, so the store keeps only the normalised form.
 *
 * Normal forms:
 * - mobile: 11 digits starting with 1 ("13805371234")
 * - landline: area code with leading 0 + local number ("05372345678"); a bare 7–8 digit local
 *   number gets the configured default area code (Jining: 0537)
 * - service: short and special numbers (12345, 95588, 400/800 numbers) as digits
 * An extension (转 / ext / x / # / -after a complete number) is returned separately.
 */

export type PhoneKind = 'mobile' | 'landline' | 'service';

export interface NormalizedPhone {
  ok: true;
  /** digits only, the key callers are stored under */
  number: string;
  kind: PhoneKind;
  extension?: string;
}

export interface PhoneError {
  ok: false;
  reason: 'empty' | 'invalid_chars' | 'too_short' | 'too_long' | 'unknown_format';
}

export interface NormalizeOptions {
  /** area code applied to bare local landline numbers, with leading 0 */
  defaultAreaCode?: string;
}

export const DEFAULT_AREA_CODE = '0537';

const EXTENSION_SPLIT = /\s*(?:转|分机|ext\.?|x|#|,|;)\s*/i;

/** Chinese area codes are 010, 02X (3 digits) or 0XXX (4 digits). */
function areaCodeLength(digits: string): number {
  if (digits.startsWith('010') || /^02\d/.test(digits)) return 3;
  return 4;
}

/**
 * After +86 a landline is written without its trunk 0 ("+86 537 2345678", "+86 10 65123456");
 * mobiles and 400/800 numbers have none. ("+86 0537…" is a common mistake and kept as is.)
 */
function withTrunkZero(national: string): string {
  if (national.startsWith('0') || /^1[3-9]\d{9}$/.test(national) || /^(400|800)\d{7}$/.test(national)) return national;
  return `0${national}`;
}

export function normalizePhone(raw: string, options: NormalizeOptions = {}): NormalizedPhone | PhoneError {
  const areaDefault = options.defaultAreaCode ?? DEFAULT_AREA_CODE;
  // full-width digits and punctuation come from Chinese IMEs (１３８, ＋８６, （０５３７）, 转，８０１):
  // NFKC folds them to ASCII; dashes of every width become hyphens
  const text = raw
    .normalize('NFKC')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .trim();
  if (text === '') return { ok: false, reason: 'empty' };

  const [main, extension] = text.split(EXTENSION_SPLIT, 2) as [string, string | undefined];
  if (!/^[+\d\s\-().]*$/.test(main) || (extension !== undefined && !/^\d{1,6}$/.test(extension))) {
    return { ok: false, reason: 'invalid_chars' };
  }
  const international = /^\s*(\+|00)/.test(main);
  let digits = main.replace(/\D/g, '');

  if (international) {
    digits = digits.replace(/^00/, '');
    if (!digits.startsWith('86')) return { ok: false, reason: 'unknown_format' };
    digits = withTrunkZero(digits.slice(2));
  } else if (/^86(1[3-9]\d{9}|0?[1-9]\d{8,10})$/.test(digits) && digits.length >= 12) {
    digits = withTrunkZero(digits.slice(2));
  }
  // a trunk 0 dialled before a mobile ("013805371234")
  if (/^01[3-9]\d{9}$/.test(digits)) digits = digits.slice(1);

  const result = (number: string, kind: PhoneKind, ext?: string): NormalizedPhone =>
    ext ? { ok: true, number, kind, extension: ext } : { ok: true, number, kind };

  if (/^1[3-9]\d{9}$/.test(digits)) return result(digits, 'mobile', extension);
  if (/^(400|800)\d{7}$/.test(digits)) return result(digits, 'service', extension);
  if (digits.startsWith('0')) {
    const areaLen = areaCodeLength(digits);
    const local = digits.slice(areaLen);
    if (/^[2-9]\d{6,7}$/.test(local)) return result(digits, 'landline', extension);
    // a landline with an extension glued on with a hyphen: 0537-2345678-801
    const hyphenParts = main.split('-').map((p) => p.replace(/\D/g, '')).filter(Boolean);
    if (extension === undefined && hyphenParts.length === 3) {
      const [area, loc, ext] = hyphenParts as [string, string, string];
      if (/^0\d{2,3}$/.test(area) && /^[2-9]\d{6,7}$/.test(loc) && /^\d{1,6}$/.test(ext)) {
        return result(area + loc, 'landline', ext);
      }
    }
    if (digits.length < 10) return { ok: false, reason: 'too_short' };
    if (digits.length > 12) return { ok: false, reason: 'too_long' };
    return { ok: false, reason: 'unknown_format' };
  }
  if (/^[2-9]\d{6,7}$/.test(digits)) return result(areaDefault + digits, 'landline', extension);
  if (/^(1\d{4}|9\d{4})$/.test(digits)) return result(digits, 'service', extension);
  if (digits.length < 7) return { ok: false, reason: 'too_short' };
  if (digits.length > 12) return { ok: false, reason: 'too_long' };
  return { ok: false, reason: 'unknown_format' };
}

/** The normalised number as an operator reads it: 138 0537 1234, 0537-2345678. */
export function formatPhone(number: string): string {
  if (/^1\d{10}$/.test(number)) return `${number.slice(0, 3)} ${number.slice(3, 7)} ${number.slice(7)}`;
  if (number.startsWith('0')) {
    const n = areaCodeLength(number);
    return `${number.slice(0, n)}-${number.slice(n)}`;
  }
  return number;
}

/** Shown to those who may not see personal data: 138****1234. */
export function maskPhone(number: string): string {
  if (number.length <= 4) return number;
  const keepHead = number.length >= 11 ? 3 : 0;
  return number.slice(0, keepHead) + '*'.repeat(number.length - keepHead - 4) + number.slice(-4);
}

/** Digits typed into a search box that can be the tail of a phone number (后四位 or more). */
export function isPhoneSuffixQuery(text: string): boolean {
  return /^\d{4,10}$/.test(text);
}
