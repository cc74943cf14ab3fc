import { expect } from 'chai';
import { encrypt, getSignature } from '@wecom/crypto';
import { decryptCallback, encryptReply, verifyUrl, type CallbackCryptoConfig } from '../../../core/wecom/callback-crypto.js';
import { buildUpdateButtonReply } from '../../../core/wecom/callback-reply.js';
import { AppError, type ErrorCode } from '../../../core/errors.js';
import { buildEncryptedCallback, buildVerifyQuery, decryptReplyEnvelope } from '../../support/fake-wecom.js';

const cfg: CallbackCryptoConfig = {
  token: 'QDG6eK',
  encodingAESKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  corpId: 'ww0123456789abcdef',
};
const textXml = (content = '拜访完成', msgId = '7283046591028374650') =>
  `<xml><ToUserName><![CDATA[${cfg.corpId}]]></ToUserName><FromUserName><![CDATA[wangwu]]></FromUserName>` +
  `<CreateTime>1735700000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content>` +
  `<MsgId>${msgId}</MsgId><AgentID>1000002</AgentID></xml>`;

function expectCallbackError(fn: () => unknown, code: ErrorCode, status: number): void {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(AppError);
    expect(err).to.include({ code, status });
    return;
  }
  expect.fail(`expected ${code}`);
}

describe('verifyUrl (GET URL verification)', () => {
  it('returns the decrypted echostr for a correctly signed request', () => {
    expect(verifyUrl(buildVerifyQuery({ ...cfg, echo: '1234567890123' }), cfg)).to.equal('1234567890123');
  });

  it('still verifies when the query parser turned "+" in echostr into spaces', () => {
    let query = buildVerifyQuery({ ...cfg, echo: 'hello' });
    for (let i = 0; !query.echostr.includes('+') && i < 200; i++) query = buildVerifyQuery({ ...cfg, echo: `hello${i}` });
    expect(query.echostr).to.include('+');
    const echo = verifyUrl({ ...query, echostr: query.echostr.replace(/\+/g, ' ') }, cfg);
    expect(echo).to.match(/^hello/);
  });

  it('rejects a wrong signature with 403', () => {
    const query = buildVerifyQuery({ ...cfg, echo: 'hello' });
    expectCallbackError(() => verifyUrl({ ...query, msg_signature: '0'.repeat(40) }, cfg), 'CALLBACK_SIGNATURE_INVALID', 403);
  });

  it('rejects an echostr encrypted for another corp', () => {
    expectCallbackError(() => verifyUrl(buildVerifyQuery({ ...cfg, corpId: 'wwOTHER', echo: 'hi' }), cfg), 'CALLBACK_RECEIVER_MISMATCH', 403);
  });

  it('rejects missing or repeated parameters as invalid payloads', () => {
    const query = buildVerifyQuery({ ...cfg, echo: 'hello' });
    expectCallbackError(() => verifyUrl({ ...query, nonce: undefined }, cfg), 'CALLBACK_PAYLOAD_INVALID', 400);
    expectCallbackError(() => verifyUrl({ ...query, timestamp: [query.timestamp, '1'] }, cfg), 'CALLBACK_PAYLOAD_INVALID', 400);
  });
});

describe('decryptCallback (POST)', () => {
  it('decrypts a signed text message and keeps the 64-bit MsgId exact', () => {
    const { query, body } = buildEncryptedCallback({ ...cfg, xml: textXml() });
    const msg = decryptCallback(query, body, cfg);
    expect(msg).to.deep.include({ kind: 'text', content: '拜访完成', msgId: '7283046591028374650', fromUserId: 'wangwu', createTime: 1735700000 });
    expect(msg.dedupeKey).to.equal('msg:7283046591028374650');
  });

  it('accepts the body as a Buffer', () => {
    const { query, body } = buildEncryptedCallback({ ...cfg, xml: textXml() });
    expect(decryptCallback(query, Buffer.from(body), cfg).kind).to.equal('text');
  });

  it('rejects a body whose Encrypt was tampered with', () => {
    const { query, body } = buildEncryptedCallback({ ...cfg, xml: textXml() });
    const other = encrypt(cfg.encodingAESKey, textXml('转账给我'), cfg.corpId);
    const forged = body.replace(/<Encrypt><!\[CDATA\[.*?\]\]><\/Encrypt>/, `<Encrypt><![CDATA[${other}]]></Encrypt>`);
    expectCallbackError(() => decryptCallback(query, forged, cfg), 'CALLBACK_SIGNATURE_INVALID', 403);
  });

  it('rejects a message encrypted for another receiveid', () => {
    const { query, body } = buildEncryptedCallback({ ...cfg, corpId: 'wwOTHER', xml: textXml() });
    expectCallbackError(() => decryptCallback(query, body, cfg), 'CALLBACK_RECEIVER_MISMATCH', 403);
  });

  it('refuses a DOCTYPE in the outer envelope before parsing', () => {
    const { query, body } = buildEncryptedCallback({ ...cfg, xml: textXml() });
    const evil = `<!DOCTYPE xml [<!ENTITY lol "lol">]>${body}`;
    expectCallbackError(() => decryptCallback(query, evil, cfg), 'CALLBACK_XML_FORBIDDEN', 400);
  });

  it('refuses an ENTITY declaration inside the encrypted payload', () => {
    const inner = `<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>${textXml('&x;')}`;
    const { query, body } = buildEncryptedCallback({ ...cfg, xml: inner });
    expectCallbackError(() => decryptCallback(query, body, cfg), 'CALLBACK_XML_FORBIDDEN', 400);
  });

  it('rejects an oversize body with 413 before any crypto', () => {
    const { query } = buildEncryptedCallback({ ...cfg, xml: textXml() });
    const huge = `<xml><Encrypt><![CDATA[${'A'.repeat(70 * 1024)}]]></Encrypt></xml>`;
    expectCallbackError(() => decryptCallback(query, huge, cfg), 'CALLBACK_PAYLOAD_TOO_LARGE', 413);
  });

  it('rejects malformed XML and a body without Encrypt', () => {
    const { query } = buildEncryptedCallback({ ...cfg, xml: textXml() });
    expectCallbackError(() => decryptCallback(query, '<xml><Encrypt>abc</xml>', cfg), 'CALLBACK_PAYLOAD_INVALID', 400);
    expectCallbackError(() => decryptCallback(query, '<xml><ToUserName>x</ToUserName></xml>', cfg), 'CALLBACK_PAYLOAD_INVALID', 400);
  });

  it('rejects correctly signed garbage that does not decrypt', () => {
    const enc = Buffer.from('not aes at all, just bytes').toString('base64');
    const query = { msg_signature: getSignature(cfg.token, '1', '2', enc), timestamp: '1', nonce: '2' };
    expectCallbackError(() => decryptCallback(query, `<xml><Encrypt><![CDATA[${enc}]]></Encrypt></xml>`, cfg), 'CALLBACK_PAYLOAD_INVALID', 400);
  });

  it('rejects a known message type that misses required fields', () => {
    const xml = textXml().replace(/<Content>.*?<\/Content>/, '');
    const { query, body } = buildEncryptedCallback({ ...cfg, xml });
    expectCallbackError(() => decryptCallback(query, body, cfg), 'CALLBACK_PAYLOAD_INVALID', 400);
  });

  it('fails loudly on a misconfigured EncodingAESKey instead of blaming WeCom', () => {
    const { query, body } = buildEncryptedCallback({ ...cfg, xml: textXml() });
    expect(() => decryptCallback(query, body, { ...cfg, encodingAESKey: 'short' })).to.throw(/EncodingAESKey/);
  });
});

describe('encryptReply (passive reply envelope)', () => {
  it('round-trips through the way WeCom opens replies, reusing the request nonce', () => {
    const plain = buildUpdateButtonReply({ toUser: 'mgr_li', corpId: cfg.corpId, replaceName: '已认领', createTime: 1735700001 });
    const envelope = encryptReply(plain, '1372623149', cfg, { timestamp: 1735700001 });
    expect(envelope).to.match(/^<xml><Encrypt><!\[CDATA\[.+\]\]><\/Encrypt><MsgSignature><!\[CDATA\[[0-9a-f]{40}\]\]><\/MsgSignature><TimeStamp>1735700001<\/TimeStamp><Nonce><!\[CDATA\[1372623149\]\]><\/Nonce><\/xml>$/);
    const opened = decryptReplyEnvelope(envelope, cfg);
    expect(opened).to.deep.equal({ plainXml: plain, receiveid: cfg.corpId, timestamp: '1735700001', nonce: '1372623149' });
    expect(plain).to.include('<MsgType><![CDATA[update_button]]></MsgType><Button><ReplaceName><![CDATA[已认领]]></ReplaceName></Button>');
  });
});
