/**
 * 可能重复 (重复件, issue 7 §4): while the operator types the number, the address or the category,
 * main is asked (repeat.propose) for an open order of the last N days of this number, else of
 * the same address and category. When there is one, the region 可能重复 shows it — number,
 * summary, state, unit, when — and 关联 (Alt+L from anywhere on 受理登记) saves the call as a
 * repeat of that order. It never takes the focus and sits after the form's buttons, so the
 * routine call's Tab path is unchanged.
 */
import { Button, Descriptions } from 'antd';
import { useEffect, useRef, useState } from 'react';
import type { Control } from 'react-hook-form';
import { useWatch } from 'react-hook-form';
import type { RepeatProposal } from '../../../../shared/desk-orders';
import type { IntakeInput } from '../../../../shared/schemas';
import { STATE_LABELS, type WorkOrderState } from '../../../../shared/workorders/states';
import { backend } from '../../api/backend';
import { formatDateTime, useLang, useT } from '../../i18n';

export const REPEAT_SHORTCUT = 'Alt+L';
export const REPEAT_REGION_ID = 'intake-repeat';

/** The open order this call may repeat, asked again at every keystroke in 来电号码, 详细地址 or 问题分类; stale answers are dropped. */
export function useRepeatProposal(control: Control<IntakeInput>): RepeatProposal | null {
  const [phone, address, categoryCode] = useWatch({ control, name: ['phone', 'address', 'categoryCode'] });
  const [proposal, setProposal] = useState<RepeatProposal | null>(null);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    if (!phone?.trim() && !address?.trim()) {
      setProposal(null);
      return;
    }
    void backend
      .invoke('repeat.propose', { phone: (phone ?? '').slice(0, 64), address: (address ?? '').slice(0, 1000), categoryCode: (categoryCode ?? '').slice(0, 32) })
      .then((res) => {
        if (mine !== seq.current) return;
        setProposal(res.ok ? res.data.proposal : null);
      });
  }, [phone, address, categoryCode]);
  return proposal;
}

interface Props {
  proposal: RepeatProposal;
  /** the refusal shown beside 关联 after a failed link (already in the operator's language) */
  error: string | null;
  onLink: () => void;
}

export function RepeatProposalRegion({ proposal, error, onLink }: Props) {
  const t = useT();
  const lang = useLang((s) => s.lang) === 'en' ? 'en' : 'zh';
  const r = t.intake.repeat;
  const state = STATE_LABELS[proposal.state as WorkOrderState]?.[lang] ?? proposal.state;
  return (
    <section id={REPEAT_REGION_ID} role="region" aria-label={r.region} className="repeat-proposal" aria-live="polite">
      <h3 className="repeat-proposal-title">
        {r.region} · {proposal.match === 'phone' ? r.byPhone : r.byAddress}
      </h3>
      <Descriptions
        size="small"
        column={2}
        items={[
          { key: 'no', label: r.order, children: proposal.officialNo },
          { key: 'state', label: r.state, children: state },
          { key: 'unit', label: r.unit, children: proposal.unitName ?? proposal.unitCode ?? r.noUnit },
          { key: 'at', label: r.receivedAt, children: formatDateTime(proposal.receivedAt) },
          { key: 'summary', label: t.caseDetail.summary, children: proposal.summary, span: 2 },
        ]}
      />
      {proposal.repeatCalls > 0 && <p className="field-hint">{r.repeatCalls(proposal.repeatCalls)}</p>}
      <Button onClick={onLink} aria-keyshortcuts={REPEAT_SHORTCUT}>
        {r.link}
      </Button>
      {error && (
        <p role="alert" className="repeat-proposal-error">
          {r.refused(error)}
        </p>
      )}
    </section>
  );
}
