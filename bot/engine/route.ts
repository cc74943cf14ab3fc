/**
 * Where a message goes: the question the bot is waiting on, a command, the
 * daily report in progress, or the report being written. Whatever arrives,
 * the member gets an answer that says what the bot can do.
 */
import { openActionsOf } from '../../core/actions/open-work.js';
import { cancelScheduledSubmission } from '../../core/actions/scheduled-submission.js';
import { BUYING_ROLE_OPTIONS, LEGACY_ROLE_CODES } from '../../core/flow/buying-centre.js';
import { shanghaiDate } from '../../core/flow/time.js';
import { answerDailyConfirm, continueDailyReport, startDailyReport } from '../commands/daily-report.command.js';
import { askForLicence, isLicenceRequest, receiveLicencePhoto } from '../commands/licence.command.js';
import { myDeals } from '../commands/my-deals.command.js';
import { myTasks } from '../commands/my-tasks.command.js';
import { cancel, linkOrders, sameAsLast, skip, status, submit, undo, unlinkOrders } from '../commands/report.commands.js';
import { answerTalkTrack } from '../commands/talk-track.command.js';
import { answerShare, askToShare } from '../commands/share-document.command.js';
import { SHARE_DOCUMENT_INTENT } from '../../core/sharing/share-request.js';
import { answerWhatWins } from '../commands/attribution.command.js';
import { ATTRIBUTION_INTENT } from '../../core/attribution/ask.js';
import { todayVisits } from '../commands/today-visits.command.js';
import { moveDeal, moveDealByText } from '../commands/stage-move.command.js';
import { ordinalIn, pickContact, type RoleMention } from '../../core/understanding/decision-chain.js';
import { extractSlots, hasSlots } from '../../core/understanding/extract-slots.js';
import { understand } from '../../core/understanding/understand.js';
import { detectContactChanges } from '../../core/understanding/contact-changes.js';
import { answerChangeWhen, applyContactChanges, recordPendingChange } from './contact-changes.js';
import { answerWhichReading, askWhichReading, correctLearnedReading } from './learned-reading.js';
import { answerWhichTopic } from './topic-question.js';
import { detectCommand, isNo, isNoise, isYes, type Command } from '../../core/understanding/intents.js';
import { askedOf, isNotKnowing, routeIntent } from '../../core/understanding/intent-router.js';
import { refreshOrgReader } from '../../core/understanding/learned/org-reader.js';
import { TALK_TRACK_INTENT } from '../../core/talk-tracks/ask.js';
import { greet, help, notUnderstood, reportName, shortHelp, tooLong, unsupported, whichAction } from '../replies/templates.js';
import { applyChosenContact, applySlots, createChosenContact, offerNewContact } from './apply-text.js';
import { answerWhoHasRole } from './role-denial.js';
import { answerWaitingPhotos } from './unfiled-photos.js';
import { answerPhotoTag, handleLocation, handlePhoto, handleVoice, type Prepared, type PreparedMedia } from './media.js';
import { pickChoice, resolveSession, startVisit } from './pick-action.js';
import { reportProgress, submitReport } from './progress.js';
import { DEFAULT_PHOTO_TAGS, openSession, painPointMatcher, slotContext, type Session } from './session.js';
import { say, setPending, type Turn } from './turn.js';
import { offeredDays, type PendingQuestion, type UndoEntry } from './state.js';
import type { BotMessage } from './types.js';
import { truncateChars } from '../parse/truncate.js';

/** Longer messages are read up to here: nobody types a report longer, and parsing stays bounded. */
export const MAX_TEXT = 1000;

export async function routeMessage(t: Turn, m: BotMessage, prepared?: Prepared, replayed = false): Promise<void> {
  const one: PreparedMedia | undefined = Array.isArray(prepared) ? undefined : prepared;
  switch (m.kind) {
    case 'text': return handleText(t, m.text, replayed);
    case 'image': return t.convo.state.expectLicence ? receiveLicencePhoto(t, m, one) : handlePhoto(t, m, one);
    case 'mixed': {
      // the pictures first: "这张是门头照" written under them then tags the one just received
      const files = Array.isArray(prepared) ? prepared : [];
      for (const [i, picture] of m.images.entries()) await handlePhoto(t, { kind: 'image', ...picture }, files[i]);
      if (m.text.trim()) await handleText(t, m.text, replayed);
      return;
    }
    case 'voice': {
      // the 智能机器人 sends the platform's transcript and no recording: nothing to keep, the words are the message
      if (!m.mediaId && !m.attachmentId && m.recognition) return handleText(t, m.recognition, replayed);
      const heard = await handleVoice(t, m, one);
      if (heard) await answerByVoice(t, heard.words, heard.session);
      return;
    }
    case 'location': return handleLocation(t, m);
    case 'event': return handleEvent(t, m);
    case 'unsupported': say(t, unsupported(), shortHelp()); return;
  }
}

async function runCommand(t: Turn, cmd: Command): Promise<void> {
  switch (cmd) {
    case 'help': say(t, help()); return;
    case 'my_tasks': return myTasks(t);
    case 'my_deals': return myDeals(t);
    case 'today_visits': return todayVisits(t);
    case 'daily_report': return startDailyReport(t);
    case 'undo': return undo(t);
    case 'skip': return skip(t);
    case 'submit': return submit(t);
    case 'cancel': cancel(t); return;
    case 'status': return status(t);
    case 'link_orders': return linkOrders(t);
    case 'unlink_orders': return unlinkOrders(t);
    case 'same_as_last': return sameAsLast(t);
  }
}

async function handleText(t: Turn, raw: string, replayed: boolean): Promise<void> {
  let text = raw.trim();
  if (text.length > MAX_TEXT) {
    say(t, tooLong(MAX_TEXT));
    text = truncateChars(text, MAX_TEXT);
  }
  if (!text || isNoise(text)) {
    say(t, '收到～', shortHelp());
    return;
  }
  const st = t.convo.state;
  const p = t.convo.pendingQuestion;
  // "2" to 定在哪天？1.明天 2.后天: the day numbered is read as if said
  if (!p) text = chosenDay(st, text) ?? text;
  // the organisation's learned reader as its reps last taught it (answers to its questions, retraining, thresholds)
  await refreshOrgReader(t.db, t.now, t.settingsStamp);
  // intent before slots: "今天有啥任务" is the command even while 下次接触时间 is asked
  const awaitingYesNo = asksYesNo(p);
  const routed = routeIntent(text, {
    now: t.now, photoTags: DEFAULT_PHOTO_TAGS, ...(st.pendingSlot ? { pendingSlot: st.pendingSlot } : {}), awaitingYesNo,
  });
  // the learned reader speaks only where no rule did, and after every reader the router does not know (below)
  const learned = routed.best?.learned ?? (routed.choices ? routed.choices[0].learned : undefined);
  const cmd = routed.best?.kind === 'command' ? routed.best.command! : null;
  // a yes or a no said in other words (算了吧 to 提交吗: the question is put off, the draft stays), or one only the
  // learned reader recognised, answers the yes/no question as the plain word would
  const said = awaitingYesNo && (routed.best?.kind === 'yes' || routed.best?.kind === 'no') ? routed.best.kind : learned;
  const answer = said === 'yes' ? '是' : said === 'no' ? '不是' : text;
  // 不知道 to a question of the bot's own (是哪一位？ 大概什么时候？) is that question's answer to handle, not 跳过 of the report's
  if (!replayed && (await answerPending(t, answer, learned || (p && isNotKnowing(text)) ? null : cmd))) return;
  // "不对，她是反对的" right after the learned reader's own reading: taught, not only mended
  if (!replayed && routed.best?.kind === 'correction' && (await correctLearnedReading(t, text, applyReading(t)))) return;
  if (!replayed && isNo(text) && (await holdScheduledReport(t))) return;
  if (routed.clarify && !replayed && !learned) {
    say(t, routed.clarify);
    return;
  }
  if (cmd && !learned) {
    await runCommand(t, cmd);
    reaskPending(t, cmd);
    return;
  }
  if (routed.best && (await answerAsked(t, routed.best.kind, text))) return;
  if (isLicenceRequest(text)) return askForLicence(t, text);
  if (t.convo.state.daily && (await continueDailyReport(t, text))) return;
  if (await moveDealByText(t, text)) return;
  if (learned && routed.clarify) {
    if (!replayed && !askWhichReading(t, text, routed)) say(t, routed.clarify);
    if (!replayed) return;
  } else if (cmd) {
    await runCommand(t, cmd);
    reaskPending(t, cmd);
    return;
  }
  if (await reportText(t, text, routed.clarify ? undefined : learned)) return;
  say(t, notUnderstood(text), shortHelp());
}

/** The questions other parts registered with the router (话术, 分享文档, 结果归因), each answered by its command. */
async function answerAsked(t: Turn, kind: string, text: string): Promise<boolean> {
  switch (kind) {
    case TALK_TRACK_INTENT: await answerTalkTrack(t, text); return true;
    case SHARE_DOCUMENT_INTENT: await askToShare(t, text); return true;
    case ATTRIBUTION_INTENT: await answerWhatWins(t); return true;
    default: return false;
  }
}

/**
 * A transcribed voice message answers like typed text: a command is run, and whatever the words
 * fill (下次接触时间, a role, a change) is recorded; the words are already the memo's transcript.
 */
async function answerByVoice(t: Turn, words: string, s: Session): Promise<void> {
  const st = t.convo.state;
  await refreshOrgReader(t.db, t.now, t.settingsStamp);
  const routed = routeIntent(words, { now: t.now, photoTags: DEFAULT_PHOTO_TAGS, ...(st.pendingSlot ? { pendingSlot: st.pendingSlot } : {}) });
  if (routed.best?.kind === 'command' && routed.best.command) {
    await runCommand(t, routed.best.command);
    reaskPending(t, routed.best.command);
    return;
  }
  if (routed.best && (await answerAsked(t, routed.best.kind, words))) return;
  const u = understand(words, await slotContext(t, s));
  if (u.changes.length > 0) await applyContactChanges(t, s, u.changes);
  const { transcript: _kept, ...slots } = u.slots;
  if (u.changes.length > 0 && !slots.role) delete slots.person;
  if (!(await applySlots(t, s, slots, words))) await reportProgress(t, s);
}

/** The words of the day a rep picked by number from the days a loose time may mean (apply-text's askForDay). */
function chosenDay(st: Turn['convo']['state'], text: string): string | null {
  const days = offeredDays(st);
  const i = ordinalIn(text);
  return i !== null && i >= 1 && i <= days.length ? days[i - 1] : null;
}

/** Commands that only show something: the question they interrupted is asked again after them. */
const INTERRUPTING: ReadonlySet<Command> = new Set(['help', 'my_tasks', 'my_deals', 'today_visits']);

function reaskPending(t: Turn, cmd: Command): void {
  const { pendingSlot, pendingAsk } = t.convo.state;
  if (!INTERRUPTING.has(cmd) || !pendingSlot || pendingAsk?.slot !== pendingSlot || t.convo.activeActionId === null) return;
  say(t, `接着刚才的报告：${pendingAsk.question}`);
}

/** Text that reads like part of a report, before knowing which report: a date, a role, a pain point, a photo tag. */
async function looksLikeReport(t: Turn, text: string): Promise<boolean> {
  const slots = extractSlots(text, {
    now: t.now, contacts: [], photoTags: DEFAULT_PHOTO_TAGS,
    fields: [{ key: 'decisionRole', label: '决策链角色', type: 'enum', options: BUYING_ROLE_OPTIONS },
      { key: 'nextContactAt', label: '下次接触时间', type: 'datetime_future' }],
    matchPainPoints: await painPointMatcher(t),
  });
  return hasSlots(slots) || detectContactChanges(text, [], t.now).some((c) => c.person || c.newName);
}

/** `reading`: the learned reader's family for words no rule reads (core/understanding/learned), sure or chosen by the rep. */
async function reportText(t: Turn, text: string, reading?: string): Promise<boolean> {
  const hasActive = t.convo.activeActionId !== null;
  const said = t.lines.length;
  // small talk fails the probe (null, nothing said); a report with nowhere to go is told so
  const probe = async () => !!reading || looksLikeReport(t, text);
  const s = await resolveSession(t, { kind: 'text', text }, { text, ...(hasActive ? {} : { probe }) });
  if (s === 'asked') return true;
  if (!s) return t.lines.length > said;
  const context = async () => ({ ...(await slotContext(t, s)), ...(reading ? { reading } : {}) });
  let u = understand(text, await context());
  let changed = false;
  const undoBefore = new Set(t.convo.state.undo ?? []);
  if (u.changes.length > 0) {
    // personnel changes first, so a newcomer named in them ("新来的钱主任是拍板的") is a contact for the role
    changed = await applyContactChanges(t, s, u.changes);
    u = understand(text, await context());
    // "刘伟调岗了" is about 刘伟, not a 对接人 for this report
    if (!u.slots.role) delete u.slots.person;
  }
  const applied = await applySlots(t, s, u.slots, text);
  if (reading && (applied || changed)) markLearnedUndo(t, text, reading, undoBefore);
  if (applied) return true;
  if (changed) return true;
  // a customer named without anything else ("华联"), or a visit just started: where that report stands
  if (s.named || t.lines.length > said) {
    await reportProgress(t, s);
    return true;
  }
  say(t, notUnderstood(text), `正在填写${reportName(s.row)}，回复“还差什么”看看还缺什么。`, shortHelp());
  return true;
}

/** Applies a learned family the rep chose or corrected to, to the words first said. */
function applyReading(t: Turn): (said: string, reading: string) => Promise<void> {
  return async (said, reading) => {
    if (!reading.startsWith('cmd:')) { await reportText(t, said, reading); return; }
    const chosen = reading.slice(4) as Command;
    await runCommand(t, chosen);
    reaskPending(t, chosen);
  };
}

/** The change just made was the learned reader's: an undo of it right after is kept as the words misread (report.commands.ts). */
function markLearnedUndo(t: Turn, text: string, reading: string, undoBefore: ReadonlySet<UndoEntry>): void {
  // the undo entries this message pushed: any of them undone says the reading was wrong
  for (const e of (t.convo.state.undo ?? []).filter((x) => !undoBefore.has(x))) e.learned = { text, label: reading, asked: askedOf({ pendingSlot: t.convo.state.pendingSlot }) };
}

const HELD = '好的，先不提交，草稿都保存着。想改哪里直接说，比如“不对，是下周四”；改好了回复“提交”。';

/** 先不提交 after the question moved on (我的任务 in between): the report about to be filed by itself is kept. */
async function holdScheduledReport(t: Turn): Promise<boolean> {
  const id = t.convo.activeActionId;
  if (id === null || !(await cancelScheduledSubmission(t.db, t.actor, id))) return false;
  say(t, HELD);
  return true;
}

type WhichContact = Extract<PendingQuestion, { kind: 'which_contact' }>;

/** The role a which-contact question carries; one asked before the six roles kept its old code. */
function pendingRole(p: WhichContact & { contactRole?: string; roleLabel?: string | null }): RoleMention {
  if (p.role) return p.role;
  const legacy = LEGACY_ROLE_CODES[p.contactRole ?? ''];
  return { label: p.roleLabel ?? null, role: legacy?.role ?? 'influencer', phrase: p.mention,
    ...(legacy?.attitude ? { attitude: legacy.attitude } : {}), ...(legacy?.isCoach ? { isCoach: true } : {}) };
}

/** The questions answered 是 or 不是 (确认提交吗？ 要新建这个联系人吗？ 是王建国吗？). */
function asksYesNo(p: PendingQuestion | null | undefined): boolean {
  switch (p?.kind) {
    case 'confirm_submit': case 'start_visit': case 'create_contact': case 'daily_confirm': return true;
    case 'share_document': return p.step === 'confirm';
    case 'which_contact': return p.candidates.length === 1;
    default: return false;
  }
}

async function answerPending(t: Turn, text: string, cmd: Command | null): Promise<boolean> {
  const p = t.convo.pendingQuestion;
  if (!p) return false;
  switch (p.kind) {
    case 'which_action': {
      const c = pickChoice(text, p.options);
      if (!c) {
        if (cmd) { setPending(t, null); return false; }
        say(t, `没听明白。${whichAction(p.options)}`);
        return true;
      }
      setPending(t, null);
      t.convo.activeActionId = c.actionId;
      await routeMessage(t, p.deferred, undefined, true);
      return true;
    }
    case 'which_contact': {
      const who = pickContact(text, p.candidates) ?? (p.candidates.length === 1 && isYes(text) ? p.candidates[0] : null);
      const s = who ? await openSession(t, p.actionId) : null;
      if (who && s) {
        setPending(t, null);
        await applyChosenContact(t, s, who, pendingRole(p));
        return true;
      }
      if (cmd || isNo(text) || /都不是|不是他们|没有这个人/.test(text)) {
        setPending(t, null);
        if (cmd) return false;
        // a name no contact has (采购经理钟岩): not the one offered, so perhaps someone to add
        if (/^[\u4e00-\u9fa5]{2,4}$/.test(p.mention) && !p.candidates.some((c) => c.name === p.mention) && !/[总经主任长工姐哥老师]$/.test(p.mention)) {
          offerNewContact(t, p.actionId, { mention: p.mention, fullName: p.mention, titleWords: [], candidates: [], match: 'none', index: 0 }, pendingRole(p));
          return true;
        }
        say(t, `好的，${p.mention}先不对应到联系人，只记角色。`);
        return true;
      }
      say(t, `没听明白，${p.mention}是${p.candidates.map((c, i) => `${i + 1}.${c.name}`).join(' ')}中的哪一位？`);
      return true;
    }
    case 'who_has_role': return answerWhoHasRole(t, p, text, cmd !== null);
    case 'change_when': return answerChangeWhen(t, p, text, cmd !== null);
    case 'unfiled_photos': return answerWaitingPhotos(t, p, text);
    case 'photo_tag': {
      if (await answerPhotoTag(t, text)) return true;
      if (cmd === 'skip' || /不知道|不标|随便/.test(text)) {
        setPending(t, null);
        say(t, '好的，这张先不标记。');
        const s = await openSession(t, p.actionId);
        if (s) await reportProgress(t, s);
        return true;
      }
      if (cmd) { setPending(t, null); return false; }
      say(t, `这张照片是${p.tags.join('、').replace(/、([^、]*)$/, '还是$1')}？（不确定就回复“跳过”）`);
      return true;
    }
    case 'which_change_contact': {
      const who = pickContact(text, p.candidates) ?? (p.candidates.length === 1 && isYes(text) ? p.candidates[0] : null);
      const s = who ? await openSession(t, p.actionId) : null;
      if (who && s) {
        setPending(t, null);
        await recordPendingChange(t, s, p.change, who.id);
        return true;
      }
      setPending(t, null);
      if (cmd) return false;
      say(t, `好的，“${p.mention}”的变动先不记录。`);
      return true;
    }
    case 'create_contact': {
      if (isYes(text)) {
        setPending(t, null);
        const s = await openSession(t, p.actionId);
        if (s) await createChosenContact(t, s, p);
        else say(t, '这份报告已经提交或关闭了。');
        return true;
      }
      setPending(t, null);
      if (cmd) return false;
      if (isNo(text)) {
        say(t, `好的，${p.name}先不新建，只记角色。`);
        return true;
      }
      return false;
    }
    case 'confirm_submit': {
      if (isYes(text)) {
        const s = await openSession(t, p.actionId);
        if (s) await submitReport(t, s);
        else { setPending(t, null); say(t, '这份报告已经提交或关闭了。'); }
        return true;
      }
      if (isNo(text)) {
        setPending(t, null);
        await cancelScheduledSubmission(t.db, t.actor, p.actionId);
        say(t, HELD);
        return true;
      }
      // anything else (a correction, a photo, 撤销) goes on: a change to the draft takes the schedule with it
      setPending(t, null);
      return false;
    }
    case 'start_visit': {
      setPending(t, null);
      if (isYes(text)) {
        const s = await startVisit(t, { id: p.customerId, name: p.customerName });
        if (s && p.deferred && p.deferred.kind !== 'text') await routeMessage(t, p.deferred, undefined, true);
        else if (s) await reportProgress(t, s);
        return true;
      }
      if (isNo(text)) {
        say(t, '好的。');
        return true;
      }
      return false;
    }
    case 'daily_confirm':
      if (cmd === 'cancel') return false;
      return answerDailyConfirm(t, text);
    case 'which_deal': {
      const i = ordinalIn(text);
      const chosen = (i !== null ? p.options[i - 1] : undefined) ?? p.options.find((o) => o.name.includes(text.trim()));
      if (!chosen) {
        if (cmd) { setPending(t, null); return false; }
        say(t, `回复序号选择商机：${p.options.map((o, n) => `${n + 1}.${o.name}`).join(' ')}`);
        return true;
      }
      const [customerName, ...rest] = chosen.name.split('·');
      await moveDeal(t, { id: chosen.id, customerName, name: rest.join('·') }, p.target);
      return true;
    }
    case 'share_document': return answerShare(t, text, p, cmd);
    case 'which_topic': return answerWhichTopic(t, p, text, cmd !== null);
    case 'which_reading':
      return answerWhichReading(t, p, text, cmd, applyReading(t));
    case 'deal_skip_reason': {
      if (cmd === 'cancel' || isNo(text)) {
        setPending(t, null);
        say(t, `好的，「${p.name}」不推进。`);
        return true;
      }
      if (cmd) { setPending(t, null); return false; }
      const [customerName, ...rest] = p.name.split('·');
      await moveDeal(t, { id: p.opportunityId, customerName, name: rest.join('·') }, p.target, text.trim().slice(0, 500));
      return true;
    }
  }
}

async function handleEvent(t: Turn, m: Extract<BotMessage, { kind: 'event' }>): Promise<void> {
  if (m.event === 'location_report') return; // WeCom reports positions every few seconds: not a message to answer
  if (m.event === 'click') {
    const cmd = detectCommand(m.eventKey ?? '') ?? CLICK_KEYS[m.eventKey ?? ''];
    if (cmd) return runCommand(t, cmd);
    say(t, help());
    return;
  }
  const day = shanghaiDate(t.now);
  if (t.convo.state.greetedDay === day) return;
  t.convo.state.greetedDay = day;
  const open = await openActionsOf(t.db, t.actor.id);
  say(t, greet(t.actor.name, open.length, open.filter((a) => a.hasDraft).length));
}

/** Menu keys of the WeCom app (应用菜单), as configured in the admin console. */
const CLICK_KEYS: Record<string, Command> = {
  my_tasks: 'my_tasks', today_visits: 'today_visits', daily_report: 'daily_report', help: 'help',
};
