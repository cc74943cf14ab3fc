/**
 * The fields of a 营业执照 or a 许可证 from its OCR lines. Licences print
 * labelled fields in two columns (名称/类型/法定代表人/经营范围 left, 注册资本/
 * 成立日期/营业期限/住所 right), and OCR may join a left value with a right
 * label into one line or split a value over several: so each line is cut at
 * the labels it holds, and text without a label continues the field last
 * opened in its column. Pure: the lines come from ocr-engine.ts.
 *
 *   const p = parseLicence(page.lines);
 *   p.kind                // 'business_licence'
 *   p.fields.name         // '上海康泰科技有限公司'
 *   p.fields.termTo       // null when 营业期限 is 长期
 */
import type { LicenceKind } from '../../flow/licence-kinds.js';
import { readOcrCreditCode } from './credit-code.js';

export interface TextLine { text: string; x0: number; y0: number; x1: number; y1: number; confidence?: number }

export const LICENCE_FIELDS = [
  'creditCode', 'name', 'type', 'legalRep', 'registeredCapital', 'establishedOn', 'termFrom', 'termTo', 'address', 'scope',
  'permitNo', 'validFrom', 'validTo',
] as const;
export type LicenceField = (typeof LICENCE_FIELDS)[number];
export const LICENCE_FIELD_LABELS: Record<LicenceField, string> = {
  creditCode: '统一社会信用代码', name: '名称', type: '类型', legalRep: '法定代表人', registeredCapital: '注册资本',
  establishedOn: '成立日期', termFrom: '营业期限自', termTo: '营业期限至', address: '住所', scope: '经营范围',
  permitNo: '许可证编号', validFrom: '有效期自', validTo: '有效期至',
};

export interface ParsedLicence {
  kind: LicenceKind | null;
  /** Values as read (dates as YYYY-MM-DD); termTo/validTo null with `longTerm` for 长期. */
  fields: Partial<Record<LicenceField, string | null>>;
  longTerm: boolean;
  creditCodeValid: boolean;
  /** The credit code was read with a character the code never holds (O for 0 …) and corrected. */
  creditCodeCorrected: boolean;
}

type Slot = 'creditCode' | 'name' | 'type' | 'legalRep' | 'registeredCapital' | 'establishedOn' | 'term' | 'address' | 'scope'
  | 'permitNo' | 'validity' | 'stop';

// longest first where one label contains another (主要经营场所 before 经营场所, 企业名称 before 名称)
const LABELS: Array<[RegExp, Slot]> = [
  [/登记机关|发证部门|发证机关|发证日期|国家企业信用|企业信用信息|经营方式|企业负责人|质量负责人|仓库地址|库房地址/, 'stop'],
  [/统一社会信用代码/, 'creditCode'],
  [/企业名称|名称/, 'name'],
  [/类型/, 'type'],
  [/法定代表人|执行事务合伙人|经营者|投资人|负责人/, 'legalRep'],
  [/注册资本|出资额|资金数额/, 'registeredCapital'],
  [/成立日期|注册日期/, 'establishedOn'],
  [/营业期限|合伙期限|经营期限/, 'term'],
  [/主要经营场所|经营场所|营业场所|注册地址|住所/, 'address'],
  [/经营范围/, 'scope'],
  [/许可证编号|证号|备案编号/, 'permitNo'],
  [/有效期限|有效期至/, 'validity'],
];
const RIGHT_COLUMN: Slot[] = ['registeredCapital', 'establishedOn', 'term', 'address'];
const ANY_LABEL = new RegExp(LABELS.map(([r]) => r.source).join('|'), 'g');

function normalise(s: string): string {
  return s.replace(/\s+/g, '')
    .replace(/[（]/g, '(').replace(/[）]/g, ')').replace(/[：]/g, ':')
    .replace(/[０-９Ａ-Ｚ]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

function slotOf(label: string): Slot {
  return LABELS.find(([r]) => new RegExp(`^(${r.source})$`).test(label))![1];
}

function kindOf(all: string): LicenceKind | null {
  if (/医疗器械经营许可证|医疗器械经营备案/.test(all)) return 'medical_device_permit';
  if (/药品经营许可证/.test(all)) return 'drug_permit';
  if (/营业执照/.test(all) || /统一社会信用代码/.test(all) && /成立日期|营业期限/.test(all)) return 'business_licence';
  return null;
}

interface Piece { slot: Slot | null; text: string; x: number }

/** A line cut at its labels: [text before any label], then one piece per label with the text after it. */
function piecesOf(line: TextLine): Piece[] {
  const text = normalise(line.text);
  const xAt = (i: number) => line.x0 + ((line.x1 - line.x0) * i) / Math.max(1, text.length);
  const out: Piece[] = [];
  let last = 0;
  let slot: Slot | null = null;
  let x = line.x0;
  for (const m of text.matchAll(ANY_LABEL)) {
    if (m.index! > last || slot) out.push({ slot, text: text.slice(last, m.index), x });
    slot = slotOf(m[0]);
    x = xAt(m.index!);
    last = m.index! + m[0].length;
  }
  out.push({ slot, text: text.slice(last), x });
  return out.filter((p) => p.slot || p.text);
}

/** The column split: just left of the leftmost right-column label, when the licence has two columns. */
function columnSplit(lines: TextLine[]): number {
  const xs = lines.flatMap(piecesOf).filter((p) => p.slot && RIGHT_COLUMN.includes(p.slot)).map((p) => p.x);
  const lefts = lines.flatMap(piecesOf).filter((p) => p.slot === 'name' || p.slot === 'type' || p.slot === 'scope').map((p) => p.x);
  if (!xs.length || !lefts.length) return Infinity;
  const right = Math.min(...xs);
  return right > Math.max(...lefts) + 20 ? right - 10 : Infinity;
}

/** Rows top to bottom (lines whose middles are within half a line), left to right inside a row. */
function readingOrder(lines: TextLine[]): TextLine[] {
  const sorted = [...lines].sort((a, b) => (a.y0 + a.y1) / 2 - (b.y0 + b.y1) / 2);
  const rows: TextLine[][] = [];
  for (const l of sorted) {
    const mid = (l.y0 + l.y1) / 2;
    const row = rows.find((r) => Math.abs((r[0].y0 + r[0].y1) / 2 - mid) < (l.y1 - l.y0) / 2);
    if (row) row.push(l); else rows.push([l]);
  }
  return rows.flatMap((r) => r.sort((a, b) => a.x0 - b.x0));
}

const clean = (s: string) => s.replace(/^[:：;；,，.。\s]+/, '').replace(/[:：\s]+$/, '');
// Chinese text is printed with full-width brackets: 有限责任公司（自然人投资或控股）
const chinese = (s: string) => clean(s).replace(/\(/g, '（').replace(/\)/g, '）').replace(/:/g, '：');

function isoDate(s: string): string | null {
  const m = /(\d{4})[年.\-/](\d{1,2})[月.\-/](\d{1,2})/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1949 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** '2021年02月02日至长期', '自2010年12月09日至2030年12月09日', '长期', '至2028年05月31日'. */
function period(s: string): { from: string | null; to: string | null; longTerm: boolean } {
  const [a, b] = s.includes('至') ? [s.slice(0, s.indexOf('至')), s.slice(s.indexOf('至') + 1)] : [s, ''];
  const longTerm = /长期|永久|无固定期限/.test(b || a);
  return { from: isoDate(a), to: longTerm ? null : isoDate(b || (s.includes('至') ? '' : a)), longTerm };
}

export function parseLicence(lines: readonly TextLine[]): ParsedLicence {
  const all = lines.map((l) => normalise(l.text)).join('\n');
  const kind = kindOf(all);
  const ordered = readingOrder([...lines]);
  const split = columnSplit(ordered);
  const slots = new Map<Slot, string>();
  const open: [Slot | null, Slot | null] = [null, null];
  for (const line of ordered) {
    for (const p of piecesOf(line)) {
      const col = p.x >= split ? 1 : 0;
      if (p.slot === 'stop') { open[0] = open[1] = null; continue; }
      if (p.slot) open[col] = p.slot;
      const target = p.slot ?? open[col];
      if (!target || !p.text) continue;
      slots.set(target, (slots.get(target) ?? '') + p.text);
    }
  }
  const fields: ParsedLicence['fields'] = {};
  const put = (f: LicenceField, v: string | null | undefined) => { if (v !== undefined && v !== null && v !== '') fields[f] = v; };
  for (const f of ['name', 'type', 'legalRep', 'registeredCapital', 'address', 'scope'] as const) put(f, chinese(slots.get(f) ?? ''));
  put('permitNo', clean(slots.get('permitNo') ?? ''));
  put('establishedOn', isoDate(slots.get('establishedOn') ?? ''));
  let longTerm = false;
  const term = period(clean(slots.get('term') ?? ''));
  if (slots.has('term')) {
    put('termFrom', term.from);
    longTerm = term.longTerm;
    if (term.longTerm) fields.termTo = null; else put('termTo', term.to);
  }
  if (slots.has('validity')) {
    const v = period(clean(slots.get('validity')!));
    put('validFrom', v.from);
    put('validTo', v.to);
  }
  // the code's own line, else any 18 characters of its alphabet anywhere on the page
  const codeText = (slots.get('creditCode') ?? '').match(/[0-9A-Z]{18}/)?.[0] ?? all.match(/(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])/)?.[0];
  const code = codeText ? readOcrCreditCode(codeText) : null;
  if (code) fields.creditCode = code.value;
  return { kind, fields, longTerm, creditCodeValid: code?.valid ?? false, creditCodeCorrected: code?.corrected ?? false };
}
