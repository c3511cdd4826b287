/**
 * A searchable single-choice picker: type Chinese text or pinyin initials, the best match is
 * active, Enter picks it and moves on to the next field (as Tab does). Used for 诉求类型,
 * 问题分类, 所属区域 and 来源渠道.
 */
import { Select } from 'antd';
import { useRef, type Ref } from 'react';
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
  // set when an option is picked; the Enter that picked it (handled by the Select before our
  // onKeyDown, in the same event) then moves on. A pick by mouse leaves it set for one task only.
  const picked = useRef(false);
  return (
    <Select<string, PickOption>
      id={id}
      ref={ref}
      value={value === '' ? undefined : value}
      options={options}
      onChange={(v) => onChange(v ?? '')}
      onSelect={() => {
        picked.current = true;
        setTimeout(() => {
          picked.current = false;
        }, 0);
      }}
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
        // Enter picked an option: the field is done, go on to the next one
        else if (e.key === 'Enter' && picked.current && !e.ctrlKey && !e.altKey && !e.metaKey && !e.shiftKey) {
          picked.current = false;
          focusNextTabbable(e.target as Element, false);
        }
      }}
      popupMatchSelectWidth={false}
      style={{ width: '100%' }}
    />
  );
}
