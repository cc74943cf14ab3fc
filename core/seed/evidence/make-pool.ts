/**
 * Makes the committed evidence pool the demo history draws its visit
 * evidence from (core/seed/evidence/pool/): a storefront photo for every
 * curated demo customer (its name on the sign) and generic ones per customer
 * type for customers won from leads, meeting-room photos for the 合影, Mandarin
 * voice memos naming the customers' pain points, and one-page documents for
 * the tags rules ask for (报价单, 合同文本 …). Run once at development time,
 * never at start-up; it needs espeak-ng and ffmpeg:
 *
 *   apt-get install espeak-ng ffmpeg
 *   npx tsx core/seed/evidence/make-pool.ts
 *
 * Photos carry no EXIF here: the generator stamps each copy with the visit's
 * time and place (exif-jpeg.ts), so every visit's photo is a file of its own.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import { CJK_FONT_FAMILY, shippedCjkFontFiles } from '../../obstacles/render.js';
import { DEMO_CUSTOMERS } from '../demo-org.data.js';
import { prng } from '../prng.js';
import { POOL_DOCUMENT_TAGS, POOL_VOICES, type PoolManifest } from './pool.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, 'pool');
const fonts = shippedCjkFontFiles() ?? [];
const FONT = CJK_FONT_FAMILY;
const W = 320;
const H = 240;
const GENERIC_PER_TYPE = 16;
const MEETINGS = 24;

const slug = (s: string) => createHash('sha1').update(s).digest('hex').slice(0, 12);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** SVG → JPEG (4:2:0, no metadata); `grain` adds sensor-like noise so a drawing compresses like a photo. */
function toJpeg(svg: string, file: string, opts: { quality?: number; grain?: boolean } = {}): void {
  const png = new Resvg(svg, { font: { loadSystemFonts: false, fontFiles: fonts, defaultFontFamily: FONT } }).render().asPng();
  const tmp = path.join(os.tmpdir(), `pool-${process.pid}.png`);
  writeFileSync(tmp, png);
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-i', tmp, ...(opts.grain === false ? [] : ['-vf', 'noise=alls=6:allf=t']),
    '-pix_fmt', 'yuvj420p', '-q:v', String(opts.quality ?? 9), '-map_metadata', '-1', file]);
  rmSync(tmp);
}

/** A one-page PDF showing a JPEG (DCTDecode), A4 portrait. */
function jpegPdf(jpeg: Buffer, width: number, height: number): Buffer {
  const objs: Buffer[] = [];
  const add = (s: string | Buffer) => objs.push(typeof s === 'string' ? Buffer.from(s, 'latin1') : s);
  const content = `q 595 0 0 842 0 0 cm /Im0 Do Q`;
  add('<< /Type /Catalog /Pages 2 0 R >>');
  add('<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  add('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>');
  add(Buffer.concat([Buffer.from(`<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${jpeg.length} >>\nstream\n`, 'latin1'), jpeg, Buffer.from('\nendstream', 'latin1')]));
  add(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n', 'latin1')];
  const offsets: number[] = [];
  let at = parts[0].length;
  objs.forEach((o, i) => {
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), o, Buffer.from('\nendobj\n', 'latin1')]);
    offsets.push(at);
    parts.push(chunk);
    at += chunk.length;
  });
  const xref = `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${at}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

const SIGN: Record<string, string[]> = {
  ka: ['#c62828', '#1565c0', '#2e7d32', '#ef6c00'], hospital: ['#0d47a1', '#00695c', '#1565c0', '#283593'],
  store: ['#00897b', '#f57c00', '#6a1b9a', '#2e7d32'], dealer: ['#37474f', '#4e342e', '#1a237e', '#33691e'],
};

function storefront(name: string, type: string, rand: () => number): string {
  const sky = ['#bcd9f2', '#cfe3f5', '#dde7ee', '#c9d6df'][Math.floor(rand() * 4)];
  const wall = ['#e8e1d5', '#d9d4cc', '#f0ebe3', '#cfc6b8', '#e3e7ea'][Math.floor(rand() * 5)];
  const sign = SIGN[type][Math.floor(rand() * 4)];
  const top = 30 + Math.floor(rand() * 30);
  const cols = 4 + Math.floor(rand() * 4);
  const windows = Array.from({ length: cols * 2 }, (_, i) => {
    const c = i % cols;
    const r = Math.floor(i / cols);
    const ww = (W - 40) / cols - 8;
    return `<rect x="${24 + c * (ww + 8)}" y="${top + 10 + r * 28}" width="${ww}" height="18" fill="#7fa3bf" opacity="${0.6 + rand() * 0.4}"/>`;
  }).join('');
  const label = name.length > 12 ? name.slice(0, 12) : name;
  const size = Math.min(26, Math.floor((W - 60) / Math.max(4, label.length)));
  const door = type === 'hospital'
    ? `<rect x="135" y="150" width="50" height="62" fill="#cfe8f7"/><rect x="150" y="163" width="20" height="6" fill="#d32f2f"/><rect x="157" y="156" width="6" height="20" fill="#d32f2f"/>`
    : type === 'store'
      ? `<rect x="60" y="150" width="200" height="62" fill="#bfe3f0" opacity="0.9"/>${Array.from({ length: 10 }, (_, i) => `<rect x="${60 + i * 20}" y="138" width="10" height="12" fill="${sign}"/>`).join('')}`
      : `<rect x="${110 + rand() * 30}" y="150" width="70" height="62" fill="#a9c7d8"/>`;
  const trees = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => {
    const x = rand() < 0.5 ? 10 + rand() * 30 : W - 40 + rand() * 30;
    return `<rect x="${x + 6}" y="190" width="5" height="30" fill="#6d4c41"/><circle cx="${x + 8}" cy="182" r="${14 + rand() * 6}" fill="#558b2f"/>`;
  }).join('');
  const people = Array.from({ length: Math.floor(rand() * 4) }, () => {
    const x = 40 + rand() * 240;
    const c = ['#455a64', '#8d6e63', '#5c6bc0', '#ef5350'][Math.floor(rand() * 4)];
    return `<circle cx="${x}" cy="203" r="5" fill="#f1c9a5"/><rect x="${x - 5}" y="208" width="10" height="18" rx="3" fill="${c}"/>`;
  }).join('');
  const plate = `${1 + Math.floor(rand() * 899)}号`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
    <rect width="${W}" height="${H}" fill="${sky}"/>
    <rect x="14" y="${top}" width="${W - 28}" height="${H - top}" fill="${wall}"/>${windows}
    <rect x="20" y="${top + 68}" width="${W - 40}" height="42" fill="${sign}"/>
    <text x="${W / 2}" y="${top + 97}" font-family="${FONT}" font-weight="bold" font-size="${size}" fill="#fff" text-anchor="middle">${esc(label)}</text>
    ${door}<rect x="0" y="${H - 24}" width="${W}" height="24" fill="#9e9e9e"/>
    <rect x="${W - 62}" y="${top + 118}" width="40" height="14" fill="#1e88e5"/><text x="${W - 42}" y="${top + 129}" font-family="${FONT}" font-size="9" fill="#fff" text-anchor="middle">${plate}</text>
    ${trees}${people}</svg>`;
}

function meeting(rand: () => number, i: number): string {
  const wall = ['#f5f1e8', '#e9eef2', '#efe9e1', '#e6ebe0'][i % 4];
  const n = 2 + Math.floor(rand() * 3);
  const people = Array.from({ length: n }, (_, k) => {
    const x = 60 + k * (200 / Math.max(1, n - 1)) + (rand() - 0.5) * 16;
    const shirt = ['#263238', '#37474f', '#1565c0', '#6d4c41', '#455a64', '#ad1457'][Math.floor(rand() * 6)];
    return `<circle cx="${x}" cy="${108 + rand() * 8}" r="${15 + rand() * 3}" fill="#f0c8a0"/><rect x="${x - 22}" y="${126}" width="44" height="70" rx="12" fill="${shirt}"/>`;
  }).join('');
  const board = rand() < 0.5
    ? `<rect x="30" y="22" width="120" height="66" fill="#fff" stroke="#90a4ae"/><rect x="40" y="34" width="80" height="6" fill="#b0bec5"/><rect x="40" y="48" width="96" height="6" fill="#cfd8dc"/>`
    : `<rect x="190" y="20" width="110" height="70" fill="#37474f"/><rect x="198" y="28" width="94" height="54" fill="#4fc3f7" opacity="0.6"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
    <rect width="${W}" height="${H}" fill="${wall}"/>${board}
    <rect x="0" y="${H - 40}" width="${W}" height="40" fill="#8d6e63"/>${people}
    <rect x="10" y="192" width="${W - 20}" height="22" rx="6" fill="#a1887f"/></svg>`;
}

function documentPage(tag: string): string {
  const lines = Array.from({ length: 9 }, (_, i) => `<rect x="60" y="${150 + i * 34}" width="${380 - (i % 3) * 60}" height="10" fill="#cfd8dc"/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="500" height="700"><rect width="500" height="700" fill="#fff"/>
    <text x="250" y="90" font-family="${FONT}" font-weight="bold" font-size="30" text-anchor="middle" fill="#263238">${esc(tag)}</text>
    <text x="250" y="125" font-family="${FONT}" font-size="14" text-anchor="middle" fill="#607d8b">演示快消科技有限公司（演示文件）</text>${lines}
    <circle cx="390" cy="580" r="44" fill="none" stroke="#d32f2f" stroke-width="4"/><text x="390" y="586" font-family="${FONT}" font-size="14" fill="#d32f2f" text-anchor="middle">合同专用章</text></svg>`;
}

function main(): void {
  for (const d of ['photos', 'voices', 'documents']) mkdirSync(path.join(out, d), { recursive: true });
  const manifest: PoolManifest = { storefronts: {}, generic: { ka: [], hospital: [], store: [], dealer: [] }, meetings: [], voices: [], documents: {} };
  for (const [name, type] of DEMO_CUSTOMERS) {
    const file = `photos/store-${slug(name)}.jpg`;
    toJpeg(storefront(name, type, prng(Number.parseInt(slug(name).slice(0, 8), 16))), path.join(out, file));
    manifest.storefronts[name] = file;
  }
  const GENERIC_SIGNS: Record<string, string[]> = {
    ka: ['生活超市', '购物广场', '量贩超市', '惠民超市'], hospital: ['人民医院', '中医院', '社区卫生服务中心', '妇幼保健院'],
    store: ['便利店', '24小时便利', '社区便利店', '便民超市'], dealer: ['商贸有限公司', '食品经销部', '医疗器械', '贸易有限公司'],
  };
  for (const type of ['ka', 'hospital', 'store', 'dealer'] as const) {
    for (let i = 0; i < GENERIC_PER_TYPE; i++) {
      const file = `photos/${type}-${String(i + 1).padStart(2, '0')}.jpg`;
      toJpeg(storefront(GENERIC_SIGNS[type][i % 4], type, prng(1000 + i * 31 + type.length * 7)), path.join(out, file));
      manifest.generic[type].push(file);
    }
  }
  for (let i = 0; i < MEETINGS; i++) {
    const file = `photos/meeting-${String(i + 1).padStart(2, '0')}.jpg`;
    toJpeg(meeting(prng(5000 + i * 13), i), path.join(out, file));
    manifest.meetings.push(file);
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pool-voice-'));
  POOL_VOICES.forEach((text, i) => {
    const wav = path.join(tmp, `${i}.wav`);
    const file = `voices/memo-${String(i + 1).padStart(2, '0')}.mp3`;
    execFileSync('espeak-ng', ['-v', 'cmn', '-s', '150', '-w', wav, text]);
    // 16 kHz mono at 24 kbit/s: a phone memo, a few KB a second
    execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-i', wav, '-ac', '1', '-ar', '16000', '-b:a', '24k', '-map_metadata', '-1', path.join(out, file)]);
    manifest.voices.push({ file, text });
  });
  rmSync(tmp, { recursive: true, force: true });
  for (const tag of POOL_DOCUMENT_TAGS) {
    const file = `documents/${slug(tag)}.pdf`;
    const tmpJpeg = path.join(os.tmpdir(), `pool-doc-${process.pid}.jpg`);
    toJpeg(documentPage(tag), tmpJpeg, { quality: 12, grain: false });
    writeFileSync(path.join(out, file), jpegPdf(readFileSync(tmpJpeg), 500, 700));
    rmSync(tmpJpeg);
    manifest.documents[tag] = file;
  }
  writeFileSync(path.join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  const size = (f: string) => readFileSync(path.join(out, f)).length;
  const all = [...Object.values(manifest.storefronts), ...Object.values(manifest.generic).flat(), ...manifest.meetings,
    ...manifest.voices.map((v) => v.file), ...Object.values(manifest.documents)];
  console.log(`${all.length} files, ${(all.reduce((a, f) => a + size(f), 0) / 1024).toFixed(0)} KB in ${out}`);
}

main();
