/**
 * A report that satisfies a rule set, built from the rules themselves: for
 * every rule kind, what a diligent rep hands in — the photos each required tag
 * names, a voice memo whose transcript names enough pain points, every field
 * filled (a future date where one is asked), the customer's latest orders
 * linked, a check-in at the customer, every checklist item ticked. A `flaw`
 * makes the classic mistake instead (a required photo left out, a field left
 * empty), for the reports the rules refused. Pure: the caller turns the
 * attachments into files and evaluates the result with core/flow.
 *
 *   const r = buildReport(rules, { at, customer, recentOrderIds, pick, decisionMaker: true });
 */
import { gcj02ToWgs84, wgs84ToGcj02 } from '../flow/geo.js';
import type { GateRuleConfig } from '../flow/rules/index.js';
import { addCalendarDays, shanghaiDate } from '../flow/time.js';
import type { AttachmentKind, CoordSystem, FactsCustomer } from '../flow/types.js';

export interface PlannedAttachment {
  kind: AttachmentKind;
  tags: string[];
  /** Photos: when the camera took it (EXIF); null for voice and documents. */
  capturedAt: Date | null;
  /** Which pool file: the customer's storefront, a meeting photo, a voice memo, or a document by tag. */
  source: 'storefront' | 'meeting' | 'voice' | 'document';
}

export interface BuiltReport {
  fields: Record<string, unknown>;
  attachments: PlannedAttachment[];
  checkIn?: { lat: number; lng: number; coordSystem: CoordSystem; at: Date };
  transcript?: string;
  linkedOrderIds: number[];
  checklist?: Record<string, boolean>;
}

/** The mistakes a refused report makes: a required photo tag, a field, or a required file left out. */
export type ReportFlaw = 'drop_tag' | 'drop_field' | 'drop_attachment';

/** The mistake a rep plausibly makes with this rule set (null: nothing can be missed). */
export function flawFor(rules: readonly GateRuleConfig[]): ReportFlaw | null {
  if (rules.some((r) => r.kind === 'attachments.min' && (r.requireTags?.length ?? 0) > 0)) return 'drop_tag';
  if (rules.some((r) => r.kind === 'fields.required' && r.fields.some((f) => f.type !== 'enum'))) return 'drop_field';
  if (rules.some((r) => r.kind === 'attachments.min' && r.min > 0)) return 'drop_attachment';
  return null;
}

export interface BuildContext {
  at: Date;
  customer: FactsCustomer;
  recentOrderIds: number[];
  /** Deterministic numbers in [0,1), one per salt. */
  pick(salt: number): number;
  /** The deal's decision maker has been reached: the report names them. */
  decisionMaker: boolean;
  /** Transcripts of the voice memos, each naming ≥ 2 pain points; one is chosen. */
  voices: string[];
  flaw?: ReportFlaw | null;
}

const TEXT: Record<string, string[]> = {
  summary: ['与采购确认了下月进货计划，客户关注账期和促销支持', '客户试用反馈良好，提出包装规格调整需求', '对方财务要求补充资质文件后再走付款流程'],
  nextStep: ['周五前发送修订报价单并约采购复核', '下周二带样品上门做试用演示', '本周内补齐资质文件并提交准入申请'],
  sku: ['饮料礼盒装A款', '休闲零食组合装', '一次性医用耗材套装'],
  recipient: ['采购部 刘经理', '设备科 王主任', '门店运营 张主管'],
};

function fieldValue(f: { key: string; label: string; type?: string; options?: string[] }, c: BuildContext, i: number): unknown {
  const day = (n: number) => addCalendarDays(shanghaiDate(c.at), n);
  if (f.type === 'datetime_future') return `${day(3 + Math.floor(c.pick(30 + i) * 10))}T10:00:00+08:00`;
  if (f.type === 'date') return day(14 + Math.floor(c.pick(31 + i) * 16));
  if (f.type === 'enum') {
    const options = f.options ?? [];
    // the decision maker as the rule's own list names them (决策人, or 决策者 in the buying-centre roles)
    const decider = options.find((o) => o.startsWith('决策'));
    if (f.key === 'decisionRole' && c.decisionMaker && decider) return decider;
    return options[Math.floor(c.pick(32 + i) * options.length)];
  }
  if (f.key === 'amount') return String(Math.round(50 + c.pick(33) * 950) * 1000);
  if (f.key === 'quantity') return String(5 + Math.floor(c.pick(34) * 20));
  if (f.key === 'trackingNo') return `SF${Math.floor(1e11 + c.pick(35) * 8.9e11)}`;
  const pool = TEXT[f.key];
  return pool ? pool[Math.floor(c.pick(36 + i) * pool.length)] : `${f.label}：已与客户确认`;
}

/** A check-in at the customer's door: within ~300 m of its registered address, 20–40 minutes before filing. */
function checkInAt(c: BuildContext): BuiltReport['checkIn'] {
  const cust = c.customer;
  if (cust.lat === null || cust.lng === null) return undefined;
  const at = new Date(c.at.getTime() - (20 + Math.floor(c.pick(40) * 20)) * 60_000);
  const wgs = cust.coordSystem === 'gcj02' ? gcj02ToWgs84(cust.lat, cust.lng) : { lat: cust.lat, lng: cust.lng };
  // phones report WGS-84 outside WeCom; inside it GCJ-02 — a third of reps use the browser
  const lat = wgs.lat + (c.pick(41) - 0.5) * 0.005;
  const lng = wgs.lng + (c.pick(42) - 0.5) * 0.005;
  if (c.pick(43) < 0.67) {
    const g = wgs84ToGcj02(lat, lng);
    return { lat: round6(g.lat), lng: round6(g.lng), coordSystem: 'gcj02', at };
  }
  return { lat: round6(lat), lng: round6(lng), coordSystem: 'wgs84', at };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function buildReport(rules: readonly GateRuleConfig[], c: BuildContext): BuiltReport {
  const out: BuiltReport = { fields: {}, attachments: [], linkedOrderIds: [] };
  const needsCheckIn = rules.some((r) => r.kind === 'geofence.within_km' || r.kind === 'photo.captured_within');
  if (needsCheckIn) out.checkIn = checkInAt(c);
  const photoTime = (k: number) => (out.checkIn
    ? new Date(out.checkIn.at.getTime() + (2 + Math.floor(c.pick(50 + k) * 15)) * 60_000) : new Date(c.at.getTime() - 30 * 60_000));
  let fieldIndex = 0;
  let droppedField = false;
  let droppedFile = false;
  for (const r of rules) {
    switch (r.kind) {
      case 'attachments.min': {
        if (c.flaw === 'drop_attachment' && !droppedFile && r.min > 0) { droppedFile = true; break; }
        const kind = r.attachmentKind ?? 'photo';
        const tags = r.requireTags ?? [];
        let have = out.attachments.filter((a) => a.kind === kind && (!r.tag || a.tags.includes(r.tag))).length;
        for (const tag of tags) {
          if (out.attachments.some((a) => a.kind === kind && a.tags.includes(tag))) continue;
          // the classic miss: the 合影 (or the last required tag) left out
          if (c.flaw === 'drop_tag' && tag === tags[tags.length - 1]) continue;
          out.attachments.push(planned(kind, [tag], tag === tags[0] ? 'storefront' : 'meeting', photoTime(out.attachments.length)));
          have++;
        }
        for (; have < r.min; have++) {
          const tag = r.tag ?? r.label ?? (kind === 'voice' ? '语音纪要' : kind === 'document' ? '资料' : '现场照片');
          out.attachments.push(planned(kind, [tag], kind === 'photo' ? 'storefront' : kind === 'voice' ? 'voice' : 'document', photoTime(out.attachments.length)));
        }
        break;
      }
      case 'fields.required':
        for (const f of r.fields) {
          if (c.flaw === 'drop_field' && !droppedField && f.type !== 'enum') { droppedField = true; fieldIndex++; continue; }
          out.fields[f.key] = fieldValue(f, c, fieldIndex++);
        }
        break;
      case 'orders.linked':
        out.linkedOrderIds = c.recentOrderIds.slice(0, r.latest);
        break;
      case 'voice.keywords.min':
        out.transcript = c.voices[Math.floor(c.pick(60) * c.voices.length)];
        break;
      case 'checklist.complete':
        out.checklist = Object.fromEntries(r.items.map((i) => [i.key, true]));
        break;
      default:
        break; // geofence and photo time come with the check-in; prerequisites are facts, not report content
    }
  }
  // the memo is what the transcript transcribes: the same clip
  for (const a of out.attachments) if (a.kind === 'voice' && out.transcript === undefined) out.transcript = c.voices[Math.floor(c.pick(60) * c.voices.length)];
  return out;
}

function planned(kind: AttachmentKind, tags: string[], source: PlannedAttachment['source'], at: Date): PlannedAttachment {
  // EXIF keeps whole seconds
  return { kind, tags, capturedAt: kind === 'photo' ? new Date(Math.floor(at.getTime() / 1000) * 1000) : null, source: kind === 'document' ? 'document' : kind === 'voice' ? 'voice' : source };
}
