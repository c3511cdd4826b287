import { describe, expect, it } from 'vitest';
import {
  Actor,
  HistoryEntry,
  newWorkOrder,
  WorkOrder,
} from '../../../../src/shared/workorders';

describe('schemas', () => {
  it('an actor: a unit account is bound to one unit, a centre account to none', () => {
    expect(Actor.safeParse({ username: 'zjj', role: 'unit', unitId: 'U1' }).success).toBe(true);
    expect(Actor.safeParse({ username: 'sup1', role: 'supervisor', unitId: null }).success).toBe(true);
    expect(Actor.safeParse({ username: 'zjj', role: 'unit', unitId: null }).success).toBe(false);
    expect(Actor.safeParse({ username: 'sup1', role: 'supervisor', unitId: 'U1' }).success).toBe(false);
    expect(Actor.safeParse({ username: 'x', role: 'caller', unitId: null }).success).toBe(false);
  });

  it('a new order is a valid snapshot in 待派单', () => {
    const o = newWorkOrder({ id: 'WO-9', urgency: 'urgent', categoryCode: 'W01' });
    expect(WorkOrder.parse(o)).toEqual(o);
    expect(o.state).toBe('pending_dispatch');
    expect(WorkOrder.safeParse({ ...o, state: 'lost' }).success).toBe(false);
    expect(WorkOrder.safeParse({ ...o, version: -1 }).success).toBe(false);
  });

  it('a history entry must name its order, seq, actor and states, with JSON details', () => {
    const entry = {
      orderId: 'WO-9',
      seq: 1,
      action: 'dispatch',
      actor: { username: 'sup1', role: 'supervisor', unitId: null },
      at: 1_700_000_000_000,
      fromState: 'pending_dispatch',
      toState: 'pending_sign',
      note: '',
      details: { unitId: 'U1', coUnitIds: ['U2'], limit: { unit: 'working_days', value: 5 } },
    };
    expect(HistoryEntry.parse(entry)).toEqual(entry);
    expect(HistoryEntry.safeParse({ ...entry, seq: 0 }).success).toBe(false);
    expect(HistoryEntry.safeParse({ ...entry, details: { f: () => 1 } }).success).toBe(false);
    const { note: _note, ...noNote } = entry;
    expect(HistoryEntry.safeParse(noNote).success).toBe(false);
  });
});
