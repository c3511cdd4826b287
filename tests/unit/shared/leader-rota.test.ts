/**
 * 领导接听's weekly rota: Wednesday by default, moved to the next working day when the day is a
 * holiday (逢节假日顺延), and a session's state by the clock.
 */
import { describe, expect, it } from 'vitest';
import { CreateLeaderSessionRequest, instantOf, LeaderRotaRequest, nextWorkingDayFrom, rotaDates, sessionState } from '../../../src/shared/leader';
import { defaultWorkingCalendar as cal, weekday } from '../../../src/shared/workorders';

describe('the 领导接听 rota', () => {
  it('is every Wednesday by default, from the first one on or after the start date', () => {
    // 2026-11-23 is a Monday
    const d = rotaDates(cal, '2026-11-23', 4);
    expect(d.map((x) => x.date)).toEqual(['2026-11-25', '2026-12-02', '2026-12-09', '2026-12-16']);
    expect(d.every((x) => weekday(x.date) === 3 && x.planned === x.date)).toBe(true);
    // starting on a Wednesday includes that day
    expect(rotaDates(cal, '2026-11-25', 1)[0]!.date).toBe('2026-11-25');
    // starting on a Thursday: the next week's Wednesday
    expect(rotaDates(cal, '2026-11-26', 1)[0]!.date).toBe('2026-12-02');
  });

  it('moves a Wednesday of the National Day holiday to the next working day (逢节假日顺延)', () => {
    // 2026-09-30 is a working Wednesday; 2026-10-07 is a Wednesday inside the 10-01…10-07 holiday
    const d = rotaDates(cal, '2026-09-28', 3);
    expect(d).toEqual([
      { planned: '2026-09-30', date: '2026-09-30' },
      { planned: '2026-10-07', date: '2026-10-08' },
      { planned: '2026-10-14', date: '2026-10-14' },
    ]);
    expect(cal.isWorkday('2026-10-07')).toBe(false);
    expect(cal.isWorkday('2026-10-08')).toBe(true);
    // a weekday rota on Thursday 2026-10-01 moves past the whole week
    expect(rotaDates(cal, '2026-09-28', 1, 4)).toEqual([{ planned: '2026-10-01', date: '2026-10-08' }]);
    // Spring Festival 2026 (02-15…02-23): Wednesday 02-18 → Tuesday 02-24
    expect(nextWorkingDayFrom(cal, '2026-02-18')).toBe('2026-02-24');
  });

  it('takes another weekday and keeps the default times', () => {
    const r = LeaderRotaRequest.parse({ weeks: 2, seat: 'W001', weekday: 5 });
    expect(r).toMatchObject({ weekday: 5, startTime: '09:00', endTime: '10:30', leaders: [] });
    expect(rotaDates(cal, '2026-11-23', 2, r.weekday).map((x) => x.date)).toEqual(['2026-11-27', '2026-12-04']);
    expect(LeaderRotaRequest.parse({ weeks: 1, seat: 'W001' }).weekday).toBe(3);
  });

  it('refuses an end before the start and times that are not HH:MM', () => {
    const ok = { date: '2026-11-25', startTime: '09:00', endTime: '10:30', leaderName: '李明', department: '市城市管理局', seat: 'W001' };
    expect(CreateLeaderSessionRequest.safeParse(ok).success).toBe(true);
    const bad = CreateLeaderSessionRequest.safeParse({ ...ok, endTime: '08:59' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['endTime']);
    expect(CreateLeaderSessionRequest.safeParse({ ...ok, startTime: '9:00' }).success).toBe(false);
    expect(CreateLeaderSessionRequest.safeParse({ ...ok, date: '2026-02-30' }).success).toBe(false);
  });

  it('follows the clock: scheduled, running, ended; an early end and 转督办 win', () => {
    const s = { date: '2026-11-25', startTime: '09:00', endTime: '10:30', endedAt: null, dispatchedAt: null };
    const nine = instantOf('2026-11-25', '09:00');
    expect(nine).toBe(Date.parse('2026-11-25T01:00:00Z'));
    expect(sessionState(s, nine - 1)).toBe('scheduled');
    expect(sessionState(s, nine)).toBe('running');
    expect(sessionState(s, instantOf('2026-11-25', '10:30') - 1)).toBe('running');
    expect(sessionState(s, instantOf('2026-11-25', '10:30'))).toBe('ended');
    expect(sessionState({ ...s, endedAt: nine + 1 }, nine + 2)).toBe('ended');
    expect(sessionState({ ...s, endedAt: nine + 1, dispatchedAt: nine + 5 }, nine + 6)).toBe('dispatched');
  });
});
