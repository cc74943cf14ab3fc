/**
 * Every sentence the bot says, one function each, in the voice of a helpful
 * colleague: short, concrete, and always ending with what to do next.
 */
import { BUYING_ROLE_OPTIONS } from '../../core/flow/buying-centre.js';
import { UNKNOWN_MEMBER_REPLY } from '../../core/inbound/bot-message.js';
import type { DraftGap } from '../../core/actions/draft-gaps.js';
import type { FieldSpec } from '../../core/understanding/extract-slots.js';
import { truncateChars } from '../parse/truncate.js';

export const HELP_LINES = [
  '我可以帮你：',
  '· 写拜访报告：发送位置签到，发照片、语音，直接说“下周三下午再约”“采购经理刘总是拍板的人”',
  '· 我的任务：看看手上的待办（也可以问“今天有啥任务”）',
  '· 我的商机：看看手上的单子和各自的阶段',
  '· 联系人变动：直接说“刘伟调岗了，新来的王磊接替他”',
  '· 今日拜访：今天拜访了哪些客户、各还差什么',
  '· 写日报：一步步填今日完成、关键障碍、明日计划',
  '· 还差什么 / 提交 / 撤销 / 跳过 / 取消',
];

export function help(): string {
  return HELP_LINES.join('\n');
}

export function shortHelp(): string {
  return '可以说“我的任务”“今日拜访”“写日报”，或直接汇报拜访（发位置、照片，说下次什么时候再约）。回复“帮助”看全部。';
}

export function notUnderstood(text: string): string {
  const quoted = text.length > 20 ? `${truncateChars(text, 20)}…` : text;
  return `我没太看懂“${quoted}”。`;
}

export function tooLong(max: number): string {
  return `消息太长了，我只看了前${max}个字。`;
}

export const BUSY = '系统繁忙，请稍后再试。';

export function unknownMember(): string {
  return UNKNOWN_MEMBER_REPLY;
}

export function unsupported(): string {
  return '暂时只能看懂文字、照片、语音和位置哦。';
}

export function greet(name: string, open: number, drafts: number): string {
  const todo = open === 0 ? '你现在没有待办' : `你有${open}个待办${drafts > 0 ? `，其中${drafts}个报告正在填写` : ''}`;
  return `${name}你好！${todo}。回复“帮助”看看我能做什么。`;
}

const isDecisionField = (f: FieldSpec) => f.type === 'enum' && (f.options ?? []).some((o) => BUYING_ROLE_OPTIONS.includes(o));

function fieldQuestion(f: FieldSpec | undefined, g: DraftGap): string {
  const label = f?.label ?? g.name;
  if (g.code === 'FIELD_NOT_FUTURE') return `「${label}」要晚于现在，换一个以后的时间吧（比如“下周三下午”）。`;
  if (!f || (f.type ?? 'text') === 'text') return `请说一下「${label}」。`;
  if (f.type === 'datetime_future') return `${label.startsWith('下次') ? '下次什么时候再联系他们' : `「${label}」是什么时候`}？（比如“下周三下午”“12月5日上午10点”）`;
  if (f.type === 'date') return `「${label}」是哪天？（比如“12月31日”“月底”）`;
  const options = (f.options ?? []).map((o, i) => `${i + 1}.${o}`).join(' ');
  if (isDecisionField(f)) return `这次对接的人在决策链里是什么角色？可以直接说“采购经理刘总是拍板的人”，或回复序号：${options}`;
  return `「${label}」选哪个？回复序号：${options}`;
}

/** The question that fills one gap, in plain words; never a code. */
export function questionFor(g: DraftGap, fields: readonly FieldSpec[]): string {
  const d = g.failure.details ?? {};
  if (g.target.startsWith('fields.')) return fieldQuestion(fields.find((f) => `fields.${f.key}` === g.target), g);
  switch (g.code) {
    case 'ATTACHMENT_TAG_MISSING': return `请拍一${d.attachmentKind === 'voice' ? '条' : '张'}${String(d.tag)}发给我。`;
    case 'ATTACHMENTS_TOO_FEW':
      if (d.attachmentKind === 'voice') return '请发一段语音纪要，讲讲客户提到的问题和下一步安排。';
      if (d.attachmentKind === 'document') return `${g.message}（可以在应用里上传文件）`;
      return `请再发${g.name.replace(/^另外/, '')}给我。`;
    case 'CHECKIN_MISSING': return '请在客户现场发一下你的位置（点“＋”→“位置”）完成签到。';
    case 'CHECKIN_TOO_FAR': return `${g.message.replace(/。请.*$/, '。')}到了客户现场后重新发一下位置就行。`;
    case 'VOICE_TRANSCRIPT_MISSING': return '语音纪要里客户提到了哪些问题？打几个字给我就行（比如：价格偏高、账期长）。';
    case 'VOICE_KEYWORDS_TOO_FEW': return `${g.message}直接打字告诉我也可以。`;
    case 'ORDERS_NOT_LINKED': return `这家客户最近的订单要关联到报告里，回复“关联订单”我来关联。`;
    case 'PHOTO_NO_CAPTURE_TIME': return `${g.message}可以重拍后发给我，或回复“跳过”。`;
    case 'PHOTO_STALE': return g.message;
    default: return g.severity === 'warning' ? `${g.message}（可以回复“跳过”）` : g.message;
  }
}

/** '华联超市总部的拜访报告' or '「报价单生成：华联超市总部」' */
export { reportName } from '../../core/actions/report-name.js';

export function whichAction(options: ReadonlyArray<{ short: string; customerName: string }>): string {
  if (options.length === 2) return `你说的是${options[0].short}还是${options[1].short}？`;
  return `你说的是哪一家？${options.map((o, i) => `${i + 1}.${o.customerName}`).join(' ')}（回复序号或名字）`;
}

export function noOpenReport(): string {
  return '你现在没有正在填写的报告。告诉我你在拜访哪家客户（比如“在华联超市总部”），或者直接发送位置签到。';
}

export function filed(name: string, manager: string | null): string {
  return `✅ 已提交${name}${manager ? `，等待${manager}核验` : ''}。`;
}
