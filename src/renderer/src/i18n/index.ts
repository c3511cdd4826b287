/**
 * A deliberately small i18n layer: two typed dictionaries and a hook. zh-CN is the default
 * (operators' language); English exists for IT staff and reviewers. A framework would add
 * plural rules and lazy loading we do not need for two languages and a few hundred strings.
 */
import { create } from 'zustand';
import { en } from './en';
import { zhCN, type Messages } from './zh-CN';

export type Lang = 'zh-CN' | 'en';
export type { Messages };

const DICTIONARIES: Record<Lang, Messages> = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'hotline.lang';

function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

interface LangState {
  lang: Lang;
  /** IT's policy file sets the language: it is shown, and the operator cannot change it */
  locked: boolean;
  setLang: (lang: Lang) => void;
  /** the policy's language, for good (the operator's stored choice stays for an unlocked start) */
  lockTo: (lang: Lang) => void;
}

export const useLang = create<LangState>((set, get) => ({
  lang: initialLang(),
  locked: false,
  lockTo: (lang) => {
    document.documentElement.lang = lang;
    set({ lang, locked: true });
  },
  setLang: (lang) => {
    if (get().locked) return;
    try {
      localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // storage may be unavailable (privacy mode); the choice then lasts for this session only
    }
    document.documentElement.lang = lang;
    set({ lang });
  },
}));

export function useT(): Messages {
  return DICTIONARIES[useLang((s) => s.lang)];
}

/** Validation and message keys from src/shared arrive as keys; unknown ones get a generic text. */
export function errorText(t: Messages, key: string | undefined): string {
  return (key && t.errors[key]) || t.errors.generic || '';
}

const pad = (n: number) => String(n).padStart(2, '0');

/** 2026-11-27 09:05: the same in both languages, as operators and reports write it. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** 09:05:42: sync happens every few seconds, so its times need the seconds. */
export function formatTimeSeconds(ms: number): string {
  const d = new Date(ms);
  return `${formatTime(ms)}:${pad(d.getSeconds())}`;
}
