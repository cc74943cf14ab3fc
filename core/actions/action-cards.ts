/**
 * The Chinese WeCom text cards of the action flow, one function per message.
 * Each says what happened, to which customer, and what to do next; the card
 * links to the action in the H5 app.
 */
import type { NotifyTemplate } from '../flow/action-machine.js';
import { chineseDateTime } from '../flow/time.js';
import type { RuleFailure } from '../flow/types.js';
import { textCard, textMessage, type OutboxMessage } from '../outbox/enqueue.js';

export interface ActionSummary {
  id: number;
  title: string;
  customerName: string;
  definitionName: string;
  assigneeName: string;
  dueAt: Date | null;
}

type Card = Pick<OutboxMessage, 'msgtype' | 'payload'>;

export function actionUrl(publicUrl: string, actionId: number): string {
  return `${publicUrl}/actions/${actionId}`;
}

const due = (a: ActionSummary) => (a.dueAt ? `截止：${chineseDateTime(a.dueAt)}` : '无截止时间');

function firstFailures(failures: readonly RuleFailure[], n = 3): string {
  const errors = failures.filter((f) => f.severity === 'error');
  const lines = errors.slice(0, n).map((f, i) => `${i + 1}. ${f.message}`);
  if (errors.length > n) lines.push(`……共${errors.length}项未通过`);
  return lines.join('\n');
}

export function dispatchedCard(a: ActionSummary, assignerName: string, requirements: string[], url: string): Card {
  const need = requirements.length ? `\n额外要求：${requirements.join('、')}` : '';
  return textCard(`新事项：${a.title}`, `客户：${a.customerName}\n类型：${a.definitionName}\n派发人：${assignerName}\n${due(a)}${need}`, url, '去办理');
}

export function rejectionTodoCard(a: ActionSummary, failures: readonly RuleFailure[], url: string): Card {
  return textCard(
    `待跟进：${a.assigneeName}的「${a.title}」提交未通过`,
    `客户：${a.customerName}\n今日提交未通过校验，请了解情况并协助：\n${firstFailures(failures)}`,
    url, '查看',
  );
}

export function verifyTodoCard(a: ActionSummary, phoneOnly: boolean, url: string): Card {
  const how = phoneOnly ? '（仅电话完成，没有现场证据，请核实）' : '';
  return textCard(`待核验：${a.assigneeName}提交了「${a.title}」`, `客户：${a.customerName}\n类型：${a.definitionName}${how}\n请核验通过或驳回。`, url, '去核验');
}

export function escalationTodoCard(a: ActionSummary, url: string): Card {
  return textCard(`已升级：「${a.title}」逾期未完成`, `负责人：${a.assigneeName}\n客户：${a.customerName}\n${due(a)}\n请督办。`, url, '去督办');
}

/** The message for a `notify` effect of core/flow/action-machine.ts (a card, but for the one the recipient can no longer open). */
export function notifyCard(template: NotifyTemplate, a: ActionSummary, data: Record<string, unknown>, url: string): Card {
  const who = `客户：${a.customerName}`;
  switch (template) {
    case 'submission_failed':
      return textCard(`「${a.title}」提交未通过校验`, `${who}\n请按以下提示补充后重新提交：\n${firstFailures((data.failures ?? []) as RuleFailure[])}`, url, '去补充');
    case 'verified':
      return textCard(`「${a.title}」已核验通过`, `${who}${data.comment ? `\n主管意见：${String(data.comment)}` : ''}`, url);
    case 'rejected_by_manager':
      return textCard(`「${a.title}」被主管驳回`, `${who}\n驳回原因：${String(data.reason ?? '')}\n请修改后重新提交。`, url, '去修改');
    case 'overdue':
      return textCard(`「${a.title}」已逾期`, `${who}\n${due(a)}\n请尽快完成并提交。`, url, '去办理');
    case 'escalated':
      return escalationTodoCard(a, url);
    case 'reopened':
      return textCard(`「${a.title}」已重新打开`, `${who}\n原因：${String(data.reason ?? '')}`, url, '去办理');
    case 'cancelled':
      return textCard(`「${a.title}」已取消`, `${who}\n原因：${String(data.reason ?? '')}\n不用再办理了。`, url);
    case 'reassigned':
      return textCard(`转派给你的事项：${a.title}`, `${who}\n${due(a)}`, url, '去办理');
    case 'reassigned_away': {
      // plain text, not a card: the previous assignee can no longer open the action
      const why = data.reason ? `\n原因：${String(data.reason)}` : '';
      return textMessage(`「${a.title}」（客户：${a.customerName}）已由${String(data.byName)}转派给${a.assigneeName}，你无需继续办理。${why}`);
    }
  }
}
