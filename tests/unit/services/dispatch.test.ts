import { describe, expect, it, vi } from 'vitest';
import { dispatch, type HandlerTable } from '../../../src/main/services/dispatch';
import { StoreInputError } from '../../../src/main/store/errors';

function table(overrides: Partial<HandlerTable> = {}): HandlerTable {
  const unexpected = () => {
    throw new Error('handler should not run');
  };
  return new Proxy(overrides as HandlerTable, { get: (t, k) => (t as Record<string | symbol, unknown>)[k] ?? unexpected });
}

const ctx = { transport: 'browser' as const };

describe('dispatch', () => {
  it('refuses a method that is not in the contract without running anything', async () => {
    const res = await dispatch(table(), 'store.deleteEverything', {}, ctx);
    expect(res).toEqual({ ok: false, error: { code: 'unknown_method', message: 'unknown method: store.deleteEverything' } });
  });

  it('validates input before the handler runs and reports field keys', async () => {
    const save = vi.fn();
    const res = await dispatch(table({ 'intake.save': save }), 'intake.save', { phone: 'abc', content: '短' }, ctx);
    expect(save).not.toHaveBeenCalled();
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.code).toBe('invalid_input');
    expect(res.error.fields).toMatchObject({
      phone: 'phone.invalid',
      content: 'content.tooShort',
      requestType: 'requestType.required',
      handlingMode: 'handlingMode.required',
      categoryCode: 'category.required',
      regionCode: 'region.required',
    });
  });

  it('asks for the answer when the call is answered on the spot', async () => {
    const input = {
      phone: '13805371234',
      requestType: 'consult',
      categoryCode: 'C0201',
      regionCode: '370811',
      content: '咨询物业费收费标准',
      handlingMode: 'direct',
    };
    const res = await dispatch(table(), 'intake.save', input, ctx);
    expect(res.ok || res.error.fields).toEqual({ answer: 'answer.required' });
  });

  it('passes parsed input with defaults to the handler', async () => {
    const save = vi.fn(() => ({ caseId: 1, localNo: 'W001-20261127-0001', createdAt: 1 }));
    const input = {
      phone: ' 138-0537-1234 ',
      requestType: 'complaint',
      categoryCode: 'C0201',
      regionCode: '370811',
      content: '小区物业不作为，垃圾无人清理',
      handlingMode: 'dispatch',
    };
    const res = await dispatch(table({ 'intake.save': save }), 'intake.save', input, ctx);
    expect(res).toEqual({ ok: true, data: { caseId: 1, localNo: 'W001-20261127-0001', createdAt: 1 } });
    expect(save).toHaveBeenCalledWith(
      expect.objectContaining({ phone: '138-0537-1234', channel: 'hotline', urgency: 'normal', confidential: false }),
      ctx,
    );
  });

  it('hides internal failures behind a plain error and reports them to the log hook', async () => {
    const onInternalError = vi.fn();
    const failing = table({
      'case.get': () => {
        throw new Error('SQLITE_IOERR: disk I/O error at /secret/path');
      },
    });
    const res = await dispatch(failing, 'case.get', { id: 7 }, ctx, { onInternalError });
    expect(res).toEqual({ ok: false, error: { code: 'internal', message: 'case.get failed' } });
    expect(onInternalError).toHaveBeenCalledWith('case.get', expect.any(Error));
  });

  it("turns the store's input refusals into field errors, not internal failures", async () => {
    const refusing = table({
      'draft.save': () => {
        throw new StoreInputError('draft.tooLarge');
      },
    });
    const res = await dispatch(refusing, 'draft.save', { draft: {} }, ctx);
    expect(res).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'draft.tooLarge', fields: { draft: 'draft.tooLarge' } },
    });
  });

  it('refuses extra keys on strict inputs', async () => {
    const res = await dispatch(table(), 'case.get', { id: 1, sql: 'DROP TABLE cases' }, ctx);
    expect(res.ok).toBe(false);
  });
});
