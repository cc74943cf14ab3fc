/**
 * Generated 营业执照 and 许可证 in the official layout — the title, the
 * credit code over two columns of labelled fields, the registration authority
 * and date — with their true field values. The bench measures OCR accuracy on
 * them (noise, ±5° rotation, JPEG quality 60) and the demo organisation gets
 * licence photos from them. Deterministic per seed.
 *
 *   const s = sampleLicence(7);                     // truth
 *   const jpeg = await renderLicenceJpeg(s, { rotateDeg: 3, noise: 0.05, quality: 60 });
 */
import { Resvg } from '@resvg/resvg-js';
import sharp from 'sharp';
import { shippedCjkFontFiles } from '../../core/obstacles/render.js';
import { prng } from '../../core/seed/prng.js';
import { creditCodeCheckChar, orgCodeCheckChar, CREDIT_CODE_ALPHABET } from '../../core/profile/licence/credit-code.js';

export interface LicenceTruth {
  kind: 'business_licence' | 'medical_device_permit' | 'drug_permit';
  creditCode: string;
  name: string;
  type: string;
  legalRep: string;
  registeredCapital: string;
  establishedOn: string;
  /** null: 长期 */
  termTo: string | null;
  address: string;
  scope: string;
  authority: string;
  issuedOn: string;
  permitNo?: string;
  permitScope?: string;
  validTo?: string;
}

const CITIES = [['上海', '310115'], ['北京', '110105'], ['杭州', '330106'], ['南京', '320106'], ['苏州', '320505'], ['天津', '120101'], ['广州', '440106'], ['成都', '510107']];
const BRANDS = ['华联', '康泰', '鑫源', '永盛', '博瑞', '顺通', '嘉禾', '恒安', '瑞康', '德仁', '百信', '宏达', '金桥', '同心', '安泰', '众合'];
const TRADES = ['医疗器械', '医药', '食品', '商贸', '日化', '科技', '贸易', '医疗用品'];
const FORMS = ['有限公司', '股份有限公司', '有限责任公司'];
const TYPES = ['有限责任公司（自然人投资或控股）', '有限责任公司（自然人独资）', '股份有限公司（非上市、自然人投资或控股）', '有限责任公司（法人独资）', '其他有限责任公司'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '建国', '海燕', '志强', '晓东', '春梅'];
const STREETS = ['张江路', '中山北路', '人民路', '解放大道', '建设路', '学院路', '科技园路', '长江路', '淮海中路', '文三路'];
const DIGITS = '零壹贰叁肆伍陆柒捌玖';
const SCOPES = [
  '第二类医疗器械销售', '第一类医疗器械销售', '医疗器械经营', '药品零售', '食品经营（销售预包装食品）', '日用百货销售',
  '货物进出口', '技术进出口', '技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广', '化妆品零售',
  '消毒剂销售（不含危险化学品）', '家用电器销售', '办公用品销售', '会议及展览服务', '信息咨询服务（不含许可类信息咨询服务）',
];

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const pad = (n: number) => String(n).padStart(2, '0');
const isoDay = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
export const zhDate = (iso: string) => `${iso.slice(0, 4)}年${iso.slice(5, 7)}月${iso.slice(8, 10)}日`;

/** A valid code: 9 (市场监管) 1 (企业), the division, an organisation code with its check character, then the check character. */
export function sampleCreditCode(r: () => number, division: string): string {
  const org8 = Array.from({ length: 8 }, () => pick(r, [...CREDIT_CODE_ALPHABET.slice(0, r() < 0.7 ? 10 : 31)])).join('');
  const first17 = `91${division}${org8}${orgCodeCheckChar(org8)}`;
  return first17 + creditCodeCheckChar(first17);
}

/** 伍佰万 for 500 (万元), as the licence writes it. */
function capitalInWords(wan: number): string {
  const parts: string[] = [];
  const units: Array<[number, string]> = [[1000, '仟'], [100, '佰'], [10, '拾'], [1, '']];
  let rest = wan;
  let zero = false;
  for (const [u, name] of units) {
    const d = Math.floor(rest / u);
    rest %= u;
    if (d === 0) { zero = parts.length > 0; continue; }
    if (zero) { parts.push('零'); zero = false; }
    parts.push(DIGITS[d] + name);
  }
  return `人民币${parts.join('')}万元整`;
}

export function sampleLicence(seed: number, kind: LicenceTruth['kind'] = 'business_licence'): LicenceTruth {
  const r = prng(seed * 7919 + 17);
  const [city, division] = pick(r, CITIES);
  const year = 1985 + Math.floor(r() * 39);
  const established = isoDay(year, 1 + Math.floor(r() * 12), 1 + Math.floor(r() * 28));
  const longTerm = r() < 0.45;
  const termYears = [20, 30, 50][Math.floor(r() * 3)];
  const scopeItems = Array.from({ length: 3 + Math.floor(r() * 5) }, () => pick(r, SCOPES)).filter((s, i, a) => a.indexOf(s) === i);
  // the copy in hand was issued at or after establishment, at the latest reissue (2016 onwards)
  const issuedYear = Math.max(year, 2016) + Math.floor(r() * Math.max(1, 2025 - Math.max(year, 2016)));
  const issued = isoDay(issuedYear, 1 + Math.floor(r() * 12), 1 + Math.floor(r() * 28));
  const t: LicenceTruth = {
    kind,
    creditCode: sampleCreditCode(r, division),
    name: `${city}${pick(r, BRANDS)}${pick(r, TRADES)}${pick(r, FORMS)}`,
    type: pick(r, TYPES),
    legalRep: pick(r, [...SURNAMES]) + pick(r, GIVEN),
    registeredCapital: r() < 0.6 ? capitalInWords(pick(r, [50, 100, 200, 300, 500, 1000, 1200, 3000, 5000])) : `${pick(r, [50, 100, 300, 500, 1000])}万元人民币`,
    establishedOn: established,
    termTo: longTerm ? null : isoDay(year + termYears, Number(established.slice(5, 7)), Number(established.slice(8, 10))),
    address: `${city}市${pick(r, ['浦东新区', '朝阳区', '西湖区', '鼓楼区', '姑苏区', '和平区', '天河区', '武侯区'])}${pick(r, STREETS)}${1 + Math.floor(r() * 2000)}号${r() < 0.5 ? `${1 + Math.floor(r() * 20)}幢${100 + Math.floor(r() * 900)}室` : ''}`,
    scope: `${scopeItems.join('；')}。（依法须经批准的项目，经相关部门批准后方可开展经营活动）`,
    authority: `${city}市市场监督管理局`,
    issuedOn: issued,
  };
  if (kind !== 'business_licence') {
    const prefix = kind === 'medical_device_permit' ? `${city.slice(0, 1)}食药监械经营许` : `${city.slice(0, 1)}AA`;
    t.permitNo = `${prefix}${2018 + Math.floor(r() * 7)}${String(Math.floor(r() * 1e5)).padStart(5, '0')}号`;
    t.permitScope = kind === 'medical_device_permit' ? '三类：6815注射穿刺器械，6866医用高分子材料及制品' : '中成药、化学药制剂、抗生素制剂、生化药品';
    t.validTo = isoDay(Number(issued.slice(0, 4)) + 5, Number(issued.slice(5, 7)), Number(issued.slice(8, 10)));
  }
  return t;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Wraps text at `per` characters a line. */
function wrap(text: string, per: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += per) out.push(text.slice(i, i + per));
  return out;
}

/** The licence as SVG (1080×1440, scaled when rendered), two columns under the title as on the 2019 版 营业执照. */
export function licenceSvg(t: LicenceTruth): string {
  const W = 1080;
  const H = 1440;
  const F = 'Noto Sans Hans';
  const text = (x: number, y: number, s: string, size = 26, extra = '') =>
    `<text x="${x}" y="${y}" font-size="${size}" font-family="${F}" ${extra}>${esc(s)}</text>`;
  const parts: string[] = [];
  const title = t.kind === 'business_licence' ? '营 业 执 照' : t.kind === 'medical_device_permit' ? '医疗器械经营许可证' : '药品经营许可证';
  parts.push(text(W / 2, 200, title, 80, `text-anchor="middle" font-weight="bold" fill="#a01818"`));
  parts.push(text(W / 2, 270, '（副 本）', 28, 'text-anchor="middle"'));
  const left = 80;
  const mid = W / 2 + 10;
  let y = 360;
  if (t.kind === 'business_licence') {
    parts.push(text(left, y, '统一社会信用代码', 26), text(left + 230, y, t.creditCode, 28));
    y += 80;
    const rowsL: Array<[string, string, number]> = [['名        称', t.name, 13], ['类        型', t.type, 13], ['法定代表人', t.legalRep, 13], ['经营范围', t.scope, 13]];
    const rowsR: Array<[string, string, number]> = [
      ['注册资本', t.registeredCapital, 12], ['成立日期', zhDate(t.establishedOn), 12],
      ['营业期限', `${zhDate(t.establishedOn)}至${t.termTo ? zhDate(t.termTo) : '长期'}`, 12], ['住        所', t.address, 12],
    ];
    column(parts, rowsL, left, y, 140, 22, text);
    column(parts, rowsR, mid, y, 120, 22, text);
  } else {
    parts.push(text(left, y, `许可证编号：${t.permitNo}`, 26));
    y += 70;
    const rows: Array<[string, string, number]> = [
      ['企业名称', t.name, 26], ['统一社会信用代码', t.creditCode, 26], ['法定代表人', t.legalRep, 26], ['住        所', t.address, 26],
      ['经营范围', t.permitScope!, 26], ['有效期限', `${zhDate(t.issuedOn)}至${zhDate(t.validTo!)}`, 26],
    ];
    column(parts, rows, left, y, 230, 24, text);
  }
  parts.push(text(W - 460, H - 240, '登记机关', 26), text(W - 330, H - 240, t.authority, 24));
  parts.push(text(W - 400, H - 180, zhDate(t.issuedOn), 26));
  parts.push(`<circle cx="${W - 230}" cy="${H - 230}" r="95" fill="none" stroke="#c03030" stroke-width="5" opacity="0.55"/>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="#fbf6ea"/>
<rect x="24" y="24" width="${W - 48}" height="${H - 48}" fill="none" stroke="#c9a25e" stroke-width="10"/>${parts.join('')}</svg>`;
}

function column(
  parts: string[], rows: Array<[string, string, number]>, x: number, y: number, valueDx: number, size: number,
  text: (x: number, y: number, s: string, size?: number) => string,
): number {
  for (const [label, value, per] of rows) {
    parts.push(text(x, y, label, size));
    for (const line of wrap(value, per)) {
      parts.push(text(x + valueDx, y, line, size));
      y += size + 18;
    }
    y += 22;
  }
  return y;
}

export interface PhotoOptions {
  rotateDeg?: number;
  /** Share of pixels flipped to grey noise, 0–1. */
  noise?: number;
  quality?: number;
  width?: number;
  height?: number;
  seed?: number;
}

/** The licence as a phone photo would have it: rotated on a desk, noisy, JPEG. */
export async function renderLicenceJpeg(t: LicenceTruth, o: PhotoOptions = {}): Promise<Buffer> {
  const W = o.width ?? 1080;
  const H = o.height ?? 1440;
  const files = shippedCjkFontFiles();
  const png = new Resvg(licenceSvg(t), {
    fitTo: { mode: 'width', value: W },
    font: files ? { loadSystemFonts: false, fontFiles: files, defaultFontFamily: 'Noto Sans Hans' } : { loadSystemFonts: true },
  }).render().asPng();
  const { data, info } = await sharp(png).rotate(o.rotateDeg ?? 0, { background: '#8a8173' })
    .resize(W, H, { fit: 'cover' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const r = prng(o.seed ?? 1);
  const noise = o.noise ?? 0;
  for (let i = 0; i < data.length; i += 3) {
    const n = (r() - 0.5) * 40;
    const speck = r() < noise ? (r() < 0.5 ? -90 : 90) : 0;
    for (let c = 0; c < 3; c++) data[i + c] = Math.max(0, Math.min(255, data[i + c] + n + speck));
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).jpeg({ quality: o.quality ?? 60 }).toBuffer();
}
