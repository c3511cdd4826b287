/**
 * Reads the units directory from IT's spreadsheet — xlsx (sheets 承办单位 and 派单目录; the
 * first sheet when 承办单位 is absent) or csv (the units alone, UTF-8, with or without BOM) —
 * into header-keyed text cells for the checks in src/shared/units.ts. exceljs reads both.
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { RULES_SHEET, UNITS_SHEET, type ImportProblem, type SheetRow } from '../../shared/units';

export type SheetFormat = 'xlsx' | 'csv';

export interface ReadSheet {
  headers: string[];
  rows: SheetRow[];
}

/** A file bigger than this is not a units directory (a large city has a few thousand units). */
export const MAX_SHEET_ROWS = 20_000;

/** The text a cell shows: numbers without exponent, dates as ISO days, rich text joined. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value) return String(value.text);
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('error' in value) return '';
    return '';
  }
  return String(value);
}

function readWorksheet(ws: ExcelJS.Worksheet): ReadSheet {
  const headerRow = ws.getRow(1);
  const headers: string[] = [];
  const columnOf: { col: number; header: string }[] = [];
  headerRow.eachCell({ includeEmpty: false }, (cell, col) => {
    const header = cellText(cell.value).replace(/^\uFEFF/, '').trim();
    if (header) {
      headers.push(header);
      columnOf.push({ col, header });
    }
  });
  const rows: SheetRow[] = [];
  ws.eachRow({ includeEmpty: false }, (row, number) => {
    if (number === 1) return;
    const cells: Record<string, string> = {};
    for (const { col, header } of columnOf) cells[header] = cellText(row.getCell(col).value);
    rows.push({ row: number, cells });
  });
  return { headers, rows };
}

export class SheetError extends Error {
  constructor(readonly problem: ImportProblem) {
    super(problem.en);
  }
}

export async function readDirectoryFile(
  data: Buffer,
  format: SheetFormat,
): Promise<{ units: ReadSheet; rules: ReadSheet | null }> {
  const wb = new ExcelJS.Workbook();
  try {
    if (format === 'xlsx') {
      await wb.xlsx.load(data as unknown as ArrayBuffer);
    } else {
      // exceljs' csv reader keeps a BOM in the first header: strip it here
      const text = data.toString('utf8').replace(/^\uFEFF/, '');
      await wb.csv.read(Readable.from([text]), { parserOptions: { trim: false } });
    }
  } catch (e) {
    throw new SheetError({
      sheet: format,
      row: null,
      column: null,
      zh: `无法读取文件：不是有效的 ${format} 文件`,
      en: `cannot read the file as ${format}: ${(e as Error).message.slice(0, 200)}`,
    });
  }
  const unitsWs = wb.getWorksheet(UNITS_SHEET) ?? wb.worksheets[0];
  if (!unitsWs) {
    throw new SheetError({ sheet: UNITS_SHEET, row: null, column: null, zh: '文件中没有工作表', en: 'the file holds no sheet' });
  }
  const rulesWs = format === 'xlsx' ? wb.getWorksheet(RULES_SHEET) : undefined;
  for (const ws of [unitsWs, rulesWs]) {
    if (ws && ws.rowCount > MAX_SHEET_ROWS) {
      throw new SheetError({
        sheet: ws.name,
        row: null,
        column: null,
        zh: `工作表“${ws.name}”行数过多（${ws.rowCount} 行，最多 ${MAX_SHEET_ROWS} 行）`,
        en: `sheet "${ws.name}" has ${ws.rowCount} rows, more than ${MAX_SHEET_ROWS}`,
      });
    }
  }
  return { units: readWorksheet(unitsWs), rules: rulesWs ? readWorksheet(rulesWs) : null };
}
