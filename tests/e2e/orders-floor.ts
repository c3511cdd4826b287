/**
 * A call floor with work orders for the desktop's 工单 e2e and accessibility tests: the real
 * central server (PGlite) with the units directory and 派单目录 imported from a spreadsheet, a
 * supervisor and two unit accounts made through its API, and a workstation (the browser harness)
 * connected to it.
 */
import ExcelJS from 'exceljs';
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { callHarness, startHarness, tempDataDir, type RunningHarness } from './harness';
import { createAdmin, freePort, startServer, type RunningServer } from './sync-server';

export const ADMIN = { username: 'admin', password: 'admin-password-1' };
export const SUPERVISOR = { username: 'sup1', password: 'sup1-password-1' };
export const UNITS = {
  ZJJ: { username: 'zjj', password: 'zjj-password-1', name: '市住房和城乡建设局' },
  RC: { username: 'rc', password: 'rc-password-1', name: '任城区人民政府' },
} as const;

// the API's answers, read loosely: the contract's types live in src/shared/portal.ts
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

export interface Floor {
  server: RunningServer;
  harness: RunningHarness;
  port: number;
  serverDir: string;
  api: (method: string, path: string, body?: unknown, token?: string) => Promise<Loose>;
  login: (u: { username: string; password: string }) => Promise<string>;
  restartServer: () => Promise<void>;
  stopServer: () => Promise<void>;
  stop: () => Promise<void>;
}

async function unitsXlsx(): Promise<string> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('承办单位').addRows([
    ['单位代码', '单位名称', '单位类型', '上级单位代码'],
    ['ZJJ', UNITS.ZJJ.name, '市直部门', ''],
    ['RC', UNITS.RC.name, '区县', ''],
  ]);
  // 建筑工地噪音 (C0105) anywhere → 市住建局: the suggestion the dispatcher sees first
  wb.addWorksheet('派单目录').addRows([
    ['问题分类代码', '区域代码', '承办单位代码'],
    ['C0105', '', 'ZJJ'],
  ]);
  return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
}

export async function startFloor(): Promise<Floor> {
  const serverDir = tempDataDir('hotline-e2e-orders-server-');
  createAdmin(serverDir, ADMIN.username, ADMIN.password);
  const port = await freePort();
  let server = await startServer(serverDir, port);
  const api = async (method: string, path: string, body?: unknown, token?: string): Promise<Loose> => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json().catch(() => null)) as Loose;
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const login = async (u: { username: string; password: string }) => (await api('POST', '/api/login', u)).accessToken as string;
  const admin = await login(ADMIN);
  await api('POST', '/api/units/import', { format: 'xlsx', fileBase64: await unitsXlsx() }, admin);
  await api('POST', '/api/accounts', { username: SUPERVISOR.username, displayName: '值班长', role: 'supervisor', password: SUPERVISOR.password }, admin);
  for (const [code, u] of Object.entries(UNITS)) {
    await api('POST', '/api/accounts', { username: u.username, displayName: u.name, role: 'unit', password: u.password, unitCode: code }, admin);
  }
  const harness = await startHarness({ args: ['--server', server.url] });
  let running = true;
  return {
    get server() {
      return server;
    },
    harness,
    port,
    serverDir,
    api,
    login,
    stopServer: async () => {
      if (running) await server.stop();
      running = false;
    },
    restartServer: async () => {
      if (running) await server.stop();
      server = await startServer(serverDir, port);
      running = true;
    },
    stop: async () => {
      await harness.stop();
      if (running) await server.stop();
      rmSync(serverDir, { recursive: true, force: true });
    },
  };
}

/** Opens the workstation and signs the supervisor (or `who`) in through the 登录 screen. */
export async function signInDesk(browser: Browser, url: string, errors: string[] = [], who: { username: string; password: string } = SUPERVISOR): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url);
  await page.getByRole('textbox', { name: '用户名' }).fill(who.username);
  await page.getByLabel('密码').fill(who.password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('textbox', { name: '来电号码', exact: true }).waitFor();
  return page;
}

/**
 * F5 (立即同步) on the page until the condition holds: pushes the workstation's actions and pulls
 * what the server (a unit, another supervisor) did meanwhile.
 */
export async function syncUntil(page: Page, check: () => Promise<boolean>): Promise<void> {
  await expect
    .poll(
      async () => {
        if (await check()) return true;
        await page.keyboard.press('F5');
        return false;
      },
      { timeout: 30_000, interval: 1_000 },
    )
    .toBe(true);
}

/** A 转办 case logged on the workstation (建筑工地噪音, 古槐街道: the catalogue suggests 市住建局). */
export async function logDispatchCase(url: string, content: string): Promise<{ id: number; localNo: string }> {
  const saved = (await callHarness(url, 'intake.save', {
    phone: '13905371234',
    callerName: '张先生',
    channel: 'hotline',
    requestType: 'complaint',
    categoryCode: 'C0105',
    regionCode: '370811001',
    address: '任城区古槐路12号',
    content,
    answer: '',
    urgency: 'normal',
    handlingMode: 'dispatch',
    confidential: false,
  })) as { caseId: number; localNo: string };
  expect(saved.caseId).toBeGreaterThan(0);
  return { id: saved.caseId, localNo: saved.localNo };
}
