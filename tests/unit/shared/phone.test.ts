import { describe, expect, it } from 'vitest';
import { formatPhone, isPhoneSuffixQuery, maskPhone, normalizePhone } from '../../../src/shared/phone';

type Expected = { number: string; kind: 'mobile' | 'landline' | 'service'; extension?: string } | { reason: string };

const table: [string, string, Expected][] = [
  // mobiles
  ['plain mobile', '13805371234', { number: '13805371234', kind: 'mobile' }],
  ['mobile with spaces', '138 0537 1234', { number: '13805371234', kind: 'mobile' }],
  ['mobile with hyphens', '138-0537-1234', { number: '13805371234', kind: 'mobile' }],
  ['mobile with dots', '138.0537.1234', { number: '13805371234', kind: 'mobile' }],
  ['mobile with surrounding blanks', '  13805371234  ', { number: '13805371234', kind: 'mobile' }],
  ['+86 mobile', '+86 138 0537 1234', { number: '13805371234', kind: 'mobile' }],
  ['+86 mobile without spaces', '+8613805371234', { number: '13805371234', kind: 'mobile' }],
  ['+86 mobile with hyphens', '+86-138-0537-1234', { number: '13805371234', kind: 'mobile' }],
  ['0086 mobile', '0086 13805371234', { number: '13805371234', kind: 'mobile' }],
  ['86 mobile without plus', '8613805371234', { number: '13805371234', kind: 'mobile' }],
  ['86 mobile with spaces', '86 138 0537 1234', { number: '13805371234', kind: 'mobile' }],
  ['trunk 0 before a mobile', '013805371234', { number: '13805371234', kind: 'mobile' }],
  ['full-width digits', '１３８０５３７１２３４', { number: '13805371234', kind: 'mobile' }],
  ['full-width plus and digits', '＋８６ １３８０５３７１２３４', { number: '13805371234', kind: 'mobile' }],
  ['199 mobile', '19912345678', { number: '19912345678', kind: 'mobile' }],
  ['166 mobile', '16612345678', { number: '16612345678', kind: 'mobile' }],
  // Jining landlines
  ['landline with area code and hyphen', '0537-2345678', { number: '05372345678', kind: 'landline' }],
  ['landline with area code', '05372345678', { number: '05372345678', kind: 'landline' }],
  ['landline with space', '0537 2345678', { number: '05372345678', kind: 'landline' }],
  ['bare local number gets 0537', '2345678', { number: '05372345678', kind: 'landline' }],
  ['bare 8-digit local number', '23456789', { number: '053723456789', kind: 'landline' }],
  ['area code in brackets', '(0537)2345678', { number: '05372345678', kind: 'landline' }],
  ['area code in full-width brackets', '（0537）2345678', { number: '05372345678', kind: 'landline' }],
  ['full-width landline', '０５３７－２３４５６７８', { number: '05372345678', kind: 'landline' }],
  ['em dash', '0537—2345678', { number: '05372345678', kind: 'landline' }],
  ['+86 landline without trunk 0', '+86 537 2345678', { number: '05372345678', kind: 'landline' }],
  ['+86 landline with trunk 0', '+86 0537 2345678', { number: '05372345678', kind: 'landline' }],
  ['+86 landline with brackets', '+86 (0537) 2345678', { number: '05372345678', kind: 'landline' }],
  ['86 landline without plus', '86 537 2345678', { number: '05372345678', kind: 'landline' }],
  ['86 landline with hyphens', '86-0537-2345678', { number: '05372345678', kind: 'landline' }],
  ['0086 landline', '0086 537 2345678', { number: '05372345678', kind: 'landline' }],
  // other area codes
  ['Beijing 010', '010-65123456', { number: '01065123456', kind: 'landline' }],
  ['Beijing without hyphen', '01065123456', { number: '01065123456', kind: 'landline' }],
  ['+86 Beijing', '+86 10 65123456', { number: '01065123456', kind: 'landline' }],
  ['0086 Beijing', '0086-10-65123456', { number: '01065123456', kind: 'landline' }],
  ['Shanghai 021', '021-87654321', { number: '02187654321', kind: 'landline' }],
  ['+86 Shanghai', '+86 21 87654321', { number: '02187654321', kind: 'landline' }],
  ['Jinan 0531', '0531-88886666', { number: '053188886666', kind: 'landline' }],
  ['Jinan without hyphen', '053188886666', { number: '053188886666', kind: 'landline' }],
  // extensions
  ['extension with 转 and spaces', '0537-2345678 转 801', { number: '05372345678', kind: 'landline', extension: '801' }],
  ['extension with 转', '0537-2345678转801', { number: '05372345678', kind: 'landline', extension: '801' }],
  ['extension with 分机', '0537 2345678 分机 801', { number: '05372345678', kind: 'landline', extension: '801' }],
  ['extension with ext', '0537-2345678 ext 801', { number: '05372345678', kind: 'landline', extension: '801' }],
  ['extension with ext.', '0537-2345678 ext. 801', { number: '05372345678', kind: 'landline', extension: '801' }],
  ['extension with x', '0537-2345678x801', { number: '05372345678', kind: 'landline', extension: '801' }],
  ['extension with #', '0537-2345678#801', { number: '05372345678', kind: 'landline', extension: '801' }],
  ['extension with a third hyphen group', '0537-2345678-801', { number: '05372345678', kind: 'landline', extension: '801' }],
  ['extension after a full-width comma', '0537-2345678，801', { number: '05372345678', kind: 'landline', extension: '801' }],
  ['extension on a bare local number', '2345678转12', { number: '05372345678', kind: 'landline', extension: '12' }],
  // service numbers
  ['12345 hotline', '12345', { number: '12345', kind: 'service' }],
  ['12315 consumer line', '12315', { number: '12315', kind: 'service' }],
  ['bank 95588', '95588', { number: '95588', kind: 'service' }],
  ['carrier 10086', '10086', { number: '10086', kind: 'service' }],
  ['400 number', '4008123123', { number: '4008123123', kind: 'service' }],
  ['400 number with hyphens', '400-812-3123', { number: '4008123123', kind: 'service' }],
  ['800 number', '800-810-8888', { number: '8008108888', kind: 'service' }],
  // invalid input
  ['empty', '', { reason: 'empty' }],
  ['blanks', '   ', { reason: 'empty' }],
  ['letters', 'abc', { reason: 'invalid_chars' }],
  ['letter inside', '1380537123a', { reason: 'invalid_chars' }],
  ['non-numeric extension', '0537-2345678 转 abc', { reason: 'invalid_chars' }],
  ['extension too long', '0537-2345678转1234567', { reason: 'invalid_chars' }],
  ['three digits', '110', { reason: 'too_short' }],
  ['four digits', '1234', { reason: 'too_short' }],
  ['plus only', '+86', { reason: 'too_short' }],
  ['15 digits', '123456789012345', { reason: 'too_long' }],
  ['two numbers at once', '13805371234 13805371234', { reason: 'too_long' }],
  ['foreign number', '+1 415 555 1234', { reason: 'unknown_format' }],
  ['ten-digit mobile', '1380537123', { reason: 'unknown_format' }],
  ['twelve-digit mobile', '138053712345', { reason: 'unknown_format' }],
  ['mobile prefix 12', '12345678901', { reason: 'unknown_format' }],
  ['local number starting with 1', '0537-1234567', { reason: 'unknown_format' }],
  ['zeros', '00000000', { reason: 'unknown_format' }],
];

describe('normalizePhone', () => {
  it.each(table)('%s: %j', (_label, input, expected) => {
    const result = normalizePhone(input);
    if ('reason' in expected) {
      expect(result).toEqual({ ok: false, reason: expected.reason });
    } else {
      expect(result).toEqual({ ok: true, ...expected });
    }
  });

  it('applies the configured area code to bare local numbers', () => {
    expect(normalizePhone('65123456', { defaultAreaCode: '010' })).toEqual({ ok: true, number: '01065123456', kind: 'landline' });
  });

  it('maps every spelling of one line to the same key', () => {
    const spellings = ['0537-2345678', '2345678', '+86 537 2345678', '（0537）2345678', '０５３７２３４５６７８', '0537 2345678 转 8'];
    const keys = new Set(spellings.map((s) => (normalizePhone(s) as { number: string }).number));
    expect([...keys]).toEqual(['05372345678']);
  });
});

describe('formatPhone and maskPhone', () => {
  it.each([
    ['13805371234', '138 0537 1234', '138****1234'],
    ['05372345678', '0537-2345678', '053****5678'],
    ['01065123456', '010-65123456', '010****3456'],
    ['12345', '12345', '*2345'],
    ['110', '110', '110'],
  ])('%s reads as %s and masks as %s', (number, formatted, masked) => {
    expect(formatPhone(number)).toBe(formatted);
    expect(maskPhone(number)).toBe(masked);
  });
});

describe('isPhoneSuffixQuery', () => {
  it.each([
    ['1234', true],
    ['1234567890', true],
    ['123', false],
    ['12345678901', false],
    ['12a4', false],
  ])('%s → %s', (text, expected) => {
    expect(isPhoneSuffixQuery(text)).toBe(expected);
  });
});
