/** 中文 / English; ← → switch it from the keyboard. */
import { Segmented } from 'antd';
import { useLang, useT, type Lang } from '../../i18n';

export function LanguageSwitch() {
  const t = useT();
  const { lang, setLang } = useLang();
  return (
    <Segmented<Lang>
      aria-label={t.language}
      size="small"
      value={lang}
      onChange={setLang}
      options={[
        { label: '中文', value: 'zh-CN' },
        { label: 'English', value: 'en' },
      ]}
    />
  );
}
