/**
 * CSV as spreadsheets export it (RFC 4180: quoted fields, doubled quotes,
 * CRLF or LF, a UTF-8 BOM), read into rows keyed by the header line. Imports
 * validate every row before writing any, so a file is taken whole or not at all.
 *
 *   const { rows } = parseCsv('商机编号,阶段,日期\r\n12,招标公告,2026-11-02\r\n');
 *   rows[0] // { line: 2, values: { 商机编号: '12', 阶段: '招标公告', 日期: '2026-11-02' } }
 */
import { AppError } from '../errors.js';

export interface CsvRow {
  /** 1-based line number in the file, for messages ("第3行…"). */
  line: number;
  values: Record<string, string>;
}

/**
 * The file's records one at a time, each with the line it starts on: a large
 * import reads them into its own columns instead of holding every row twice.
 */
export function* csvRecords(text: string): Generator<{ line: number; fields: string[] }> {
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false;
      else { if (ch === '\n') line++; field += ch; }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') { fields.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      if (fields.some((f) => f.trim() !== '')) yield { line: start, fields };
      fields = []; field = ''; line++; start = line;
    } else field += ch;
  }
  if (quoted) throw new AppError('VALIDATION_FAILED', [{ path: `line ${start}`, message: `第${start}行的引号没有闭合` }]);
  fields.push(field);
  if (fields.some((f) => f.trim() !== '')) yield { line: start, fields };
}

/** The file's rows under its header; `required` headers must all be present. */
export function parseCsv(text: string, required: readonly string[] = []): { headers: string[]; rows: CsvRow[] } {
  const records = [...csvRecords(text.replace(/^\uFEFF/, ''))];
  if (records.length === 0) throw new AppError('VALIDATION_FAILED', [{ path: 'file', message: '文件是空的' }]);
  const headers = records[0].fields.map((h) => h.trim());
  const missing = required.filter((h) => !headers.includes(h));
  if (missing.length) throw new AppError('VALIDATION_FAILED', [{ path: 'header', message: `缺少列：${missing.join('、')}（第1行应为表头）` }]);
  return {
    headers,
    rows: records.slice(1).map((r) => ({ line: r.line, values: Object.fromEntries(headers.map((h, i) => [h, (r.fields[i] ?? '').trim()])) })),
  };
}
