/**
 * A voice file's duration as the file states it (music-metadata 10.x reads
 * the container's headers), never as the phone declared it. Null where the
 * file does not say: AMR has no header to read, and a browser's live WebM
 * recording has no duration element; the caller then counts decoded samples.
 *
 *   const ms = await readDeclaredDuration(buffer, 'm4a');   // 6845, or null
 */
import { VOICE_FORMATS, type VoiceType } from './voice-formats.js';

// loaded on first use: a process that never receives voice never pays for the parsers
let parser: Promise<typeof import('music-metadata')> | null = null;

export async function readDeclaredDuration(input: Buffer, type: VoiceType): Promise<number | null> {
  const mimeType = VOICE_FORMATS[type].metadataMime;
  if (!mimeType) return null;
  parser ??= import('music-metadata');
  const { parseBuffer } = await parser;
  try {
    const { format } = await parseBuffer(input, { mimeType, size: input.length }, { duration: false, skipCovers: true });
    return format.duration && Number.isFinite(format.duration) ? Math.round(format.duration * 1000) : null;
  } catch {
    // a header music-metadata cannot read says nothing; decoding decides whether the file is audio
    return null;
  }
}
