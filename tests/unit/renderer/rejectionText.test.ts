/**
 * 同步异常: every rejection code the server can emit (REJECTION_CODES, the protocol's list) has a
 * sentence in both languages, and the sentence names the field or the rule the server's English
 * reason names. The reasons below come from the server's own code where it can make them.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/server/config';
import { caseCreate } from '../../../src/server/sync/case-create';
import { en } from '../../../src/renderer/src/i18n/en';
import { zhCN } from '../../../src/renderer/src/i18n/zh-CN';
import { rejectionDetail, rejectionText } from '../../../src/renderer/src/features/sync/rejectionText';
import { MUTATIONS, REJECTION_CODES } from '../../../src/shared/sync';
import { caseArgs, T0 } from '../server/helpers';

const HAN = /\p{Script=Han}/u;
const DICTS = { 'zh-CN': zhCN, en } as const;

/** the reason push.ts gives for args failing their schema: "<path>: <message>" */
function invalidArgsReason(args: unknown): string {
  const parsed = MUTATIONS['case.create'].safeParse(args);
  if (parsed.success) throw new Error('expected invalid args');
  const issue = parsed.error.issues[0]!;
  return `${issue.path.map(String).join('.') || '(args)'}: ${issue.message}`;
}

describe('a rejection reason in the operator language', () => {
  it.each(REJECTION_CODES)('%s has its own sentence in zh-CN and en', (code) => {
    const r = { code, name: 'case.create', reason: 'some English reason from the server' };
    const zh = rejectionText(zhCN, r);
    const english = rejectionText(en, r);
    expect(zh).toMatch(HAN);
    expect(zh).not.toContain(r.reason);
    expect(english).not.toMatch(HAN);
    expect(english.length).toBeGreaterThan(20);
    // not the fallback for unknown codes
    expect(zh).not.toBe(zhCN.rejections.otherReason(code));
    expect(english).not.toBe(en.rejections.otherReason(code));
  });

  it('names the field the server refused, in the operator words', () => {
    const args = caseArgs();
    const reason = invalidArgsReason({ ...args, case: { ...args.case, phone: '12-34' } });
    expect(reason).toMatch(/^case\.phone: /);
    const r = { code: 'invalid_args', name: 'case.create', reason };
    expect(rejectionDetail(zhCN, r).field).toBe('来电号码');
    expect(rejectionText(zhCN, r)).toContain('“来电号码”');
    expect(rejectionText(en, r)).toContain('"Caller number"');
    // a field the dictionary does not know is named as the server named it
    expect(rejectionDetail(zhCN, { ...r, reason: 'case.newField: required' }).field).toBe('newField');
    // no path: the general sentence
    expect(rejectionText(zhCN, { ...r, reason: '(args): expected object' })).toBe(zhCN.rejections.reasons.invalid_args({ name: 'case.create', field: null, rule: null }));
  });

  it('says a clock running ahead is the cause when the server says createdAt is in the future', () => {
    const config = resolveConfig({});
    const args = caseArgs({ case: { createdAt: T0 + 2 * 86_400_000 } });
    const reason = caseCreate.check(args, { now: T0, config });
    expect(reason).toBeTruthy();
    const r = { code: 'rule_violation', name: 'case.create', reason: reason! };
    expect(rejectionDetail(zhCN, r).rule).toBe('future_time');
    expect(rejectionText(zhCN, r)).toContain('时钟');
    expect(rejectionText(en, r)).toContain('clock');
    const taken = { ...r, reason: `contact.uuid ${args.contact.uuid} already belongs to another case` };
    expect(rejectionDetail(zhCN, taken).rule).toBe('contact_taken');
    expect(rejectionText(zhCN, { ...r, reason: 'a rule added later' })).toBe(zhCN.rejections.reasons.rule_violation({ name: 'case.create', field: null, rule: null }));
  });

  it("shows a refused work-order action in the server's own words, Chinese or English", () => {
    const r = {
      code: 'action_refused',
      name: 'order.action',
      reason: '该工单已被派出（当前为「待签收」），不能重复派单。（已由 wang 派至任城区） (already_dispatched: The order has already been dispatched (dispatched by wang to 任城区))',
    };
    expect(rejectionText(zhCN, r)).toContain('不能重复派单');
    expect(rejectionText(zhCN, r)).not.toContain('already_dispatched');
    expect(rejectionText(en, r)).toContain('The order has already been dispatched (dispatched by wang to 任城区)');
  });

  it('a code this workstation does not know yet still gets a sentence with the code', () => {
    for (const t of Object.values(DICTS)) {
      expect(rejectionText(t, { code: 'quota_exceeded', name: 'case.create', reason: 'x' })).toContain('quota_exceeded');
    }
  });
});
