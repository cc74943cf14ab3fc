/**
 * A report as `submissions.payload` keeps it (JSON: dates are strings) back
 * into the engine's VisitReport, for replaying past attempts against other
 * rules or thresholds (dry-runs, setting previews). Stored check-in history
 * comes back the same way. Pure.
 *
 *   const report = reportFromPayload(row.payload);
 */
import { checkInHistoryFromJson } from './evidence/stored.js';
import type { CheckInHistory } from './evidence/types.js';
import type { CheckIn, ReportAttachment, VisitReport } from './types.js';

export const storedDate = (v: unknown): Date | null => {
  if (v === null || v === undefined) return null;
  const d = new Date(v as string);
  return Number.isNaN(d.getTime()) ? null : d;
};

/** A stored payload (JSON: dates are strings; ids are strings in rows filed before they were numbers) back into the engine's VisitReport. */
export function reportFromPayload(p: any): VisitReport {
  const attachments: ReportAttachment[] = (p.attachments ?? []).map((a: any) => ({
    id: Number(a.id), kind: a.kind, tags: a.tags ?? [], capturedAt: storedDate(a.capturedAt), ...(a.mime ? { mime: a.mime } : {}),
  }));
  const checkIn: CheckIn | undefined = p.checkIn
    ? {
      lat: p.checkIn.lat, lng: p.checkIn.lng, coordSystem: p.checkIn.coordSystem ?? p.checkIn.system ?? 'wgs84', at: storedDate(p.checkIn.at) ?? new Date(0),
      ...(p.checkIn.accuracy !== undefined ? { accuracy: p.checkIn.accuracy } : {}),
    }
    : undefined;
  const queuedAt = storedDate(p.queuedAt);
  const start = storedDate(p.visitWindow?.start);
  const end = storedDate(p.visitWindow?.end);
  return {
    fields: p.fields ?? {},
    attachments,
    ...(checkIn ? { checkIn } : {}),
    ...(typeof p.transcript === 'string' ? { transcript: p.transcript } : {}),
    ...(p.transcriptSource ? { transcriptSource: p.transcriptSource } : {}),
    ...(queuedAt ? { queuedAt } : {}),
    linkedOrderIds: (p.linkedOrderIds ?? []).map(Number),
    ...(p.checklist ? { checklist: p.checklist } : {}),
    ...(start && end ? { visitWindow: { start, end } } : {}),
  };
}

/** The check-in history a submission was judged with (payload.facts.evidence.checkIns); none for older payloads. */
export function checkInHistoryFromPayload(p: any): CheckInHistory | undefined {
  const h = p?.facts?.evidence?.checkIns;
  return h ? checkInHistoryFromJson(h) : undefined;
}
