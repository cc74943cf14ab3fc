/** Small readers of a report's files the evidence rules share. */
import { chineseDateTime } from '../time.js';
import type { ReportAttachment, VisitFacts } from '../types.js';
import type { EarlierFile } from './types.js';

/** The report's photos a rule with optional `tags` looks at. */
export function photosOf(facts: VisitFacts, tags?: readonly string[]): ReportAttachment[] {
  return facts.report.attachments.filter((a) => a.kind === 'photo' && (!tags || a.tags.some((t) => tags.includes(t))));
}

export function voiceMemosOf(facts: VisitFacts): ReportAttachment[] {
  return facts.report.attachments.filter((a) => a.kind === 'voice');
}

/** How a rep calls the photo: its first tag. */
export function photoName(a: ReportAttachment): string {
  return a.tags[0] ?? '现场照片';
}

/** 'attachments:门头照', the part of the report a finding is about. */
export function targetOf(a: ReportAttachment): string {
  return `attachments:${a.tags[0] ?? a.id}`;
}

/** '张三于5月1日 10:20在「华联超市」上传', naming the earlier visit a reused file came from. */
export function describeEarlier(e: EarlierFile): string {
  const where = e.customer ? `在「${e.customer.name}」` : '';
  return `${e.uploadedBy.name}于${chineseDateTime(e.uploadedAt)}${where}上传`;
}

/** What a finding keeps of an earlier file, for the side-by-side comparison. */
export function earlierDetails(e: EarlierFile): Record<string, unknown> {
  return {
    attachmentId: e.attachmentId, uploadedAt: e.uploadedAt.toISOString(), uploadedBy: e.uploadedBy,
    customer: e.customer, actionId: e.actionId,
  };
}
