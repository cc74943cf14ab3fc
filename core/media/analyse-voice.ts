/**
 * What the server establishes about a voice file when it is received (upload,
 * WeCom media, bot message): that it decodes at all, how long it is, and an
 * MP3 copy when the original would not play in WeCom's webview or on iOS.
 * The PCM is handed back so analysis at upload (speech checks) needs no
 * second decode; it is not stored.
 *
 *   const facts = await analyseVoice(buffer, 'webm');   // { durationMs, playable: Buffer | null, pcm }
 */
import { AppError } from '../errors.js';
import { decodeVoice, type Pcm } from './decode.js';
import { readDeclaredDuration } from './duration.js';
import { FfmpegError } from './ffmpeg.js';
import { VOICE_FORMATS, type VoiceType } from './voice-formats.js';

export interface VoiceFacts {
  /** From the container's header when it has one, else from the decoded samples. */
  durationMs: number;
  /** MP3 bytes for formats a webview cannot play; null when the original plays everywhere. */
  playable: Buffer | null;
  pcm: Pcm;
}

export async function analyseVoice(input: Buffer, type: VoiceType): Promise<VoiceFacts> {
  const needsCopy = !VOICE_FORMATS[type].playsEverywhere;
  const [declared, decoded] = await Promise.all([
    readDeclaredDuration(input, type),
    decodeVoice(input, { playable: needsCopy }).catch((err) => { throw undecodable(err); }),
  ]);
  if (decoded.pcm.samples.length === 0) throw undecodable(null);
  return { durationMs: declared ?? decoded.pcm.durationMs, playable: decoded.playable, pcm: decoded.pcm };
}

function undecodable(err: unknown): unknown {
  if (err !== null && !(err instanceof FfmpegError)) return err;
  return new AppError('VOICE_UNDECODABLE', { reason: err instanceof FfmpegError ? err.stderr.slice(0, 300) : 'no audio' });
}
