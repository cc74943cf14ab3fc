import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';

/**
 * Loopback fake of qyapi.weixin.qq.com + the OAuth host (reference §10), so
 * tests and dev machines never need a trusted IP. Behaves like WeCom where it
 * matters to us: HTTP 200 with errcodes, token required in the query, silent
 * per-member drops, single-use OAuth and response codes.
 *
 *   const fake = await startFakeWecom({ corpId: 'ww1', secret: 's', agentId: 1000002 });
 *   const client = new HttpWecomClient({ apiBase: fake.baseUrl, oauthBase: fake.oauthBaseUrl, ... });
 *   fake.failNext('/cgi-bin/message/send', 45009);
 *   await fake.stop();
 */
export interface FakeWecomOptions {
  corpId: string; secret: string; agentId: number | string;
  /** Callback Token / EncodingAESKey, echoed back for the callback helpers below. */
  token?: string; encodingAESKey?: string;
  tokenTtlSec?: number; now?: () => number;
}

/** Who the fake's OAuth says is on the page: a member's userid, or a non-member (an external contact when externalUserid is set). */
export type OAuthUser = string | { openid: string; externalUserid?: string };

export interface FakeDepartment { id: number; name: string; parentid: number; order?: number; department_leader?: string[] }
export interface FakeUser {
  userid: string; name: string; department: number[]; main_department?: number; position?: string;
  is_leader_in_dept?: number[]; direct_leader?: string[]; status?: number;
}

/** One external contact (客户联系) as batch/get_by_user answers it, with the members who follow them. */
export interface FakeExternalContact {
  external_userid: string; name: string; type?: number; corp_name?: string; corp_full_name?: string;
  follow: Array<{ userid: string; remark?: string; remark_mobiles?: string[]; remark_corp_name?: string }>;
}

/** One accepted media/upload, as the fake parsed it from the multipart body. */
export interface UploadedMediaRecord {
  mediaId: string; type: string; filename: string; contentType: string; buffer: Buffer; at: number;
  /** Request headers that matter to WeCom's parser. */ requestContentType: string; contentLength: number | null;
}

export interface SentMessage {
  body: Record<string, any>; msgid: string; responseCode?: string; at: number;
  /** Members who would see it. */ delivered: string[];
  /** Valid members WeCom silently dropped (>30/min or >1000/h, or duplicate_check). */ undelivered: string[];
  /** Reported back in invaliduser. */ invalid: string[];
}

type Json = Record<string, unknown>;
type Reply = Json | { binary: Buffer; headers: Record<string, string> };
type Route = (q: URLSearchParams, body: Json) => Reply;
/** Routes that read the raw request themselves (multipart uploads). */
type RawRoute = (q: URLSearchParams, req: IncomingMessage) => Promise<Reply>;

const ok = (extra: Json = {}): Json => ({ errcode: 0, errmsg: 'ok', ...extra });
const fail = (errcode: number, errmsg = 'fake error'): Json => ({ errcode, errmsg });
const split = (v: unknown): string[] => (typeof v === 'string' && v ? v.split('|').filter(Boolean) : []);
const bytes = (s: unknown): number => Buffer.byteLength(String(s ?? ''), 'utf8');
const INTERACTIVE = new Set(['button_interaction', 'vote_interaction', 'multiple_interaction']);
const MB = 1024 * 1024;
/** media/upload limits of §5: size in bytes and the accepted formats (by magic bytes). */
const UPLOAD_LIMITS: Record<string, { maxBytes: number; formats?: string[] }> = {
  image: { maxBytes: 10 * MB, formats: ['png', 'jpg'] }, voice: { maxBytes: 2 * MB, formats: ['amr'] },
  video: { maxBytes: 10 * MB, formats: ['mp4'] }, file: { maxBytes: 20 * MB },
};
const MEDIA_TTL_MS = 3 * 24 * 3_600_000;

export async function startFakeWecom(opts: FakeWecomOptions) {
  const now = opts.now ?? Date.now;
  const agentId = Number(opts.agentId);
  const tokens = new Map<string, number>(); // token → expiresAt
  let currentToken: string | undefined;
  let seq = 0;
  const failures = new Map<string, { errcode: number; remaining: number; after: number }[]>();
  const holds = new Map<string, Promise<unknown>>();
  const departments = new Map<number, FakeDepartment>();
  const users = new Map<string, FakeUser>();
  const media = new Map<string, { buffer: Buffer; contentType: string; filename: string; at?: number }>();
  const uploads: UploadedMediaRecord[] = [];
  const deliveries = new Map<string, number[]>();
  const duplicates = new Map<string, number>();
  const responseCodes = new Map<string, { used: boolean }>();
  const issuedCodes = new Map<string, { userid?: string; openid?: string; externalUserid?: string; issuedAt: number; used: boolean }>();
  const sent: SentMessage[] = [];
  const cardUpdates: { body: Json; at: number }[] = [];
  const counters = { gettokenCalls: 0, calls: {} as Record<string, number> };
  let oauthUser: OAuthUser = 'wangwu';
  let externalContacts: FakeExternalContact[] = [];

  // An empty directory accepts any userid, so simple tests need no setUsers().
  const isMember = (userid: string) => users.size === 0 || users.has(userid);
  const childrenOf = (id: number): number[] =>
    [...departments.values()].filter((d) => d.parentid === id && d.id !== id).flatMap((d) => [d.id, ...childrenOf(d.id)]);

  function mintOAuthCode(who: OAuthUser): string {
    const code = `code-${++seq}-${randomBytes(6).toString('hex')}`;
    issuedCodes.set(code, { ...(typeof who === 'string' ? { userid: who } : who), issuedAt: now(), used: false });
    return code;
  }

  // A fresh code, as WeCom issues on send and on every click of an interactive card.
  const mintResponseCode = (): string => {
    const code = `rc-${++seq}`;
    responseCodes.set(code, { used: false });
    return code;
  };

  // WeCom drops silently past 30/min or 1000/h per member (§3); we record who would have seen it.
  function deliver(userid: string, at: number): boolean {
    const recent = (deliveries.get(userid) ?? []).filter((t) => t > at - 3_600_000);
    const lastMinute = recent.filter((t) => t > at - 60_000).length;
    const allowed = lastMinute < 30 && recent.length < 1000;
    if (allowed) recent.push(at);
    deliveries.set(userid, recent);
    return allowed;
  }

  const routes: Record<string, Route> = {
    '/cgi-bin/message/send': (_q, body) => {
      if (Number(body.agentid) !== agentId) return fail(301002, 'agentid mismatch');
      const msgtype = String(body.msgtype ?? '');
      const content = body[msgtype] as Json | undefined;
      if (!msgtype || typeof content !== 'object' || content === null) return fail(40008, 'invalid message type');
      if (msgtype === 'text' || msgtype === 'markdown') {
        if (!content.content) return fail(44004, 'empty content');
        if (bytes(content.content) > 2048) return fail(45002, 'content size out of limit');
      }
      if (msgtype === 'image') {
        // media_id must come from media/upload and is valid for 3 days (§5)
        const item = media.get(String(content.media_id ?? ''));
        if (!item || (item.at !== undefined && now() - item.at > MEDIA_TTL_MS)) return fail(40007, 'invalid media_id');
      }
      const requested = body.touser === '@all' ? [...users.keys()] : split(body.touser);
      const parties = split(body.toparty).map(Number);
      if (!requested.length && !parties.length && !split(body.totag).length) return fail(82001, 'all touser toparty totag invalid');
      const invalid = requested.filter((u) => !isMember(u)).map((u) => u.toLowerCase());
      const invalidParty = parties.filter((p) => departments.size > 0 && !departments.has(p));
      const partyMembers = [...users.values()].filter((u) => u.department.some((d) => parties.includes(d))).map((u) => u.userid);
      const recipients = [...new Set([...requested.filter(isMember), ...partyMembers])];
      if (!recipients.length) return fail(81013, 'user & party & tag all invalid');
      const at = now();
      const dupKey = JSON.stringify(body);
      const interval = Number(body.duplicate_check_interval ?? 1800) * 1000;
      const duplicate = body.enable_duplicate_check === 1 && at - (duplicates.get(dupKey) ?? -Infinity) < interval;
      if (body.enable_duplicate_check === 1 && !duplicate) duplicates.set(dupKey, at);
      const delivered = duplicate ? [] : recipients.filter((u) => deliver(u, at));
      const card = msgtype === 'template_card' ? (content as Json) : undefined;
      const responseCode = card && (INTERACTIVE.has(String(card.card_type)) || card.action_menu) ? mintResponseCode() : undefined;
      const msgid = `msg-${++seq}`;
      sent.push({ body, msgid, responseCode, at, delivered, undelivered: recipients.filter((u) => !delivered.includes(u)), invalid });
      return ok({
        invaliduser: invalid.join('|'), invalidparty: invalidParty.join('|'), invalidtag: split(body.totag).join('|'),
        msgid, ...(responseCode ? { response_code: responseCode } : {}),
      });
    },
    '/cgi-bin/message/update_template_card': (_q, body) => {
      if (Number(body.agentid) !== agentId) return fail(301002, 'agentid mismatch');
      const entry = responseCodes.get(String(body.response_code ?? ''));
      // The real errcode for a used/unknown code is unconfirmed (§11.1); 40058 = invalid parameter.
      if (!entry || entry.used) return fail(40058, 'invalid response_code');
      entry.used = true;
      cardUpdates.push({ body, at: now() });
      const invalid = (Array.isArray(body.userids) ? (body.userids as string[]) : []).filter((u) => !isMember(u));
      return ok({ invaliduser: invalid });
    },
    '/cgi-bin/get_jsapi_ticket': () => ok({ ticket: `jsapi-corp-${++seq}`, expires_in: 7200 }),
    '/cgi-bin/ticket/get': (q) =>
      q.get('type') === 'agent_config' ? ok({ ticket: `jsapi-agent-${++seq}`, expires_in: 7200 }) : fail(40058, 'invalid type'),
    '/cgi-bin/auth/getuserinfo': (q) => {
      const entry = issuedCodes.get(q.get('code') ?? '');
      // Codes are single-use and live 5 minutes (§6).
      if (!entry || entry.used || now() - entry.issuedAt > 300_000) return fail(40029, 'invalid code');
      entry.used = true;
      // a non-member: openid, and external_userid when they are a 客户联系 contact of the corp (§6)
      return ok(entry.userid ? { userid: entry.userid } : { openid: entry.openid, ...(entry.externalUserid ? { external_userid: entry.externalUserid } : {}) });
    },
    '/cgi-bin/user/get': (q) => {
      const user = users.get(q.get('userid') ?? '');
      return user ? ok({ ...user, status: user.status ?? 1 }) : fail(60111, 'userid not found');
    },
    '/cgi-bin/user/list': (q) => listUsers(q, (u) => ({ ...u, status: u.status ?? 1 })),
    // one (contact, follower) pair per item, in pages of `limit` (≤ 100) continued by an opaque cursor
    '/cgi-bin/externalcontact/batch/get_by_user': (_q, body) => {
      const userids = Array.isArray(body.userid_list) ? body.userid_list.map(String) : [];
      const limit = Number(body.limit ?? 50);
      if (userids.length === 0 || userids.length > 100) return fail(40058, 'invalid userid_list size');
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) return fail(40058, 'invalid limit');
      const pairs = externalContacts.flatMap((c) => c.follow.filter((f) => userids.includes(f.userid)).map((f) => ({
        external_contact: { external_userid: c.external_userid, name: c.name, type: c.type ?? 1,
          ...(c.corp_name ? { corp_name: c.corp_name } : {}), ...(c.corp_full_name ? { corp_full_name: c.corp_full_name } : {}) },
        follow_info: { userid: f.userid, remark: f.remark ?? '', description: '', createtime: 1733000000, tag_id: [],
          remark_corp_name: f.remark_corp_name ?? '', remark_mobiles: f.remark_mobiles ?? [], oper_userid: f.userid, add_way: 1 },
      })));
      const from = body.cursor ? Number(Buffer.from(String(body.cursor), 'base64url').toString()) : 0;
      if (!Number.isInteger(from) || from < 0) return fail(40058, 'invalid cursor');
      const page = pairs.slice(from, from + limit);
      const next = from + limit < pairs.length ? Buffer.from(String(from + limit)).toString('base64url') : '';
      return ok({ external_contact_list: page, next_cursor: next });
    },
    '/cgi-bin/user/simplelist': (q) => listUsers(q, (u) => ({ userid: u.userid, name: u.name, department: u.department })),
    '/cgi-bin/department/list': (q) => {
      const root = q.get('id');
      if (root === null || root === '') return ok({ department: [...departments.values()] });
      if (!departments.has(Number(root))) return fail(60123, 'invalid party id');
      const ids = [Number(root), ...childrenOf(Number(root))];
      return ok({ department: ids.map((id) => departments.get(id)) });
    },
    '/cgi-bin/media/get': mediaReply,
    '/cgi-bin/media/get/jssdk': mediaReply,
  };

  const rawRoutes: Record<string, RawRoute> = {
    '/cgi-bin/media/upload': async (q, req) => {
      const type = q.get('type') ?? '';
      const limit = UPLOAD_LIMITS[type];
      if (!limit) return fail(40004, 'invalid media type');
      if (req.method !== 'POST') return fail(43002, 'require POST method');
      const requestContentType = String(req.headers['content-type'] ?? '');
      if (!/^multipart\/form-data;.*boundary=/i.test(requestContentType)) return fail(41005, 'media data missing');
      const raw = await readRaw(req, 25 * MB);
      if (!raw) return fail(40006, 'invalid file size');
      // a real multipart parser (undici's, RFC 7578-strict): a malformed body fails here as it would there
      let part: File | string | null;
      try {
        part = (await new Request('http://fake/', { method: 'POST', headers: { 'content-type': requestContentType }, body: new Uint8Array(raw) }).formData()).get('media');
      } catch {
        return fail(41005, 'media data missing');
      }
      if (!part || typeof part === 'string' || !part.name) return fail(41005, 'media data missing, field media with a filename expected');
      const buffer = Buffer.from(await part.arrayBuffer());
      if (buffer.length <= 5) return fail(40006, 'invalid file size');
      if (buffer.length > limit.maxBytes) return fail(type === 'image' ? 40009 : 40006, 'invalid file size');
      if (limit.formats && !limit.formats.includes(formatOf(buffer))) return fail(40005, 'invalid file type');
      const at = now();
      const mediaId = `media-${++seq}-${randomBytes(6).toString('hex')}`;
      media.set(mediaId, { buffer, contentType: part.type || 'application/octet-stream', filename: part.name, at });
      const length = req.headers['content-length'];
      uploads.push({
        mediaId, type, filename: part.name, contentType: part.type, buffer, at, requestContentType,
        contentLength: length === undefined ? null : Number(length),
      });
      return { errcode: 0, errmsg: '', type, media_id: mediaId, created_at: String(Math.floor(at / 1000)) };
    },
  };

  function listUsers(q: URLSearchParams, shape: (u: FakeUser) => Json): Json {
    const dept = Number(q.get('department_id'));
    if (!departments.has(dept)) return fail(60123, 'invalid party id');
    const scope = new Set(q.get('fetch_child') === '1' ? [dept, ...childrenOf(dept)] : [dept]);
    return ok({ userlist: [...users.values()].filter((u) => u.department.some((d) => scope.has(d))).map(shape) });
  }

  function mediaReply(q: URLSearchParams): Reply {
    const item = media.get(q.get('media_id') ?? '');
    // Errors come back as JSON with HTTP 200 (§5).
    if (!item) return fail(40007, 'invalid media_id');
    // Node refuses non-latin1 header bytes, so non-ASCII names go out RFC 5987-encoded.
    const name = /^[\x20-\x7e]*$/.test(item.filename) ? `filename="${item.filename}"` : `filename*=UTF-8''${encodeURIComponent(item.filename)}`;
    const headers = { 'Content-Type': item.contentType, 'Content-disposition': `attachment; ${name}` };
    return { binary: item.buffer, headers };
  }

  function gettoken(q: URLSearchParams): Json {
    if (q.get('corpid') !== opts.corpId) return fail(40013, 'invalid corpid');
    if (q.get('corpsecret') !== opts.secret) return fail(40001, 'invalid credential');
    const at = now();
    if (!currentToken || (tokens.get(currentToken) ?? 0) <= at) {
      currentToken = `tok-${++seq}-${randomBytes(8).toString('hex')}`;
      tokens.set(currentToken, at + (opts.tokenTtlSec ?? 7200) * 1000);
    }
    return ok({ access_token: currentToken, expires_in: Math.round(((tokens.get(currentToken) ?? at) - at) / 1000) });
  }

  function takeFailure(path: string): Json | undefined {
    const queue = failures.get(path);
    const next = queue?.[0];
    if (!next) return undefined;
    if (next.after > 0) { next.after--; return undefined; }
    if (--next.remaining <= 0) queue.shift();
    return fail(next.errcode, next.errcode === 60020 ? 'not allow to access from your ip, from ip: 127.0.0.1' : 'fake failure');
  }

  function oauthRedirect(q: URLSearchParams, res: ServerResponse): void {
    const redirect = q.get('redirect_uri');
    if (q.get('appid') !== opts.corpId || !redirect) return void res.writeHead(400).end('invalid appid or redirect_uri');
    const target = new URL(redirect);
    target.searchParams.set('code', mintOAuthCode(oauthUser));
    target.searchParams.set('state', q.get('state') ?? '');
    res.writeHead(302, { Location: target.toString() }).end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    counters.calls[path] = (counters.calls[path] ?? 0) + 1;
    if (path === '/connect/oauth2/authorize') return oauthRedirect(url.searchParams, res);
    if (path === '/cgi-bin/gettoken') {
      counters.gettokenCalls++;
      return send(res, takeFailure(path) ?? gettoken(url.searchParams));
    }
    const route = routes[path];
    const rawRoute = rawRoutes[path];
    if (!route && !rawRoute) return void res.writeHead(404).end();
    const token = url.searchParams.get('access_token');
    if (!token) return send(res, fail(41001, 'access_token missing'));
    const injected = takeFailure(path);
    if (injected) return send(res, injected);
    const expiresAt = tokens.get(token);
    if (expiresAt === undefined) return send(res, fail(40014, 'invalid access_token'));
    if (expiresAt <= now()) return send(res, fail(42001, 'access_token expired'));
    if (rawRoute) return send(res, await rawRoute(url.searchParams, req));
    const body = req.method === 'POST' ? parseJson(await readBody(req)) : {};
    await holds.get(path);
    send(res, body ? route!(url.searchParams, body) : fail(47001, 'data format error'));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl, oauthBaseUrl: baseUrl, corpId: opts.corpId, agentId, token: opts.token, encodingAESKey: opts.encodingAESKey,
    sent, cardUpdates, issuedCodes, counters, mintOAuthCode, mintResponseCode,
    /** Every accepted media/upload, in order. */
    uploads,
    setOAuthUser(who: OAuthUser) { oauthUser = who; },
    /** The corp's 客户联系: who the members follow (batch/get_by_user answers from it). */
    setExternalContacts(list: FakeExternalContact[]) { externalContacts = list; },
    setUsers(depts: FakeDepartment[], members: FakeUser[]) {
      departments.clear(); users.clear();
      for (const d of depts) departments.set(d.id, d);
      for (const u of members) users.set(u.userid, u);
    },
    putMedia(mediaId: string, buffer: Buffer, contentType: string, filename = `${mediaId}.bin`) {
      media.set(mediaId, { buffer, contentType, filename });
    },
    /** The media_id now answers 40007, as after its 3 days. */
    expireMedia(mediaId: string) { media.delete(mediaId); },
    /** The next `times` calls to `path` answer `errcode` (after the 41001 check, before token validation), once `after` calls have passed. */
    failNext(path: string, errcode: number, times = 1, after = 0) {
      failures.set(path, [...(failures.get(path) ?? []), { errcode, remaining: times, after }]);
    },
    /** Calls to `path` are answered only once `until` settles (a test decides when WeCom answers). */
    holdAnswers(path: string, until: Promise<unknown>) { holds.set(path, until); },
    /** The current token now answers 42001; the next gettoken issues a new one. */
    expireToken() { if (currentToken) tokens.set(currentToken, now() - 1); },
    currentToken: () => currentToken,
    callsTo: (path: string) => counters.calls[path] ?? 0,
    stop: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

export type FakeWecom = Awaited<ReturnType<typeof startFakeWecom>>;

function send(res: ServerResponse, reply: Reply): void {
  if ('binary' in reply && Buffer.isBuffer(reply.binary)) res.writeHead(200, reply.headers as Record<string, string>).end(reply.binary);
  else res.writeHead(200, { 'Content-Type': 'application/json; charset=UTF-8' }).end(JSON.stringify(reply));
}

function parseJson(text: string): Json | null {
  try {
    return JSON.parse(text || '{}') as Json;
  } catch {
    return null;
  }
}

/** The raw body, or null past `limit` bytes (the rest is drained, not kept). */
async function readRaw(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? null : Buffer.concat(chunks);
}

function formatOf(b: Buffer): string {
  if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpg';
  if (b.subarray(0, 6).toString('latin1') === '#!AMR\n') return 'amr';
  if (b.subarray(4, 8).toString('latin1') === 'ftyp') return 'mp4';
  return 'other';
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const stamp = (input: { timestamp?: string; nonce?: string }) => ({
  timestamp: input.timestamp ?? String(Math.floor(Date.now() / 1000)),
  nonce: input.nonce ?? String(Math.floor(Math.random() * 1e10)),
});

export interface CallbackKeys { token: string; encodingAESKey: string; corpId: string }

/** A POST callback exactly as WeCom would send it: signed query + encrypted XML body (§4). */
export function buildEncryptedCallback(input: CallbackKeys & { xml: string; timestamp?: string; nonce?: string; agentId?: string }) {
  const { timestamp, nonce } = stamp(input);
  const enc = encrypt(input.encodingAESKey, input.xml, input.corpId);
  const body =
    `<xml><ToUserName><![CDATA[${input.corpId}]]></ToUserName><AgentID><![CDATA[${input.agentId ?? '1000002'}]]></AgentID>` +
    `<Encrypt><![CDATA[${enc}]]></Encrypt></xml>`;
  return { query: { msg_signature: getSignature(input.token, timestamp, nonce, enc), timestamp, nonce }, body };
}

/** The GET URL-verification query; the endpoint must answer `echo` verbatim. */
export function buildVerifyQuery(input: CallbackKeys & { echo: string; timestamp?: string; nonce?: string }) {
  const { timestamp, nonce } = stamp(input);
  const echostr = encrypt(input.encodingAESKey, input.echo, input.corpId);
  return { msg_signature: getSignature(input.token, timestamp, nonce, echostr), timestamp, nonce, echostr };
}

/** Open a passive-reply envelope the way WeCom does: check MsgSignature over Encrypt, then decrypt. */
export function decryptReplyEnvelope(xml: string, keys: Omit<CallbackKeys, 'corpId'>) {
  const pick = (tag: string) => new RegExp(`<${tag}>(?:<!\\[CDATA\\[)?(.*?)(?:\\]\\]>)?</${tag}>`, 's').exec(xml)?.[1] ?? '';
  const [enc, signature, timestamp, nonce] = ['Encrypt', 'MsgSignature', 'TimeStamp', 'Nonce'].map(pick);
  if (getSignature(keys.token, timestamp, nonce, enc) !== signature) throw new Error('reply signature mismatch');
  const { message, id } = decrypt(keys.encodingAESKey, enc);
  return { plainXml: message, receiveid: id, timestamp, nonce };
}

export type AibotKeys = Omit<CallbackKeys, 'corpId'>;

/** A 智能机器人 JSON callback as WeCom sends it (§9 A): signed query + `{"encrypt"}` body, receiveid ''. */
export function buildAibotCallback(keys: AibotKeys & { timestamp?: string; nonce?: string }, payload: unknown) {
  const { timestamp, nonce } = stamp(keys);
  const enc = encrypt(keys.encodingAESKey, JSON.stringify(payload), '');
  return { query: { msg_signature: getSignature(keys.token, timestamp, nonce, enc), timestamp, nonce }, body: JSON.stringify({ encrypt: enc }) };
}

/** Open a 智能机器人 reply the way WeCom does: the signature over `encrypt`, the request's nonce, receiveid ''. */
export function openAibotReply(reply: { encrypt: string; msgsignature: string; timestamp: number; nonce: string }, keys: AibotKeys) {
  if (getSignature(keys.token, String(reply.timestamp), reply.nonce, reply.encrypt) !== reply.msgsignature) throw new Error('reply signature mismatch');
  const { message, id } = decrypt(keys.encodingAESKey, reply.encrypt);
  return { plain: JSON.parse(message) as unknown, receiveid: id, nonce: reply.nonce };
}
