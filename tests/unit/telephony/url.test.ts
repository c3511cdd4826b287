import { describe, expect, it } from 'vitest';
import { CallTimes, parseHotlineUrl, talkSeconds } from '../../../src/shared/telephony';

describe('parseHotlineUrl', () => {
  it('reads ringing, answered and ended with their fields', () => {
    expect(parseHotlineUrl('hotline://call/ringing?number=139%200537%201234&callId=abc.1&line=12345&ext=8001&at=1764400000000')).toEqual({
      ok: true,
      event: { kind: 'ringing', callId: 'abc.1', callerNumber: '139 0537 1234', calledLine: '12345', agentExtension: '8001', at: 1764400000000 },
    });
    const answered = parseHotlineUrl('hotline://call/answered?callId=abc.1');
    expect(answered.ok && answered.event.kind).toBe('answered');
    const ended = parseHotlineUrl('HOTLINE://end?callId=abc.1');
    expect(ended.ok && ended.event).toMatchObject({ kind: 'ended', callId: 'abc.1', callerNumber: '' });
    // the short form, as softphones' "open URL on ring" fields are short
    const ring = parseHotlineUrl('hotline://ring?number=13905371234&call_id=x-1');
    expect(ring.ok && ring.event).toMatchObject({ kind: 'ringing', callerNumber: '13905371234', callId: 'x-1' });
  });

  it('refuses other schemes, unknown actions and bad fields with a reason', () => {
    const cases: [string, RegExp][] = [
      ['https://call/ringing?number=1&callId=a', /scheme/],
      ['not a url', /not a URL/],
      ['hotline://call/transfer?callId=a', /unknown action/],
      ['hotline://call/ringing?callId=a', /callerNumber: required/],
      ['hotline://call/ringing?number=13905371234', /callId/],
      ['hotline://call/ringing?number=1390<script>&callId=a', /digits/],
      ['hotline://call/ringing?number=13905371234&callId=a%20b', /callId/],
      ['hotline://call/ended?callId=a&at=yesterday', /at/i],
      [`hotline://call/ringing?number=13905371234&callId=${'a'.repeat(3000)}`, /not a hotline/],
    ];
    for (const [url, reason] of cases) {
      const parsed = parseHotlineUrl(url);
      expect(parsed.ok, url).toBe(false);
      if (!parsed.ok) expect(parsed.reason, url).toMatch(reason);
    }
  });
});

describe('call times', () => {
  it('talk time is answered to ended, in whole seconds, and unknown until both are known', () => {
    expect(talkSeconds({ answerAt: 1_000, endAt: 95_400 })).toBe(94);
    expect(talkSeconds({ answerAt: 1_000, endAt: null })).toBeNull();
    expect(talkSeconds({ answerAt: null, endAt: 5_000 })).toBeNull();
  });

  it('refuses times out of order', () => {
    const t = 1_764_400_000_000;
    expect(CallTimes.safeParse({ callId: 'a', ringAt: t, answerAt: t + 5, endAt: t + 9 }).success).toBe(true);
    expect(CallTimes.safeParse({ callId: 'a', ringAt: t, answerAt: t - 5, endAt: null }).success).toBe(false);
    expect(CallTimes.safeParse({ callId: 'a', ringAt: null, answerAt: t, endAt: t - 1 }).success).toBe(false);
  });
});
