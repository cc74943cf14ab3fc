import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyseSpeech, landmarkSimilarity, type PcmAudio } from '../../../core/evidence/analyse-speech.js';
import { SAME_RECORDING } from '../../../core/evidence/voice-evidence.js';
import { prng } from '../../../core/seed/prng.js';

const AUDIO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/evidence/audio');

/** The samples of a 16-bit PCM WAV from the evaluation set (espeak-ng speech, written by its generator). */
function wavSamples(name: string): PcmAudio {
  const b = readFileSync(path.join(AUDIO, name));
  let sampleRate = 0;
  for (let o = 12; o + 8 <= b.length; o += 8 + b.readUInt32LE(o + 4)) {
    const id = b.toString('ascii', o, o + 4);
    if (id === 'fmt ') sampleRate = b.readUInt32LE(o + 12);
    if (id === 'data') return { samples: new Int16Array(b.buffer.slice(b.byteOffset + o + 8, b.byteOffset + o + 8 + b.readUInt32LE(o + 4))), sampleRate };
  }
  throw new Error(`${name}: no data chunk`);
}

function pcm(seconds: number, sample: (i: number) => number, sampleRate = 16000): PcmAudio {
  return { samples: Int16Array.from({ length: seconds * sampleRate }, (_, i) => Math.round(sample(i))), sampleRate };
}

describe('analyseSpeech (voice activity and audio landmarks)', () => {
  it('hears speech through most of a spoken memo', async () => {
    const memo = wavSamples('h-d0-r3-1.wav');
    const s = await analyseSpeech(memo);
    const durationMs = (memo.samples.length / memo.sampleRate) * 1000;
    expect(s.speechMs).to.be.above(durationMs * 0.8);
    expect(s.landmarks.length).to.be.above(50);
  });

  it('hears no speech in digital silence or quiet room noise', async () => {
    const r = prng(3);
    expect((await analyseSpeech(pcm(20, () => 0))).speechMs).to.equal(0);
    const quiet = await analyseSpeech(pcm(20, () => (r() * 2 - 1) * 300));
    expect(quiet.speechMs).to.be.below(1000);
  });

  it('recognises the same recording at another volume and with a second cut off, but not another memo', async () => {
    const memo = wavSamples('h-d1-r1-1.wav');
    const louder = { ...memo, samples: memo.samples.slice(memo.sampleRate).map((x) => Math.max(-32768, Math.min(32767, x * 1.6))) };
    const [a, b, other] = await Promise.all([analyseSpeech(memo), analyseSpeech(louder), analyseSpeech(wavSamples('h-d2-r3-1.wav'))]);
    expect(landmarkSimilarity(b.landmarks, a.landmarks)).to.be.at.least(SAME_RECORDING);
    expect(landmarkSimilarity(other.landmarks, a.landmarks)).to.be.below(SAME_RECORDING);
  });

  it('refuses a sample rate the voice-activity detector cannot read', async () => {
    let err: unknown = null;
    await analyseSpeech(pcm(1, () => 0, 22050)).catch((e) => { err = e; });
    expect(String(err)).to.match(/22050/);
  });
});
