/**
 * What the deliverer does after a failed send, decided from the WeCom error's
 * classification (core/wecom/wecom-errors.ts), with a Chinese reason an admin
 * reads on the outbox page.
 *
 *   const d = decideFailure(err, attempts, recipient); // { kind: 'retry', delayMs, reason } | { kind: 'fail', reason } | …
 */
import { WecomApiError, WecomError, WecomRequestInvalidError, WecomTransportError } from '../wecom/wecom-errors.js';

export type FailureDecision =
  /** Try the same message again after delayMs. */
  | { kind: 'retry'; delayMs: number; reason: string }
  /** This message can never succeed: status failed. */
  | { kind: 'fail'; reason: string }
  /** Something an operator must fix (secret, IP allow-list, permissions): stop this run, retry much later. */
  | { kind: 'halt'; delayMs: number; reason: string };

/** After this many attempts a retryable failure is given up (≈ 1 hour of backoff). */
export const MAX_ATTEMPTS = 10;
const MINUTE = 60_000;

const code = (err: WecomError) => (err instanceof WecomApiError ? `，错误码 ${err.errcode}` : '');

export function decideFailure(err: unknown, attempts: number, recipient: string): FailureDecision {
  if (!(err instanceof WecomError)) {
    const msg = err instanceof Error ? err.message : String(err);
    return retryOrGiveUp(attempts, backoff(attempts, 10_000), `发送时出现内部错误：${msg.slice(0, 200)}`);
  }
  switch (err.kind) {
    case 'invalid_user':
      return { kind: 'fail', reason: `接收人「${recipient}」不存在、已离职或不在应用可见范围内${code(err)}` };
    case 'bug':
    case 'invalid_request': {
      const detail = err instanceof WecomRequestInvalidError ? err.issues.join('；') : err.message;
      return { kind: 'fail', reason: `消息内容不符合企业微信要求${code(err)}：${detail.slice(0, 300)}` };
    }
    case 'busy':
      // 45009/45033 lift after the limit window (about a minute); -1 is a momentary hiccup
      return retryOrGiveUp(attempts, err instanceof WecomApiError && err.errcode !== -1 ? Math.min(attempts, 10) * MINUTE : backoff(attempts, 10_000),
        `企业微信繁忙或触发频率限制${code(err)}，稍后自动重试`);
    case 'transport':
      return retryOrGiveUp(attempts, backoff(attempts, 10_000),
        `无法连接企业微信（${err instanceof WecomTransportError ? err.detail : err.message}），稍后自动重试`);
    case 'token':
      return retryOrGiveUp(attempts, backoff(attempts, 30_000), `企业微信访问令牌被拒绝${code(err)}，稍后自动重试`);
    case 'config':
      return { kind: 'halt', delayMs: 5 * MINUTE,
        reason: `企业微信配置问题${code(err)}（${err.message.slice(0, 120)}），请管理员检查应用密钥、可信IP和可见范围；5分钟后重试` };
    case 'unknown':
      return { kind: 'halt', delayMs: 5 * MINUTE, reason: `企业微信返回未知错误（${err.message.slice(0, 160)}），请管理员查看；5分钟后重试` };
  }
}

function retryOrGiveUp(attempts: number, delayMs: number, reason: string): FailureDecision {
  if (attempts >= MAX_ATTEMPTS) return { kind: 'fail', reason: `重试${attempts}次仍失败：${reason.replace(/，稍后自动重试$/, '')}` };
  return { kind: 'retry', delayMs, reason };
}

/** base · 2^(attempts-1), at most 10 minutes. */
export function backoff(attempts: number, baseMs: number): number {
  return Math.min(10 * MINUTE, baseMs * 2 ** Math.max(0, attempts - 1));
}
