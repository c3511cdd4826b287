/**
 * 系统管理 (admins, Alt+M): 账号管理 and 操作日志, both asked from the central server through
 * main (the 'admin.*' contract methods, as the signed-in admin).
 */
import { useEffect } from 'react';
import { useT } from '../../i18n';
import { useSession } from '../../state/session';
import { StatusLine } from '../../ui/StatusLine';
import { useOrders } from '../orders/ordersStore';
import { AccountsRegion } from './AccountsRegion';
import { AuditRegion } from './AuditRegion';

/** 系统管理 shows for a signed-in admin only (standalone has no accounts to manage). */
export function useAdminVisible(): boolean {
  return useSession((s) => s.session?.loginRequired === true && s.session.user?.role === 'admin');
}

export function AdminScreen({ active }: { active: boolean }) {
  const t = useT();
  const loadUnits = useOrders((s) => s.loadUnits);
  useEffect(() => {
    if (active) void loadUnits();
  }, [active, loadUnits]);
  return (
    <div className="admin" tabIndex={-1} aria-label={t.admin.title}>
      <div className="orders__head">
        <h2 className="panel-title">{t.admin.title}</h2>
        {active && <StatusLine />}
      </div>
      <AccountsRegion active={active} />
      <AuditRegion active={active} />
    </div>
  );
}
