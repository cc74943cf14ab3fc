/**
 * The committed evidence pool (core/seed/evidence/pool/, made once by
 * make-pool.ts): storefront photos per demo customer and per customer type,
 * meeting photos for the 合影, Mandarin voice memos with their transcripts, and
 * one-page documents by tag. The history generator picks from it by hash;
 * nothing here runs a system tool.
 *
 *   const pool = loadEvidencePool();
 *   const jpeg = pool.storefront('华联超市总部', 'ka', 7);
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CustomerType } from '../../flow/types.js';

export interface PoolManifest {
  storefronts: Record<string, string>;
  generic: Record<CustomerType, string[]>;
  meetings: string[];
  voices: Array<{ file: string; text: string }>;
  documents: Record<string, string>;
}

/** What the voice memos say: each names at least two words of the pain-point library. */
export const POOL_VOICES = [
  '客户说价格偏高，账期也太长，希望下个月再谈返利。',
  '采购经理反映最近断货两次，配送不及时，担心影响陈列位。',
  '设备科主任说耗材编码还没备案，医保备案下来才能入库。',
  '老板说竞品在做促销，我们毛利低，进场费也太贵。',
  '店长反馈临期产品太多，退换货流程慢，库存积压严重。',
  '财务说回款慢是因为发票没开，付款周期要延长到九十天。',
  '客户投诉到货破损，售后响应慢，要求先解决退换货。',
  '经销商说窜货影响价格，压货太多，希望降低最低起订量。',
];

/** Document tags the default rules and process nodes ask for. */
export const POOL_DOCUMENT_TAGS = ['报价单', '合同文本', '签字版技术确认书', '资质文件', '准入申请表', '挂网截图', '试用评价表', '会议纪要', '入库单'];

export interface PoolFile { data: Buffer; sha256: string; filename: string }

export interface EvidencePool {
  /** The customer's own storefront when the pool has one, else one of its type's, by `pick`. */
  storefront(customerName: string, type: CustomerType, pick: number): PoolFile;
  meeting(pick: number): PoolFile;
  voice(pick: number): PoolFile & { text: string };
  /** The document for a tag (a generic page for a tag the pool lacks). */
  document(tag: string): PoolFile;
}

const POOL_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pool');

export function loadEvidencePool(dir = POOL_DIR): EvidencePool {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as PoolManifest;
  const cache = new Map<string, PoolFile>();
  const file = (rel: string): PoolFile => {
    let f = cache.get(rel);
    if (!f) {
      const data = readFileSync(path.join(dir, rel));
      f = { data, sha256: createHash('sha256').update(data).digest('hex'), filename: path.basename(rel) };
      cache.set(rel, f);
    }
    return f;
  };
  const at = <T>(list: T[], i: number) => list[((i % list.length) + list.length) % list.length];
  return {
    storefront: (name, type, pick) => file(manifest.storefronts[name] ?? at(manifest.generic[type], pick)),
    meeting: (pick) => file(at(manifest.meetings, pick)),
    voice: (pick) => {
      const v = at(manifest.voices, pick);
      return { ...file(v.file), text: v.text };
    },
    document: (tag) => ({ ...file(manifest.documents[tag] ?? manifest.documents['会议纪要']), filename: `${tag}.pdf` }),
  };
}

export function evidencePoolExists(dir = POOL_DIR): boolean {
  return existsSync(path.join(dir, 'manifest.json'));
}
