/**
 * Decoding any accepted voice format to 16-bit mono PCM (what speech
 * analysis reads), and writing the MP3 copy a webview can play, in one
 * ffmpeg run. The input goes through a temporary file, not a pipe: an MP4
 * from iOS may carry its index (moov) at the end, which only a seekable
 * input can reach.
 *
 *   const { samples, sampleRate, durationMs } = await decodeToPcm(buffer);
 *   const { pcm, playable } = await decodeVoice(buffer, { playable: true });   // playable: MP3 bytes
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runFfmpeg } from './ffmpeg.js';

/** PCM beyond this is not decoded (20 min at 16 kHz is 38 MB); the duration still comes from the header. */
export const MAX_DECODED_SECONDS = 1200;

export interface Pcm {
  /** Signed 16-bit samples, one channel. */
  samples: Int16Array;
  sampleRate: number;
  durationMs: number;
}

export interface DecodeOptions {
  /** Default 16 kHz: enough for speech, and what speech models expect. */
  sampleRate?: number;
  /** Also write an MP3 copy (mono, 48 kbit/s: speech stays clear at a tenth of WAV's size). */
  playable?: boolean;
}

export interface DecodedVoice {
  pcm: Pcm;
  playable: Buffer | null;
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'af-media-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function decodeVoice(input: Buffer, opts: DecodeOptions = {}): Promise<DecodedVoice> {
  const sampleRate = opts.sampleRate ?? 16_000;
  return withTempDir(async (dir) => {
    const source = path.join(dir, 'in');
    const mp3 = path.join(dir, 'out.mp3');
    await writeFile(source, input);
    const copy = opts.playable ? ['-map', '0:a:0', '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '48k', '-f', 'mp3', mp3] : [];
    const pcm = ['-map', '0:a:0', '-t', String(MAX_DECODED_SECONDS), '-ac', '1', '-ar', String(sampleRate), '-f', 's16le', 'pipe:1'];
    const raw = await runFfmpeg(['-i', source, ...copy, ...pcm]);
    const samples = new Int16Array(raw.buffer, raw.byteOffset, Math.floor(raw.length / 2));
    return {
      pcm: { samples, sampleRate, durationMs: Math.round((samples.length / sampleRate) * 1000) },
      playable: opts.playable ? await readFile(mp3) : null,
    };
  });
}

/** PCM only: what an analysis of a stored file (or a bot voice message) calls. */
export async function decodeToPcm(input: Buffer, opts: Omit<DecodeOptions, 'playable'> = {}): Promise<Pcm> {
  return (await decodeVoice(input, opts)).pcm;
}
