/**
 * A text field that offers what the caller history already knows (来电人's last name, 详细地址's
 * last address). While the field is empty the offer shows in it as a grey hint and, spelled
 * out, under it ("按 → 采用：王先生", tied to the field by aria-describedby so a screen reader
 * announces it); → takes it. Typed text is never replaced: the offer only exists while the
 * field is empty.
 */
import { Input, type InputRef } from 'antd';
import type { Ref } from 'react';
import { useT } from '../../i18n';
import { useHistory } from '../history/historyStore';

interface SuggestInputProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  onBlur: () => void;
  /** what of 来电历史 is offered (read here, so a new history re-renders this field, not the form) */
  offerFrom: 'callerName' | 'lastAddress';
  /** the field's shortcut from anywhere in the form, e.g. Alt+R */
  keyShortcut: string;
  invalid: boolean;
  /** the id of the field's error message, when there is one */
  errorId?: string;
  ref?: Ref<InputRef>;
}

export function SuggestInput({ id, value, onChange, onBlur, offerFrom, keyShortcut, invalid, errorId, ref }: SuggestInputProps) {
  const t = useT();
  const suggestion = useHistory((s) => (s.view.state === 'ready' && s.view.history.known ? s.view.history[offerFrom] : null));
  const offer = value === '' && suggestion ? suggestion : null;
  const hintId = `${id}-suggestion`;
  const describedBy = [errorId, offer ? hintId : undefined].filter(Boolean).join(' ') || undefined;
  return (
    <>
      <Input
        id={id}
        ref={ref}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onBlur={onBlur}
        onKeyDown={(e) => {
          if (offer && e.key === 'ArrowRight' && !e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey) {
            e.preventDefault();
            onChange(offer);
          }
        }}
        placeholder={offer ?? undefined}
        autoComplete="off"
        status={invalid ? 'error' : undefined}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        aria-keyshortcuts={keyShortcut}
        className={offer ? 'suggest-input suggest-input--offer' : 'suggest-input'}
      />
      {offer && (
        <div id={hintId} className="suggest-hint">
          {t.intake.suggestionHint(offer)}
        </div>
      )}
    </>
  );
}
