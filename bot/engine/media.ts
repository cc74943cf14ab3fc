/**
 * Photos, voice and locations. Media is downloaded from WeCom (media/get) and
 * stored BEFORE the message's transaction (prepareMedia), so no network call
 * holds a database lock; the transaction then records the attachment through
 * the attachments service and adds it to the draft. A photo whose tag the
 * bot cannot tell is asked about; a location is the check-in, measured
 * against the customer's registered address.
 */
import { insertAttachment, storeFile, updateAttachmentTags, type StoredFile } from '../../core/attachments/attachments.js';
import { fetchWecomMedia } from '../../core/attachments/from-wecom.js';
import type { ReceivedFile } from '../../core/attachments/receive.js';
import type { AibotPicture } from '../../core/inbound/bot-message.js';
import { aesKeyOf, fetchAibotPicture } from '../../core/attachments/from-aibot.js';
import { customerPlace, customersOf } from '../../core/resources/customers.js';
import { type OpenAction } from '../../core/actions/open-work.js';
import { isAppError } from '../../core/errors.js';
import { distanceKm, formatDistance } from '../../core/flow/geo.js';
import { locationMatch } from '../../core/inbound/location-match.setting.js';
import { readSetting } from '../../core/settings/read.js';
import type { AttachmentKind, CoordSystem } from '../../core/flow/types.js';
import { ordinalIn } from '../../core/understanding/decision-chain.js';
import { detectPhotoTag } from '../../core/understanding/intents.js';
import { reportProgress } from './progress.js';
import { keepForNextVisit } from './unfiled-photos.js';
import { loadOpenActions, resolveSession, startVisit } from './pick-action.js';
import { openSession, saveDraft, type Session } from './session.js';
import { guarded, say, setPending, type Turn } from './turn.js';
import type { BotDeps, BotMessage } from './types.js';
import { truncateChars } from '../parse/truncate.js';

/** A file fetched and stored ahead of the transaction, or why it could not be. */
export type PreparedMedia = { stored: StoredFile; filename: string | null } | { error: string };
/** What a message needs fetched: one file, or each picture of a 图文混排 in its order. */
export type Prepared = PreparedMedia | PreparedMedia[];

async function fetched(deps: BotDeps, fetch: () => Promise<{ file: ReceivedFile; filename?: string | null }>): Promise<PreparedMedia> {
  try {
    const { file, filename } = await fetch();
    return { stored: await storeFile(deps.storage, file), filename: filename ?? null };
  } catch (err) {
    if (isAppError(err)) return { error: err.message };
    throw err;
  }
}

const aibotPicture = (deps: BotDeps, p: AibotPicture) => fetchAibotPicture({ url: p.url, aesKey: aesKeyOf(p, deps.config.aibot?.encodingAESKey ?? null) });

export async function prepareMedia(deps: BotDeps, message: BotMessage): Promise<Prepared | undefined> {
  if (message.kind === 'mixed') return Promise.all(message.images.map((p) => fetched(deps, () => aibotPicture(deps, p))));
  if ((message.kind !== 'image' && message.kind !== 'voice') || message.attachmentId) return undefined;
  if (message.kind === 'image' && message.url) return fetched(deps, () => aibotPicture(deps, { url: message.url!, aesKey: message.aesKey }));
  if (!message.mediaId) return undefined;
  const kind: AttachmentKind = message.kind === 'image' ? 'photo' : 'voice';
  return fetched(deps, () => fetchWecomMedia(deps.wecom, { mediaId: message.mediaId!, kind }));
}

/** Records the file as the member's attachment; the id, or null (and the reason said). */
/** The file as an attachment of the active report's action, or of `customerId` when given (a licence photo). */
export async function recordAttachment(
  t: Turn, message: Extract<BotMessage, { kind: 'image' | 'voice' }>, prepared: PreparedMedia | undefined, tags: string[],
  customerId?: number,
): Promise<number | null> {
  if (message.attachmentId) return message.attachmentId;
  const what = message.kind === 'image' ? '照片' : '语音';
  if (!prepared) {
    say(t, `收到${what}，但没能拿到文件内容，请在应用里上传。`);
    return null;
  }
  if ('error' in prepared) {
    say(t, `收到${what}，但没能从企业微信下载：${prepared.error}`);
    return null;
  }
  const a = await guarded(t, () => insertAttachment(t.db, t.actor, prepared.stored, {
    tags, source: 'wecom_media', ...(message.mediaId ? { wecomMediaId: message.mediaId } : {}), filename: prepared.filename,
    ...(customerId ? { customerId } : t.convo.activeActionId ? { actionId: t.convo.activeActionId } : {}),
  }));
  if (isAppError(a)) {
    say(t, `${what}没能保存：${a.message}`);
    return null;
  }
  return a.id;
}

function tagFromPendingSlot(t: Turn, s: Session): string | null {
  const slot = t.convo.state.pendingSlot;
  const tag = slot?.startsWith('attachments:') ? slot.slice('attachments:'.length) : null;
  return tag && s.vocab.photoTags.includes(tag) ? tag : null;
}

const withAttachment = (s: Session, id: number) => ({ ...s.draft, attachmentIds: [...new Set([...(s.draft.attachmentIds ?? []), id])] });

export async function handlePhoto(t: Turn, message: Extract<BotMessage, { kind: 'image' }>, prepared?: PreparedMedia): Promise<void> {
  const id = await recordAttachment(t, message, prepared, []);
  if (id === null) return;
  const s = await resolveSession(t, { kind: 'image', attachmentId: id }, { quiet: true });
  if (s === 'asked') return;
  // no report open at all: kept, and offered to the next one the rep opens
  if (!s) return keepForNextVisit(t, id);
  const tag = t.convo.state.expectPhotoTag ?? tagFromPendingSlot(t, s);
  delete t.convo.state.expectPhotoTag;
  if (tag) {
    const tagged = await guarded(t, () => updateAttachmentTags(t.db, t.actor, id, [tag]), { savepoint: false });
    if (isAppError(tagged)) say(t, `照片标签没能保存：${tagged.message}`);
  }
  if (!(await saveDraft(t, s, withAttachment(s, id), `照片（${tag ?? '未标记'}）`))) return;
  t.convo.state.lastPhoto = { actionId: s.row.id, attachmentId: id, tag };
  if (tag) {
    const other = s.vocab.photoTags.find((x) => x !== tag);
    say(t, `收到${tag}。${other ? `（不是的话说“这张是${other}”）` : ''}`);
    await reportProgress(t, s);
    return;
  }
  const p = t.convo.pendingQuestion;
  const waiting = p?.kind === 'photo_tag' && p.actionId === s.row.id ? p.attachmentIds : [];
  setPending(t, { kind: 'photo_tag', actionId: s.row.id, attachmentIds: [...waiting, id], tags: s.vocab.photoTags });
  if (waiting.length === 0) say(t, `收到照片。这张是${s.vocab.photoTags.join('、').replace(/、([^、]*)$/, '还是$1')}？`);
  else say(t, `收到第${waiting.length + 1}张照片，先告诉我第1张是什么。`);
}

/** The answer to 这张是门头照还是合影: tags the oldest waiting photo ("都是陈列照" tags them all). */
export async function answerPhotoTag(t: Turn, text: string): Promise<boolean> {
  const p = t.convo.pendingQuestion;
  if (p?.kind !== 'photo_tag') return false;
  const i = ordinalIn(text);
  const tag = detectPhotoTag(text, p.tags) ?? (i !== null && i <= p.tags.length ? p.tags[i - 1] : null);
  if (!tag) return false;
  const all = /都是|全是|全部|都算/.test(text);
  const now = all ? p.attachmentIds : p.attachmentIds.slice(0, 1);
  for (const id of now) {
    const r = await guarded(t, () => updateAttachmentTags(t.db, t.actor, id, [tag]), { savepoint: false });
    if (isAppError(r)) say(t, `照片标签没能保存：${r.message}`);
  }
  const rest = p.attachmentIds.slice(now.length);
  say(t, `好的，记为${tag}${now.length > 1 ? `（${now.length}张）` : ''}。`);
  if (rest.length > 0) {
    setPending(t, { ...p, attachmentIds: rest });
    say(t, `下一张是${p.tags.join('、').replace(/、([^、]*)$/, '还是$1')}？`);
    return true;
  }
  setPending(t, null);
  const s = await openSession(t, p.actionId);
  if (s) await reportProgress(t, s);
  return true;
}

/**
 * Keeps a voice message as the report's 语音纪要. When the platform transcribed it, the words are the
 * memo's text and are returned: the caller reads them as an answer like a typed one (下周三下午).
 */
export async function handleVoice(t: Turn, message: Extract<BotMessage, { kind: 'voice' }>, prepared?: PreparedMedia): Promise<{ words: string; session: Session } | null> {
  const id = await recordAttachment(t, message, prepared, ['语音纪要']);
  if (id === null) return null;
  const s = await resolveSession(t, { kind: 'voice', attachmentId: id, ...(message.recognition ? { recognition: message.recognition } : {}) });
  if (!s || s === 'asked') return null;
  const words = message.recognition?.trim();
  const draft = withAttachment(s, id);
  if (words) draft.transcript = truncateChars(s.draft.transcript ? `${s.draft.transcript}\n${words}` : words, 5000);
  if (!(await saveDraft(t, s, draft, '语音纪要'))) return null;
  if (words) {
    say(t, `收到语音纪要：“${words.length > 40 ? `${truncateChars(words, 40)}…` : words}”`);
    return { words, session: s };
  }
  t.convo.state.pendingSlot = 'voice';
  say(t, '收到语音纪要。我这边听不了语音，麻烦把客户提到的问题打几个字给我（比如：价格偏高、账期长、断货）。');
  return null;
}

/** Closest first, with the distance in km; customers without coordinates are left out. */
function nearest<T extends { lat: number | null; lng: number | null; coordSystem: CoordSystem }>(
  here: { lat: number; lng: number; coordSystem: CoordSystem }, places: readonly T[],
): Array<{ place: T; km: number }> {
  return places
    .filter((p) => p.lat !== null && p.lng !== null)
    .map((p) => ({ place: p, km: distanceKm({ lat: here.lat, lng: here.lng, system: here.coordSystem }, { lat: p.lat!, lng: p.lng!, system: p.coordSystem }) }))
    .sort((a, b) => a.km - b.km);
}

async function sessionForLocation(
  t: Turn, here: Extract<BotMessage, { kind: 'location' }>, openActions: OpenAction[],
): Promise<Session | 'asked' | null> {
  // a report is "here" within nearKm (the geofence rule decides whether it is close enough);
  // a customer without an open report gets a new visit only when the rep is at its door
  const { nearKm, atDoorKm } = await readSetting(t.db, locationMatch);
  const open = nearest(here, openActions);
  const active = open.find((o) => o.place.id === t.convo.activeActionId);
  if (active && active.km <= nearKm) return openSession(t, active.place.id);
  const close = open.filter((o) => o.km <= nearKm);
  if (close.length > 0) {
    // two reports at one address (a visit and a quote) are one place: take the closest
    t.convo.activeActionId = close[0].place.id;
    return openSession(t, close[0].place.id);
  }
  const door = nearest(here, await customersOf(t.db, t.actor.id)).find((c) => c.km <= atDoorKm);
  if (door) return startVisit(t, door.place);
  if (t.convo.activeActionId) return openSession(t, t.convo.activeActionId);
  return resolveSession(t, here, { quiet: true });
}

export async function handleLocation(t: Turn, here: Extract<BotMessage, { kind: 'location' }>): Promise<void> {
  const openActions = await loadOpenActions(t, { customers: false });
  const s = await sessionForLocation(t, here, openActions);
  if (s === 'asked') return;
  if (!s) {
    const { nearKm } = await readSetting(t.db, locationMatch);
    say(t, `附近${nearKm}公里内没有找到你的客户。告诉我你在拜访哪家（比如“在华联超市总部”），再发一次位置。`);
    return;
  }
  const checkIn = { lat: here.lat, lng: here.lng, coordSystem: here.coordSystem, at: t.now.toISOString() };
  // the open actions carry their customer's coordinates: a new visit's customer is read
  const known = openActions.find((a) => a.customerId === s.row.customerId);
  const place = known ? { lat: known.lat, lng: known.lng, coordSystem: known.coordSystem } : await customerPlace(t.db, s.row.customerId);
  const [c] = nearest(here, [place].filter((x) => x !== null));
  if (!(await saveDraft(t, s, { ...s.draft, checkIn }, '签到'))) return;
  const fence = s.vocab.geofenceKm;
  if (c && fence !== null && c.km > fence) {
    say(t, `签到失败：你的位置距${s.row.customerName}登记地址约${formatDistance(c.km)}，超出${fence}公里范围，这次签到不算数。请到客户现场再发一次位置；如客户已搬迁，请联系管理员更新地址。`);
  } else {
    say(t, c ? `已签到：距${s.row.customerName}登记地址约${formatDistance(c.km)}。` : `已签到（${s.row.customerName}还没有登记地址坐标）。`);
  }
  await reportProgress(t, s, { visitLead: true });
}

const THIS_PHOTO = /这张|刚才|刚刚|上一张|那张|刚发的/;

/** "刚才那张是陈列照": re-tags the photo received last. False when the text is not about it. */
export async function retagLastPhoto(t: Turn, s: Session, text: string, tag: string): Promise<boolean> {
  const last = t.convo.state.lastPhoto;
  if (!last || last.actionId !== s.row.id || last.tag === tag || !THIS_PHOTO.test(text)) return false;
  const r = await guarded(t, () => updateAttachmentTags(t.db, t.actor, last.attachmentId, [tag]), { savepoint: false });
  if (isAppError(r)) {
    say(t, `照片标签没能修改：${r.message}`);
    return true;
  }
  t.convo.state.lastPhoto = { ...last, tag };
  say(t, `好的，刚才那张已改为${tag}。`);
  await reportProgress(t, s);
  return true;
}
