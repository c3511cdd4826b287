/** One case in a list (来电历史, search results): a button, so Enter and click both open it. */
import { Tag } from 'antd';
import type { CaseStatus } from '../../../../shared/domain';
import { formatPhone } from '../../../../shared/phone';
import type { CaseSummary } from '../../../../shared/schemas';
import { formatDateTime, useT } from '../../i18n';
import { tagTextStyle } from '../../ui/tagColours';

const STATUS_COLOURS: Record<CaseStatus, string> = {
  pending_dispatch: 'orange',
  dispatched: 'blue',
  signed: 'blue',
  returned: 'red',
  in_progress: 'blue',
  replied: 'cyan',
  follow_up: 'purple',
  rehandle: 'red',
  closed: 'default',
};

export function StatusTag({ status }: { status: CaseStatus }) {
  const t = useT();
  return (
    <Tag color={STATUS_COLOURS[status]} variant="outlined" className="status-tag" style={tagTextStyle(STATUS_COLOURS[status])}>
      {t.labels.status[status]}
    </Tag>
  );
}

/**
 * The official number (正式编号) once the centre gave one, with the provisional number this
 * workstation gave at intake in grey beneath it (the caller may have been told that one).
 */
export function CaseNumbers({ officialNo, localNo }: { officialNo: string | null; localNo: string }) {
  const t = useT();
  if (officialNo === null) {
    return (
      <span className="case-row__no" title={t.caseDetail.localNo}>
        {localNo}
      </span>
    );
  }
  return (
    <span className="case-row__no case-row__no--official">
      <span className="case-row__official" title={t.caseDetail.officialNo}>
        {officialNo}
      </span>
      <span className="case-row__local" title={t.caseDetail.localNo}>
        {localNo}
      </span>
    </span>
  );
}

interface CaseRowProps {
  item: CaseSummary;
  onOpen: (id: number) => void;
  /** search results come from many callers; 来电历史 is one caller's */
  showCaller?: boolean;
}

export function CaseRow({ item, onOpen, showCaller = false }: CaseRowProps) {
  const t = useT();
  const facts = [
    t.labels.channel[item.channel],
    t.labels.requestType[item.requestType],
    item.categoryName,
    item.followUp
      ? `${t.history.lastFollowUp}：${[t.history.followUpOutcome[item.followUp.outcome], item.followUp.satisfaction ? t.labels.satisfaction[item.followUp.satisfaction] : null, formatDateTime(item.followUp.at)].filter(Boolean).join(' · ')}`
      : item.lastFollowUp
        ? `${t.history.lastFollowUp}：${t.labels.satisfaction[item.lastFollowUp]}`
        : null,
  ].filter(Boolean);
  return (
    <button type="button" className="case-row" data-case-id={item.id} onClick={() => onOpen(item.id)}>
      <span className="case-row__head">
        <span className="case-row__date">{formatDateTime(item.createdAt)}</span>
        <StatusTag status={item.status} />
        <CaseNumbers officialNo={item.officialNo} localNo={item.localNo} />
      </span>
      {showCaller && (
        <span className="case-row__caller">
          {formatPhone(item.phone)}
          {item.callerName && ` · ${item.callerName}`}
          {item.regionName && ` · ${item.regionName}`}
          {item.confidential && <Tag className="case-row__tag">{t.caseDetail.confidentialTag}</Tag>}
        </span>
      )}
      <span className="case-row__meta">{facts.join(' · ')}</span>
      <span className="case-row__summary">{item.summary}</span>
    </button>
  );
}
