import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { formatBytes } from '../../core/attachments/limits.js';
import { createStorage, type Storage } from '../../core/attachments/storage.js';
import { AppError } from '../../core/errors.js';
import { chineseDay, shanghaiDate } from '../../core/flow/time.js';
import { FairUse } from '../../core/heavy/fair-use.js';
import { heavyFairUse } from '../../core/heavy/fair-use.setting.js';
import { readSetting } from '../../core/settings/read.js';
import { shareOAuthState, verifyShareToken, verifyViewerToken, viewerToken, type ShareViewer } from '../../core/sharing/share-token.js';
import { visitShareLink, type SharedDocument } from '../../core/sharing/share-visits.js';
import { visitorOf } from '../../core/sharing/visitor.js';
import { IN_WECOM_OR_WECHAT, viewerFromOAuth } from '../../core/sharing/wecom-viewer.js';
import type { WecomClient } from '../../core/wecom/wecom-client.js';
import type { RouteKit } from '../route-kit.js';

/**
 * The pages a customer opens from a rep's document link: `/s/<token>` shows
 * the document's name, who shared it and until when, what we record about the
 * visit, and a download button; `/s/<token>/file` serves the bytes. No
 * session, no script, its own strict policy (nothing but this page's one
 * style block), never framed, never cached, no Referer carrying the token on.
 * A forged or unknown token is a plain Chinese 404 page, a revoked or expired
 * one 410 — never the document. Downloads take the fair use of heavy
 * operations, counted per network prefix (a customer has no member id).
 * Opened inside WeCom or WeChat (with WeCom configured), the page goes once
 * through WeCom's silent OAuth to learn who opens it: a member's opens do not
 * count, a contact whose external_userid matches is recorded as the opener;
 * the way back carries a code, so it never goes round again, and a code whose
 * state is not this link's names nobody.
 * Not in /openapi.json: these are pages for people outside the organisation,
 * not operations of the API.
 */
export function registerSharePageRoutes(kit: RouteKit, wecom: WecomClient | null, storage: Storage = createStorage(kit.deps.config)): void {
  const fairUse = new FairUse();
  const secret = kit.deps.config.sessionSecret;
  const deps = () => ({ secret, publicUrl: kit.deps.config.publicUrl, now: kit.deps.now() });
  const visitOf = (ctx: Context, kind: 'open' | 'download', viewer: ShareViewer | null) => ({
    token: ctx.params.token, kind, member: !!ctx.state.actor || (!!viewer && 'member' in viewer),
    ...(viewer && 'contactId' in viewer ? { contactId: viewer.contactId } : {}),
    visitor: visitorOf(ctx.ip, ctx.get('User-Agent'), ctx.get('Accept-Language')),
  });

  /** The WeCom authorize address for this page, when it should go there first: in WeCom/WeChat, not yet back from it. */
  const oauthDetour = (ctx: Context): string | null => {
    if (!wecom || ctx.state.actor || !IN_WECOM_OR_WECHAT.test(ctx.get('User-Agent'))) return null;
    if (ctx.query.code !== undefined || ctx.query.state !== undefined) return null;
    const id = verifyShareToken(secret, ctx.params.token);
    if (id === null) return null;
    return wecom.buildOAuthUrl(`${kit.deps.config.publicUrl.replace(/\/$/, '')}/s/${ctx.params.token}`, shareOAuthState(secret, id), { scope: 'snsapi_base' });
  };

  /** Who WeCom says opened the page, when it came back from OAuth with this link's state. */
  const viewerOf = async (ctx: Context): Promise<ShareViewer | null> => {
    const { code, state } = ctx.query;
    const id = verifyShareToken(secret, ctx.params.token);
    if (!wecom || id === null || typeof code !== 'string' || !code || code.length > 512 || state !== shareOAuthState(secret, id)) return null;
    return viewerFromOAuth(kit.deps.pool, wecom, kit.deps.logger, id, code);
  };

  kit.router.get('shareLinkPage', '/s/:token', async (ctx) => {
    await answerPage(ctx, async () => {
      const detour = oauthDetour(ctx);
      if (detour) {
        ctx.redirect(detour);
        return null;
      }
      const viewer = await viewerOf(ctx);
      const { doc } = await visitShareLink(kit.deps.pool, deps(), visitOf(ctx, 'open', viewer));
      return documentPage(ctx.params.token, doc, viewer && viewerToken(secret, doc.linkId, viewer));
    });
  });

  kit.router.get('shareLinkFile', '/s/:token/file', async (ctx) => {
    await answerPage(ctx, async () => {
      const id = verifyShareToken(secret, ctx.params.token);
      const visit = visitOf(ctx, 'download', id === null ? null : verifyViewerToken(secret, id, ctx.query.who));
      const release = fairUse.admit(networkKey(visit.visitor.ipPrefix), await readSetting(kit.deps.pool, heavyFairUse));
      try {
        const { doc } = await visitShareLink(kit.deps.pool, deps(), visit);
        const object = await storage.get(doc.sha256);
        const ascii = doc.filename.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '');
        ctx.set('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(doc.filename)}`);
        ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
        ctx.type = doc.mime;
        ctx.length = object.size;
        object.stream.once('close', release);
        ctx.body = object.stream;
        return null;
      } catch (err) {
        release();
        throw err;
      }
    });
  });
}

/** Small documents in KB: '0.0MB' would read as empty. */
const sizeText = (n: number) => (n < 1024 * 1024 ? `${Math.max(1, Math.round(n / 1024))}KB` : formatBytes(n));

/** Any network prefix as a key of the fair-use buckets (they are numbered). */
const networkKey = (prefix: string) => createHash('sha256').update(prefix).digest().readUInt32BE(0);

const STYLE = `body{margin:0;font:16px/1.6 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f7f8fa;color:#323233}
main{max-width:560px;margin:0 auto;padding:24px 16px}
.card{background:#fff;border-radius:12px;padding:20px 16px;margin-bottom:12px}
h1{font-size:20px;margin:0 0 8px;word-break:break-all}
.muted{color:#969799;font-size:14px}
a.btn{display:block;text-align:center;background:#1989fa;color:#fff;border-radius:8px;padding:12px;text-decoration:none;font-size:17px;margin-top:16px}
.note{font-size:13px;color:#646566}`;
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');
const PAGE_CSP = [
  "default-src 'none'", `style-src 'sha256-${STYLE_HASH}'`, "img-src 'none'", "form-action 'none'",
  "frame-ancestors 'none'", "base-uri 'none'",
].join('; ');

const PRIVACY = '为了让分享人知道文档已经送达，我们记录每次打开和下载的时间、设备指纹（由浏览器信息算出的摘要，不能还原成设备）和网络地址前缀（IPv4 前 24 位、IPv6 前 48 位），不记录完整的 IP 地址，也不记录其他个人信息。'
  + '在企业微信或微信里打开时，会经企业微信静默授权识别你是否是分享人企业已登记的客户联系人：是则把这次打开记在该联系人名下，不保存你的微信号或其他身份信息。';

function documentPage(token: string, doc: SharedDocument, viewer: string | null): string {
  const file = `/s/${encodeURIComponent(token)}/file${viewer ? `?who=${encodeURIComponent(viewer)}` : ''}`;
  return page(doc.filename, `<div class="card">
<h1>《${esc(doc.filename)}》</h1>
<div class="muted">${esc(doc.sharerName)} 分享给 ${esc(doc.customerName)} · ${esc(sizeText(doc.size))}</div>
<div class="muted">链接有效期至 ${chineseDay(shanghaiDate(doc.expiresAt), true)}</div>
<a class="btn" href="${esc(file)}" data-download>下载文档</a>
</div>
<p class="note" data-privacy>${PRIVACY}</p>`);
}

const REFUSALS: Record<string, { title: string; text: string }> = {
  SHARE_LINK_NOT_FOUND: { title: '链接无效', text: '这个文档链接不存在。请向发给你的人确认链接是否完整。' },
  SHARE_LINK_GONE: { title: '链接已失效', text: '这个文档链接已过期或已被撤回。如仍需要这份文档，请联系分享人重新发送。' },
  HEAVY_RATE_LIMITED: { title: '请稍后再试', text: '下载太频繁了，请稍等一会儿再下载。' },
};

/** The page, or a plain Chinese page for a refusal with its status; anything else goes to the error handler. */
async function answerPage(ctx: Context, render: () => Promise<string | null>): Promise<void> {
  ctx.set('Content-Security-Policy', PAGE_CSP);
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('Cache-Control', 'no-store');
  ctx.set('X-Robots-Tag', 'noindex, nofollow');
  try {
    const html = await render();
    if (html !== null) {
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = html;
    }
  } catch (err) {
    const refusal = err instanceof AppError ? REFUSALS[err.code] : undefined;
    if (!refusal) throw err;
    ctx.status = (err as AppError).status;
    if (err instanceof AppError && err.code === 'HEAVY_RATE_LIMITED') ctx.set('Retry-After', String((err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds ?? 60));
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = page(refusal.title, `<div class="card" data-refusal="${ctx.status}"><h1>${refusal.title}</h1><p>${refusal.text}</p></div>`);
  }
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>${esc(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
