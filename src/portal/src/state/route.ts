/**
 * The portal's two places: the queues (/portal/) and one order (/portal/orders/:id), in the
 * address bar so that a link to an order can be shared within the unit and Back works.
 */
import { create } from 'zustand';

const BASE = '/portal/';

function orderFromPath(path: string): string | null {
  const m = /^\/portal\/orders\/([^/]+)\/?$/.exec(path);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
}

interface RouteState {
  orderId: string | null;
  open: (orderId: string | null) => void;
}

export const orderHref = (id: string) => `${BASE}orders/${encodeURIComponent(id)}`;

export const useRoute = create<RouteState>((set) => ({
  orderId: orderFromPath(window.location.pathname),
  open: (orderId) => {
    const href = orderId ? orderHref(orderId) : BASE;
    if (window.location.pathname !== href) window.history.pushState(null, '', href);
    set({ orderId });
  },
}));

window.addEventListener('popstate', () => useRoute.setState({ orderId: orderFromPath(window.location.pathname) }));
