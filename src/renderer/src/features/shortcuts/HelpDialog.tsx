/** F1: every shortcut on one page. */
import { Button, Modal } from 'antd';
import { create } from 'zustand';
import { useT } from '../../i18n';

interface HelpState {
  open: boolean;
  setOpen: (open: boolean) => void;
}

export const useHelp = create<HelpState>((set) => ({ open: false, setOpen: (open) => set({ open }) }));

export function HelpDialog() {
  const t = useT();
  const { open, setOpen } = useHelp();
  const close = () => setOpen(false);
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
    </Modal>
  );
}
