/** 临期 (yellow) and 超期 (red), as the server computed them; nothing for 正常. */
import type { OrderSummary } from '../../../../shared/portal';
import { DEADLINE_STATUS_LABELS } from '../../../../shared/workorders/deadlines';
import { label, type Lang } from '../../i18n';

export function DeadlineMark({ status, lang }: { status: OrderSummary['deadlineStatus']; lang: Lang }) {
  if (status !== 'due_soon' && status !== 'overdue') return null;
  return <span className={`mark mark--${status}`}>{label(DEADLINE_STATUS_LABELS[status], lang)}</span>;
}
