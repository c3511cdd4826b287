/**
 * 来电历史's 面对面 line: the caller's face-to-face meetings (when, where, with which unit, the
 * outcome), asked from the server for the number shown. Online only: offline or standalone it
 * shows nothing (the rest of the panel is the local store's).
 */
import { useEffect, useState } from 'react';
import type { Meeting } from '../../../../shared/leader';
import { useT } from '../../i18n';
import { useLeaderVisible } from './LeaderScreen';
import { leaderCall } from './leaderStore';

const showAt = (at: number) => new Date(at + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

export function CallerMeetings({ phone }: { phone: string | null }) {
  const t = useT();
  const visible = useLeaderVisible();
  const [meetings, setMeetings] = useState<{ phone: string; list: Meeting[] } | null>(null);
  useEffect(() => {
    if (!visible || !phone) return;
    let cancelled = false;
    void leaderCall('meetings.forPhone', { phone }, t).then((r) => {
      if (!cancelled && r.ok) setMeetings({ phone, list: r.data.meetings });
    });
    return () => {
      cancelled = true;
    };
  }, [visible, phone, t]);
  const list = meetings?.phone === phone ? meetings.list : [];
  if (list.length === 0) return null;
  return (
    <>
      <h3 className="history__section">{t.faceToFace.history}</h3>
      <ul className="case-list" aria-label={t.faceToFace.history}>
        {list.map((m) => (
          <li key={m.id} className="history__note">
            {showAt(m.at)} · {m.place} · {m.unitName} · {t.faceToFace.states[m.state]}
            {m.outcome && `：${m.outcome}`}
          </li>
        ))}
      </ul>
    </>
  );
}
