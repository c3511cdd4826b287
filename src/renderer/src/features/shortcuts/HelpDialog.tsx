/** F1: every shortcut on one page, and 导出诊断信息 for the IT help desk. */
import { Button, Modal } from 'antd';
import { useState } from 'react';
import { create } from 'zustand';
import { backend } from '../../api/backend';
import { useT, type Messages } from '../../i18n';

interface HelpState {
  open: boolean;
  setOpen: (open: boolean) => void;
}

export const useHelp = create<HelpState>((set) => ({ open: false, setOpen: (open) => set({ open }) }));

export function HelpDialog() {
  const t = useT();
  const { open, setOpen } = useHelp();
  const [exported, setExported] = useState<((m: Messages) => string) | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setOpen(false);
    setExported(null);
  };
  const exportDiagnostics = async () => {
    setBusy(true);
    const res = await backend.invoke('diagnostics.export', {});
    setBusy(false);
    if (res.ok) setExported(() => (m: Messages) => m.help.diagnosticsSaved(res.data.file));
    else setExported(() => (m: Messages) => m.help.diagnosticsFailed(res.error.message));
  };
  return (
    <Modal
      open={open}
      onCancel={close}
      title={t.help.title}
      footer={
        <Button type="primary" onClick={close}>
          {t.help.close}
        </Button>
      }
      width={620}
    >
      <table className="shortcut-table">
        <thead>
          <tr>
            <th scope="col">{t.help.key}</th>
            <th scope="col">{t.help.action}</th>
          </tr>
        </thead>
        <tbody>
          {t.help.items.map(([key, action]) => (
            <tr key={key}>
              <td>
                <kbd>{key}</kbd>
              </td>
              <td>{action}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <section className="diagnostics" aria-labelledby="diagnostics-hint">
        <p id="diagnostics-hint" className="diagnostics__hint">
          {t.help.diagnosticsHint}
        </p>
        <Button onClick={() => void exportDiagnostics()} loading={busy} aria-describedby="diagnostics-hint">
          {t.help.exportDiagnostics}
        </Button>
        <p role="status" className="diagnostics__status">
          {exported ? exported(t) : ''}
        </p>
      </section>
    </Modal>
  );
}
