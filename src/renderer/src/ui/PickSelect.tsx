/**
 * A searchable single-choice picker: type Chinese text or pinyin initials, the best match is
 * active, Enter picks it. Used for 诉求类型, 问题分类, 所属区域 and 来源渠道.
 */
import { Select } from 'antd';
import type { Ref } from 'react';
import type { RefSelectProps } from 'antd';
import { focusNextTabbable } from './focus';
import { matchRank, type PickOption } from './pickOptions';

interface PickSelectProps {
  id: string;
  value: string;
  options: PickOption[];
  onChange: (value: string) => void;
  onBlur?: () => void;
  placeholder?: string;
  required?: boolean;
  invalid?: boolean;
  describedBy?: string;
  ref?: Ref<RefSelectProps>;
}

const search = {
  filterOption: (input: string, option?: PickOption) => option !== undefined && matchRank(option, input) >= 0,
  filterSort: (a: PickOption, b: PickOption, info: { searchValue: string }) =>
    matchRank(a, info.searchValue) - matchRank(b, info.searchValue),
};

export function PickSelect({ id, value, options, onChange, onBlur, placeholder, required, invalid, describedBy, ref }: PickSelectProps) {
  return (
    <Select<string, PickOption>
      id={id}
      ref={ref}
      value={value === '' ? undefined : value}
      options={options}
      onChange={(v) => onChange(v ?? '')}
      onBlur={onBlur}
      placeholder={placeholder}
      showSearch={search}
      status={invalid ? 'error' : undefined}
      aria-required={required || undefined}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy}
      onKeyDown={(e) => {
        // the Select picked the active option on Tab and held focus: move on as Tab promises
        if (e.key === 'Tab' && e.defaultPrevented) focusNextTabbable(e.target as Element, e.shiftKey);
      }}
      popupMatchSelectWidth={false}
      style={{ width: '100%' }}
    />
  );
}
