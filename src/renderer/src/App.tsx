/**
 * The operator's screen: search on top, the intake form in the centre, 来电历史 on the right,
 * one status line above the form, 同步状态 at the foot. Everything is reachable by keyboard (F1
 * lists how). With a central server configured, the login screen comes first.
 */
import { Alert, App as AntApp, Button, ConfigProvider, theme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useEffect } from 'react';
import { LanguageSwitch } from './features/auth/LanguageSwitch';
import { useSettings } from './state/settings';
import { LoginScreen } from './features/auth/LoginScreen';
import { SignedInUser } from './features/auth/SignedInUser';
import { CaseDetailDialog } from './features/cases/CaseDetailDialog';
import { HistoryPanel } from './features/history/HistoryPanel';
import { IntakeForm } from './features/intake/IntakeForm';
import { SearchBar } from './features/search/SearchBar';
import { SearchDrawer } from './features/search/SearchDrawer';
import { HelpDialog, useHelp } from './features/shortcuts/HelpDialog';
import { useGlobalShortcuts } from './features/shortcuts/useGlobalShortcuts';
import { RejectionsDialog } from './features/sync/RejectionsDialog';
import { SyncStatusBar } from './features/sync/SyncStatusBar';
import { IncomingCallBanner } from './features/telephony/IncomingCallBanner';
import { useSyncPolling } from './features/sync/useSyncPolling';
import { useLang, useT } from './i18n';
import { NavBar, useFollowUpVisible, useOrdersVisible } from './features/nav/NavBar';
import { FollowUpScreen } from './features/follow-up/FollowUpScreen';
import { BoardDrillDialog } from './features/orders/BoardRegion';
import { DispatchDialog } from './features/orders/DispatchDialog';
import { OrdersScreen } from './features/orders/OrdersScreen';
import { AdminScreen, useAdminVisible } from './features/admin/AdminScreen';
import { LeaderNotice, LeaderScreen, useLeaderVisible } from './features/leader/LeaderScreen';
import { useLeader } from './features/leader/leaderStore';
import { ReportsScreen, useReportsVisible } from './features/reports/ReportsScreen';
import { ExtensionDialog, ReviewDialog } from './features/orders/ReviewDialog';
import { useOrders } from './features/orders/ordersStore';
import { useNav } from './state/nav';
import { useReference } from './state/reference';
import { needsLogin, useSession } from './state/session';
import { StatusLine } from './ui/StatusLine';

const THEME = {
  algorithm: theme.compactAlgorithm,
  token: {
    colorPrimary: '#1d5fa8',
    // antd's grey secondary texts (#8c8c8c, placeholders #bfbfbf) fail WCAG AA contrast on
    // white; operators read these all day: ≥ 4.5:1 everywhere (tests/e2e/a11y.test.ts)
    colorTextTertiary: '#666666',
    colorTextDescription: '#666666',
    colorTextQuaternary: '#707070',
    colorTextPlaceholder: '#707070',
    // field errors in antd's #ff4d4f are 3.3:1
    colorError: '#cf1322',
    borderRadius: 4,
    fontSize: 14,
    fontFamily:
      "system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', sans-serif",
  },
};

const BUTTON = { autoInsertSpace: false };

export function App() {
  const lang = useLang((s) => s.lang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  return (
    // autoInsertSpace off: antd would render 登录 as "登 录", and the accessible name with it
    <ConfigProvider locale={lang === 'en' ? enUS : zhCN} theme={THEME} button={BUTTON}>
      <AntApp>
        <SessionGate />
      </AntApp>
    </ConfigProvider>
  );
}

/** Asks main who is signed in before anything else: the login screen, or the workstation. */
function SessionGate() {
  const t = useT();
  const { state, session, load } = useSession();
  const loadSettings = useSettings((s) => s.load);
  useEffect(() => {
    void load();
    // a language IT locks applies from the login screen on
    void loadSettings();
  }, [load, loadSettings]);
  if (state === 'failed') {
    return (
      <div className="gate">
        <Alert
          type="error"
          showIcon
          title={t.app.backendDown}
          action={
            <Button size="small" onClick={() => void load()}>
              {t.app.retry}
            </Button>
          }
        />
      </div>
    );
  }
  if (state === 'loading') return <p className="gate">{t.app.loading}</p>;
  return needsLogin(session) ? <LoginScreen /> : <Workstation />;
}

function Workstation() {
  const t = useT();
  const load = useReference((s) => s.load);
  const referenceState = useReference((s) => s.state);
  useGlobalShortcuts();
  useSyncPolling();
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    document.title = t.app.title;
  }, [t]);
  const screen = useNav((s) => s.screen);
  const ordersVisible = useOrdersVisible();
  const signedIn = useSession((s) => (s.session?.loginRequired ? (s.session.user?.username ?? null) : null));
  const loadUnits = useOrders((s) => s.loadUnits);
  // units.list says whether this account may dispatch (工单 for an operator): asked again for
  // every account that signs in, the last one's answer forgotten first
  useEffect(() => {
    useOrders.setState({ units: null });
    if (signedIn !== null) void loadUnits();
  }, [signedIn, loadUnits]);
  // an account that may not see 工单 (signed out, another operator) is back on 受理登记
  const onOrders = screen === 'orders' && ordersVisible;
  const adminVisible = useAdminVisible();
  const onAdmin = screen === 'admin' && adminVisible;
  const leaderVisible = useLeaderVisible();
  const onLeader = screen === 'leader' && leaderVisible;
  // 领导接听: the session running at this seat, asked every 30 s while signed in to a server
  const refreshLeader = useLeader((s) => s.refreshCurrent);
  useEffect(() => {
    useLeader.setState({ current: null });
    if (!leaderVisible) return;
    void refreshLeader();
    const timer = setInterval(() => void refreshLeader(), 30_000);
    return () => clearInterval(timer);
  }, [leaderVisible, signedIn, refreshLeader]);
  const reportsVisible = useReportsVisible();
  const onReports = screen === 'reports' && reportsVisible;
  const followUpVisible = useFollowUpVisible();
  const onFollowUp = screen === 'follow_up' && followUpVisible;

  return (
    <div className="shell">
      <TopBar />
      {referenceState === 'failed' && (
        <Alert
          type="error"
          banner
          title={t.app.backendDown}
          action={
            <Button size="small" onClick={() => void load()}>
              {t.app.retry}
            </Button>
          }
        />
      )}
      <NavBar />
      {/* both screens stay mounted: the hidden one keeps its state (the intake draft, the dialogs) */}
      <main className="screens">
      <div className="workspace" hidden={onOrders || onAdmin || onLeader || onReports || onFollowUp}>
        <section className="intake" aria-labelledby="intake-title">
          <div className="intake__head">
            <h2 id="intake-title" className="panel-title">
              {t.intake.region}
            </h2>
            <StatusLine />
          </div>
          <IncomingCallBanner />
          <LeaderNotice />
          <IntakeForm />
        </section>
        <HistoryPanel />
      </div>
      {ordersVisible && (
        <div className="workspace workspace--orders" hidden={!onOrders}>
          <OrdersScreen active={onOrders} />
        </div>
      )}
      {followUpVisible && (
        <div className="workspace workspace--orders" hidden={!onFollowUp}>
          <FollowUpScreen active={onFollowUp} />
        </div>
      )}
      {leaderVisible && (
        <div className="workspace workspace--orders" hidden={!onLeader}>
          <LeaderScreen active={onLeader} />
        </div>
      )}
      {reportsVisible && (
        <div className="workspace workspace--orders" hidden={!onReports}>
          <ReportsScreen active={onReports} />
        </div>
      )}
      {adminVisible && (
        <div className="workspace workspace--orders" hidden={!onAdmin}>
          <AdminScreen active={onAdmin} />
        </div>
      )}
      </main>
      <SyncStatusBar />
      <SearchDrawer />
      <RejectionsDialog />
      <CaseDetailDialog />
      <DispatchDialog />
      <ReviewDialog />
      <ExtensionDialog />
      <BoardDrillDialog />
      <HelpDialog />
    </div>
  );
}

function TopBar() {
  const t = useT();
  const openHelp = useHelp((s) => s.setOpen);
  return (
    <header className="topbar">
      <h1 className="topbar__title">{t.app.title}</h1>
      <div className="topbar__search">
        <SearchBar />
      </div>
      <SignedInUser />
      <LanguageSwitch />
      <Button size="small" onClick={() => openHelp(true)}>
        {t.app.shortcutsButton}
      </Button>
    </header>
  );
}
