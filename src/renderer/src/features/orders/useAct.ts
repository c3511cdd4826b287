/**
 * Takes an action on an order (orders.act): on success the dialog closes, the status line says
 * so, the queues ask again and a sync starts; a refusal stays in the dialog, in the user's
 * language, beside the field it concerns, and nothing typed is lost.
 */
import { useState } from 'react';
import { backend } from '../../api/backend';
import type { DeskOrderSummary } from '../../../../shared/desk-orders';
import { ACTION_LABELS, type ActionName } from '../../../../shared/workorders/actions';
import { useLang } from '../../i18n';
import { useStatus } from '../../state/status';
import { useSync } from '../sync/syncStore';
import { refusalField, type RefusalField } from './orderText';
import { useOrders } from './ordersStore';

export interface ActProblem {
  field: RefusalField;
  text: string;
}

export function useAct(order: DeskOrderSummary) {
  const lang = useLang((s) => (s.lang === 'en' ? 'en' : 'zh'));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ActProblem | null>(null);
  const act = async (action: ActionName, args: Record<string, unknown>): Promise<boolean> => {
    if (busy) return false;
    setBusy(true);
    setProblem(null);
    const res = await backend.invoke('orders.act', { orderId: order.id, action, args, expectedVersion: order.version });
    setBusy(false);
    if (!res.ok) {
      setProblem({ field: null, text: '' });
      return false;
    }
    if (!res.data.ok) {
      const r = res.data.refusal;
      setProblem({ field: refusalField(r.code), text: lang === 'en' ? r.en : r.zh });
      return false;
    }
    const label = ACTION_LABELS[action];
    useStatus.getState().show('success', (m) => m.orders.acted(useLang.getState().lang === 'en' ? label.en : label.zh, order.officialNo));
    useOrders.getState().close();
    useOrders.getState().changed();
    void useSync.getState().syncNow().then(() => useOrders.getState().changed());
    return true;
  };
  return { act, busy, problem, setProblem };
}
