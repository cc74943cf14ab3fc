/**
 * 'attachments.min': at least `min` attachments (optionally of one
 * attachmentKind and/or tag), and at least one carrying each of `requireTags`, e.g. ≥2 现场照片 of
 * which one 门头照 and one 合影. Each shortfall is its own failure so the rep
 * sees "还差1张合影" rather than a generic count.
 */
import { z } from 'zod';
import type { ReportAttachment, RuleFailure } from '../types.js';
import { ATTACHMENT_WORDS, defineGateRule, failure } from './rule-definition.js';

const schema = z.strictObject({
  min: z.number().int().min(0).meta({ title: '最少数量', unit: '个' }),
  // not `kind`: that key is the rule-kind discriminator of the flattened config
  attachmentKind: z.enum(['photo', 'voice', 'document']).optional().meta({ title: '附件类型', labels: { photo: '照片', voice: '语音', document: '文件' } }),
  tag: z.string().min(1).optional().meta({ title: '标签' }),
  label: z.string().min(1).optional().meta({ title: '名称' }),
  requireTags: z.array(z.string().min(1)).optional().meta({ title: '须包含的标签' }),
});
type Params = z.output<typeof schema>;

function inPool(a: ReportAttachment, p: Params): boolean {
  return (p.attachmentKind === undefined || a.kind === p.attachmentKind) && (p.tag === undefined || a.tags.includes(p.tag));
}

function tooFew(p: Params, have: number): RuleFailure {
  const w = ATTACHMENT_WORDS[p.attachmentKind ?? 'any'];
  const label = p.label ?? p.tag ?? w.noun;
  const now = have === 0 ? '目前还没有' : `目前只有${have}${w.unit}`;
  return failure('attachments.min', {
    code: 'ATTACHMENTS_TOO_FEW',
    target: p.tag ? `attachments:${p.tag}` : 'attachments',
    message: `${label}至少需要${p.min}${w.unit}，${now}，还差${p.min - have}${w.unit}。请${w.redo}后再提交。`,
    details: { min: p.min, actual: have, attachmentKind: p.attachmentKind, tag: p.tag },
  });
}

function tagMissing(p: Params, tag: string): RuleFailure {
  const w = ATTACHMENT_WORDS[p.attachmentKind ?? 'any'];
  return failure('attachments.min', {
    code: 'ATTACHMENT_TAG_MISSING',
    target: `attachments:${tag}`,
    message: `还差1${w.unit}${tag}：请${w.verb}一${w.unit}${tag}，并标记为「${tag}」。`,
    details: { tag, attachmentKind: p.attachmentKind },
  });
}

export const attachmentsMinRule = defineGateRule({
  kind: 'attachments.min',
  label: '附件数量',
  schema,
  check(facts, p) {
    const pool = facts.report.attachments.filter((a) => inPool(a, p));
    const failures: RuleFailure[] = [];
    if (pool.length < p.min) failures.push(tooFew(p, pool.length));
    for (const tag of p.requireTags ?? []) {
      if (!pool.some((a) => a.tags.includes(tag))) failures.push(tagMissing(p, tag));
    }
    return failures;
  },
});
