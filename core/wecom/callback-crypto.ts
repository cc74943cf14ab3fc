import { timingSafeEqual } from 'node:crypto';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { toInboundMessage, type InboundMessage } from './inbound-message.js';

/**
 * The 接收消息 endpoint's crypto (§4): GET URL verification, POST decryption,
 * encrypted passive replies. Everything that arrives is hostile until the
 * signature, the AES payload and the receiveid all check out.
 *
 *   ctx.body = verifyUrl(ctx.query, cfg);                    // GET
 *   const msg = decryptCallback(ctx.query, rawBody, cfg);     // POST
 *   ctx.body = encryptReply(replyXml, String(ctx.query.nonce), cfg);
 */
export interface CallbackCryptoConfig {
  token: string;
  /** 43 chars [A-Za-z0-9] from the app's 接收消息 settings. */
  encodingAESKey: string;
  /** receiveid: the CorpID for a self-built app; '' for the 智能机器人 (§9), whose envelopes carry an empty one. */
  corpId: string;
  /** Callback bodies are a few KB; anything bigger is not from WeCom (default 64 KiB). */
  maxBodyBytes?: number;
  /**
   * With a clock, a signed timestamp further than CALLBACK_WINDOW_SECONDS from it is refused
   * (403 CALLBACK_STALE): a recorded callback cannot be replayed later. WeCom retries within
   * seconds, well inside the window; a retry that is let in is still de-duplicated by MsgId.
   */
  now?: () => Date;
}

export const CALLBACK_WINDOW_SECONDS = 600;

type QueryValue = string | string[] | undefined;
export type CallbackQuery = Partial<Record<'msg_signature' | 'timestamp' | 'nonce' | 'echostr', QueryValue>>;

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const AES_KEY = /^[A-Za-z0-9]{43}$/;
// DTDs enable entity expansion (billion laughs) and external entities; WeCom never sends one.
const FORBIDDEN_XML = /<!\s*(DOCTYPE|ENTITY)/i;
// Repeated children become arrays even when only one is present.
const ARRAY_NODES = new Set(['SelectedItem', 'OptionId', 'OpitonId']);

const parser = new XMLParser({
  ignoreAttributes: true,
  // Keep every value a string: MsgId is a 64-bit integer and userids may look numeric.
  parseTagValue: false,
  // Message text is the user's; trimming would alter it.
  trimValues: false,
  isArray: (name: string) => ARRAY_NODES.has(name),
});

/** GET verification: returns the decrypted echostr, to be sent back as the raw body (no quotes, no newline). */
export function verifyUrl(query: CallbackQuery, cfg: CallbackCryptoConfig): string {
  assertCallbackConfig(cfg);
  return openEcho(query, cfg);
}

/** The 智能机器人's GET verification (§9 A): as verifyUrl, with receiveid ''. */
export function verifyAibotUrl(query: CallbackQuery, cfg: Omit<CallbackCryptoConfig, 'corpId'>): string {
  const aibot = { ...cfg, corpId: '' };
  assertKeys(aibot);
  return openEcho(query, aibot);
}

function openEcho(query: CallbackQuery, cfg: CallbackCryptoConfig): string {
  const { signature, timestamp, nonce } = signedParams(query);
  const echostr = restorePlus(single(query.echostr, 'echostr'));
  assertSignature(signature, getSignature(cfg.token, timestamp, nonce, echostr));
  return openEnvelope(echostr, cfg);
}

/** POST: verify, decrypt, check receiveid, parse safely, map to an InboundMessage. */
export function decryptCallback(query: CallbackQuery, rawBody: string | Buffer, cfg: CallbackCryptoConfig): InboundMessage {
  assertCallbackConfig(cfg);
  const plain = parseWecomXml(openSignedBody(query, rawBody, cfg, 'Encrypt', (body) => parseWecomXml(body).Encrypt));
  try {
    return toInboundMessage(plain);
  } catch (err) {
    if (err instanceof z.ZodError) {
      throw new AppError('CALLBACK_PAYLOAD_INVALID', { issues: err.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    }
    throw err;
  }
}

export interface EncryptReplyOptions {
  /** Epoch seconds; defaults to now. */
  timestamp?: number | string;
  /** 16 random bytes; injectable only so tests are deterministic. */
  random?: Buffer;
}

/**
 * The 智能机器人's JSON callback (§9 A): body `{"encrypt":"…"}`, the same signature and AES scheme
 * with receiveid ''; returns the decrypted JSON, still unvalidated (core/inbound/aibot-message.ts parses it).
 */
export function decryptJsonCallback(query: CallbackQuery, rawBody: string | Buffer, cfg: CallbackCryptoConfig): unknown {
  assertKeys(cfg);
  const opened = openSignedBody(query, rawBody, cfg, 'encrypt', (body) => JsonEnvelope.safeParse(parseJson(body, 'body')).data?.encrypt);
  return parseJson(opened, 'message');
}

/** What both callbacks' POSTs share: the size guard, the envelope's ciphertext, its signature and age, then decryption. */
function openSignedBody(
  query: CallbackQuery, rawBody: string | Buffer, cfg: CallbackCryptoConfig, field: string, ciphertextOf: (body: string) => unknown,
): string {
  const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  const max = cfg.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (Buffer.byteLength(body, 'utf8') > max) throw new AppError('CALLBACK_PAYLOAD_TOO_LARGE', { max });
  const { signature, timestamp, nonce } = signedParams(query);
  const encrypted = ciphertextOf(body);
  if (typeof encrypted !== 'string' || !encrypted) throw new AppError('CALLBACK_PAYLOAD_INVALID', { missing: field });
  assertSignature(signature, getSignature(cfg.token, timestamp, nonce, encrypted));
  if (cfg.now) assertFresh(timestamp, cfg.now());
  return openEnvelope(encrypted, cfg);
}

/** The 智能机器人's reply (§9 A): the plaintext JSON encrypted and signed, with the request's nonce. */
export function encryptJsonReply(plain: unknown, nonce: string, cfg: CallbackCryptoConfig, opts: EncryptReplyOptions = {}) {
  assertKeys(cfg);
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const encrypted = encrypt(cfg.encodingAESKey, JSON.stringify(plain), cfg.corpId, opts.random);
  return { encrypt: encrypted, msgsignature: getSignature(cfg.token, timestamp, nonce, encrypted), timestamp: Number(timestamp), nonce };
}

// exactly what §9 A sends; anything else is not from WeCom
const JsonEnvelope = z.strictObject({ encrypt: z.string() });

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('CALLBACK_PAYLOAD_INVALID', { reason: `${what} is not JSON` });
  }
}

/** Passive reply envelope (§4.4): encrypt the plaintext reply XML, sign it, reuse the request nonce. */
export function encryptReply(plainXml: string, nonce: string, cfg: CallbackCryptoConfig, opts: EncryptReplyOptions = {}): string {
  assertCallbackConfig(cfg);
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  if (!/^\d+$/.test(timestamp)) throw new TypeError('timestamp must be epoch seconds');
  const encrypted = encrypt(cfg.encodingAESKey, plainXml, cfg.corpId, opts.random);
  const signature = getSignature(cfg.token, timestamp, nonce, encrypted);
  return (
    `<xml><Encrypt>${cdata(encrypted)}</Encrypt><MsgSignature>${cdata(signature)}</MsgSignature>` +
    `<TimeStamp>${timestamp}</TimeStamp><Nonce>${cdata(nonce)}</Nonce></xml>`
  );
}

/**
 * Parse one WeCom XML document and return the children of its root element.
 * Rejects DTD/ENTITY declarations before the parser sees them, and malformed XML.
 */
export function parseWecomXml(xml: string): Record<string, unknown> {
  if (FORBIDDEN_XML.test(xml)) throw new AppError('CALLBACK_XML_FORBIDDEN');
  if (xmlDepth(xml) > MAX_XML_DEPTH) throw new AppError('CALLBACK_PAYLOAD_INVALID', { reason: 'nesting too deep', max: MAX_XML_DEPTH });
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new AppError('CALLBACK_PAYLOAD_INVALID', { xml: valid.err.msg });
  const doc = parser.parse(xml) as Record<string, unknown>;
  const root = doc.xml;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new AppError('CALLBACK_PAYLOAD_INVALID', { missing: 'xml root' });
  }
  // Whitespace between elements shows up as a text node; it carries nothing.
  const { '#text': _whitespace, ...children } = root as Record<string, unknown>;
  return children;
}

// WeCom's messages nest four deep at most (xml › SendPicsInfo › PicList › item); a validly signed
// one nested thousands deep overflowed the parser's recursion (500)
const MAX_XML_DEPTH = 16;

/** The deepest element nesting of `xml`, counted without recursion (CDATA, comments and declarations skipped). */
export function xmlDepth(xml: string): number {
  let depth = 0;
  let max = 0;
  const tags = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<[?!][^>]*>|<(\/?)[^>]*?(\/?)>/g;
  for (let m = tags.exec(xml); m; m = tags.exec(xml)) {
    if (m[0].startsWith('<!') || m[0].startsWith('<?')) continue;
    if (m[1]) depth--;
    else if (!m[2]) max = Math.max(max, ++depth);
  }
  return max;
}

function assertFresh(timestamp: string, now: Date): void {
  const at = Number(timestamp);
  if (!Number.isSafeInteger(at) || Math.abs(now.getTime() / 1000 - at) > CALLBACK_WINDOW_SECONDS) {
    throw new AppError('CALLBACK_STALE', { timestamp, windowSeconds: CALLBACK_WINDOW_SECONDS });
  }
}

/** Misconfiguration is our fault (500), not the caller's: fail loudly instead of answering 400 forever. */
export function assertCallbackConfig(cfg: CallbackCryptoConfig): void {
  assertKeys(cfg);
  if (!cfg.corpId) throw new Error('WeCom corpId (receiveid) is not configured');
}

function assertKeys(cfg: CallbackCryptoConfig): void {
  if (!cfg.token) throw new Error('WeCom callback token is not configured');
  if (!AES_KEY.test(cfg.encodingAESKey)) throw new Error('WeCom EncodingAESKey must be 43 chars [A-Za-z0-9]');
}

/** Constant-time comparison of two hex signatures. */
export function signaturesMatch(expected: string, actual: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(actual.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function assertSignature(actual: string, expected: string): void {
  if (!signaturesMatch(expected, actual)) throw new AppError('CALLBACK_SIGNATURE_INVALID');
}

function openEnvelope(encrypted: string, cfg: CallbackCryptoConfig): string {
  let opened: { message: string; id: string };
  try {
    opened = decrypt(cfg.encodingAESKey, encrypted);
  } catch {
    throw new AppError('CALLBACK_PAYLOAD_INVALID', { reason: 'decrypt failed' });
  }
  // @wecom/crypto does not check the receiveid; a message for another corp must not be processed.
  if (opened.id !== cfg.corpId) throw new AppError('CALLBACK_RECEIVER_MISMATCH');
  return opened.message;
}

function signedParams(query: CallbackQuery): { signature: string; timestamp: string; nonce: string } {
  return {
    signature: single(query.msg_signature, 'msg_signature'),
    timestamp: single(query.timestamp, 'timestamp'),
    nonce: single(query.nonce, 'nonce'),
  };
}

// Repeated query parameters are ambiguous about which one was signed: refuse them.
function single(value: QueryValue, name: string): string {
  if (typeof value !== 'string' || value === '') throw new AppError('CALLBACK_PAYLOAD_INVALID', { missing: name });
  return value;
}

// Query parsers turn an unescaped '+' into a space; base64 never contains spaces.
function restorePlus(value: string): string {
  return value.replace(/ /g, '+');
}

function cdata(value: string): string {
  return `<![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}
