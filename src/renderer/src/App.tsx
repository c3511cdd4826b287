/**
 * The operator's screen: search on top, the intake form in the centre, 来电历史 on the right,
 * one status line above the form. Everything is reachable by keyboard (F1 lists how).
 */
import { Alert, App as AntApp, Button, ConfigProvider, Segmented, theme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useEffect } from 'react';
import { CaseDetailDialog } from './features/cases/CaseDetailDialog';
import { HistoryPanel } from './features/history/HistoryPanel';
import { IntakeForm } from './features/intake/IntakeForm';
import { SearchBar } from './features/search/SearchBar';
import { SearchDrawer } from './features/search/SearchDrawer';
import { HelpDialog, useHelp } from './features/shortcuts/HelpDialog';
import { useGlobalShortcuts } from './features/shortcuts/useGlobalShortcuts';
import { useLang, useT, type Lang } from './i18n';
import { useReference } from './state/reference';
import { useStatus } from './state/status';

const THEME = {
  algorithm: theme.compactAlgorithm,
  token: {
    colorPrimary: '#1d5fa8',
    borderRadius: 4,
    fontSize: 14,
    fontFamily:
      "system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', sans-serif",
  },
};

export function App() {
  const lang = useLang((s) => s.lang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  return (
    <ConfigProvider locale={lang === 'en' ? enUS : zhCN} theme={THEME}>
      <AntApp>
        <Workstation />
      </AntApp>
    </ConfigProvider>
  );
}

function Workstation() {
  const t = useT();
  const load = useReference((s) => s.load);
  const referenceState = useReference((s) => s.state);
  useGlobalShortcuts();
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    document.title = t.app.title;
  }, [t]);

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
      <main className="workspace">
        <section className="intake" aria-labelledby="intake-title">
          <div className="intake__head">
            <h2 id="intake-title" className="panel-title">
              {t.intake.region}
            </h2>
            <StatusLine />
          </div>
          <IntakeForm />
        </section>
        <HistoryPanel />
      </main>
      <SearchDrawer />
      <CaseDetailDialog />
      <HelpDialog />
    </div>
  );
}

function TopBar() {
  const t = useT();
  const { lang, setLang } = useLang();
  const info = useReference((s) => s.info);
  const openHelp = useHelp((s) => s.setOpen);
  return (
    <header className="topbar">
      <h1 className="topbar__title">{t.app.title}</h1>
      <div className="topbar__search">
        <SearchBar />
      </div>
      {info && (
        <span className="topbar__who">
          {t.app.workstation} {info.workstation} · {t.app.operator} {info.operator}
        </span>
      )}
      <Segmented<Lang>
        aria-label={t.app.language}
        size="small"
        value={lang}
        onChange={setLang}
        options={[
          { label: '中文', value: 'zh-CN' },
          { label: 'English', value: 'en' },
        ]}
      />
      <Button size="small" onClick={() => openHelp(true)}>
        {t.app.shortcutsButton}
      </Button>
    </header>
  );
}

/** role="status": screen readers announce the saved case number without moving focus. */
function StatusLine() {
  const t = useT();
  const { tone, message } = useStatus();
  return (
    <div role="status" aria-live="polite" className={`status-line status-line--${tone}`}>
      {message ? message(t) : ''}
    </div>
  );
}
