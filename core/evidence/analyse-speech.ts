/**
 * What a voice memo's decoded audio (16-bit mono PCM from core/media) says:
 * how much of it is speech, by WebRTC's voice-activity detector (libfvad in
 * WebAssembly, its most aggressive mode, 30 ms frames), and its audio
 * landmarks (spectral peak pairs, the broadcast-monitoring fingerprint of
 * @qgustavor/stream-audio-fingerprint) — which survive re-encoding, so the
 * same recording uploaded again as another file is still recognised.
 *
 *   const s = await analyseSpeech({ samples, sampleRate: 16000 });   // { speechMs, landmarks: [[hash, t], …] }
 */
import createFvad from '@echogarden/fvad-wasm';
import Codegen from '@qgustavor/stream-audio-fingerprint';

export interface PcmAudio {
  samples: Int16Array;
  sampleRate: number;
}

export interface SpeechAnalysis {
  speechMs: number;
  /** [hash, time in landmark frames]; at most MAX_LANDMARKS, earliest first. */
  landmarks: Array<[number, number]>;
}

/** Enough to recognise a memo (a minute of speech makes ~1,000); a long one is judged by its start. */
export const MAX_LANDMARKS = 1500;
const FRAME_MS = 30;
const VAD_RATES = new Set([8000, 16000, 32000, 48000]);

interface Fvad {
  _fvad_new(): number;
  _fvad_free(inst: number): void;
  _fvad_set_mode(inst: number, mode: number): number;
  _fvad_set_sample_rate(inst: number, rate: number): number;
  _fvad_process(inst: number, frame: number, length: number): number;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  HEAP16: Int16Array;
}

let fvad: Promise<Fvad> | null = null;

function speechMsOf(m: Fvad, pcm: PcmAudio): number {
  if (!VAD_RATES.has(pcm.sampleRate)) throw new Error(`voice activity detection needs 8/16/32/48 kHz, got ${pcm.sampleRate}`);
  const frame = (pcm.sampleRate * FRAME_MS) / 1000;
  const inst = m._fvad_new();
  const ptr = m._malloc(frame * 2);
  try {
    m._fvad_set_mode(inst, 3);
    m._fvad_set_sample_rate(inst, pcm.sampleRate);
    let voiced = 0;
    for (let i = 0; i + frame <= pcm.samples.length; i += frame) {
      m.HEAP16.set(pcm.samples.subarray(i, i + frame), ptr / 2);
      if (m._fvad_process(inst, ptr, frame) === 1) voiced++;
    }
    return voiced * FRAME_MS;
  } finally {
    m._free(ptr);
    m._fvad_free(inst);
  }
}

function landmarksOf(pcm: PcmAudio): Array<[number, number]> {
  const codegen = new Codegen({ samplingRate: pcm.sampleRate });
  const { tcodes, hcodes } = codegen.process(new Uint8Array(pcm.samples.buffer, pcm.samples.byteOffset, pcm.samples.byteLength));
  const out: Array<[number, number]> = [];
  for (let i = 0; i < hcodes.length && out.length < MAX_LANDMARKS; i++) out.push([hcodes[i], tcodes[i]]);
  return out;
}

export async function analyseSpeech(pcm: PcmAudio): Promise<SpeechAnalysis> {
  fvad ??= (createFvad as unknown as () => Promise<Fvad>)();
  return { speechMs: speechMsOf(await fvad, pcm), landmarks: landmarksOf(pcm) };
}

/**
 * How much of `mine` lines up with `theirs` at one time offset — a re-encoded
 * copy shares many landmarks at one offset; two recordings that merely share
 * words share a few, scattered. 0…1, relative to the smaller of the two.
 */
export function landmarkSimilarity(mine: ReadonlyArray<[number, number]>, theirs: ReadonlyArray<[number, number]>): number {
  if (mine.length === 0 || theirs.length === 0) return 0;
  const at = new Map<number, number[]>();
  for (const [h, t] of mine) at.set(h, [...(at.get(h) ?? []), t]);
  const offsets = new Map<number, number>();
  for (const [h, t] of theirs) for (const t0 of at.get(h) ?? []) offsets.set(t - t0, (offsets.get(t - t0) ?? 0) + 1);
  let best = 0;
  // a re-encode may shift a landmark by a frame: count each offset with its neighbours
  for (const [o, n] of offsets) best = Math.max(best, n + (offsets.get(o - 1) ?? 0) + (offsets.get(o + 1) ?? 0));
  return best / Math.min(mine.length, theirs.length);
}
