/**
 * 登录: shown while a central server is configured and nobody is signed in. Enter submits;
 * a refusal is worded here in the operator's language beside the form (main sends a reason
 * code, never text for the screen), the password is cleared and the username kept. When the
 * server cannot be reached, main signs in offline if this account may (see src/main/sync/auth.ts).
 */
import { Alert, Button, Form, Input, type InputRef } from 'antd';
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { MethodOutput } from '../../../../shared/contract';
import { backend } from '../../api/backend';
import { useLang, useT, type Messages } from '../../i18n';
import { useSession } from '../../state/session';
import { useStatus } from '../../state/status';
import { LanguageSwitch } from './LanguageSwitch';
import { useLocked } from '../../state/settings';
import { LockedNote } from '../../ui/LockedNote';

type LoginAnswer = MethodOutput<'auth.login'>;
type Refusal = Extract<LoginAnswer, { ok: false }>;

/** the contract's bounds on auth.login: longer input could never be valid anyway */
const MAX_USERNAME = 64;
const MAX_PASSWORD = 256;

function refusalText(t: Messages, refusal: Refusal | null): string {
  if (refusal === null) return t.auth.unexpected;
  if (refusal.reason === 'too_many_attempts' && refusal.retryAfterSeconds) return t.auth.tooManyAttempts(refusal.retryAfterSeconds);
  return t.auth.failures[refusal.reason] ?? t.auth.unexpected;
}

export function LoginScreen() {
  const t = useT();
  const endedReason = useSession((s) => s.session?.endedReason ?? null);
  const apply = useSession((s) => s.apply);
  const [workstation, setWorkstation] = useState<string | null>(null);
  const codeLocked = useLocked('workstation');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<{ username: boolean; password: boolean }>({ username: false, password: false });
  /** a function of the dictionary, so that switching language rewords a shown refusal */
  const [failure, setFailure] = useState<((m: Messages) => string) | null>(null);
  const [busy, setBusy] = useState(false);
  /** 修改密码: the server wants a new password before this account may work (admin-set password) */
  const [changing, setChanging] = useState(false);
  const [newPassword, setNewPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [newError, setNewError] = useState<((m: Messages) => string) | null>(null);
  const [confirmError, setConfirmError] = useState<((m: Messages) => string) | null>(null);
  const newRef = useRef<InputRef>(null);
  const confirmRef = useRef<InputRef>(null);
  const statusMessage = useStatus((s) => s.message);
  const usernameRef = useRef<InputRef>(null);
  const passwordRef = useRef<InputRef>(null);

  useEffect(() => {
    document.title = `${t.auth.title} · ${t.app.title}`;
  }, [t]);

  useEffect(() => {
    void backend.invoke('app.info', {}).then((res) => {
      if (res.ok) setWorkstation(res.data.workstation);
    });
  }, []);

  // 修改密码 appears: the new password's field takes the focus (keyboard path: type, Tab, type, Enter)
  useEffect(() => {
    if (changing) newRef.current?.focus();
  }, [changing]);

  const submit = async () => {
    if (busy) return;
    const name = username.trim();
    const now = { username: name === '', password: password === '' };
    setMissing(now);
    if (now.username || now.password) {
      (now.username ? usernameRef : passwordRef).current?.focus();
      return;
    }
    setBusy(true);
    setFailure(null);
    const res = await backend.invoke('auth.login', { username: name, password });
    setBusy(false);
    if (res.ok && res.data.ok) {
      const session = res.data.session;
      if (session.user?.mode === 'offline') useStatus.getState().show('info', (m) => m.auth.offlineSignedIn);
      else useStatus.getState().clear();
      apply(session);
      return;
    }
    const refusal: Refusal | null = res.ok && !res.data.ok ? res.data : null;
    if (refusal?.reason === 'not_required') {
      // the configuration changed under us: nobody needs to sign in after all
      void useSession.getState().load();
      return;
    }
    if (refusal?.reason === 'password_change_required') {
      // keep the current password: the change signs in with it once more
      setChanging(true);
      return;
    }
    setFailure(() => (m: Messages) => refusalText(m, refusal));
    setPassword('');
    passwordRef.current?.focus();
  };

  const submitChange = async () => {
    if (busy) return;
    setNewError(null);
    setConfirmError(null);
    if (newPassword === '') {
      setNewError(() => (m: Messages) => m.auth.change.newRequired);
      newRef.current?.focus();
      return;
    }
    if (confirm !== newPassword) {
      setConfirmError(() => (m: Messages) => m.auth.change.mismatch);
      confirmRef.current?.focus();
      return;
    }
    setBusy(true);
    setFailure(null);
    const res = await backend.invoke('auth.changePassword', { username: username.trim(), password, newPassword });
    setBusy(false);
    if (res.ok && res.data.ok) {
      useStatus.getState().clear();
      apply(res.data.session);
      return;
    }
    const refusal: Refusal | null = res.ok && !res.data.ok ? res.data : null;
    if (refusal?.reason === 'password_rejected') {
      const policy = refusal.policy;
      // the policy's own words in the language shown when the field is drawn
      setNewError(() => (m: Messages) => (policy ? (useLang.getState().lang === 'zh-CN' ? policy.zh : policy.en) : m.auth.failures.password_rejected!));
      newRef.current?.focus();
      return;
    }
    // the current password no longer works (changed elsewhere, account disabled …): start over
    setFailure(() => (m: Messages) => refusalText(m, refusal));
    if (refusal?.reason === 'invalid_credentials' || refusal?.reason === 'account_disabled') {
      setChanging(false);
      setPassword('');
      setNewPassword('');
      setConfirm('');
      setTimeout(() => passwordRef.current?.focus(), 0);
    }
  };

  const usernameError = missing.username ? t.auth.usernameRequired : undefined;
  const passwordError = missing.password ? t.auth.passwordRequired : undefined;
  return (
    <div className="login">
      <header className="login__bar">
        <h1 className="topbar__title">{t.app.title}</h1>
        <LanguageSwitch />
      </header>
      <main className="login__main">
        <section className="login__card" aria-labelledby="login-title">
          <h2 id="login-title" className="login__title">
            {t.auth.title}
          </h2>
          {workstation && (
            <p className="login__subtitle">
              {t.auth.subtitle(workstation)} {codeLocked && <LockedNote id="workstation-locked" />}
            </p>
          )}
          <p role="status" className="login__status">
            {statusMessage && !failure ? statusMessage(t) : ''}
          </p>
          {endedReason && !failure && <Alert type="warning" showIcon className="login__alert" title={t.auth.sessionEnded} />}
          <Form layout="vertical" onFinish={() => void (changing ? submitChange() : submit())} requiredMark={false} aria-label={t.auth.title}>
            <Form.Item
              label={t.auth.username}
              htmlFor="login-username"
              validateStatus={usernameError ? 'error' : undefined}
              help={usernameError && <span id="login-username-error">{usernameError}</span>}
            >
              <Input
                id="login-username"
                ref={usernameRef}
                value={username}
                onChange={(e) => {
                  setUsername(e.target.value);
                  if (missing.username) setMissing((m) => ({ ...m, username: false }));
                }}
                maxLength={MAX_USERNAME}
                autoComplete="username"
                autoFocus
                aria-required
                aria-invalid={Boolean(usernameError) || undefined}
                aria-describedby={usernameError ? 'login-username-error' : undefined}
              />
            </Form.Item>
            <Form.Item
              label={t.auth.password}
              htmlFor="login-password"
              validateStatus={passwordError ? 'error' : undefined}
              help={passwordError && <span id="login-password-error">{passwordError}</span>}
            >
              <Input.Password
                id="login-password"
                ref={passwordRef}
                value={password}
                onChange={(e) => {
                  setPassword(e.target.value);
                  if (missing.password) setMissing((m) => ({ ...m, password: false }));
                }}
                maxLength={MAX_PASSWORD}
                autoComplete="current-password"
                // the eye toggle is mouse-only; the keyboard path stays username → password → 登录
                visibilityToggle={false}
                aria-required
                aria-invalid={Boolean(passwordError) || undefined}
                aria-describedby={passwordError ? 'login-password-error' : undefined}
              />
            </Form.Item>
            {changing && (
              <>
                <Alert type="info" showIcon className="login__alert" title={t.auth.change.intro} />
                <NewPasswordField
                  id="login-new-password"
                  label={t.auth.change.newPassword}
                  inputRef={newRef}
                  value={newPassword}
                  error={newError?.(t) ?? null}
                  onChange={(v) => {
                    setNewPassword(v);
                    setNewError(null);
                  }}
                />
                <NewPasswordField
                  id="login-confirm-password"
                  label={t.auth.change.confirm}
                  inputRef={confirmRef}
                  value={confirm}
                  error={confirmError?.(t) ?? null}
                  onChange={(v) => {
                    setConfirm(v);
                    setConfirmError(null);
                  }}
                />
              </>
            )}
            {failure && <Alert type="error" showIcon className="login__alert" title={failure(t)} />}
            {/* not disabled while busy (a disabled button drops focus); submit() ignores repeats */}
            <Button type="primary" htmlType="submit" block>
              {changing ? (busy ? t.auth.change.submitting : t.auth.change.submit) : busy ? t.auth.submitting : t.auth.submit}
            </Button>
            {changing && (
              <Button
                block
                className="login__back"
                onClick={() => {
                  setChanging(false);
                  setNewPassword('');
                  setConfirm('');
                  setPassword('');
                  setTimeout(() => passwordRef.current?.focus(), 0);
                }}
              >
                {t.auth.change.back}
              </Button>
            )}
          </Form>
          <p className="login__hint">{t.auth.offlineHint}</p>
        </section>
      </main>
    </div>
  );
}

/** 新密码 / 确认新密码: a password field with its error beside it, described by it for screen readers. */
function NewPasswordField(props: {
  id: string;
  label: string;
  inputRef: RefObject<InputRef | null>;
  value: string;
  error: string | null;
  onChange: (value: string) => void;
}) {
  const errorId = `${props.id}-error`;
  return (
    <Form.Item
      label={props.label}
      htmlFor={props.id}
      validateStatus={props.error ? 'error' : undefined}
      help={props.error && <span id={errorId}>{props.error}</span>}
    >
      <Input.Password
        id={props.id}
        ref={props.inputRef}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        maxLength={MAX_PASSWORD}
        autoComplete="new-password"
        visibilityToggle={false}
        aria-required
        aria-invalid={Boolean(props.error) || undefined}
        aria-describedby={props.error ? errorId : undefined}
      />
    </Form.Item>
  );
}
