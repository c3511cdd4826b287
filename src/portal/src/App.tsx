/**
 * The unit portal (承办单位门户): sign in, then the unit's queues on the left and the open order
 * on the right. Chinese by default; the theme is the desktop's (WCAG AA contrast, checked by
 * axe in tests/e2e/portal.test.ts).
 */
import { Alert, App as AntApp, Button, ConfigProvider, theme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useEffect } from 'react';
import { LanguageSwitch } from './features/auth/LanguageSwitch';
import { LoginScreen } from './features/auth/LoginScreen';
import { OrderDetail } from './features/order/OrderDetail';
import { Queues, usePolling } from './features/queues/Queues';
import { useLang, useT } from './i18n';
import { useOrder } from './state/order';
import { useQueues } from './state/queues';
import { useSession } from './state/session';

const THEME = {
  algorithm: theme.compactAlgorithm,
  token: {
    colorPrimary: '#1d5fa8',
    // antd's grey texts fail WCAG AA contrast on white: ≥ 4.5:1 everywhere (as the desktop)
    colorTextTertiary: '#666666',
    colorTextDescription: '#666666',
    colorTextQuaternary: '#707070',
    colorTextPlaceholder: '#707070',
    colorError: '#cf1322',
    colorSuccess: '#237804',
    colorWarning: '#ad6800',
    borderRadius: 4,
    fontSize: 14,
    fontFamily:
      "system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', sans-serif",
  },
};

/** antd would render 登录 as "登 录", and the accessible name with it */
const BUTTON = { autoInsertSpace: false };

const ROLE_NAMES: Record<string, { zh: string; en: string }> = {
  operator: { zh: '话务员', en: 'operator' },
  supervisor: { zh: '班长', en: 'supervisor' },
  admin: { zh: '管理员', en: 'admin' },
};

export function App() {
  const lang = useLang((s) => s.lang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  return (
    <ConfigProvider locale={lang === 'en' ? enUS : zhCN} theme={THEME} button={BUTTON}>
      <AntApp>
        <SessionGate />
      </AntApp>
    </ConfigProvider>
  );
}

function SessionGate() {
  const t = useT();
  const { status, restore } = useSession();
  useEffect(() => {
    if (useSession.getState().status === 'restoring') void restore();
  }, [restore]);
  useEffect(() => {
    // signed out (by hand or because the session ended): forget the last account's orders
    if (status === 'signed_out') {
      useQueues.getState().reset();
      useOrder.getState().clear();
    }
  }, [status]);
  if (status === 'restoring') return <p className="gate">{t.queues.loading}</p>;
  return status === 'signed_in' ? <Portal /> : <LoginScreen />;
}

function Portal() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const account = useSession((s) => s.account);
  const signOut = useSession((s) => s.signOut);
  usePolling();
  useEffect(() => {
    document.title = t.title;
  }, [t]);
  if (!account) return null;
  const isUnit = account.role === 'unit';
  const role = ROLE_NAMES[account.role];
  return (
    <div className="shell">
      <header className="bar">
        <h1 className="bar__title">
          {t.title} <span className="bar__subtitle">{t.subtitle}</span>
        </h1>
        <span className="bar__who">
          {isUnit ? t.header.unit(account.displayName) : t.header.centre(account.displayName, role ? (lang === 'en' ? role.en : role.zh) : account.role)}
        </span>
        <LanguageSwitch />
        <Button size="small" onClick={() => void signOut()}>
          {t.header.logout}
        </Button>
      </header>
      {!isUnit && <Alert type="info" banner title={t.header.centreNote} />}
      <main className="workspace">
        <Queues />
        <OrderDetail />
      </main>
    </div>
  );
}
