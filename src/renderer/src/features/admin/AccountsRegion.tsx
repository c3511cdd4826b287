/**
 * 账号管理: every account of the server (用户名, 姓名, 角色, 承办单位, 状态) with 停用 / 启用,
 * 重置密码 and 修改角色 on each row, and the form that creates an account. The row buttons'
 * names are their visible words (停用 …); the row's username is their description
 * (aria-describedby), so "停用" finds every one and a screen reader says whose.
 */
import { Button, Modal } from 'antd';
import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { passwordProblem, type AdminAccount } from '../../../../shared/admin';
import type { AdminField, AdminRefusal } from '../../../../shared/desk-admin';
import { ROLES, Username, type Role } from '../../../../shared/sync';
import type { Unit } from '../../../../shared/units';
import { useT } from '../../i18n';
import { useStatus } from '../../state/status';
import { useOrders } from '../orders/ordersStore';
import { adminCall, refusalText } from './adminApi';

type Errors = Partial<Record<AdminField | '_', string>>;

/** one empty list: a selector answering a new [] each time would re-render for ever */
const NO_UNITS: Unit[] = [];

/** A labelled field with its error beside it (aria-describedby, aria-invalid). */
export function Field({ id, label, error, children }: { id: string; label: string; error?: string; children: (p: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode }) {
  return (
    <div className="admin__field">
      <label htmlFor={id}>{label}</label>
      {children({ id, ...(error ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-error` } : {}) })}
      {error && (
        <div id={`${id}-error`} className="admin__error">
          {error}
        </div>
      )}
    </div>
  );
}

function useRefusalErrors() {
  const t = useT();
  return (r: AdminRefusal): Errors => ({ [r.field ?? '_']: refusalText(t, r) });
}

function UnitSelect({ value, onChange, ...p }: { value: string; onChange: (v: string) => void; id: string }) {
  const t = useT();
  const units = useOrders((s) => s.units?.units ?? NO_UNITS);
  return (
    <select {...p} className="admin__select" value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{t.admin.chooseUnit}</option>
      {units
        .filter((u) => u.active)
        .map((u) => (
          <option key={u.code} value={u.code}>
            {u.name}（{u.code}）
          </option>
        ))}
    </select>
  );
}

function RoleSelect({ value, onChange, ...p }: { value: Role; onChange: (v: Role) => void; id: string }) {
  const t = useT();
  return (
    <select {...p} className="admin__select" value={value} onChange={(e) => onChange(e.target.value as Role)}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {t.admin.roles[r] ?? r}
        </option>
      ))}
    </select>
  );
}

export function AccountsRegion({ active }: { active: boolean }) {
  const t = useT();
  const show = useStatus((s) => s.show);
  const [accounts, setAccounts] = useState<AdminAccount[] | null>(null);
  const [listError, setListError] = useState<AdminRefusal | null>(null);
  const [resetFor, setResetFor] = useState<AdminAccount | null>(null);
  const [roleFor, setRoleFor] = useState<AdminAccount | null>(null);
  const [rowError, setRowError] = useState<{ id: number; text: string } | null>(null);
  const units = useOrders((s) => s.units?.units ?? NO_UNITS);
  const unitName = (code: string | null | undefined) => (code ? (units.find((u) => u.code === code)?.name ?? code) : '');

  const load = useCallback(async () => {
    const res = await adminCall('admin.accounts', {});
    if (res.ok) {
      setAccounts(res.accounts);
      setListError(null);
    } else setListError(res);
  }, []);
  useEffect(() => {
    if (active) void load();
  }, [active, load]);

  const toggle = async (a: AdminAccount) => {
    const res = await adminCall('admin.setDisabled', { id: a.id, disabled: !a.disabled });
    if (!res.ok) {
      setRowError({ id: a.id, text: refusalText(t, res) });
      return;
    }
    setRowError(null);
    show('success', (m) => (a.disabled ? m.admin.enabledDone(a.username) : m.admin.disabledDone(a.username)));
    await load();
  };

  return (
    <section className="admin__region" aria-labelledby="admin-accounts-title">
      <div className="admin__head">
        <h3 id="admin-accounts-title" className="orders__title">
          {t.admin.accounts}
        </h3>
        <Button size="small" onClick={() => void load()}>
          {t.admin.refresh}
        </Button>
      </div>
      {listError && (
        <div className="admin__error" role="alert" title={listError.message}>
          {refusalText(t, listError)}
        </div>
      )}
      {accounts === null && !listError && <p>{t.admin.loading}</p>}
      {accounts && (
        <table className="admin__table">
          <thead>
            <tr>
              <th scope="col">{t.admin.username}</th>
              <th scope="col">{t.admin.displayName}</th>
              <th scope="col">{t.admin.role}</th>
              <th scope="col">{t.admin.unit}</th>
              <th scope="col">{t.admin.state}</th>
              <th scope="col">{t.admin.actions}</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => {
              const who = `admin-account-${a.id}`;
              return (
                <tr key={a.id} data-username={a.username}>
                  <td id={who}>{a.username}</td>
                  <td>{a.displayName}</td>
                  <td>{t.admin.roles[a.role] ?? a.role}</td>
                  <td>{unitName(a.unitCode)}</td>
                  <td>
                    {a.disabled ? t.admin.disabled : t.admin.active}
                    {a.mustChangePassword && !a.disabled ? `（${t.admin.mustChange}）` : ''}
                  </td>
                  <td className="admin__actions">
                    <Button size="small" aria-describedby={who} danger={!a.disabled} onClick={() => void toggle(a)}>
                      {a.disabled ? t.admin.enable : t.admin.disable}
                    </Button>
                    <Button size="small" aria-describedby={who} onClick={() => setResetFor(a)}>
                      {t.admin.resetPassword}
                    </Button>
                    <Button size="small" aria-describedby={who} onClick={() => setRoleFor(a)}>
                      {t.admin.changeRole}
                    </Button>
                    {rowError?.id === a.id && (
                      <div className="admin__error" role="alert">
                        {rowError.text}
                      </div>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <CreateAccountForm onCreated={load} />
      <ResetPasswordDialog account={resetFor} onClose={() => setResetFor(null)} onDone={load} />
      <ChangeRoleDialog account={roleFor} onClose={() => setRoleFor(null)} onDone={load} />
    </section>
  );
}

function CreateAccountForm({ onCreated }: { onCreated: () => Promise<void> }) {
  const t = useT();
  const show = useStatus((s) => s.show);
  const toErrors = useRefusalErrors();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [password, setPassword] = useState('');
  const [unitCode, setUnitCode] = useState('');
  const [mustChange, setMustChange] = useState(true);
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);

  const check = (): Errors => {
    const e: Errors = {};
    const name = username.trim();
    if (!name) e.username = t.admin.fieldErrors.usernameRequired;
    else if (!Username.safeParse(name).success) e.username = t.admin.fieldErrors.usernameFormat;
    if (!displayName.trim()) e.displayName = t.admin.fieldErrors.displayNameRequired;
    const problem = passwordProblem(password, name);
    if (problem) e.password = t.admin.refusals[problem.code];
    if (role === 'unit' && !unitCode) e.unitCode = t.admin.fieldErrors.unitRequired;
    return e;
  };

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    const found = check();
    setErrors(found);
    if (Object.keys(found).length > 0) {
      const first = (['username', 'displayName', 'password', 'unitCode'] as const).find((f) => found[f]);
      if (first) document.getElementById(`admin-new-${first}`)?.focus();
      return;
    }
    setBusy(true);
    const res = await adminCall('admin.createAccount', {
      username: username.trim(),
      displayName: displayName.trim(),
      role,
      password,
      ...(role === 'unit' ? { unitCode } : {}),
      mustChangePassword: mustChange,
    });
    setBusy(false);
    if (!res.ok) {
      setErrors(toErrors(res));
      if (res.field) document.getElementById(`admin-new-${res.field}`)?.focus();
      return;
    }
    const created = res.account.username;
    show('success', (m) => m.admin.created(created));
    setUsername('');
    setDisplayName('');
    setPassword('');
    setUnitCode('');
    setErrors({});
    await onCreated();
    document.getElementById('admin-new-username')?.focus();
  };

  return (
    <form className="admin__form" aria-labelledby="admin-new-title" onSubmit={(e) => void submit(e)} noValidate>
      <h4 id="admin-new-title" className="admin__subtitle">
        {t.admin.newAccount}
      </h4>
      <div className="admin__fields">
        <Field id="admin-new-username" label={t.admin.username} error={errors.username}>
          {(p) => <input {...p} className="admin__input" autoComplete="off" value={username} onChange={(e) => setUsername(e.target.value)} />}
        </Field>
        <Field id="admin-new-displayName" label={t.admin.displayName} error={errors.displayName}>
          {(p) => <input {...p} className="admin__input" autoComplete="off" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />}
        </Field>
        <Field id="admin-new-role" label={t.admin.role} error={errors.role}>
          {(p) => <RoleSelect {...p} value={role} onChange={setRole} />}
        </Field>
        <Field id="admin-new-password" label={t.admin.initialPassword} error={errors.password}>
          {(p) => <input {...p} className="admin__input" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        {role === 'unit' && (
          <Field id="admin-new-unitCode" label={t.admin.unit} error={errors.unitCode}>
            {(p) => <UnitSelect {...p} value={unitCode} onChange={setUnitCode} />}
          </Field>
        )}
        <div className="admin__field admin__field--check">
          <input id="admin-new-mustChange" type="checkbox" checked={mustChange} onChange={(e) => setMustChange(e.target.checked)} />
          <label htmlFor="admin-new-mustChange">{t.admin.mustChangeOnFirst}</label>
        </div>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t.admin.create}
        </Button>
      </div>
      {errors._ && (
        <div className="admin__error" role="alert">
          {errors._}
        </div>
      )}
    </form>
  );
}

function ResetPasswordDialog({ account, onClose, onDone }: { account: AdminAccount | null; onClose: () => void; onDone: () => Promise<void> }) {
  const t = useT();
  const show = useStatus((s) => s.show);
  const toErrors = useRefusalErrors();
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  useEffect(() => {
    setPassword('');
    setErrors({});
  }, [account]);
  if (!account) return null;
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    const problem = passwordProblem(password, account.username);
    if (problem) {
      setErrors({ password: t.admin.refusals[problem.code] });
      return;
    }
    const res = await adminCall('admin.resetPassword', { id: account.id, password });
    if (!res.ok) {
      setErrors(toErrors({ ...res, field: res.field ?? (res.code.startsWith('password') ? 'password' : null) }));
      return;
    }
    show('success', (m) => m.admin.resetDone(account.username));
    onClose();
    await onDone();
  };
  return (
    <Modal open title={t.admin.resetTitle(account.username)} onCancel={onClose} footer={null} destroyOnHidden>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <p id="admin-reset-hint">{t.admin.resetHint}</p>
        <Field id="admin-reset-password" label={t.admin.newPassword} error={errors.password}>
          {(p) => <input {...p} autoFocus className="admin__input" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <DialogFooter error={errors._} submit={t.admin.resetPassword} onCancel={onClose} />
      </form>
    </Modal>
  );
}

function ChangeRoleDialog({ account, onClose, onDone }: { account: AdminAccount | null; onClose: () => void; onDone: () => Promise<void> }) {
  const t = useT();
  const show = useStatus((s) => s.show);
  const toErrors = useRefusalErrors();
  const [role, setRole] = useState<Role>('operator');
  const [unitCode, setUnitCode] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  useEffect(() => {
    setRole(account?.role ?? 'operator');
    setUnitCode(account?.unitCode ?? '');
    setErrors({});
  }, [account]);
  if (!account) return null;
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    if (role === 'unit' && !unitCode) {
      setErrors({ unitCode: t.admin.fieldErrors.unitRequired });
      return;
    }
    // a unit account staying a unit account: bind it to (another) unit
    const res =
      role === 'unit' && account.role === 'unit'
        ? await adminCall('admin.bindUnit', { id: account.id, unitCode })
        : await adminCall('admin.changeRole', { id: account.id, role, ...(role === 'unit' ? { unitCode } : {}) });
    if (!res.ok) {
      setErrors(toErrors(res));
      return;
    }
    show('success', (m) => m.admin.roleDone(account.username));
    onClose();
    await onDone();
  };
  return (
    <Modal open title={t.admin.roleTitle(account.username)} onCancel={onClose} footer={null} destroyOnHidden>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field id="admin-role-role" label={t.admin.role} error={errors.role}>
          {(p) => <RoleSelect {...p} value={role} onChange={setRole} />}
        </Field>
        {role === 'unit' && (
          <Field id="admin-role-unitCode" label={t.admin.unit} error={errors.unitCode}>
            {(p) => <UnitSelect {...p} value={unitCode} onChange={setUnitCode} />}
          </Field>
        )}
        <DialogFooter error={errors._} submit={t.admin.ok} onCancel={onClose} />
      </form>
    </Modal>
  );
}

/** A dialog form's end: the refusal not tied to a field, 取消 and the submit button. */
function DialogFooter({ error, submit, onCancel }: { error: string | undefined; submit: string; onCancel: () => void }) {
  const t = useT();
  return (
    <>
      {error && (
        <div className="admin__error" role="alert">
          {error}
        </div>
      )}
      <div className="admin__buttons">
        <Button onClick={onCancel}>{t.admin.cancel}</Button>
        <Button type="primary" htmlType="submit">
          {submit}
        </Button>
      </div>
    </>
  );
}
