/**
 * The portal's words: Chinese by default, English for IT staff and reviewers. The labels of
 * states, actions, 办理结果 and 正常/临期/超期 come from src/shared/workorders, not from here.
 */
import { create } from 'zustand';
import type { ApiError } from './api/client';

export type Lang = 'zh-CN' | 'en';

const zhCN = {
  title: '承办单位门户',
  subtitle: '12345 政务服务便民热线',
  language: '界面语言',
  login: {
    title: '登录',
    username: '用户名',
    password: '密码',
    submit: '登录',
    submitting: '正在登录…',
    usernameRequired: '请输入用户名',
    passwordRequired: '请输入密码',
    hint: '请使用热线中心分配给本单位的账号登录。',
    sessionEnded: '登录已失效，请重新登录。',
  },
  header: {
    unit: (name: string) => `承办单位：${name}`,
    centre: (name: string, role: string) => `${name}（中心${role}，仅供查看）`,
    logout: '退出登录',
    centreNote: '本门户供承办单位签收和办理工单。中心人员可在此查看，派单、审核请在热线工作台办理。',
  },
  queues: {
    pending_sign: '待签收',
    in_progress: '办理中',
    empty: '暂无工单',
    more: '仅显示时限最近的部分工单',
    refresh: '刷新',
    updated: (time: string) => `更新于 ${time}`,
    loading: '正在载入…',
    signBy: '签收时限',
    deadline: '办理时限',
    confidential: '保密',
    extension: '延期申请中',
    supervised: (level: string) => `督办·${level}`,
    reminded: (n: number) => `催办 ×${n}`,
  },
  detail: {
    region: '工单详情',
    none: '请在左侧选择工单。',
    loading: '正在载入工单…',
    back: '返回列表',
    officialNo: '工单编号',
    state: '状态',
    caller: '来电人',
    phone: '来电号码',
    masked: '保密',
    channel: '来源',
    requestType: '诉求类型',
    category: '问题分类',
    regionCode: '区域',
    address: '地址',
    content: '诉求内容',
    receivedAt: '受理时间',
    urgency: '紧急程度',
    unit: '承办单位',
    deadlines: '时限',
    signBy: '签收时限',
    returnBy: '退回时限',
    deadline: '办理时限',
    extensionPending: (days: number) => `已申请延期 ${days} 个工作日，等待中心审批`,
    history: '流转记录',
    historyEmpty: '暂无流转记录',
    actions: '操作',
    noActions: '当前没有可执行的操作',
    by: (who: string) => `经办人 ${who}`,
  },
  dialogs: {
    cancel: '取消',
    submit: '提交',
    submitting: '正在提交…',
    returnReason: '退回理由',
    extensionDays: '延期天数',
    extensionReason: '延期理由',
    replyResult: '办理结果',
    replyContent: '办理情况',
    contacted: '是否已联系来电人',
    yes: '是',
    no: '否',
    required: (field: string) => `请填写${field}`,
    requiredChoice: (field: string) => `请选择${field}`,
    minLength: (field: string, n: number) => `${field}至少 ${n} 个字`,
    daysRange: '延期天数为 1 至 60 个工作日',
    changed: '该工单已被他人更新，已重新载入最新内容；已填写的内容保留，请核对后再提交。',
    notAvailable: '该工单当前状态下已不能执行此操作。',
    done: (action: string) => `已${action}`,
  },
  labels: {
    channel: {
      hotline: '热线电话',
      mayor_mailbox: '市长信箱',
      website: '网站',
      wechat: '微信',
      sms: '短信',
      letter: '来信',
      visit: '来访',
      leader_session: '领导接听',
      province_platform: '省平台转派',
      police_110: '110 联动',
    } as Record<string, string>,
    requestType: {
      consult: '咨询',
      help: '求助',
      complaint: '投诉',
      report: '举报',
      suggestion: '建议',
      praise: '表扬',
      other: '其他',
    } as Record<string, string>,
    urgency: { normal: '一般', urgent: '紧急', critical: '特急' } as Record<string, string>,
  },
  errors: {
    network: '无法连接服务器，请检查网络后重试。',
    invalid_credentials: '用户名或密码错误',
    account_disabled: '账号已停用，请联系热线中心',
    too_many_attempts: '尝试次数过多，请稍后再试',
    tooManyAttempts: (s: number) => `尝试次数过多，请 ${s} 秒后再试`,
    signed_out: '登录已失效，请重新登录',
    forbidden: '没有权限执行此操作',
    order_not_found: '工单不存在，或不属于本单位',
    not_found: '服务器没有该功能，请联系热线中心升级服务器',
    order_changed: '该工单已被他人更新，请重新载入后再操作',
    invalid_request: '提交的内容不符合要求，请检查后重试',
    internal: '服务器出错，请稍后再试',
    shutting_down: '服务器正在重启，请稍后再试',
    generic: (code: string) => `操作失败（${code}），请稍后再试`,
  },
};

export type Messages = typeof zhCN;

const en: Messages = {
  title: 'Unit portal',
  subtitle: '12345 government service hotline',
  language: 'Language',
  login: {
    title: 'Sign in',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    submitting: 'Signing in…',
    usernameRequired: 'Enter your username',
    passwordRequired: 'Enter your password',
    hint: 'Use the account the hotline centre gave your unit.',
    sessionEnded: 'Your session has ended: please sign in again.',
  },
  header: {
    unit: (name: string) => `Unit: ${name}`,
    centre: (name: string, role: string) => `${name} (centre ${role}, view only)`,
    logout: 'Sign out',
    centreNote: 'This portal is where units sign for and handle orders. Centre staff may look here; dispatch and review on the workstation.',
  },
  queues: {
    pending_sign: 'To sign for',
    in_progress: 'In progress',
    empty: 'No orders',
    more: 'Only the orders with the nearest deadlines are shown',
    refresh: 'Refresh',
    updated: (time: string) => `Updated ${time}`,
    loading: 'Loading…',
    signBy: 'Sign by',
    deadline: 'Deadline',
    confidential: 'Confidential',
    extension: 'Extension requested',
    supervised: (level: string) => `Supervised · ${level}`,
    reminded: (n: number) => `Reminded ×${n}`,
  },
  detail: {
    region: 'Order',
    none: 'Choose an order on the left.',
    loading: 'Loading the order…',
    back: 'Back to the list',
    officialNo: 'Order number',
    state: 'State',
    caller: 'Caller',
    phone: 'Phone',
    masked: 'Confidential',
    channel: 'Channel',
    requestType: 'Request type',
    category: 'Category',
    regionCode: 'Region',
    address: 'Address',
    content: 'Request',
    receivedAt: 'Received',
    urgency: 'Urgency',
    unit: 'Unit',
    deadlines: 'Deadlines',
    signBy: 'Sign by',
    returnBy: 'Return by',
    deadline: 'Handle by',
    extensionPending: (days: number) => `Extension of ${days} working days requested, awaiting the centre`,
    history: 'History',
    historyEmpty: 'No history yet',
    actions: 'Actions',
    noActions: 'No action is possible now',
    by: (who: string) => `by ${who}`,
  },
  dialogs: {
    cancel: 'Cancel',
    submit: 'Submit',
    submitting: 'Submitting…',
    returnReason: 'Reason for return',
    extensionDays: 'Extra working days',
    extensionReason: 'Reason for the extension',
    replyResult: 'Result',
    replyContent: 'What was done',
    contacted: 'Caller contacted?',
    yes: 'Yes',
    no: 'No',
    required: (field: string) => `Enter ${field.toLowerCase()}`,
    requiredChoice: (field: string) => `Choose ${field.toLowerCase()}`,
    minLength: (field: string, n: number) => `${field}: at least ${n} characters`,
    daysRange: 'Between 1 and 60 working days',
    changed: 'Someone else updated this order: it has been reloaded. What you typed is kept; check it and submit again.',
    notAvailable: 'This action is no longer possible in the order’s state.',
    done: (action: string) => `Done: ${action}`,
  },
  labels: {
    channel: {
      hotline: 'Hotline call',
      mayor_mailbox: "Mayor's mailbox",
      website: 'Website',
      wechat: 'WeChat',
      sms: 'SMS',
      letter: 'Letter',
      visit: 'Walk-in',
      leader_session: 'Leader on duty',
      province_platform: 'Provincial platform',
      police_110: '110 police link',
    },
    requestType: {
      consult: 'Consultation',
      help: 'Help',
      complaint: 'Complaint',
      report: 'Report',
      suggestion: 'Suggestion',
      praise: 'Praise',
      other: 'Other',
    },
    urgency: { normal: 'Normal', urgent: 'Urgent', critical: 'Critical' },
  },
  errors: {
    network: 'The server cannot be reached. Check the network and try again.',
    invalid_credentials: 'Wrong username or password',
    account_disabled: 'This account is disabled: contact the hotline centre',
    too_many_attempts: 'Too many attempts: try again later',
    tooManyAttempts: (s: number) => `Too many attempts: try again in ${s} s`,
    signed_out: 'Your session has ended: sign in again',
    forbidden: 'You may not do this',
    order_not_found: 'No such order, or not your unit’s',
    not_found: 'The server lacks this function: ask the hotline centre to update it',
    order_changed: 'Someone else updated this order: reload it and try again',
    invalid_request: 'What was sent is not valid: check it and try again',
    internal: 'Server error: try again later',
    shutting_down: 'The server is restarting: try again shortly',
    generic: (code: string) => `Failed (${code}): try again later`,
  },
};

const DICTIONARIES: Record<Lang, Messages> = { 'zh-CN': zhCN, en };
const LANG_KEY = 'hotline.portal.lang';

function initialLang(): Lang {
  try {
    return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export const useLang = create<{ lang: Lang; setLang: (l: Lang) => void }>((set) => ({
  lang: typeof localStorage === 'undefined' ? 'zh-CN' : initialLang(),
  setLang: (lang) => {
    try {
      localStorage.setItem(LANG_KEY, lang);
    } catch {
      // this session only
    }
    document.documentElement.lang = lang;
    set({ lang });
  },
}));

export function messagesFor(lang: Lang): Messages {
  return DICTIONARIES[lang];
}

export function useT(): Messages {
  return DICTIONARIES[useLang((s) => s.lang)];
}

/** A shared {zh, en} label in the screen's language. */
export function label(m: { zh: string; en: string }, lang: Lang): string {
  return lang === 'en' ? m.en : m.zh;
}

/**
 * What the person reads for a failure: the table's own reason for a refused action (refusal.zh
 * or .en), else the portal's words for the code, never the server's English developer message.
 */
export function errorMessage(e: unknown, lang: Lang): string {
  const t = DICTIONARIES[lang];
  if (typeof e !== 'object' || e === null || !('code' in e)) return t.errors.generic('unknown');
  const err = e as ApiError;
  if (err.refusal) return lang === 'en' ? err.refusal.en : err.refusal.zh;
  if (err.code === 'too_many_attempts' && err.retryAfterSeconds) return t.errors.tooManyAttempts(err.retryAfterSeconds);
  const known = t.errors[err.code as keyof Messages['errors']];
  if (typeof known === 'string') return known;
  return t.errors.generic(err.code);
}
