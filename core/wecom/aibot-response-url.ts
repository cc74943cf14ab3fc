/**
 * The 智能机器人's response_url (reference §9 A, 主动回复消息): one POST per message, within an hour
 * of it, of a markdown answer — the way an answer that missed the stream's 6 minutes still reaches
 * the member. Plain JSON, no encryption; WeCom answers `{errcode, errmsg}`.
 *
 *   await postAibotResponse(row.responseUrl, '你有2个待办…', 'MSGID');
 */
import { AppError } from '../errors.js';

const POST_TIMEOUT_MS = 10_000;

export async function postAibotResponse(url: string, content: string, feedbackId: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, signal: AbortSignal.timeout(POST_TIMEOUT_MS),
      body: JSON.stringify({ msgtype: 'markdown', markdown: { content, feedback: { id: feedbackId } } }),
    });
  } catch (err) {
    throw new AppError('AIBOT_REPLY_REFUSED', { reason: err instanceof Error ? err.message : String(err) });
  }
  const body = await res.json().catch(() => null) as { errcode?: number; errmsg?: string } | null;
  if (!res.ok || body?.errcode !== 0) throw new AppError('AIBOT_REPLY_REFUSED', { status: res.status, errcode: body?.errcode, errmsg: body?.errmsg });
}
