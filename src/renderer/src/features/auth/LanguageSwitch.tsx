/**
 * 中文 / English, on the login screen and in the header; ← → switch it from the keyboard. When
 * IT's policy file sets the language, the switch shows it disabled, marked 由管理员锁定.
 */
import { Segmented } from 'antd';
import { useLang, useT, type Lang } from '../../i18n';
import { LockedNote } from '../../ui/LockedNote';

export function LanguageSwitch() {
  const t = useT();
  const { lang, setLang, locked } = useLang();
  return (
    <span className="language-switch">
      <Segmented<Lang>
        aria-label={t.app.language}
        aria-describedby={locked ? 'language-locked' : undefined}
        aria-disabled={locked || undefined}
        disabled={locked}
        size="small"
        value={lang}
        onChange={setLang}
        options={[
          { label: '中文', value: 'zh-CN' },
          { label: 'English', value: 'en' },
        ]}
      />
      {locked && <LockedNote id="language-locked" />}
    </span>
  );
}
