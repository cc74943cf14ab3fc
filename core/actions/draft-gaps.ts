/**
 * What a draft still lacks, by name: the action engine evaluates the draft
 * (core/actions/checklist.ts → core/flow evaluateRules) and this only turns
 * its failures into short Chinese names a chat can list — "下次接触时间、
 * 决策链角色、1张合影". No rule is re-implemented here: a failure the names
 * below do not know is shown with the engine's own sentence.
 *
 *   const gaps = await draftGaps(db, actionRow, draft, now);
 *   `还差：${gapNames(gaps.filter(isBlocking))}`
 */
import type { ActionRow } from './action-repo.js';
import type { VisitDraftInput } from './action-schemas.js';
import { computeChecklist, type ChecklistItem } from './checklist.js';
import type { Db } from '../db/pool.js';
import { formatDistance } from '../flow/geo.js';
import { ATTACHMENT_WORDS } from '../flow/rules/rule-definition.js';
import type { AttachmentKind, RuleFailure } from '../flow/types.js';

export interface DraftGap {
  /** The failure's target: 'fields.nextContactAt', 'attachments:合影', 'checkIn', 'voice', 'orders' … */
  target: string;
  code: string;
  /** Short name for a list: '下次接触时间', '1张合影', '现场签到'. */
  name: string;
  severity: 'error' | 'warning';
  /** The engine's full sentence (what is wrong and what to do). */
  message: string;
  failure: RuleFailure;
}

const quoted = (message: string) => /「(.+?)」/.exec(message)?.[1];
const unitOf = (kind: unknown) => ATTACHMENT_WORDS[(kind as AttachmentKind | undefined) ?? 'any']?.unit ?? '个';

function nameOf(f: RuleFailure): string {
  const d = f.details ?? {};
  switch (f.code) {
    case 'FIELD_REQUIRED':
    case 'FIELD_INVALID_DATE':
    case 'FIELD_OPTION_INVALID':
      return quoted(f.message) ?? f.target;
    case 'FIELD_NOT_FUTURE':
      return `${quoted(f.message) ?? f.target}（要晚于现在）`;
    case 'ATTACHMENT_TAG_MISSING':
      return `1${unitOf(d.attachmentKind)}${String(d.tag)}`;
    case 'ATTACHMENTS_TOO_FEW': {
      const label = /^(.+?)至少需要/.exec(f.message)?.[1] ?? '附件';
      return `${Number(d.min) - Number(d.actual)}${unitOf(d.attachmentKind)}${label}`;
    }
    case 'CHECKIN_MISSING': return '现场签到';
    case 'CHECKIN_TOO_FAR': return `在客户附近重新签到（当前相距约${formatDistance(Number(d.distanceKm))}）`;
    case 'VOICE_TRANSCRIPT_MISSING': return '客户痛点';
    case 'VOICE_KEYWORDS_TOO_FEW': {
      const matched = Array.isArray(d.matched) ? d.matched.length : 0;
      return `${Number(d.min) - matched}个客户痛点`;
    }
    case 'ORDERS_NOT_LINKED': return `关联最近${Array.isArray(d.required) ? d.required.length : ''}笔订单`;
    case 'PHOTO_NO_CAPTURE_TIME': return `「${f.target.replace(/^attachments:/, '')}」的拍摄时间`;
    case 'PHOTO_STALE': return `现场重拍「${f.target.replace(/^attachments:/, '')}」`;
    case 'PHOTO_TIME_UNVERIFIABLE': return '照片拍摄时间核对（需先签到）';
    case 'CUSTOMER_COORDS_MISSING': return '客户地址坐标（需管理员补录）';
    default: return f.message.replace(/[。.]$/, '');
  }
}

function toGap(f: RuleFailure, name = nameOf(f)): DraftGap {
  return { target: f.target, code: f.code, name, severity: f.severity, message: f.message, failure: f };
}

/**
 * One rule's failures as gaps. "至少2张，含门头照、合影" with only a 门头照 fails
 * twice (too few, 合影 missing): that is one thing to do, "1张合影".
 */
function ruleGaps(failures: readonly RuleFailure[]): DraftGap[] {
  const tagMissing = failures.filter((f) => f.code === 'ATTACHMENT_TAG_MISSING').length;
  return failures.flatMap((f) => {
    if (f.code !== 'ATTACHMENTS_TOO_FEW' || tagMissing === 0) return [toGap(f)];
    const deficit = Number(f.details?.min) - Number(f.details?.actual);
    if (deficit <= tagMissing) return [];
    const label = /^(.+?)至少需要/.exec(f.message)?.[1] ?? '附件';
    return [toGap(f, `另外${deficit - tagMissing}${unitOf(f.details?.attachmentKind)}${label}`)];
  });
}

/** Gaps of a checklist (one item per rule). */
export function gapsFromChecklist(items: readonly ChecklistItem[]): DraftGap[] {
  return items.flatMap((i) => ruleGaps(i.missing));
}

/** Gaps of a rejected submission's failures (grouped back by rule). */
export function gapsFromFailures(failures: readonly RuleFailure[]): DraftGap[] {
  const groups = new Map<string, RuleFailure[]>();
  for (const f of failures) {
    const key = f.ruleId ?? `${f.rule}:${f.target}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.values()].flatMap(ruleGaps);
}

export const isBlocking = (g: DraftGap) => g.severity === 'error';

/** '下次接触时间、决策链角色、1张合影' */
export function gapNames(gaps: readonly DraftGap[]): string {
  return [...new Set(gaps.map((g) => g.name))].join('、');
}

/** The draft checked by the action engine, as gaps (errors first, in rule order). */
export async function draftGaps(db: Db, action: ActionRow, draft: VisitDraftInput | null, now: Date): Promise<DraftGap[]> {
  const gaps = gapsFromChecklist(await computeChecklist(db, action, draft, now));
  return [...gaps.filter(isBlocking), ...gaps.filter((g) => !isBlocking(g))];
}
