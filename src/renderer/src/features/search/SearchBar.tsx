/** The field named 搜索 on top (Ctrl+K or F3 from anywhere); Enter runs the query. */
import { Input } from 'antd';
import { useState } from 'react';
import { useT } from '../../i18n';
import { IDS } from '../../ui/focus';
import { useSearch } from './searchStore';

export function SearchBar() {
  const t = useT();
  const run = useSearch((s) => s.run);
  const [text, setText] = useState('');
  return (
    <Input
      id={IDS.search}
      type="search"
      aria-label={t.search.field}
      placeholder={t.search.placeholder}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onPressEnter={(e) => {
        if (!e.nativeEvent.isComposing) run(text);
      }}
      autoComplete="off"
      className="search-input"
    />
  );
}
