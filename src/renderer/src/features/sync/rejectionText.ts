/**
 * A rejection's reason in the operator's language, from its code: the server explains in English
 * for IT (`reason`), which the 同步异常 list keeps as a secondary detail. Where that text names
 * the field (invalid_args: "case.phone: …") or the rule (rule_violation), the sentence says so.
 */
import { isRejectionCode } from '../../../../shared/sync';
import type { Messages } from '../../i18n';
import type { RejectionDetail } from '../../i18n/zh-CN';

export interface RejectionLike {
  code: string;
  name: string;
  reason: string;
}

/** What the server's English text tells besides the code. */
export function rejectionDetail(t: Messages, r: RejectionLike): RejectionDetail {
  let field: string | null = null;
  if (r.code === 'invalid_args') {
    // "case.phone: must be a normalised phone number" → the path's last name
    const path = /^([A-Za-z0-9_.]+): /.exec(r.reason)?.[1];
    const last = path?.split('.').filter((part) => !/^\d+$/.test(part)).at(-1);
    if (last) field = t.rejections.fields[last] ?? last;
  }
  let rule: RejectionDetail['rule'] = null;
  if (r.code === 'rule_violation') {
    if (/createdAt .* is in the future/.test(r.reason)) rule = 'future_time';
    else if (/contact\.uuid .* already belongs to another case/.test(r.reason)) rule = 'contact_taken';
  }
  let refusal: RejectionDetail['refusal'] = null;
  if (r.code === 'action_refused') {
    // "中文理由 (code: English reason)"
    const m = /^(.*?) \(([a-z_]+): (.*)\)$/s.exec(r.reason);
    refusal = m ? { zh: m[1]!, en: m[3]! } : null;
  }
  return { name: r.name, field, rule, refusal };
}

export function rejectionText(t: Messages, r: RejectionLike): string {
  return isRejectionCode(r.code) ? t.rejections.reasons[r.code](rejectionDetail(t, r)) : t.rejections.otherReason(r.code);
}
