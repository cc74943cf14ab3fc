/**
 * Fetching a file the H5 app (wx.uploadImage / uploadVoice) or the bot left
 * on WeCom's media store, by media_id. The bytes then go through exactly the
 * same checks as an upload: WeCom's Content-Type is not trusted either.
 *
 *   const { file, filename } = await fetchWecomMedia(wecom, { mediaId, kind: 'voice', jssdk: true });
 */
import { AppError } from '../errors.js';
import type { AttachmentKind } from '../flow/types.js';
import { WecomApiError, WecomError, type WecomClient } from '../wecom/wecom-client.js';
import { checkFile, type ReceivedFile } from './receive.js';

export interface WecomMediaRequest {
  mediaId: string;
  kind: AttachmentKind;
  jssdk?: boolean;
}

// media/get: 40007 unknown media_id; 42016 … the media expired (3 days)
const MEDIA_GONE = new Set([40007, 42016]);

export async function fetchWecomMedia(
  wecom: WecomClient, req: WecomMediaRequest,
): Promise<{ file: ReceivedFile; filename: string | null }> {
  let media;
  try {
    media = await wecom.downloadMedia(req.mediaId, { jssdk: req.jssdk });
  } catch (err) {
    throw toAppError(err, req.mediaId);
  }
  const file = checkFile(media.buffer, { declaredKind: req.kind });
  // WeCom names files after the media_id when it has nothing better; that is not a name
  return { file, filename: media.filename && media.filename !== req.mediaId ? media.filename : null };
}

function toAppError(err: unknown, mediaId: string): unknown {
  if (err instanceof WecomApiError && MEDIA_GONE.has(err.errcode)) {
    return new AppError('WECOM_MEDIA_INVALID', { mediaId, errcode: err.errcode });
  }
  if (err instanceof WecomError) {
    const errcode = err instanceof WecomApiError ? err.errcode : undefined;
    return new AppError('WECOM_API_ERROR', { mediaId, errcode, kind: err.kind },
      `从企业微信下载素材失败${errcode !== undefined ? `（错误码 ${errcode}）` : ''}，请稍后重试。`);
  }
  return err;
}
