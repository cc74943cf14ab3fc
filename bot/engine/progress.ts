/**
 * After every change: what the draft still lacks (the action engine's
 * evaluation, by name) and the one question that fills the first gap; when
 * nothing blocks any more, the summary, filed by itself a few minutes later
 * unless the rep says otherwise (completeReport). Filing goes through
 * submitVisitReport; its failures come back as the same plain questions.
 */
import { VisitReportSchema } from '../../core/actions/action-schemas.js';
import { submitVisitReport } from '../../core/actions/visit-report.js';
import { loadReportAttachments } from '../../core/attachments/attachments.js';
import { customerPlace } from '../../core/resources/customers.js';
import { userName } from '../../core/resources/org.js';
import { getOrderOrThrow } from '../../core/resources/orders.js';
import { gapNames, gapsFromFailures, isBlocking, type DraftGap } from '../../core/actions/draft-gaps.js';
import { isAppError } from '../../core/errors.js';
import { distanceKm, formatDistance } from '../../core/flow/geo.js';
import { chineseDateTime, chineseDay, parseBusinessDateTime, shanghaiClock, shanghaiDate } from '../../core/flow/time.js';
import { autoSubmit } from '../../core/actions/auto-submit.setting.js';
import { scheduleSubmission } from '../../core/actions/scheduled-submission.js';
import { applyDecisionChainNotes } from '../../core/profile/decision-chain-notes.js';
import { readSetting } from '../../core/settings/read.js';
import { describeZhDateTime } from '../../core/understanding/zh-datetime.js';
import { filed, questionFor, reportName } from '../replies/templates.js';
import { sameAsLastHint } from './same-as-last.js';
import { closeSession, gapsOf, type Session } from './session.js';
import { guarded, say, setPending, type Turn } from './turn.js';
import { truncateChars } from '../parse/truncate.js';

// what a rep can answer by typing comes first, then what needs the phone (photos, voice, location)
const ORDER: Array<[RegExp, number]> = [[/^fields\./, 0], [/^attachments/, 1], [/^voice/, 2], [/^checkIn/, 3], [/^orders/, 4]];
const rank = (g: DraftGap) => ORDER.find(([re]) => re.test(g.target))?.[1] ?? 5;

export function sortGaps(gaps: readonly DraftGap[]): DraftGap[] {
  return [...gaps].sort((a, b) => rank(a) - rank(b));
}

async function ask(t: Turn, s: Session, gaps: DraftGap[]): Promise<void> {
  const first = gaps[0];
  const hint = await sameAsLastHint(t, s, first.target);
  const question = `${questionFor(first, s.vocab.fields)}${hint ? `\n${hint}` : ''}`;
  say(t, question);
  t.convo.state.pendingSlot = first.target;
  t.convo.state.pendingAsk = { slot: first.target, question };
}

export interface ProgressOptions {
  /** Opens with "你今天拜访了…" (after a check-in or on a reminder) instead of the report's name. */
  visitLead?: boolean;
}

/** Says what is missing and asks for the first thing, or shows the summary and asks to confirm. */
export async function reportProgress(t: Turn, s: Session, opts: ProgressOptions = {}): Promise<void> {
  const gaps = sortGaps(await gapsOf(t, s));
  const errors = gaps.filter(isBlocking);
  const warnings = gaps.filter((g) => !isBlocking(g));
  if (errors.length > 0) {
    const lead = opts.visitLead && s.row.definitionCode === 'visit' ? `你今天拜访了${s.row.customerName}` : reportName(s.row);
    say(t, `${lead}，还差：${gapNames(errors)}。`);
    // what the rep would not answer yet is asked once the others are done
    const later = new Set(t.convo.state.postponed?.[String(s.row.id)] ?? []);
    await ask(t, s, [...errors.filter((g) => !later.has(g.target)), ...errors.filter((g) => later.has(g.target))]);
    return;
  }
  if (warnings.length > 0) {
    say(t, `必填的都齐了。还有${warnings.length}项建议补充：${gapNames(warnings)}。`);
    await ask(t, s, warnings);
    return;
  }
  await completeReport(t, s);
}

/** 'SO-1024（11月20日）' for each linked order the rep may see, so the summary says which were linked. */
async function orderNames(t: Turn, ids: readonly number[]): Promise<string[]> {
  const names: string[] = [];
  for (const id of ids) {
    const o = await guarded(t, () => getOrderOrThrow(t.db, t.actor, id), { savepoint: false });
    names.push(isAppError(o) ? `#${id}` : `${o.orderNo}（${chineseDay(shanghaiDate(new Date(o.orderedAt)))}）`);
  }
  return names;
}

async function summaryLines(t: Turn, s: Session): Promise<string[]> {
  const d = s.draft;
  const lines: string[] = [];
  if (d.checkIn) {
    const c = await customerPlace(t.db, s.row.customerId);
    const km = c?.lat != null && c.lng != null
      ? distanceKm({ lat: d.checkIn.lat, lng: d.checkIn.lng, system: d.checkIn.coordSystem }, { lat: c.lat, lng: c.lng!, system: c.coordSystem })
      : null;
    lines.push(`· 签到：${chineseDateTime(new Date(d.checkIn.at))}${km !== null ? `，距客户约${formatDistance(km)}` : ''}`);
  }
  const files = await loadReportAttachments(t.db, t.actor.id, d.attachmentIds ?? []);
  const photos = files.filter((f) => f.kind === 'photo');
  if (photos.length) lines.push(`· 照片：${photos.length}张（${photos.map((p) => p.tags[0] ?? '未标记').join('、')}）`);
  const voices = files.filter((f) => f.kind === 'voice').length;
  if (voices || d.transcript) {
    const words = d.transcript ? `，内容：${d.transcript.length > 30 ? `${truncateChars(d.transcript, 30)}…` : d.transcript}` : '';
    lines.push(`· 语音纪要：${voices}条${words}`);
  }
  const fields = (d.fields ?? {}) as Record<string, unknown>;
  for (const f of s.vocab.fields) {
    const v = fields[f.key];
    if (v === undefined || v === null || v === '') continue;
    const at = f.type === 'datetime_future' ? parseBusinessDateTime(v) : null;
    const who = f.type === 'enum' && typeof fields.decisionContactName === 'string' ? `（${fields.decisionContactName}）` : '';
    lines.push(`· ${f.label}：${at ? describeZhDateTime(at) : String(v)}${who}`);
  }
  if (d.linkedOrderIds?.length) lines.push(`· 关联订单：${(await orderNames(t, d.linkedOrderIds)).join('、')}（不对就说“不关联订单”）`);
  return lines;
}

/**
 * Everything passes: the summary, and the report is filed by itself after the
 * setting's few minutes (bot.auto-submit) — no 确认 message. Until then
 * 先不提交 keeps it (cancelScheduledSubmission); a correction or 撤销 changes
 * the draft, which clears the schedule, and the new summary schedules it
 * again; 确认/提交 files it at once. With 0 minutes it is filed now.
 */
export async function completeReport(t: Turn, s: Session): Promise<void> {
  const { afterMinutes } = await readSetting(t.db, autoSubmit);
  if (afterMinutes === 0) {
    say(t, `${reportName(s.row)}都齐了：`, ...(await summaryLines(t, s)));
    await submitReport(t, s);
    return;
  }
  const at = new Date(t.now.getTime() + afterMinutes * 60_000);
  const notes = t.convo.state.contactUpdates?.[String(s.row.id)] ?? [];
  if (!(await scheduleSubmission(t.db, t.actor, s.row.id, at, notes))) {
    await askConfirm(t, s);
    return;
  }
  say(t, `${reportName(s.row)}都齐了：`, ...(await summaryLines(t, s)),
    `${afterMinutes}分钟后（${shanghaiClock(at)}）自动提交。要改直接说，比如“不对，是下周四”（“撤销”退回上一步）；回复“先不提交”就不交，“提交”马上交。`);
  setPending(t, { kind: 'confirm_submit', actionId: s.row.id });
  delete t.convo.state.pendingSlot;
}

/** The summary and 确认提交吗？ — for a report with no saved draft to schedule. */
async function askConfirm(t: Turn, s: Session): Promise<void> {
  say(t, `${reportName(s.row)}都齐了，请确认：`, ...(await summaryLines(t, s)), '确认提交吗？（回复“确认”提交，或者继续补充、修改）');
  setPending(t, { kind: 'confirm_submit', actionId: s.row.id });
  delete t.convo.state.pendingSlot;
}

async function applyContactUpdates(t: Turn, s: Session): Promise<void> {
  say(t, ...(await applyDecisionChainNotes(t.db, t.actor, t.convo.state.contactUpdates?.[String(s.row.id)] ?? [], t.now)));
}

/** Files the report through the action engine; a rejection becomes plain questions. */
export async function submitReport(t: Turn, s: Session): Promise<void> {
  setPending(t, null);
  const input = VisitReportSchema.safeParse(s.draft);
  if (!input.success) {
    say(t, `草稿里有内容不符合要求（${input.error.issues[0]?.message ?? ''}），请在应用里打开这份报告检查一下。`);
    return;
  }
  const r = await guarded(t, () => submitVisitReport(t.db, t.actor, s.row.id, input.data, { now: t.now, publicUrl: t.deps.config.publicUrl }));
  if (isAppError(r)) {
    say(t, `没能提交：${r.message}`);
    return;
  }
  if (r.ok) {
    say(t, filed(reportName(s.row), await managerName(t)));
    const warnings = gapsFromFailures(r.body.warnings);
    if (warnings.length) say(t, `提示：${gapNames(warnings)}（不影响提交）。`);
    await applyContactUpdates(t, s);
    closeSession(t, s.row.id);
    return;
  }
  const gaps = sortGaps(gapsFromFailures(r.error.error.details.failures as never).filter(isBlocking));
  say(t, `提交没通过，草稿已保存。还差：${gapNames(gaps)}。`);
  if (gaps.length) await ask(t, s, gaps);
}

async function managerName(t: Turn): Promise<string | null> {
  return t.actor.managerId ? userName(t.db, t.actor.managerId) : null;
}
