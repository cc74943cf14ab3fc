/**
 * The phone's capabilities — location, camera, voice — through the WeCom
 * JS-SDK inside WeCom, and through the browser's own APIs everywhere else.
 * The UA is tested BEFORE the SDK is touched: outside WeCom its promises wait
 * for `WeixinJSBridgeReady` forever (wecom-reference §7). The SDK is loaded
 * lazily, so a plain browser never downloads it.
 *
 *   const where = await getLocation();         // { lat, lng, system: 'wgs84', accuracy }
 *   const sdk = await wecomSdk();               // null outside WeCom or in demo mode
 */
import { api } from '../api/http';
import type { CoordSystem } from '../api/types';

type WW = typeof import('@wecom/jssdk');

export const inWecom = typeof navigator !== 'undefined' && /wxwork\//i.test(navigator.userAgent);
/** WeCom's or WeChat's browser: both can take WeCom's silent sign-in, which names a store's clerk by their WeChat. */
export const inWechat = typeof navigator !== 'undefined' && /wxwork\/|MicroMessenger\//i.test(navigator.userAgent);

const JS_API_LIST = [
  'getLocation', 'chooseImage', 'uploadImage', 'getLocalImgData', 'previewImage',
  'startRecord', 'stopRecord', 'onVoiceRecordEnd', 'uploadVoice', 'translateVoice', 'scanQRCode',
  'getContext', 'sendChatMessage', 'shareAppMessage',
];

let sdk: Promise<WW | null> | null = null;

interface JsConfig { enabled: boolean; corpId: string | null; agentId: string | null }
interface JsSignature { timestamp: number; nonceStr: string; signature: string }

/** The registered SDK, or null when this is not WeCom (or the server has no WeCom configured). */
export function wecomSdk(): Promise<WW | null> {
  if (!inWecom) return Promise.resolve(null);
  sdk ??= (async () => {
    const cfg = await api.get<JsConfig>('/api/wecom/js-config');
    if (!cfg.enabled || !cfg.corpId) return null;
    const ww = await import('@wecom/jssdk');
    // the SDK passes location.href without '#', and re-signs when a history route changes it
    const sign = (type: 'corp' | 'agent') => (url: string) =>
      api.get<JsSignature>('/api/wecom/js-sign', { query: { url, type } });
    ww.register({
      corpId: cfg.corpId,
      agentId: cfg.agentId ?? undefined,
      jsApiList: JS_API_LIST,
      getConfigSignature: sign('corp'),
      getAgentConfigSignature: sign('agent'),
    });
    return ww;
  })().catch(() => null);
  return sdk;
}

/** A link card sent from the app: a document link for a customer. */
export interface LinkCard { title: string; desc: string; link: string }

/** Entries of a page opened from a chat's toolbar or attachment bar: sendChatMessage reaches that chat. */
const CHAT_ENTRIES = new Set(['single_chat_tools', 'group_chat_tools', 'chat_attachment', 'single_kf_tools']);

/**
 * WeCom only: the card goes into the chat the page was opened from (sendChatMessage,
 * the customer's chat when the rep came from its toolbar), else to a chat the rep
 * picks in WeCom's forward screen (shareAppMessage). Rejects outside WeCom.
 */
export async function sendLinkInWecom(card: LinkCard): Promise<'chat' | 'forward'> {
  const ww = await wecomSdk();
  if (!ww) throw new Error('只能在企业微信里发送，请复制链接');
  const imgUrl = new URL('/favicon.svg', location.href).href;
  const entry = await within(ww.getContext(), 5_000, '读取入口').then((c) => c.entry as string).catch(() => 'normal');
  if (CHAT_ENTRIES.has(entry)) {
    await within(ww.sendChatMessage({ msgtype: 'news', news: { ...card, imgUrl } }), 60_000, '发送');
    return 'chat';
  }
  await within(ww.shareAppMessage({ ...card, imgUrl }), 120_000, '转发');
  return 'forward';
}

/** A JS-SDK promise that might never settle on a broken bridge: give up after `ms`. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}超时，请重试`)), ms))]);
}

/** The reason a JS-SDK or browser call failed, in words a rep understands. */
export function deviceErrorText(err: unknown, what: string): string {
  const msg = String((err as { errMsg?: string; message?: string })?.errMsg ?? (err as Error)?.message ?? err);
  if (/cancel/i.test(msg)) return `已取消${what}`;
  if (/denied|permission|auth/i.test(msg)) return `没有${what}权限：请在手机设置里允许企业微信/浏览器使用${what === '定位' ? '位置' : what}后重试`;
  return `${what}失败：${msg}`;
}

export interface Position { lat: number; lng: number; system: CoordSystem; accuracy: number | null }

export async function getLocation(): Promise<Position> {
  const ww = await wecomSdk();
  if (ww) {
    const r = await within(ww.getLocation({ type: 'wgs84' }), 20_000, '定位');
    return { lat: Number(r.latitude), lng: Number(r.longitude), system: 'wgs84', accuracy: r.accuracy ? Number(r.accuracy) : null };
  }
  if (!('geolocation' in navigator)) throw new Error('这个浏览器不支持定位');
  return new Promise((resolve, reject) => {
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lng: p.coords.longitude, system: 'wgs84', accuracy: p.coords.accuracy }),
      (e) => reject(new Error(e.code === 1 ? 'permission denied' : e.message || '无法获取位置')),
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 30_000 },
    );
  });
}

/**
 * WeCom only: take a photo and upload it to WeCom; the server then fetches the
 * media_id. The original, not WeCom's compressed copy: compression strips the
 * EXIF (capture time, camera, GPS) the server checks the photo against.
 */
export async function chooseAndUploadImage(ww: WW): Promise<{ mediaId: string; localId: string }> {
  const chosen = await ww.chooseImage({ count: 1, sizeType: ['original'], sourceType: ['camera', 'album'] });
  const localId = chosen.localIds[0];
  const up = await ww.uploadImage({ localId, isShowProgressTips: true });
  return { mediaId: up.serverId, localId };
}

/** WeCom only: a recording session; stop() gives the upload's media_id and the on-device transcript. */
export async function startWecomRecording(ww: WW): Promise<{ stop(): Promise<{ mediaId: string; transcript: string }> }> {
  await ww.startRecord();
  return {
    async stop() {
      const { localId } = await ww.stopRecord();
      const t = await ww.translateVoice({ localId, isShowProgressTips: true }).catch(() => ({ translateResult: '' }));
      const up = await ww.uploadVoice({ localId, isShowProgressTips: true });
      return { mediaId: up.serverId, transcript: t.translateResult ?? '' };
    },
  };
}

/**
 * Browser (outside WeCom, or WeCom without the JS-SDK): MediaRecorder in
 * whatever container the browser records — WebM/Opus on Chrome and Android
 * WebView, MP4/AAC on iOS; the server accepts both and keeps a playable copy.
 * 32 kbit/s is plenty for speech and keeps a ten-minute memo near 2 MB.
 */
export async function startBrowserRecording(): Promise<{ stop(): Promise<Blob> }> {
  if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === 'undefined') {
    throw new Error('这个浏览器不能录音，请选择一个录音文件');
  }
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const type = ['audio/webm;codecs=opus', 'audio/mp4', 'audio/ogg;codecs=opus', 'audio/webm'].find((t) => MediaRecorder.isTypeSupported(t));
  const rec = new MediaRecorder(stream, { ...(type ? { mimeType: type } : {}), audioBitsPerSecond: 32_000 });
  const chunks: Blob[] = [];
  rec.ondataavailable = (e) => { if (e.data.size) chunks.push(e.data); };
  rec.start(1000);
  return {
    stop: () => new Promise<Blob>((resolve) => {
      rec.onstop = () => {
        stream.getTracks().forEach((t) => t.stop());
        resolve(new Blob(chunks, { type: (rec.mimeType || type || 'audio/webm').split(';')[0] }));
      };
      rec.stop();
    }),
  };
}
