/**
 * 登录: 用户名, 密码, 登录. Enter submits; a refusal is worded in the page's language beside the
 * form; the username is kept and the password cleared. Any account may sign in (centre staff
 * can look), but the portal is for units.
 */
import { Alert, Button, Form, Input, type InputRef } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { errorMessage, useLang, useT } from '../../i18n';
import { useSession } from '../../state/session';
import { LanguageSwitch } from './LanguageSwitch';

export function LoginScreen() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const signIn = useSession((s) => s.signIn);
  const ended = useSession((s) => s.ended);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState({ username: false, password: false });
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const usernameRef = useRef<InputRef>(null);
  const passwordRef = useRef<InputRef>(null);

  useEffect(() => {
    document.title = `${t.login.title} · ${t.title}`;
  }, [t]);

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
    try {
      await signIn(name, password);
    } catch (e) {
      setFailure(e);
      setPassword('');
      passwordRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  const usernameError = missing.username ? t.login.usernameRequired : undefined;
  const passwordError = missing.password ? t.login.passwordRequired : undefined;
  return (
    <div className="login">
      <header className="bar">
        <h1 className="bar__title">
          {t.title} <span className="bar__subtitle">{t.subtitle}</span>
        </h1>
        <LanguageSwitch />
      </header>
      <main className="login__main">
        <section className="card login__card" aria-labelledby="login-title">
          <h2 id="login-title" className="card__title">
            {t.login.title}
          </h2>
          {ended && !failure && <Alert type="warning" showIcon className="login__alert" title={t.login.sessionEnded} />}
          <Form layout="vertical" onFinish={() => void submit()} requiredMark={false} aria-label={t.login.title}>
            <Form.Item
              label={t.login.username}
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
                maxLength={64}
                autoComplete="username"
                autoFocus
                aria-required
                aria-invalid={Boolean(usernameError) || undefined}
                aria-describedby={usernameError ? 'login-username-error' : undefined}
              />
            </Form.Item>
            <Form.Item
              label={t.login.password}
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
                maxLength={256}
                autoComplete="current-password"
                visibilityToggle={false}
                aria-required
                aria-invalid={Boolean(passwordError) || undefined}
                aria-describedby={passwordError ? 'login-password-error' : undefined}
              />
            </Form.Item>
            <div className="login__failure">
              {failure !== null && <Alert type="error" showIcon title={errorMessage(failure, lang)} />}
            </div>
            <Button type="primary" htmlType="submit" block>
              {busy ? t.login.submitting : t.login.submit}
            </Button>
          </Form>
          <p className="login__hint">{t.login.hint}</p>
        </section>
      </main>
    </div>
  );
}
