/**
 * The workstation's navigation (工作区): 受理登记 (Alt+S), 工单 (Alt+G), 回访 (Alt+V), 领导接听 (Alt+B, the
 * centre's signed-in staff), 统计分析 (Alt+T, supervisors and admins) and 系统管理 (Alt+M, admins). 工单 shows for
 * supervisors and admins, for operators when the server lets them dispatch, and standalone
 * (where the screen explains that work orders need the central server).
 */
import { useT } from '../../i18n';
import { useNav, type Screen } from '../../state/nav';
import { useSession } from '../../state/session';
import { useCall } from '../telephony/callStore';
import { ordersVisible } from '../orders/orderText';
import { useOrders } from '../orders/ordersStore';
import { useAdminVisible } from '../admin/AdminScreen';
import { useLeaderVisible } from '../leader/LeaderScreen';
import { useReportsVisible } from '../reports/ReportsScreen';

export function useOrdersVisible(): boolean {
  const session = useSession((s) => s.session);
  const units = useOrders((s) => s.units);
  return ordersVisible(session, units);
}

/** 回访: the centre's accounts signed in to a server (operators make the calls). */
export function useFollowUpVisible(): boolean {
  return useSession((s) => {
    const role = s.session?.loginRequired ? s.session.user?.role : undefined;
    return role === 'operator' || role === 'supervisor' || role === 'admin';
  });
}

export function NavBar() {
  const t = useT();
  const screen = useNav((s) => s.screen);
  const show = useNav((s) => s.show);
  const visible = useOrdersVisible();
  const adminVisible = useAdminVisible();
  const followUpVisible = useFollowUpVisible();
  const leaderVisible = useLeaderVisible();
  const reportsVisible = useReportsVisible();
  const callWaiting = useCall((s) => s.waiting !== null);
  const item = (target: Screen, label: string, key: string, badge?: string) => (
    <li>
      <button
        type="button"
        className={`nav__item${screen === target ? ' nav__item--current' : ''}`}
        aria-current={screen === target ? 'page' : undefined}
        aria-keyshortcuts={key}
        onClick={() => show(target)}
      >
        {label}
        <kbd className="nav__key" aria-hidden="true">
          {key}
        </kbd>
        {badge && (
          <span className="nav__badge" aria-hidden="true">
            {badge}
          </span>
        )}
      </button>
    </li>
  );
  return (
    <nav className="nav" aria-label={t.nav.label}>
      <ul className="nav__list">
        {item('intake', t.nav.intake, t.nav.intakeKey, callWaiting && screen !== 'intake' ? t.nav.callWaiting : undefined)}
        {visible && item('orders', t.nav.orders, t.nav.ordersKey)}
        {followUpVisible && item('follow_up', t.nav.followUp, t.nav.followUpKey)}
        {leaderVisible && item('leader', t.nav.leader, t.nav.leaderKey)}
        {reportsVisible && item('reports', t.nav.reports, t.nav.reportsKey)}
        {adminVisible && item('admin', t.nav.admin, t.nav.adminKey)}
      </ul>
    </nav>
  );
}
