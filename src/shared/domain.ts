/**
 * The 12345 domain vocabulary: the enumerations a work order (工单) is made of.
 * Codes are stable English identifiers stored in the database and sent over the wire; the
 * labels the operator sees live in the renderer's i18n tables.
 */
import { z } from 'zod';

/** 来源渠道 */
export const CHANNELS = [
  'hotline', // 热线电话
  'mayor_mailbox', // 市长信箱
  'website', // 网站
  'wechat', // 微信
  'sms', // 短信
  'letter', // 来信
  'visit', // 来访
  'leader_session', // 领导接听
  'province_platform', // 省平台转派
  'police_110', // 110 联动
] as const;
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

/** 诉求类型 */
export const REQUEST_TYPES = ['consult', 'help', 'complaint', 'report', 'suggestion', 'praise', 'other'] as const;
export const RequestType = z.enum(REQUEST_TYPES);
export type RequestType = z.infer<typeof RequestType>;

/** 紧急程度 */
export const URGENCIES = ['normal', 'urgent', 'critical'] as const;
export const Urgency = z.enum(URGENCIES);
export type Urgency = z.infer<typeof Urgency>;

/** 办理方式: answered on the spot (直接答复) or a work order for a unit (转办) */
export const HANDLING_MODES = ['direct', 'dispatch'] as const;
export const HandlingMode = z.enum(HANDLING_MODES);
export type HandlingMode = z.infer<typeof HandlingMode>;

/**
 * Work-order status along the lifecycle
 * 受理 → (直接答复 → 办结) | (派单 → 签收 | 退单 → 办理 → 反馈 → 审核 → 回访 → 办结 | 重办).
 */
export const CASE_STATUSES = [
  'pending_dispatch', // 待派单
  'dispatched', // 已派单
  'signed', // 已签收
  'returned', // 已退单
  'in_progress', // 办理中
  'replied', // 已反馈
  'follow_up', // 待回访
  'rehandle', // 重办
  'closed', // 已办结
] as const;
export const CaseStatus = z.enum(CASE_STATUSES);
export type CaseStatus = z.infer<typeof CaseStatus>;
export const isOpenStatus = (s: CaseStatus): boolean => s !== 'closed';

/** 回访满意度 (5-level scale; which levels count as satisfied is configuration) */
export const SATISFACTION_LEVELS = [
  'very_satisfied', // 非常满意
  'satisfied', // 满意
  'basically_satisfied', // 基本满意
  'unsatisfied', // 不满意
  'very_unsatisfied', // 非常不满意
] as const;
export const Satisfaction = z.enum(SATISFACTION_LEVELS);
export type Satisfaction = z.infer<typeof Satisfaction>;

/** A node of the 问题分类 tree or the 所属区域 list. */
export interface TaxonomyNode {
  code: string;
  name: string;
  /** pinyin initials of the name, lower case ("物业管理" → "wygl"), for type-ahead */
  initials: string;
  /** the full path's names, for display ("住房保障与物业管理 / 物业管理") */
  path: string[];
  children?: TaxonomyNode[];
}
