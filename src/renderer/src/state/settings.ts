/**
 * The workstation's settings and which of them IT's policy file locks (settings.get), loaded
 * once before the login screen: a locked language is applied at once, and the screens that show
 * a locked setting mark it 由管理员锁定 and offer no way to change it.
 */
import { create } from 'zustand';
import type { SettingKey, SettingsView } from '../../../shared/contract';
import { backend } from '../api/backend';
import { useLang } from '../i18n';

interface SettingsState {
  settings: SettingsView | null;
  load: () => Promise<void>;
}

export const useSettings = create<SettingsState>((set) => ({
  settings: null,
  load: async () => {
    const res = await backend.invoke('settings.get', {});
    if (!res.ok) return;
    if (res.data.locked.includes('locale')) useLang.getState().lockTo(res.data.locale);
    set({ settings: res.data });
  },
}));

export const useLocked = (key: SettingKey): boolean => useSettings((s) => s.settings?.locked.includes(key) ?? false);
