/**
 * 统计分析 on the desktop: the contract methods' inputs and answers ('reports.*'). Main calls the
 * server's report routes (src/shared/reports/api.ts) with the signed-in account's token, like
 * 系统管理 does; answers are `{ok: true, …}` or the admin screens' typed refusal.
 */
import { z } from 'zod';
import { AdminRefusal } from '../desk-admin';
import { ReportOrders, ReportOrdersQuery, ReportQuery, ReportSummary } from './api';

const answer = <T extends z.ZodRawShape>(shape: T) => z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), ...shape }), AdminRefusal]);

export const ReportsSummaryInput = ReportQuery;
export const ReportsSummaryResult = answer({ summary: ReportSummary });
export const ReportsOrdersInput = ReportOrdersQuery;
export const ReportsOrdersResult = answer({ orders: ReportOrders });
export const ReportsExportInput = ReportQuery;
/** the server's workbook, as it sent it: the renderer saves it as a download */
export const ReportsExportResult = answer({ filename: z.string(), contentType: z.string(), base64: z.string() });
/** 打印月报: the window's page printed to PDF by Electron (printToPDF); `printed: false` in a browser, which prints itself */
export const ReportsPrintInput = z.object({ filename: z.string().regex(/^[\w\u4e00-\u9fff.-]{1,80}\.pdf$/) }).strict();
export const ReportsPrintResult = z.object({ printed: z.boolean(), filename: z.string(), base64: z.string() });
