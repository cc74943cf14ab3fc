/**
 * Any dashboard table as a file: CSV (UTF-8 with BOM and CRLF, so Excel opens
 * Chinese text correctly) and XLSX (exceljs). Headers are the Chinese column
 * labels; times are Shanghai wall-clock, flags 是/否. Cells that a spreadsheet
 * would run as a formula (= + - @ …) are prefixed with an apostrophe.
 *
 *   const csv = toCsv(columns, rows);            // Buffer
 *   const xlsx = await toXlsx('事项按时完成率', columns, rows);
 */
import { formatShanghai } from '../flow/time.js';
import { loadExcel } from '../exceljs.js';
import type { Column } from './records.js';

export const EXPORT_MAX_ROWS = 50_000;

type Cell = string | number | boolean | null;

function human(col: Column, v: Cell): string | number {
  if (v === null || v === undefined) return '';
  switch (col.type) {
    case 'boolean': return v ? '是' : '否';
    case 'datetime': return typeof v === 'string' ? formatShanghai(new Date(v)) : String(v);
    case 'number': return typeof v === 'number' ? v : String(v);
    default: return String(v);
  }
}

const FORMULA_START = /^[=+\-@\t\r]/;

function safeText(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

function csvCell(v: string | number): string {
  const s = typeof v === 'number' ? String(v) : safeText(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(columns: Column[], rows: Array<Record<string, Cell>>): Buffer {
  const lines = [columns.map((c) => csvCell(c.label)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(human(c, r[c.key] ?? null))).join(','));
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')]);
}

export async function toXlsx(title: string, columns: Column[], rows: Array<Record<string, Cell>>, note?: string): Promise<Buffer> {
  return toXlsxBook([{ title, columns, rows, note }]);
}

export interface Sheet { title: string; columns: Column[]; rows: Array<Record<string, Cell>>; note?: string }

/** Several tables in one workbook, a sheet each (a report with more than one table). */
export async function toXlsxBook(sheets: Sheet[]): Promise<Buffer> {
  const ExcelJS = await loadExcel();
  const wb = new ExcelJS.Workbook();
  wb.creator = '动作流 ActionFlow';
  wb.created = new Date(0);
  for (const { title, columns, rows, note } of sheets) {
    // sheet names: at most 31 characters, none of []:*?/\
    const ws = wb.addWorksheet(title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || '数据');
    ws.columns = columns.map((c) => ({ header: c.label, key: c.key, width: Math.min(40, Math.max(10, c.label.length * 2 + 4)) }));
    ws.getRow(1).font = { bold: true };
    ws.views = [{ state: 'frozen', ySplit: 1 }];
    for (const r of rows) {
      ws.addRow(Object.fromEntries(columns.map((c) => {
        const v = human(c, r[c.key] ?? null);
        return [c.key, typeof v === 'string' ? safeText(v) : v];
      })));
    }
    if (note) {
      ws.addRow([]);
      ws.addRow([note]);
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** RFC 6266 Content-Disposition with an ASCII fallback and the UTF-8 name. */
export function attachmentHeader(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
