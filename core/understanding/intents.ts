/**
 * Whole-message intents: commands (我的任务, 撤销 …), yes/no answers,
 * corrections ("不对，是下周四"), photo tags and deal stage moves ("华联的单子
 * 进入商务条款磋商了"). Pure functions over text.
 *
 *   detectCommand('我的任务') // 'my_tasks'
 *   parseCorrection('不对，是下周四') // { isCorrection: true, rest: '下周四' }
 *   detectStageMove('华联的单子进入商务条款磋商了', positions) // { customerText: '华联', target: { …commercial_terms } }
 */

export type Command =
  | 'help' | 'my_tasks' | 'my_deals' | 'today_visits' | 'daily_report' | 'undo' | 'skip' | 'submit' | 'cancel' | 'status' | 'link_orders' | 'unlink_orders' | 'same_as_last';

const COMMANDS: Array<[Command, RegExp]> = [
  ['help', /^(帮助|help|\?|？|菜单|功能|你能做什么|能做什么|怎么用|使用说明|你会什么|h)$/i],
  ['my_tasks', /^(我的)?(任务|事项|待办)(列表)?$|^(今日|今天的)(任务|待办)$|^(查看|看看)?我的(任务|事项|待办)$/],
  ['my_deals', /^(我的)?(商机|单子)(列表)?$|^(查看|看看)?我的(商机|单子)$/],
  ['today_visits', /^(今日|今天)(的)?拜访(情况|记录)?$|^今天拜访了哪些$/],
  ['daily_report', /^(写|填|交|提交)?(今天的|今日)?日报$|^写日报$/],
  ['undo', /^(撤销|撤消|撤回|回退|撤销上一步|上一步写错了|undo)$/i],
  ['skip', /^(跳过|略过|先跳过|这个跳过|不填了|没有照片时间|skip)$/i],
  ['submit', /^(提交|提交报告|提交拜访|提交吧|可以提交了|交了吧|报告提交)$/],
  ['cancel', /^(取消|算了|退出|不写了|先不弄了|结束)$/],
  ['status', /^(还差什么|还差啥|缺什么|还缺什么|还差哪些|进度|状态|检查一下|看看还差什么)$/],
  ['link_orders', /^(关联订单|关联全部订单|全部关联|都关联|关联|关联一下订单)$/],
  ['unlink_orders', /^(不关联订单|订单不关联|不要关联订单|取消关联订单|订单不对|订单关联错了|订单先不关联)$/],
  ['same_as_last', /^(同上次|和上次一样|跟上次一样|与上次相同|同上|照旧|还是老样子|沿用上次|跟上回一样|和上回一样)$/],
];

/** Strips the politeness and punctuation around a command ("好的，帮助一下吧！" → "帮助"). */
export function commandText(text: string): string {
  return text
    .trim()
    .replace(/[\s，。！!？?、~～…]+$/g, '')
    .replace(/^[\s，。！!、]+/, '')
    .replace(/^(请|麻烦|帮我|那|好的[，,]?|嗯[，,]?)/, '')
    .replace(/(一下|吧|呢|啊|呀|哈)$/, '');
}

export function detectCommand(text: string): Command | null {
  if (/^\s*[?？]+\s*$/.test(text)) return 'help';
  const t = commandText(text);
  if (t.length > 16) return null;
  for (const [cmd, re] of COMMANDS) if (re.test(t)) return cmd;
  return null;
}

const YES = /^(是|是的|对|对的|确认|确认提交|确认无误|无误|确定|好|好的|可以|行|没问题|提交|ok|okay|yes|y|嗯|嗯嗯|👌|👍|没错|交吧|交|提交吧|就这样|就这样吧|可以提交|发吧|(可以|能|行|好)(提交|交|发)|没(啥|什么)?问题|没毛病|妥了?|好嘞|好咧|好滴|好哒|好勒|得嘞|中|成|阔以|可以哒|(那|那就|就)(交|发|提交)|(交|发)了?)$/i;
const NO = /^(不|不是|否|不用|不要|先不|先不要|先别|不要了|暂时不|别提交|先不提交|等等|等一下|no|n|不对|不提交|再改改|还要改|不行|不可以|别急|不急|稍等)$/i;
/** "先别提交", "暂时不要交", "等一下再提交", "我再改改": holding the submission back. */
const HOLD = /^(先不|先别|先不要|暂时不|暂时别|等等|等一下|等下|稍等|等会儿?)$|^(先|暂时|暂且|还|现在)?(别|不要|不|不用|不能|别急着|不急着)(急着)?(提交|交|发)(了)?$|^(等等|等一下|等会儿?|稍等)(再)?(提交|交|发)?$|^(我)?(再|还要|还得|要)(改改|改一下|改下|改|看看|检查一下|核对一下|想想)$|^(我)?(要|想|还要|得)改.{1,6}$/;

/**
 * Putting a yes/no question off without a no word: 算了吧, 先不了, 再想想, 回头吧. Only an answer to the question
 * asked (确认提交吗？ → the draft stays); said with nothing asked, 算了 keeps its own meaning (取消).
 */
const NOT_NOW = /^(还是|那|那就|那还是)?(算了|先不了|先别了?|不用了|不急|再说|等等再说|等会儿?再说|回头再说|回头|以后再说|改天|改天再说|下次|下次吧|过会儿?|(我)?(再|还要|还得)(想想|考虑考虑|考虑一下|琢磨琢磨|看一下))$/;

const bare = (text: string) => text.trim().replace(/[\s，。！!？?、~～…]+$/g, '');
/** "对的，提交" / "好的 交吧": an answer said in several short parts. */
const parts = (text: string) => text.split(/[\s，,。！!、~～…]+/).map((p) => p.replace(/(吧|呢|啊|呀|哈|了)+$/, '')).filter(Boolean);

export function isYes(text: string): boolean {
  const t = bare(text);
  // "OK的", "嗯嗯可以": a yes with a particle before or after it
  if (YES.test(t) || YES.test(commandText(text)) || YES.test(t.replace(/的$/, '')) || YES.test(t.replace(/^(嗯+|好的?|对的?)(?=.)/, ''))) return true;
  const p = parts(text);
  return p.length > 1 && p.every((x) => YES.test(x));
}

/** A no to the yes/no question pending: a no word, or putting it off (算了吧, 再想想) — the question's, not the draft's. */
export function answersNo(text: string): boolean {
  if (isNo(text)) return true;
  // "算了，先不交": putting off first, then any other no; 了 is part of 算了, only the particles go
  const p = text.split(/[\s，,。！!、~～…]+/).map((x) => x.replace(/^(嗯+|哦+|呃+)/, '').replace(/(吧|呢|啊|呀|哈)+$/, '')).filter(Boolean);
  return p.length > 0 && NOT_NOW.test(p[0]) && p.every((x) => NOT_NOW.test(x) || isNo(x));
}

export function isNo(text: string): boolean {
  if (NO.test(bare(text)) || NO.test(commandText(text)) || HOLD.test(commandText(text))) return true;
  const p = parts(text);
  // "先不提交，我补张照片": holding back, then why (a plain 不对 may begin a correction instead)
  if (p.length > 1 && HOLD.test(p[0])) return true;
  return p.length > 1 && p.some((x) => NO.test(x) || HOLD.test(x)) && p.every((x) => NO.test(x) || HOLD.test(x) || YES.test(x));
}

const CORRECTION_START = /^(?:(?:时间|日期|角色|这个|那个|刚才|刚刚|上面|前面|上一?条)(?:说的|写的|的)?(?:那一?条|这一?条|那个|这个)?)?(不对|不是|错了|搞错了|说错了|写错了|记错了|弄错了|更正|纠正|改一下|改成|改为|应该是|修改)[，,。\s:：]*/;
const CORRECTION_TARGET = /(?:改成|改为|应该是|换成|其实是|而是|是)([^是]*)$/;

/**
 * A correction replaces what the rep said last. `rest` is everything after
 * "不对，"; `focus` is what follows the last 是/改成 ("不是明天，是后天" →
 * "后天"), where the new value usually is.
 */
export function parseCorrection(text: string): { isCorrection: boolean; rest: string; focus: string } {
  const t = text.trim();
  const start = CORRECTION_START.exec(t);
  if (!start) return { isCorrection: false, rest: t, focus: t };
  const rest = t.slice(start[0].length).trim();
  // "不是刘伟拍板" / "不是明天" deny what follows and say nothing new: there is nothing to read from it
  if (/^不是/.test(start[1]) && !CORRECTION_TARGET.test(rest)) return { isCorrection: true, rest: '', focus: '' };
  const target = CORRECTION_TARGET.exec(rest)?.[1]?.trim();
  return { isCorrection: true, rest, focus: target || rest };
}

/** Words reps use for the standard photo tags. */
const TAG_WORDS: Record<string, RegExp> = {
  门头照: /门头|门店外观|门脸|招牌|店门口|外立面|大门/,
  合影: /合影|合照|一起拍|和.{1,4}拍|自拍|与.{1,4}拍/,
  陈列照: /陈列|货架|排面|堆头|端架|地堆|货柜|冰柜/,
};

/** The tag a text names, among `tags` (configured requirement tags are matched verbatim). */
export function detectPhotoTag(text: string, tags: readonly string[]): string | null {
  for (const tag of tags) if (text.includes(tag)) return tag;
  for (const [tag, re] of Object.entries(TAG_WORDS)) if (tags.includes(tag) && re.test(text)) return tag;
  return null;
}

/** Messages that carry nothing to read: emoji, punctuation, a lone letter. */
export function isNoise(text: string): boolean {
  const t = text.replace(/[\s\p{P}\p{S}\p{Emoji_Presentation}\p{Extended_Pictographic}\u200d\ufe0f]/gu, '');
  return t.length === 0 || /^[a-z]$/i.test(t) || /^(哈+|呵+|嗯+|啊+|哦+|额+|呃+)$/.test(t);
}

// Deal stage moves ---------------------------------------------------------------------

export interface NamedPosition {
  stageKey: string;
  subStageKey: string | null;
  /** What reps say: the sub-stage's own name (商务条款磋商), or the stage's (合同签约). */
  name: string;
}

export interface StageMoveMention {
  customerText: string;
  target: NamedPosition;
}

const MOVE = /^(.{1,20}?)(?:那边|这边)?(?:的)?(?:单子|商机|项目|这单|那单|生意)?(?:已经|现在|今天|刚刚|刚)?(?:进入|进到|推进到|推到|走到|转入|到了|进了|到)了?(.{2,20}?)(?:阶段|环节|这一步|那一步)?(?:了|啦)?$/;

const clean = (s: string) => s.trim().replace(/[\s，。！!？?、~～…]+$/g, '');

/** The pipeline's positions under the names reps use: each sub-stage by its own name, each stage by its name. */
export function namedPositions(pipeline: { stages: Array<{ key: string; name: string; subStages?: Array<{ key: string; name: string }> }> }): NamedPosition[] {
  return pipeline.stages.flatMap((s) => [
    { stageKey: s.key, subStageKey: null, name: s.name },
    ...(s.subStages ?? []).map((sub) => ({ stageKey: s.key, subStageKey: sub.key, name: sub.name })),
  ]);
}

export function detectStageMove(text: string, positions: readonly NamedPosition[]): StageMoveMention | null {
  const m = MOVE.exec(clean(text));
  if (!m) return null;
  const customerText = m[1].replace(/(的|那边|这边)$/, '').trim();
  const said = m[2].trim();
  if (!customerText) return null;
  // the exact name first, then the longest name the words contain (商务条款磋商 before 商务谈判 for 商务条款磋商阶段)
  const exact = positions.find((p) => p.name === said);
  const contained = [...positions].sort((a, b) => b.name.length - a.name.length).find((p) => said.includes(p.name));
  const target = exact ?? contained;
  return target ? { customerText, target } : null;
}
