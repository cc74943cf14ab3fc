/**
 * The visit report being written, kept on the phone (IndexedDB) on every
 * change so nothing typed or captured is lost to a crash, a dead battery or a
 * dropped network. Photos not yet uploaded keep their bytes here too. The
 * server copy (saveVisitDraft) is written behind it when online.
 */
import { del, get, keys, set } from 'idb-keyval';

export type UploadState = 'pending' | 'uploading' | 'uploaded' | 'failed';

export interface LocalAttachment {
  localKey: string;
  kind: 'photo' | 'voice' | 'document';
  tag: string;
  attachmentId: number | null;
  status: UploadState;
  /** Bytes waiting for a connection (browser capture). */
  blob?: Blob;
  /** A WeCom media_id waiting for the server to fetch it. */
  mediaId?: string;
  /** Voice: what the server read from the file once uploaded. */
  durationMs?: number | null;
  playableUrl?: string | null;
  error?: string;
}

export interface LocalCheckIn { lat: number; lng: number; coordSystem: 'wgs84' | 'gcj02'; at: string; accuracy: number | null }

export interface LocalDraft {
  actionId: number;
  fields: Record<string, string>;
  attachments: LocalAttachment[];
  checkIn: LocalCheckIn | null;
  transcript: string;
  /** 'wecom' while the text is WeCom's translateVoice output untouched; any edit makes it the rep's own (手工填写). */
  transcriptSource?: 'wecom' | 'typed';
  linkedOrderIds: number[];
  checklist: Record<string, boolean>;
  savedAt: string;
  /** When the server last accepted this draft (null: only on the phone). */
  serverSavedAt: string | null;
}

const keyOf = (userId: number, actionId: number) => `af:draft:${userId}:${actionId}`;

export function emptyDraft(actionId: number): LocalDraft {
  return {
    actionId, fields: {}, attachments: [], checkIn: null, transcript: '', linkedOrderIds: [], checklist: {},
    savedAt: new Date().toISOString(), serverSavedAt: null,
  };
}

export const loadLocalDraft = (userId: number, actionId: number) => get<LocalDraft>(keyOf(userId, actionId));

export async function saveLocalDraft(userId: number, d: LocalDraft): Promise<void> {
  // structured clone of a Vue proxy fails: store a plain copy (Blobs survive JSON-free cloning)
  const plain: LocalDraft = {
    ...d, fields: { ...d.fields }, checklist: { ...d.checklist }, linkedOrderIds: [...d.linkedOrderIds],
    checkIn: d.checkIn ? { ...d.checkIn } : null,
    attachments: d.attachments.map((a) => ({ ...a })),
    savedAt: new Date().toISOString(),
  };
  await set(keyOf(userId, d.actionId), plain);
}

export const deleteLocalDraft = (userId: number, actionId: number) => del(keyOf(userId, actionId));

/** Action ids with a draft on this phone, for the 今日 badge. */
export async function localDraftActionIds(userId: number): Promise<number[]> {
  const prefix = `af:draft:${userId}:`;
  return (await keys()).map(String).filter((k) => k.startsWith(prefix)).map((k) => Number(k.slice(prefix.length)));
}

/** The report as the API takes it (VisitReportSchema in core/actions/action-schemas.ts). */
export function toReportBody(d: LocalDraft): Record<string, unknown> {
  const fields = Object.fromEntries(Object.entries(d.fields).filter(([, v]) => v !== '' && v !== undefined));
  return {
    fields,
    attachmentIds: d.attachments.filter((a) => a.attachmentId !== null).map((a) => a.attachmentId),
    ...(d.checkIn ? { checkIn: { lat: d.checkIn.lat, lng: d.checkIn.lng, coordSystem: d.checkIn.coordSystem, at: d.checkIn.at, accuracy: d.checkIn.accuracy } } : {}),
    ...(d.transcript.trim() ? { transcript: d.transcript.trim(), transcriptSource: d.transcriptSource ?? 'typed' } : {}),
    linkedOrderIds: d.linkedOrderIds,
    ...(Object.keys(d.checklist).length ? { checklist: { ...d.checklist } } : {}),
  };
}
