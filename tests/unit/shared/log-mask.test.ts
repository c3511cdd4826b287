/** Log masking and rotation (issue 9, item 5): pure functions shared by the workstation and the server. */
import { describe, expect, it } from 'vitest';
import { MASKED, maskLogRecord, maskPhone, maskPhonesInText } from '../../../src/shared/log-mask';
import { createRotatingLog, type LogFs } from '../../../src/shared/log-rotate';

describe('maskLogRecord', () => {
  it('stars phone numbers in free text, keeping the last 4 digits, however they are written', () => {
    expect(maskPhone('13905371234')).toBe('*******1234');
    for (const text of ['13905371234', '139 0537 1234', '139-0537-1234', '+86 139 0537 1234', '0537-2345678', '05372345678']) {
      const masked = maskPhonesInText(`call from ${text} failed`);
      expect(masked).not.toMatch(/\d{5,}/);
      expect(masked).toMatch(/\*+\d{4} failed$/);
    }
    expect(maskPhonesInText('GET /api/callers/13905371234/history')).toBe('GET /api/callers/*******1234/history');
  });

  it('leaves what is not a phone number: short numbers, dates, uuids, versions, official numbers', () => {
    const text = 'took 1234 ms at 2026-11-27 10:00, case 6f0c8b1e-0000-4000-8000-000000000001, v1.2.3, JN20261127-000123, day 20261127';
    expect(maskPhonesInText(text)).toBe(text);
  });

  it('masks values under personal and secret keys, whatever the nesting, and phones under phone keys', () => {
    const record = {
      msg: 'case saved',
      caseId: 42,
      phone: '13905371234',
      case: { callerName: '张三', address: '任城区古槐路 12 号', content: '噪音扰民 13905371234', urgency: 'normal' },
      contacts: [{ phone: '0537-2345678', callerName: '李四' }],
      password: 'hunter2hunter2',
      headers: { authorization: 'Bearer abc.def.ghi', 'content-length': '120' },
      refreshToken: 'xyz',
      username: '1024',
      empty: { callerName: '' },
    };
    const masked = maskLogRecord(record);
    const text = JSON.stringify(masked);
    for (const secret of ['13905371234', '张三', '古槐路', '噪音', '李四', '2345678', 'hunter2', 'abc.def', 'xyz']) expect(text).not.toContain(secret);
    expect(masked).toMatchObject({
      msg: 'case saved',
      caseId: 42,
      phone: '*******1234',
      case: { callerName: MASKED, address: MASKED, content: MASKED, urgency: 'normal' },
      contacts: [{ phone: '*******5678', callerName: MASKED }],
      password: MASKED,
      headers: { authorization: MASKED, 'content-length': '120' },
      username: '1024',
      empty: { callerName: '' },
    });
    expect(record.phone).toBe('13905371234'); // the input is not changed
  });

  it('masks errors, survives cycles and very deep values', () => {
    const err = new Error('push failed for 13905371234');
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { phone: '13905371234' };
    for (let i = 0; i < 20; i++) deep = { d: deep };
    const masked = maskLogRecord({ err, cyclic, deep });
    const text = JSON.stringify(masked);
    expect(text).not.toContain('13905371234');
    expect(masked.err).toMatchObject({ type: 'Error', message: 'push failed for *******1234' });
    expect((masked.cyclic as Record<string, unknown>).self).toBe(MASKED);
  });
});

describe('createRotatingLog', () => {
  function memoryFs() {
    const files = new Map<string, string>();
    const fs: LogFs = {
      size: (f) => new TextEncoder().encode(files.get(f) ?? '').length,
      append: (f, t) => void files.set(f, (files.get(f) ?? '') + t),
      rename: (a, b) => {
        if (!files.has(a)) return;
        files.set(b, files.get(a)!);
        files.delete(a);
      },
      remove: (f) => void files.delete(f),
    };
    return { fs, files };
  }

  it('writeLines rotates exactly as write does, with one append per file', () => {
    const one = memoryFs();
    const many = memoryFs();
    let appends = 0;
    const counted: LogFs = { ...many.fs, append: (f, t) => (appends++, many.fs.append(f, t)) };
    const lines = Array.from({ length: 10 }, (_, i) => `line-${i}-${'x'.repeat(i % 4)}`);
    const a = createRotatingLog(one.fs, { file: 'a.log', maxBytes: 30, keep: 3 });
    for (const line of lines) a.write(line);
    createRotatingLog(counted, { file: 'a.log', maxBytes: 30, keep: 3 }).writeLines(lines);
    expect([...many.files.entries()].sort()).toEqual([...one.files.entries()].sort());
    // a.log and the three it rotated: each written in one piece
    expect(appends).toBe(one.files.size);
    expect(one.files.size).toBe(4);
  });

  it('rotates before a line would pass maxBytes, keeping `keep` older files', () => {
    const { fs, files } = memoryFs();
    const log = createRotatingLog(fs, { file: 'a.log', maxBytes: 20, keep: 2 });
    for (let i = 0; i < 10; i++) log.write(`line-${i}-xxxx`); // 12 bytes with the newline
    expect([...files.keys()].sort()).toEqual(['a.log', 'a.log.1', 'a.log.2']);
    expect(files.get('a.log')).toBe('line-9-xxxx\n');
    expect(files.get('a.log.1')).toBe('line-8-xxxx\n');
    expect(files.get('a.log.2')).toBe('line-7-xxxx\n');
    expect(log.files).toEqual(['a.log', 'a.log.1', 'a.log.2']);
  });

  it('continues an existing file and writes an over-long line alone', () => {
    const { fs, files } = memoryFs();
    files.set('b.log', 'old\n');
    const log = createRotatingLog(fs, { file: 'b.log', maxBytes: 10, keep: 1 });
    log.write('ab');
    expect(files.get('b.log')).toBe('old\nab\n');
    log.write('x'.repeat(30));
    expect(files.get('b.log')).toBe(`${'x'.repeat(30)}\n`);
    expect(files.get('b.log.1')).toBe('old\nab\n');
    expect(() => createRotatingLog(fs, { file: 'c', maxBytes: 0, keep: 1 })).toThrow();
  });
});
