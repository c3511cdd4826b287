import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCaseChange, checkPullResponse, PullResponseError } from '../../../src/main/sync/pull-response';
import { CaseChange, PullResponse } from '../../../src/shared/sync';

const caseUuid = '0b7e4c1a-3f0d-4a8e-9c1b-2d3e4f5a6b7c';
const valid = (): Record<string, unknown> => ({
  uuid: caseUuid,
  officialNo: 'JN20261127-000123',
  localNo: 'W001-20261127-0042',
  workstation: 'W001',
  phone: '13905371234',
  phoneExt: '',
  callerName: '李女士',
  channel: 'hotline',
  requestType: 'complaint',
  categoryCode: 'C0201',
  regionCode: '370811001',
  address: '任城区古槐街道阳光花园3号楼',
  content: '小区供暖不热',
  answer: '',
  urgency: 'normal',
  handlingMode: 'dispatch',
  status: 'pending_dispatch',
  confidential: false,
  operator: 'op1',
  createdAt: 1_764_208_800_000,
  originClientId: 'client-1',
  version: 7,
  contacts: [
    {
      uuid: '1c8f5d2b-4a1e-4b9f-8d2c-3e4f5a6b7c8d',
      caseUuid,
      phone: '13905371234',
      phoneExt: '',
      callerName: '李女士',
      channel: 'hotline',
      requestType: 'complaint',
      content: '小区供暖不热',
      operator: 'op1',
      createdAt: 1_764_208_800_000,
    },
  ],
});

const CASE_KEYS = Object.keys(valid());
const CONTACT_KEYS = Object.keys((valid().contacts as object[])[0]!);
/** values of every kind a broken or hostile server could send */
const anyValue = fc.oneof(
  fc.string(),
  fc.constantFrom('hotline', 'complaint', 'normal', 'closed', 'dispatch', caseUuid, caseUuid.toUpperCase(), '', 'W001'),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -0, NaN),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
);

const zodAccepts = (c: unknown) => CaseChange.safeParse(c).success;
const cheapAccepts = (c: unknown) => {
  try {
    checkCaseChange(c);
    return true;
  } catch (e) {
    expect(e).toBeInstanceOf(PullResponseError);
    return false;
  }
};

describe('checking a pulled page without zod per case', () => {
  it('accepts a valid case and refuses a broken one naming the field', () => {
    expect(cheapAccepts(valid())).toBe(true);
    const page = { cursor: 'ab.1', changes: [valid(), { ...valid(), channel: 'telegram' }], rejections: [], lastMutationId: 0, more: false };
    expect(() => checkPullResponse(page)).toThrow('changes.1.channel: expected one of');
    const contact = valid();
    (contact.contacts as Record<string, unknown>[])[0]!.createdAt = '2026-11-27';
    expect(() => checkPullResponse({ ...page, changes: [contact] })).toThrow('changes.0.contacts.0.createdAt: expected an integer');
    expect(() => checkPullResponse({ ...page, cursor: 1 })).toThrow(/^cursor: /);
    expect(() => checkPullResponse({ ...page, changes: {} })).toThrow(/^changes: /);
    expect(() => checkPullResponse({ ...page, total: -1 })).toThrow(/^total: /);
    // out of version order, or a case twice
    expect(() => checkPullResponse({ ...page, changes: [{ ...valid(), version: 8 }, valid()] })).toThrow('changes.1.version: not after');
    expect(() => checkPullResponse({ ...page, changes: [valid(), valid()] })).toThrow('changes.1.version: not after');
  });

  it('passes the page on as the protocol schema reads it', () => {
    const page = { cursor: 'ab.1', changes: [valid()], rejections: [], lastMutationId: 3, more: true, total: 10 };
    expect(checkPullResponse(page)).toEqual(PullResponse.parse(page));
  });

  it('gives the same verdict as the zod schema for any broken field of a case or its contact', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CASE_KEYS), anyValue, fc.constantFrom(...CONTACT_KEYS), anyValue, fc.nat(3), (key, value, ckey, cvalue, what) => {
        const c = valid();
        if (what & 1) {
          if (value === undefined) delete c[key];
          else c[key] = value;
        }
        const k = Array.isArray(c.contacts) ? (c.contacts as unknown[])[0] : undefined;
        if (what & 2 && typeof k === 'object' && k !== null && !Array.isArray(k)) {
          const contact = k as Record<string, unknown>;
          if (cvalue === undefined) delete contact[ckey];
          else contact[ckey] = cvalue;
        }
        expect(cheapAccepts(c)).toBe(zodAccepts(c));
      }),
      { numRuns: 3000 },
    );
  });
});
