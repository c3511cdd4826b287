/**
 * A queue of the 工单 screen, asked again after every action here (the store's tick), after
 * every successful sync (a unit's reply arrives with a pull) and every 30 s (deadlines move
 * into 临期 and 超期 by themselves). A slow answer never overwrites a newer one.
 */
import { useEffect, useRef, useState } from 'react';
import { backend } from '../../api/backend';
import type { MethodInput } from '../../../../shared/contract';
import type { DeskOrderDetail, DeskOrderSummary, DeskQueueResponse } from '../../../../shared/desk-orders';
import { useSync } from '../sync/syncStore';
import { useOrders } from './ordersStore';

export type Loadable<T> = { state: 'loading' } | { state: 'failed' } | { state: 'ready'; data: T; at: number };

const REFRESH_MS = 30_000;

/** Asks `fetcher` again whenever the tick, the last sync or the period says so. */
export function useRefreshing<T>(fetcher: () => Promise<T | null>, key: string, enabled = true): Loadable<T> {
  const tick = useOrders((s) => s.tick);
  const lastSync = useSync((s) => s.status?.lastSuccessAt ?? null);
  const [loaded, setLoaded] = useState<Loadable<T>>({ state: 'loading' });
  const seq = useRef(0);
  const fetchRef = useRef(fetcher);
  fetchRef.current = fetcher;
  const [period, setPeriod] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setPeriod((p) => p + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (!enabled) return;
    const mine = ++seq.current;
    void fetchRef.current().then((data) => {
      if (mine !== seq.current) return;
      // a failed refresh keeps the rows already shown
      if (data === null) setLoaded((prev) => (prev.state === 'ready' ? prev : { state: 'failed' }));
      else setLoaded({ state: 'ready', data, at: Date.now() });
    });
  }, [tick, lastSync, period, key, enabled]);
  return loaded;
}

export function useQueue(input: MethodInput<'orders.queue'>, enabled = true): Loadable<DeskQueueResponse> {
  const key = JSON.stringify(input);
  return useRefreshing(
    async () => {
      const res = await backend.invoke('orders.queue', input);
      return res.ok ? res.data : null;
    },
    key,
    enabled,
  );
}

/** The details of a few rows (the unit's 退回理由, the 延期 request), fetched alongside the queue. */
export function useDetails(orders: DeskOrderSummary[]): Map<string, DeskOrderDetail> {
  const [details, setDetails] = useState(new Map<string, DeskOrderDetail>());
  const key = orders.map((o) => `${o.id}@${o.version}`).join(',');
  useEffect(() => {
    let current = true;
    void Promise.all(orders.slice(0, 50).map((o) => backend.invoke('orders.get', { orderId: o.id }))).then((all) => {
      if (!current) return;
      const next = new Map<string, DeskOrderDetail>();
      for (const res of all) if (res.ok && res.data) next.set(res.data.order.id, res.data);
      setDetails(next);
    });
    return () => {
      current = false;
    };
    // the key covers the ids and versions
  }, [key]);
  return details;
}
