/**
 * XLSX through exceljs (loaded on first use: core/exceljs.ts), a sheet
 * read as the same records a CSV gives
 * (core/imports/csv.ts), so an import checks both the same way.
 *
 *   for await (const { line, fields } of xlsxRecords(buffer)) …
 */
import { Readable } from 'node:stream';
import { AppError } from '../errors.js';
import { loadExcel } from '../exceljs.js';

/** An XLSX file starts as a zip archive does. */
export const looksLikeXlsx = (b: Uint8Array) => b.length > 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/** A cell as its text: a date cell as its calendar day (Excel stores the wall-clock day as UTC midnight). */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as { result?: unknown; text?: unknown; richText?: Array<{ text: string }>; error?: string };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if ('result' in o) return cellText(o.result);
    if (typeof o.text === 'string') return o.text;
    if (o.error) return o.error;
  }
  return String(v);
}

/**
 * The first worksheet's rows, streamed (a 100k-row sheet never sits in memory
 * as cell objects), each with its row number; blank rows are left out as CSV's are.
 */
export async function* xlsxRecords(buffer: Buffer): AsyncGenerator<{ line: number; fields: string[] }> {
  const ExcelJS = await loadExcel();
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([buffer]), {
    sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit', entries: 'emit',
  });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<{ number: number; values: unknown[] }>) {
        const fields = Array.from(row.values as unknown[], cellText).slice(1);
        if (fields.some((f) => f.trim() !== '')) yield { line: row.number, fields };
      }
      return; // the first sheet only
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('VALIDATION_FAILED', [{ path: 'file', message: '无法读取这个 Excel 文件（文件损坏或不是 .xlsx 格式），请另存为 .xlsx 或 CSV 后重试' }]);
  }
}
