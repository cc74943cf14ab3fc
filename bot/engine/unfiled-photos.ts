/**
 * A picture sent with no report open is kept (through the media path, checked like an upload) and the
 * rep told so; when a visit report is then opened or started within the setting's window, the bot asks
 * once "刚才发的照片要用在这次拜访吗", with the tag each most likely has. Yes adds them to the draft
 * (undoable like any change), no leaves them kept; nothing is attached without the answer.
 */
import { answerUnfiledPhotos, unfiledPhotosToOffer, type OfferedPhoto } from '../../core/actions/unfiled-photos.js';
import { keepUnfiledPhoto } from '../../core/attachments/unfiled-photos.js';
import { unfiledPhotoWindow } from '../../core/actions/unfiled-photos.setting.js';
import { isAppError } from '../../core/errors.js';
import { shanghaiClock } from '../../core/flow/time.js';
import { readSetting } from '../../core/settings/read.js';
import { isNo, isYes } from '../../core/understanding/intents.js';
import { noOpenReport } from '../replies/templates.js';
import { reportProgress } from './progress.js';
import { openSession, saveDraft } from './session.js';
import type { PendingQuestion } from './state.js';
import { guarded, say, setPending, type Turn } from './turn.js';

const span = (minutes: number) => (minutes % 60 === 0 ? `${minutes / 60}小时` : `${minutes}分钟`);

/** The picture kept for the next visit report (no report is open to take it). */
export async function keepForNextVisit(t: Turn, attachmentId: number): Promise<void> {
  await keepUnfiledPhoto(t.db, t.actor.id, attachmentId, t.now);
  t.convo.state.unfiledPhotos = true;
  const { minutes } = await readSetting(t.db, unfiledPhotoWindow);
  const told = `收到照片，先保存着：${span(minutes)}内开始拜访时，我会问你要不要用在那次拜访里。`;
  // a 图文混排 of three pictures is told once
  if (!t.lines.includes(told)) say(t, told, noOpenReport());
}

const describe = (photos: readonly OfferedPhoto[]) => {
  const tags = photos.map((p) => p.tag).filter((x): x is string => x !== null);
  return tags.length > 0 ? `按拍摄顺序记为${tags.join('、')}` : '不加标签';
};

/** After a turn that opened a visit report: the pictures waiting for it are offered, once. */
export async function offerWaitingPhotos(t: Turn): Promise<void> {
  const st = t.convo.state;
  if (!st.unfiledPhotos || t.convo.activeActionId === null || t.convo.pendingQuestion) return;
  const s = await openSession(t, t.convo.activeActionId);
  if (!s) return;
  const offered = await guarded(t, () => unfiledPhotosToOffer(t.db, t.actor, s.row.id, t.now, s.draft.attachmentIds ?? []));
  // offered now or never: they are claimed by this report, or past the window
  delete st.unfiledPhotos;
  if (isAppError(offered) || offered.length === 0) return;
  setPending(t, { kind: 'unfiled_photos', actionId: s.row.id, photos: offered });
  const at = shanghaiClock(new Date(offered[0].receivedAt));
  say(t, `刚才（${at}）发的${offered.length}张照片要用在这次拜访（${s.row.customerName}）吗？${describe(offered)}。回复“是”加到这次拜访，“不是”就不用（照片仍保存着）。`);
}

type UnfiledPhotos = Extract<PendingQuestion, { kind: 'unfiled_photos' }>;

/** Yes adds the pictures to the report with their tags; no keeps them out; anything else goes on as a message. */
export async function answerWaitingPhotos(t: Turn, p: UnfiledPhotos, text: string): Promise<boolean> {
  const use = isYes(text) ? true : isNo(text) ? false : null;
  setPending(t, null);
  if (use === null) return false;
  const decided = await guarded(t, () => answerUnfiledPhotos(t.db, t.actor, p.actionId, { use, photos: p.photos.map(({ attachmentId, tag }) => ({ attachmentId, tag })) }, t.now));
  if (isAppError(decided)) {
    say(t, `没能处理这些照片：${decided.message}`);
    return true;
  }
  if (!use) {
    say(t, '好的，这些照片不用在这次拜访，仍保存着。');
    return true;
  }
  const s = await openSession(t, p.actionId);
  if (!s) {
    say(t, '这份报告已经提交或关闭了，照片仍保存着。');
    return true;
  }
  const used = p.photos.filter((x) => decided.includes(x.attachmentId));
  const ids = [...new Set([...(s.draft.attachmentIds ?? []), ...used.map((x) => x.attachmentId)])];
  const label = `照片（${used.map((x) => x.tag ?? '未标记').join('、')}）`;
  if (!(await saveDraft(t, s, { ...s.draft, attachmentIds: ids }, label))) return true;
  say(t, `已加到这次拜访：${label}。`);
  await reportProgress(t, s);
  return true;
}
