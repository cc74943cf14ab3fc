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
 * A line without quotes or a lone CR is split as it stands (a POS export's
 * million lines are all such); any other is read character by character.
 */
export function* csvRecords(text: string): Generator<{ line: number; fields: string[] }> {
  let at = 0;
  let line = 1;
  while (at < text.length) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 ? text.length : nl;
    const raw = text.slice(at, end > at && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    if (!raw.includes('"') && !raw.includes('\r')) {
      const fields = raw.split(',');
      if (fields.some((f) => f.trim() !== '')) yield { line, fields };
      line++;
      at = end + 1;
      continue;
    }
    const r = quotedRecord(text, at, line);
    if (r.fields.some((f) => f.trim() !== '')) yield { line, fields: r.fields };
    line += r.lines;
    at = r.next;
  }
}

/** One record from `at` by RFC 4180's rules: quoted fields, doubled quotes, newlines inside quotes, CRLF, LF or CR. */
function quotedRecord(text: string, at: number, start: number): { fields: string[]; next: number; lines: number } {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let lines = 1;
  for (let i = at; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false;
      else { if (ch === '\n') lines++; field += ch; }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') { fields.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      return { fields, next: i + 1, lines };
    } else field += ch;
  }
  if (quoted) throw new AppError('VALIDATION_FAILED', [{ path: `line ${start}`, message: `第${start}行的引号没有闭合` }]);
  fields.push(field);
  return { fields, next: text.length, lines };
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
