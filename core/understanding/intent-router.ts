/**
 * What a message is for, decided before any slot is filled: a command
 * ("今天有啥任务"), a deal's stage move, a personnel change, a role statement,
 * a date for the question pending, report content, a yes/no, or nothing.
 * Each detector scores the text on its own (0–1); the best wins, and when the
 * best two of different kinds are within INTENT_MARGIN the caller asks a short
 * clarifying question instead of guessing.
 *
 *   const r = routeIntent('今天有啥任务', { now, pendingSlot: 'fields.nextContactAt' });
 *   r.best // { kind: 'command', command: 'my_tasks', score: 0.85 } — not 今天 as the next contact
 *
 * Other issues add intents with registerIntent(detector): one function, a
 * score, no change here.
 */
import { fixCommandTypos } from './command-typos.js';
import { detectContactChanges } from './contact-changes.js';
import { detectAttitude, detectPeople, detectRole, mentionsRole, type ContactRef } from './decision-chain.js';
import { answersNo, detectCommand, detectPhotoTag, detectStageMove, isNo, isNoise, isYes, parseCorrection, type Command, type NamedPosition } from './intents.js';
import { looseTimeIn } from './extract-slots.js';
import { parseZhDateTime } from './zh-datetime.js';
import type { AskedContext } from './learned/features.js';
import { readForOrganisation } from './learned/org-reader.js';
import type { LearnedReading } from './learned/reader.js';

/**
 * Two readings closer than this are asked about. 0.1 is the gap between a
 * colloquial command (0.85) and a date that covers most of its message (≥ 0.9):
 * anything closer is a message that reads both ways, such as "明天的任务".
 */
export const INTENT_MARGIN = 0.1;
/** Below this a reading is not worth acting on, nor worth asking about. */
export const INTENT_FLOOR = 0.5;
/**
 * A rule reading below this is a weak one — a date that is a small part of its message ("今天都见了谁"), a role
 * or a change said of nobody, report content — and a sure learned reading of another family overrides it.
 * From 0.7 up (a colloquial command, a named role or change, a date that is most of the message) the rules decide.
 */
export const RULES_SURE = 0.7;

export type IntentKind =
  | 'command' | 'stage_move' | 'contact_change' | 'role_statement' | 'date_answer' | 'correction'
  | 'report_content' | 'yes' | 'no' | 'noise' | (string & {});

export interface ScoredIntent {
  kind: IntentKind;
  score: number;
  command?: Command;
  /** How the bot names this reading in a clarifying question: 看“我的任务”. */
  describe: string;
  /** Set when no rule matched and the learned reader named the family ('stance:反对', 'change:left' …). */
  learned?: string;
}

export interface IntentContext {
  now: Date;
  contacts?: readonly ContactRef[];
  positions?: readonly NamedPosition[];
  /** The slot asked last ('fields.nextContactAt', 'voice' …). */
  pendingSlot?: string;
  /** A yes/no question is waiting (确认提交吗？). */
  awaitingYesNo?: boolean;
  matchPainPoints?: (text: string) => string[];
  /** The photo tags a report asks for: a message naming one (刚才那张是陈列照) is the slots', not the learned reader's. */
  photoTags?: readonly string[];
}

export type IntentDetector = (text: string, ctx: IntentContext) => ScoredIntent | null;

const COMMAND_NAMES: Record<Command, string> = {
  help: '看看我能做什么', my_tasks: '看“我的任务”', my_deals: '看“我的商机”', today_visits: '看今天的拜访', daily_report: '写日报',
  undo: '撤销上一步', skip: '跳过这一项', submit: '提交报告', cancel: '取消', status: '看还差什么', link_orders: '关联订单', unlink_orders: '取消关联订单', same_as_last: '沿用上次拜访的内容',
};

/** Asking to see something, and the days a list may be asked for ("看看明天的待办"). */
const SHOW = '(看看|看下|看一下|看一眼|看眼|查查|查下|查一下|查看|列一下|列列|列出|打开|显示|给我看看|调出|瞅瞅|瞅一眼|瞅一下|瞅下|瞧瞧|瞧一眼|瞧一下|瞄一眼|瞄瞄)';
const DAY = '(今天|今日|明天|后天|昨天|本周|这周|下周|这个月|本月)';
/** What a rep just said: 刚才那条, 上一条, 刚刚发的, 刚才说的. */
const RECENT = '(把)?((刚才|刚刚|上一?条|上一步|前一条|最后一条)(说|发|记|写|录)?的?(那一?条|这一?条|那句|消息|内容)?|(那|这)一?条)';
const UNDO_VERB = '(撤回|撤销|撤消|删掉|删了|删除|去掉|作废|不算|收回|回退|取消|不要了)';
/** The report being written, and the ways of dropping it. */
const REPORT = '(这个|这份|这次|这篇|本次)?((拜访)?的?(报告|拜访记录|草稿)|拜访)';
const DROP = '(就|先)?(不要了|不写了|不交了|不报了|不提交了|不弄了|不做了|作废|删掉|删了|删除|取消|算了|不用了|放弃)(掉|了)?';

/** How reps ask for a command in their own words; the exact phrasings are detectCommand's. */
const COLLOQUIAL: Array<[Command, RegExp]> = [
  // deals counted or not followed up ("还有多少单没跟", "手头还有几单"): the deals, before 还有多少… reads as the work
  ['my_deals', /(多少|几)(个)?(单|单子|商机|项目)(还)?(没|没有|要|需要|得|该)(跟|跟进|推|动|联系)|(手上|手头|手里)(还)?(有)?(几|多少)(个)?单/],
  // the day's work with no object ("今天干啥", "我手上还有啥"): asking what to do, not saying when
  ['my_tasks', /^(今天|今儿个?|今日|明天|明儿|这周|本周|下午|上午)?(我)?(都)?(要|该|得|还)?(干|做|忙|跑|弄)(点)?(啥|什么|嘛|哪些|哪儿|哪)$|^(我)?(手上|手头|手里)(还)?(有|剩)?(啥|什么|哪些)(活儿?|事儿?|任务)?$/],
  ['my_tasks', new RegExp(`(有|还有|剩)?(啥|什么|哪些|几个|多少|几件)(任务|待办|事儿?|活儿?|要做的|要干的|要跑的|工作|安排|日程|行程|客户要见|客户要跑)|(啥|什么|哪些)(要|需要|该|得)(做|干|跑|跟进|跟|拜访|处理|办)的|(任务|待办|活儿?|安排|日程|行程)(是|有|还有|剩)?(啥|什么|哪些|多少|几个)|(日程|行程|安排|工作)(是)?(怎么|如何)(安排|排)|(要|该|得)(去|干|做|跑|拜访|见)(啥|什么|哪些|哪几家|哪几个|哪|几家|嘛|点啥|谁)|^(去|跑)(哪几家|哪些家|哪些客户|哪儿|哪里)$|^${SHOW}?(我的)?((今天|今日)的?)?(任务|待办)(列表|清单)?$|^${SHOW}(我)?(${DAY}的?)?(任务|待办|事项)(列表|清单)?$|我的(任务|待办|活儿?)`)],
  ['my_deals', new RegExp(`${SHOW}?我的(单子|商机|项目|机会)|^${SHOW}(我)?(${DAY}的?|跟进中的?|在跟的?)?(单子|商机)(列表|清单)?$|(手上|手里|手头)(有)?的?(哪些|几个|多少|啥)?(单子|商机|项目)|(单子|商机)(有)?(哪些|几个|多少)|(有|在跟)(哪些|几个|多少|啥)(单子|商机)|(商机|单子)(列表|清单|进展)$`)],
  ['today_visits', /(今天|今日)(都)?(拜访|跑|见)了?(哪些|几家|多少|啥|几个|谁)|(今天|今日)(都)?(干|做)了(啥|什么|哪些)|(今天|今日)的?拜访(情况|记录|列表)|(今天|今日)(去|跑)了(哪些|哪几家|几家|多少家)/],
  // a command verb and its object make a command, whatever day is named between them ("帮我生成今天的日报")
  ['daily_report', new RegExp(`(写|填|交|提交|弄|搞|出|补|生成|整理|整|做|汇总|发)(一?个|一下|一份|下)?(${DAY}的?)?日报|把(${DAY}的?)?日报(写|填|交|提交|弄|搞|生成)|日报(怎么写|怎么弄|怎么填|怎么交|帮我写|写一下|还没写|该交了)|^(今天的?)?日报$`)],
  ['help', /^(怎么|咋)(操作|使用|用|弄)$|(你|这个|机器人)?(都)?(能|会|可以)(做|干|帮我干|帮我做)(啥|什么|哪些|嘛)|^(你|机器人)(都)?(能|会|可以)(做|干)$|怎么用|有(什么|啥|哪些)功能|使用说明/],
  ['status', /(还差|还缺|缺了?|差了?)(点|些)?(啥|什么|哪些|几样|几项)|还有(什么|啥|哪些)(没填|没写|没交|没拍|要填|要补)|(报告|这份)(还)?(差|缺)(什么|啥)/],
  ['undo', new RegExp(`^${RECENT}${UNDO_VERB}(掉)?$|^${UNDO_VERB}(掉)?${RECENT}$|^撤(回|销|掉)?$`)],
  ['skip', /^(这个|这项|这一项|这里|这块|这条|那个)?(就)?(先|暂时|暂且|可以)?(不填|跳过|略过|空着|留空|放着|不用填)(了)?$|^(回头|稍后|晚点|以后|后面|等会儿?)(再)?(填|补)$|^(不想|不用|不必|没法|没办法)(填|写)(这个|这项|这一项)?(了)?$|^(先)?(跳过|略过)(这个|这项|这一项|这一步)$/],
  ['cancel', new RegExp(`^算了(不写了|不弄了|不报了|不交了)$|^${REPORT}${DROP}$|^(取消|删掉|删除|作废|放弃|不要|不写)${REPORT}(了)?$`)],
];

/** Strips what rep messages wrap a command in: 帮我, 一下, 吧, punctuation. */
function commandSurface(text: string): string {
  return text.trim().replace(/[\s，。！!？?、~～…]+/g, '').replace(/^(请|麻烦|帮我|帮忙|那|好的|嗯|我想|我要|想|给我)+/, '').replace(/(一下|吧|呢|啊|呀|哈|呗|嘛)+$/, '');
}

/** A command named without asking ("明天的任务"): while a date is asked for, it reads both ways. */
const BARE: Array<[Command, RegExp]> = [
  ['my_tasks', /^(今天|明天|后天|本周|这周|下周)的?(任务|待办)$/],
  ['my_deals', /^(今天|明天|本周|这周|下周)?的?(单子|商机)$/],
];

function colloquialCommand(t: string): { command: Command; score: number } | null {
  // "我的任务完成了" reports on the work; it does not ask for it
  if (t.length > 24 || /完成|做完|搞定|写完|交了|已经|好了/.test(t)) return null;
  for (const [command, re] of COLLOQUIAL) {
    // a question about the work ("今天有啥任务") — not a report that mentions it ("任务完成了，下周再约")
    if (re.test(t)) return { command, score: t.length <= 14 ? 0.85 : 0.7 };
  }
  for (const [command, re] of BARE) if (re.test(t)) return { command, score: 0.7 };
  return null;
}

/** What a rep says beside a command without adding to it: "这项没有，跳过吧", "不弄了，这个报告取消". */
const ASIDE = /^(这个?|这项|这一项|那个)?(我)?(也)?((刚才|刚刚)?(发|说|写|填)错了|没有|没|不知道|不清楚|不确定|算了|好的?|对的?|是的?|可以|嗯|行|不弄了|不要了|不写了|不填了|不用了)$/;

/** A command said in parts: every part the same command, or an aside to it. */
function commandInParts(text: string): Command | null {
  const parts = text.split(/[，,。；;！!、\s]+/).filter(Boolean);
  if (parts.length < 2 || parts.length > 3) return null;
  const commands = parts.map((p) => detectCommand(p) ?? colloquialCommand(commandSurface(p))?.command ?? null);
  const said = [...new Set(commands.filter((c): c is Command => c !== null))];
  const asides = parts.filter((p, i) => commands[i] === null).every((p) => ASIDE.test(commandSurface(p)));
  return said.length === 1 && asides ? said[0] : null;
}

const commandIntent: IntentDetector = (text) => {
  const exact = detectCommand(text);
  if (exact) return { kind: 'command', command: exact, score: 0.95, describe: COMMAND_NAMES[exact] };
  const parted = commandInParts(text);
  if (parted) return { kind: 'command', command: parted, score: 0.85, describe: COMMAND_NAMES[parted] };
  const t = commandSurface(text).toLowerCase().replace(/to ?do/g, '待办');
  const said = colloquialCommand(t);
  // 我的任物 / 写日保: a command word typed with a sound-alike character is still the command, a little less sure
  const fixed = said || t.length > 24 ? null : fixCommandTypos(t);
  const typo = fixed && fixed !== t ? (detectCommand(fixed) ? { command: detectCommand(fixed)!, score: 0.9 } : colloquialCommand(fixed)) : null;
  const found = said ?? (typo ? { command: typo.command, score: typo.score - 0.05 } : null);
  return found ? { kind: 'command', command: found.command, score: found.score, describe: COMMAND_NAMES[found.command] } : null;
};

/** Declining to answer: 不想说, 保密, 不方便透露, 回头再说 — said of "this question" or while one is pending, it skips it. */
const DECLINE_VERB = '(不想|不能|不便|不方便|没法|不好|不)(说|讲|答|回答|透露|告诉你)|(要|得|需要)?保密';
const DECLINE = new RegExp(`^(这题|这道题|这一题|这个问题|这问题|这个|这项|这一项|那个)?(我|客户|对方|他们|人家)?(要求|说|让我)?(就|先|暂时|暂且|还是)?(${DECLINE_VERB})(了)?$|^(回头|稍后|晚点|以后|后面|等会儿?|改天|下次|有空)(再)?(说|讲|答|回答|告诉你|聊)$`);
/**
 * Not knowing the answer yet: 不知道, 这个不清楚, 没问, 忘了问, 还没定, 下次问了再补 — not an answer, so the question is
 * put off like 跳过 (a required one asked again later). Only while a question is pending: 不知道他们怎么想的 is content.
 */
const UNKNOWN = new RegExp([
  '^(这个|这项|这一项|那个|这)?(我|客户|对方|他|她|他们|人家)?(也|都|暂时|现在)?(还)?(不太|不大|不是很|不|没|没有)(知道|清楚|晓得|确定|了解|问|问过|问到|问呢|说|说过|提|讲|定|定下来|确认)(呢|了)?$',
  '^(我)?(忘了|忘记|没来得及|来不及|没顾上|还没|没)(问|问了|问他|问她|问客户|打听|了解)$',
  '^(等|下次|下回|回头|改天)?(我)?(问了|问清楚|问到|确认了|搞清楚|打听清楚|了解了)(以后|之后)?(再)(补|填|说|告诉你|回复)$',
  '^(待定|未定|不详|不明|还在定|还没定|没定|没想好|还没想好)$',
].join('|'));

/** 不知道 / 没问 / 还没定: not knowing the answer (UNKNOWN), which a question of the bot's own may take as its answer. */
export function isNotKnowing(text: string): boolean {
  return UNKNOWN.test(commandSurface(text));
}

const THIS_QUESTION = /^(这题|这道题|这一题|这个问题|这问题)/;

const declineIntent: IntentDetector = (text, ctx) => {
  const t = commandSurface(text);
  if (UNKNOWN.test(t) && ctx.pendingSlot) return { kind: 'command', command: 'skip', score: 0.9, describe: COMMAND_NAMES.skip };
  if (!DECLINE.test(t) || !(ctx.pendingSlot || THIS_QUESTION.test(t))) return null;
  return { kind: 'command', command: 'skip', score: 0.9, describe: COMMAND_NAMES.skip };
};

const FUTURE_CUE = /下次|再约|再去|再来|再联系|回访|复访|约了|约在|约好|跟进|见面|过去|安排|计划|打算|准备|到时/;
/** A message asking something (今天有什么安排, 明天去哪几家): its 安排 or 去 is the question's, not a plan for a day. */
const ASKS = /啥|什么|哪些|哪几|哪儿|哪里|谁|嘛|多少|[？?]$/;

const dateIntent: IntentDetector = (text, ctx) => {
  const d = parseZhDateTime(text, ctx.now);
  if (!d) return null;
  const surface = text.replace(/[\s，。！!？?、~～…]+/g, '');
  // how much of the message the date is: "明天下午" is all date, "今天有啥任务" a third
  const coverage = Math.min(1, d.text.length / Math.max(1, surface.length));
  const cue = FUTURE_CUE.test(text) && !ASKS.test(text) ? 0.15 : 0;
  const asked = ctx.pendingSlot?.startsWith('fields.') ? 0.05 : 0;
  return { kind: 'date_answer', score: Math.min(0.95, 0.4 + 0.5 * coverage + cue + asked), describe: `把“${d.text}”记为时间` };
};

/** 这两天再去一趟: a time to come with no day yet — the slots ask which day (never the learned reader's guess). */
const looseDateIntent: IntentDetector = (text, ctx) => {
  const words = looseTimeIn(text, !!ctx.pendingSlot?.startsWith('fields.') && ctx.pendingSlot !== 'fields.decisionRole');
  // a day said beside the loose words (下礼拜找个时间，暂定周二) is dateIntent's; parsed only when loose words are there
  return words && !parseZhDateTime(text, ctx.now) ? { kind: 'date_answer', score: 0.75, describe: `问清“${words}”是哪天` } : null;
};

const roleIntent: IntentDetector = (text, ctx) => {
  const role = detectRole(text, []);
  if (!role) return null;
  const named = detectPeople(text, ctx.contacts ?? []).length > 0 || /[他她]/.test(text);
  if (!named && role.needsPerson) return null;
  return { kind: 'role_statement', score: named ? 0.85 : 0.65, describe: `记下决策链角色` };
};

const changeIntent: IntentDetector = (text, ctx) => {
  const changes = detectContactChanges(text, ctx.contacts ?? [], ctx.now);
  if (changes.length === 0) return null;
  const named = changes.some((c) => c.person || c.replaces);
  return { kind: 'contact_change', score: named ? 0.9 : 0.6, describe: '记下联系人变动' };
};

const stageIntent: IntentDetector = (text, ctx) => {
  if (!ctx.positions?.length) return null;
  const m = detectStageMove(text, ctx.positions);
  return m ? { kind: 'stage_move', score: 0.88, describe: `把${m.customerText}推进到${m.target.name}` } : null;
};

const correctionIntent: IntentDetector = (text) => {
  const c = parseCorrection(text);
  return c.isCorrection && c.rest ? { kind: 'correction', score: 0.9, describe: '更正上一条' } : null;
};

const contentIntent: IntentDetector = (text, ctx) => {
  const pains = ctx.matchPainPoints?.(text) ?? [];
  return pains.length ? { kind: 'report_content', score: 0.6, describe: '记到拜访纪要' } : null;
};

// outside a yes/no question, 好的 / ok are acknowledgements, below the floor
const yesNoIntent: IntentDetector = (text, ctx) => {
  const score = ctx.awaitingYesNo ? 0.97 : 0.45;
  if (isYes(text)) return { kind: 'yes', score, describe: '确认' };
  if (ctx.awaitingYesNo ? answersNo(text) : isNo(text)) return { kind: 'no', score, describe: '否' };
  return null;
};

const SMALL_TALK = /^(早上好|早安|上午好|下午好|晚上好|晚安|你好|您好|在吗|在不在|谢谢|多谢|辛苦了|收到|好的收到|哈喽|hello|hi|测试|测试一下)[!！。~～]*$/i;

const noiseIntent: IntentDetector = (text, ctx) => {
  if (detectCommand(text)) return null; // "？" is 帮助
  if (ctx.awaitingYesNo && isYes(text)) return null; // "嗯嗯" answers 确认提交吗
  return isNoise(text) || SMALL_TALK.test(text.trim()) ? { kind: 'noise', score: 0.98, describe: '闲聊' } : null;
};

const DETECTORS: IntentDetector[] = [
  noiseIntent, commandIntent, declineIntent, yesNoIntent, correctionIntent, stageIntent, changeIntent, roleIntent, dateIntent, looseDateIntent, contentIntent,
];

/** Adds an intent (talk-track questions, daily-report edits …); it competes with the others on its score. */
export function registerIntent(detector: IntentDetector): void {
  if (!DETECTORS.includes(detector)) DETECTORS.push(detector);
}

/** Every reading of the message, best first. */
export function rankIntents(text: string, ctx: IntentContext): ScoredIntent[] {
  return DETECTORS.map((d) => d(text, ctx)).filter((x): x is ScoredIntent => !!x && x.score > 0).sort((a, b) => b.score - a.score);
}

export interface RoutedIntent {
  best: ScoredIntent | null;
  ranked: ScoredIntent[];
  /** Set when the best two readings are too close to choose: ask this instead of acting. */
  clarify: string | null;
  /** What the learned reader said, when the rules were silent and it was asked. */
  learned?: LearnedReading;
  /** The learned readings a clarifying question offers, in the order it names them (answered 1, 2 or 是). */
  choices?: ScoredIntent[];
  /** What was being asked when the learned reader read the words: an answer to its question is learned with it. */
  asked?: AskedContext;
}

/** Readings that go together rather than compete: a role said with a date is one report message. */
const COMPATIBLE = new Set(['role_statement|date_answer', 'contact_change|role_statement', 'contact_change|date_answer',
  'report_content|date_answer', 'report_content|role_statement', 'correction|date_answer', 'correction|role_statement', 'yes|command', 'no|command']);

export function routeIntent(text: string, ctx: IntentContext): RoutedIntent {
  const ranked = rankIntents(text, ctx);
  const [a, b] = ranked;
  // a stance (李明很支持我们), a role denied or asked (不是他拍板) or a photo tag: read by the rules, without an intent of its own
  const slotsRead = () => !!detectAttitude(text) || mentionsRole(text) || !!detectPhotoTag(text, ctx.photoTags ?? []);
  if (!a || a.score < INTENT_FLOOR) return slotsRead() ? { best: null, ranked, clarify: null } : learnedRoute(text, ctx, ranked);
  if (a.score < RULES_SURE && !slotsRead()) {
    // a weak rule reading gives way only to a sure learned one of another family, never to a question — and a customer's
    // pain point (友商在抢这个单子) never to a learned command: the rules know every command's words, the reader only its neighbours
    const learned = learnedRoute(text, ctx, ranked);
    const painToCommand = a.kind === 'report_content' && learned.best?.kind === 'command';
    if (learned.best && !learned.clarify && learned.best.kind !== a.kind && !painToCommand) return learned;
  }
  const close = b && b.score >= INTENT_FLOOR && a.score - b.score < INTENT_MARGIN && b.kind !== a.kind
    && !COMPATIBLE.has(`${a.kind}|${b.kind}`) && !COMPATIBLE.has(`${b.kind}|${a.kind}`);
  return { best: a, ranked, clarify: close ? `你是想${a.describe}，还是${b.describe}？` : null };
}

// The learned fallback ---------------------------------------------------------------------------

const CHANGE_NAMES: Record<string, string> = { left: '离职', transferred: '调岗', joined: '新来的人', reporting_changed: '汇报关系变化' };

/** The intent a learned family stands for, scored by the reader's probability. */
export function learnedIntent(label: string, p: number): ScoredIntent {
  const [family, detail = ''] = label.split(':');
  const base = { score: p, learned: label };
  switch (family) {
    case 'cmd': return { ...base, kind: 'command', command: detail as Command, describe: COMMAND_NAMES[detail as Command] ?? detail };
    case 'role': return { ...base, kind: 'role_statement', describe: `记下决策链角色“${detail}”` };
    case 'stance': return { ...base, kind: 'stance', describe: `记下对方的态度“${detail}”` };
    case 'change': return { ...base, kind: 'contact_change', describe: `记下联系人变动（${CHANGE_NAMES[detail] ?? detail}）` };
    case 'date': return { ...base, kind: 'date_answer', describe: '记一个时间' };
    case 'content': return { ...base, kind: 'report_content', describe: '记到拜访纪要' };
    case 'yes': return { ...base, kind: 'yes', describe: '确认' };
    case 'no': return { ...base, kind: 'no', describe: '否' };
    default: return { ...base, kind: 'noise', describe: '闲聊' };
  }
}

/**
 * What a learned family can act on by itself. A date or report content the rules could not read leaves nothing to
 * record (the date parser and the pain-point library found nothing); a yes or a no answers a yes/no question only.
 */
function actionable(a: ScoredIntent, ctx: IntentContext): boolean {
  if (a.kind === 'yes' || a.kind === 'no') return !!ctx.awaitingYesNo;
  return a.kind !== 'date_answer' && a.kind !== 'report_content' && a.kind !== 'noise';
}

/** What the bot was waiting for, as the learned reader and its examples name it. */
export function askedOf(ctx: Pick<IntentContext, 'awaitingYesNo' | 'pendingSlot'>): AskedContext {
  if (ctx.awaitingYesNo) return 'yesno';
  if (ctx.pendingSlot === 'fields.nextContactAt') return 'next';
  if (ctx.pendingSlot === 'fields.decisionRole') return 'role';
  return '-';
}

/**
 * No rule read the message: the learned reader names its family. It acts when sure and clear of the
 * runner-up (the setting 机器人理解的把握), or as the organisation's reps answered the same words before; asks a short question when it leans but is not sure —
 * a wrong command or a wrong role costs the rep more than one question — and otherwise reads nothing.
 */
function learnedRoute(text: string, ctx: IntentContext, ranked: ScoredIntent[]): RoutedIntent {
  const asked = askedOf(ctx);
  const learned = readForOrganisation(text, { now: ctx.now, contacts: ctx.contacts ?? [], asked });
  const a = learnedIntent(learned.label, learned.p);
  if (learned.verdict === 'none' || !actionable(a, ctx)) return { best: null, ranked, clarify: null, learned };
  if (learned.verdict === 'act') return { best: a, ranked: [a, ...ranked], clarify: null, learned };
  const second = learned.second ? learnedIntent(learned.second.label, learned.second.p) : null;
  // 跳过 is never the other reading offered: "都不是" already leaves the question as it was
  const b = second && actionable(second, ctx) && second.command !== 'skip' ? second : null;
  const clarify = b ? `你是想1.${a.describe}，还是2.${b.describe}？都不是就回复“不是”。` : `你是想${a.describe}吗？`;
  return { best: a, ranked: [a, ...ranked], clarify, learned, choices: b ? [a, b] : [a], asked };
}
