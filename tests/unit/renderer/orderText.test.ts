import { describe, expect, it } from 'vitest';
import { DispatchArgs } from '../../../src/shared/workorders/actions';
import { TimeLimit } from '../../../src/shared/workorders/deadlines';
import {
  dispatchArgs,
  limitChoices,
  ordersVisible,
  parseLimit,
  refusalField,
  submitsOnEnter,
  timelineLines,
  unitOptions,
} from '../../../src/renderer/src/features/orders/orderText';
import type { SessionState } from '../../../src/shared/contract';
import type { Unit } from '../../../src/shared/units';

const session = (role: 'operator' | 'supervisor' | 'admin' | null, loginRequired = true): SessionState => ({
  loginRequired,
  user: role === null ? null : { username: 'u1', displayName: 'U', role, mode: 'online' },
  endedReason: null,
});

describe('who sees 工单', () => {
  it('supervisors and admins always, operators only when the server lets them dispatch', () => {
    expect(ordersVisible(session('supervisor'), null)).toBe(true);
    expect(ordersVisible(session('admin'), { mayDispatch: false })).toBe(true);
    expect(ordersVisible(session('operator'), null)).toBe(false);
    expect(ordersVisible(session('operator'), { mayDispatch: false })).toBe(false);
    expect(ordersVisible(session('operator'), { mayDispatch: true })).toBe(true);
  });
  it('nobody before sign-in; standalone shows it (with the note that it needs the server)', () => {
    expect(ordersVisible(session(null), { mayDispatch: true })).toBe(false);
    expect(ordersVisible(null, null)).toBe(false);
    expect(ordersVisible(session(null, false), null)).toBe(true);
  });
});

describe('办理时限', () => {
  it('every choice is the rules default or a TimeLimit the schema accepts', () => {
    const choices = limitChoices();
    expect(choices[0]).toBe('');
    expect(parseLimit('')).toBeUndefined();
    for (const c of choices.slice(1)) expect(TimeLimit.safeParse(parseLimit(c)).success, c).toBe(true);
    expect(parseLimit('d:5')).toEqual({ unit: 'working_days', value: 5 });
    expect(parseLimit('h:24')).toEqual({ unit: 'hours', value: 24 });
  });
  it('refuses what the schema would refuse', () => {
    expect(parseLimit('d:0')).toBeUndefined();
    expect(parseLimit('d:61')).toBeUndefined();
    expect(parseLimit('h:721')).toBeUndefined();
    expect(parseLimit('x:3')).toBeUndefined();
  });
  it('dispatch arguments pass DispatchArgs, without limit when the rules decide', () => {
    const byRules = dispatchArgs({ unitCode: 'ZJJ', limit: '', note: '  请尽快处理 ' });
    expect(byRules).toEqual({ leadUnitId: 'ZJJ', note: '请尽快处理' });
    expect(DispatchArgs.safeParse(byRules).success).toBe(true);
    const hours = dispatchArgs({ unitCode: 'ZJJ', limit: 'h:4', note: '' });
    expect(DispatchArgs.parse(hours).limit).toEqual({ unit: 'hours', value: 4 });
  });
});

describe('承办单位 options', () => {
  const unit = (code: string, active = true): Unit => ({ code, name: `单位${code}`, kind: 'department', parentCode: null, phone: '', active });
  it('active units only, the suggestion first', () => {
    const list = unitOptions([unit('A'), unit('B', false), unit('C')], 'C');
    expect(list.map((u) => u.code)).toEqual(['C', 'A']);
    expect(unitOptions([unit('A'), unit('C')], null).map((u) => u.code)).toEqual(['A', 'C']);
  });
});

describe('流转记录 lines', () => {
  const actor = (username: string, unitId: string | null = null) => ({ username, role: unitId ? ('unit' as const) : ('supervisor' as const), unitId });
  const entry = (seq: number, action: string, a: ReturnType<typeof actor>, details: Record<string, string> = {}, note = '') => ({
    orderId: 'o1',
    seq,
    action,
    actor: a,
    at: 1_000 * seq,
    fromState: 'pending_dispatch' as const,
    toState: 'pending_sign' as const,
    note,
    details,
  });
  it('names the action, who, the unit, and marks local actions 待同步 after the server history', () => {
    const lines = timelineLines(
      {
        history: [
          entry(1, 'dispatch', actor('sup1'), { leadUnitId: 'ZJJ' }, '请核实'),
          entry(2, 'sign', actor('zjj', 'ZJJ')),
          entry(3, 'review', actor('sup1'), { decision: 'send_back', unitId: 'ZJJ' }, '未联系来电人'),
        ],
        pending: [
          { mutationId: 7, action: 'review', at: 9_000, username: 'sup1', note: '', acknowledged: true, refused: null },
          { mutationId: 8, action: 'dispatch', at: 9_500, username: 'sup1', note: '', refused: { code: 'already_dispatched', zh: '已由他人派单', en: 'taken' } },
        ],
        units: { ZJJ: '市住建局' },
      },
      'zh',
    );
    expect(lines.map((l) => [l.label, l.who, l.unitName, l.pending])).toEqual([
      ['派单', 'sup1', '市住建局', false],
      ['签收', 'zjj', '市住建局', false],
      ['审核（退回重办）', 'sup1', '市住建局', false],
      ['审核', 'sup1', null, false],
      ['派单', 'sup1', null, true],
    ]);
    expect(lines.map((l) => l.refused)).toEqual([null, null, null, null, '已由他人派单']);
    expect(lines[0]!.note).toBe('请核实');
    expect(timelineLines({ history: [entry(1, 'dispatch', actor('s'), { leadUnitId: 'X9' })], pending: [], units: {} }, 'en')[0]).toMatchObject({
      label: 'dispatch',
      unitName: 'X9',
    });
  });
});

describe('refusals beside their field', () => {
  it('unit, time limit and days refusals go to their field; the rest to the dialog', () => {
    expect(refusalField('inactive_unit')).toBe('unit');
    expect(refusalField('same_unit')).toBe('unit');
    expect(refusalField('calendar_year_not_covered')).toBe('limit');
    expect(refusalField('approve_more_than_requested')).toBe('days');
    expect(refusalField('already_dispatched')).toBeNull();
  });
});

describe('Enter in the 派单 dialog', () => {
  const key = (k: string, mods: Partial<{ ctrlKey: boolean; altKey: boolean; shiftKey: boolean }> = {}, target: unknown = el()) => ({
    key: k,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    shiftKey: false,
    ...mods,
    target,
  });
  function el(opts: { inside?: string; expanded?: boolean } = {}) {
    return {
      closest: (sel: string) => (opts.inside && sel === opts.inside ? {} : null),
      getAttribute: (name: string) => (name === 'aria-expanded' ? String(Boolean(opts.expanded)) : null),
    };
  }
  it('submits from a closed list, not from an open one, the note or a button; Ctrl+Enter always', () => {
    expect(submitsOnEnter(key('Enter'))).toBe(true);
    expect(submitsOnEnter(key('Enter', {}, el({ expanded: true })))).toBe(false);
    expect(submitsOnEnter(key('Enter', {}, el({ inside: 'textarea' })))).toBe(false);
    expect(submitsOnEnter(key('Enter', {}, el({ inside: 'button' })))).toBe(false);
    expect(submitsOnEnter(key('Enter', { ctrlKey: true }, el({ inside: 'textarea' })))).toBe(true);
    expect(submitsOnEnter(key('Enter', { shiftKey: true }))).toBe(false);
    expect(submitsOnEnter(key('a'))).toBe(false);
  });
});
