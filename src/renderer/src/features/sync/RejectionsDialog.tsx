/**
 * 同步异常: changes the central server refused for good (a wrong clock, data it cannot accept).
 * They never block the queue, so the operator has to learn of them here: each shows the case
 * number, why and when; the case opens with Enter, and 已处理 takes it off the list. Listing marks
 * them seen (main does), so the badge of new ones goes out.
 */
import { Button, Modal } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { create } from 'zustand';
import type { SyncRejection } from '../../../../shared/contract';
import { backend } from '../../api/backend';
import { formatDateTime, useT } from '../../i18n';
import { useOpenCase } from '../cases/caseStore';
import { rejectionText } from './rejectionText';
import { useSync } from './syncStore';

interface RejectionsState {
  open: boolean;
  setOpen: (open: boolean) => void;
}

export const useRejections = create<RejectionsState>((set) => ({ open: false, setOpen: (open) => set({ open }) }));

const CLOSE_CLASS = 'rejections__close';

type Loaded =
  | { state: 'loading' }
  | { state: 'ready'; items: SyncRejection[] }
  | { state: 'failed' };

export function RejectionsDialog() {
  const t = useT();
  const { open, setOpen } = useRejections();
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const listRef = useRef<HTMLUListElement>(null);

  const load = useCallback(async () => {
    const res = await backend.invoke('sync.rejections', { includeDismissed: false });
    setLoaded(res.ok ? { state: 'ready', items: res.data } : { state: 'failed' });
    // they are seen now: the count of new ones must drop at once, not at the next poll
    void useSync.getState().refresh();
  }, []);

  useEffect(() => {
    if (!open) return;
    setLoaded({ state: 'loading' });
    void load();
  }, [open, load]);

  // the keyboard starts on the first entry's first action, as search results start on the first row
  const ready = loaded.state === 'ready';
  const focusFirstAction = () => listRef.current?.querySelector<HTMLElement>('button')?.focus();
  useEffect(() => {
    if (ready) focusFirstAction();
  }, [ready]);

  const dismiss = async (id: number, from: HTMLElement) => {
    // the pressed button goes away with its entry: keep the keyboard in the list
    const entry = from.closest('li');
    const neighbour = (entry?.nextElementSibling ?? entry?.previousElementSibling) as HTMLElement | null;
    const res = await backend.invoke('sync.dismissRejection', { id });
    if (!res.ok) {
      setLoaded({ state: 'failed' });
      return;
    }
    setLoaded((l) => (l.state === 'ready' ? { state: 'ready', items: l.items.filter((r) => r.id !== id) } : l));
    requestAnimationFrame(() => (neighbour?.querySelector('button') ?? document.querySelector<HTMLElement>(`.${CLOSE_CLASS}`))?.focus());
    void useSync.getState().refresh();
  };

  const close = () => setOpen(false);
  return (
    <Modal
      open={open}
      onCancel={close}
      title={t.rejections.title}
      footer={
        <Button type="primary" className={CLOSE_CLASS} onClick={close}>
          {t.rejections.close}
        </Button>
      }
      width={760}
      destroyOnHidden
      // entries that came before the opening animation ended lose focus to the dialog's close
      // button when it ends: give it back to the first entry's first action
      afterOpenChange={(isOpen) => {
        if (isOpen) requestAnimationFrame(focusFirstAction);
      }}
    >
      <p className="rejections__intro">{t.rejections.intro}</p>
      {loaded.state === 'loading' && <p>{t.rejections.loading}</p>}
      {loaded.state === 'failed' && <p role="status">{t.rejections.failed}</p>}
      {loaded.state === 'ready' &&
        (loaded.items.length === 0 ? (
          <p role="status">{t.rejections.empty}</p>
        ) : (
          <ul ref={listRef} className="rejection-list" aria-label={t.rejections.list}>
            {loaded.items.map((r) => (
              <RejectionItem key={r.id} item={r} onDismiss={(id, from) => void dismiss(id, from)} />
            ))}
          </ul>
        ))}
    </Modal>
  );
}

interface RejectionItemProps {
  item: SyncRejection;
  onDismiss: (id: number, from: HTMLElement) => void;
}

function RejectionItem({ item: r, onDismiss }: RejectionItemProps) {
  const t = useT();
  const openCase = useOpenCase((s) => s.open);
  const caseId = r.caseId;
  // a change that was not a case of this workstation has no local number: its mutation id names it
  const label = r.localNo ?? `#${r.mutationId}`;
  return (
    <li className="rejection">
      <div className="rejection__head">
        <span className="rejection__no">
          {t.rejections.caseNo} {label}
          {caseId === null && <span className="rejection__muted"> {t.rejections.notHere}</span>}
        </span>
        <span className="rejection__time">
          {t.rejections.time} {formatDateTime(r.rejectedAt)}
        </span>
        {r.username && (
          <span className="rejection__muted">
            {t.rejections.operator} {r.username}
          </span>
        )}
      </div>
      <div className="rejection__reason">
        {t.rejections.reason}：{t.rejections.codes[r.code] ?? r.code}
        <div className="rejection__text">{rejectionText(t, r)}</div>
        {/* the server's own explanation (English), the detail IT needs */}
        <div className="rejection__detail">
          {t.rejections.serverText}：<span lang="en">{r.reason}</span>
        </div>
      </div>
      <div className="rejection__actions">
        {caseId !== null && (
          <Button size="small" aria-label={t.rejections.openLabel(label)} onClick={() => openCase(caseId)}>
            {t.rejections.open}
          </Button>
        )}
        <Button size="small" aria-label={t.rejections.dismissLabel(label)} onClick={(e) => onDismiss(r.id, e.currentTarget)}>
          {t.rejections.dismiss}
        </Button>
      </div>
    </li>
  );
}
