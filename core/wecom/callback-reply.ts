/**
 * Plaintext passive replies (§2.3, §4.4), to be wrapped by encryptReply.
 * A passive reply must leave within the 5 s callback window; anything slower
 * goes out later through message/send instead.
 *
 *   const xml = buildUpdateButtonReply({ toUser: msg.fromUserId, corpId, replaceName: '已认领' });
 *   ctx.body = encryptReply(xml, nonce, cfg);
 */
export interface ReplyAddress {
  /** The member who wrote or clicked (FromUserName of the callback). */
  toUser: string;
  corpId: string;
  /** Epoch seconds; defaults to now. */
  createTime?: number;
}

const TEXT_MAX_BYTES = 2048;

/** Text reply; WeCom caps Content at 2048 bytes, so longer text is cut on a character boundary. */
export function buildTextReply(to: ReplyAddress, content: string): string {
  return envelope(to, 'text', `<Content>${cdata(truncateBytes(content, TEXT_MAX_BYTES))}</Content>`);
}

/** Greys the clicked button for that member and renames it (e.g. 认领 → 已认领). */
export function buildUpdateButtonReply(to: ReplyAddress & { replaceName: string }): string {
  return envelope(to, 'update_button', `<Button><ReplaceName>${cdata(to.replaceName)}</ReplaceName></Button>`);
}

function envelope(to: ReplyAddress, msgType: string, inner: string): string {
  const createTime = to.createTime ?? Math.floor(Date.now() / 1000);
  return (
    `<xml><ToUserName>${cdata(to.toUser)}</ToUserName><FromUserName>${cdata(to.corpId)}</FromUserName>` +
    `<CreateTime>${createTime}</CreateTime><MsgType>${cdata(msgType)}</MsgType>${inner}</xml>`
  );
}

// User text may contain "]]>"; split it so it cannot close the CDATA section early.
function cdata(value: string): string {
  return `<![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

export function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (used + size > maxBytes) break;
    out += ch;
    used += size;
  }
  return out;
}
