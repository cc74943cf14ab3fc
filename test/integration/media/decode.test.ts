import { expect } from 'chai';
import { sniffFile } from '../../../core/attachments/sniff.js';
import { isAppError } from '../../../core/errors.js';
import { analyseVoice, decodeToPcm, isVoiceType, readDeclaredDuration } from '../../../core/media/index.js';
import { voiceMemo } from '../attachments/support/sample-files.js';

const MEMOS = ['memo.amr', 'memo.spx', 'memo.mp3', 'memo.m4a', 'memo.mp4', 'memo.wav', 'memo.webm', 'memo-live.webm', 'memo.ogg', 'memo.3gp'] as const;
const rms = (s: Int16Array) => Math.sqrt(s.reduce((sum, x) => sum + x * x, 0) / Math.max(1, s.length));

/** core/media with the packaged ffmpeg on real recordings of one spoken sentence (6.8 s). */
describe('decoding voice files (core/media)', () => {
  for (const memo of MEMOS) {
    it(`decodes ${memo} to 16 kHz mono PCM of the whole sentence, with speech in it`, async () => {
      const pcm = await decodeToPcm(voiceMemo(memo));
      expect(pcm.sampleRate).to.equal(16_000);
      expect(pcm.durationMs).to.be.within(6700, 6900);
      expect(Math.abs(pcm.samples.length / 16 - pcm.durationMs)).to.be.at.most(1);
      expect(rms(pcm.samples)).to.be.greaterThan(300);
    });
  }

  it('decodes at another sample rate when asked (8 kHz)', async () => {
    const pcm = await decodeToPcm(voiceMemo('memo.m4a'), { sampleRate: 8000 });
    expect(pcm.samples.length).to.be.within(6700 * 8, 6900 * 8);
  });

  it('reads the duration the header states, and none where the file has no header (AMR, a live WebM)', async () => {
    expect(await readDeclaredDuration(voiceMemo('memo.m4a'), 'm4a')).to.be.within(6800, 6900);
    expect(await readDeclaredDuration(voiceMemo('memo.3gp'), '3gp')).to.be.within(6700, 6900);
    expect(await readDeclaredDuration(voiceMemo('memo.amr'), 'amr')).to.equal(null);
    expect(await readDeclaredDuration(voiceMemo('memo-live.webm'), 'webm')).to.equal(null);
  });

  it('makes an MP3 copy of AMR, Speex, 3GP, WebM and Ogg that decodes to the same length, and none for MP3/M4A/MP4/WAV', async () => {
    for (const memo of MEMOS) {
      const buf = voiceMemo(memo);
      const type = sniffFile(buf)!;
      if (!isVoiceType(type)) throw new Error(`${memo} is not voice`);
      const facts = await analyseVoice(buf, type);
      const copied = ['amr', 'speex', '3gp', 'webm', 'opus'].includes(type);
      expect(facts.playable !== null, memo).to.equal(copied);
      if (facts.playable) {
        expect(sniffFile(facts.playable), memo).to.equal('mp3');
        expect((await decodeToPcm(facts.playable)).durationMs, memo).to.be.within(6700, 7000);
      }
    }
  });

  it('refuses what sniffs as voice but does not decode, with VOICE_UNDECODABLE and ffmpeg\'s reason', async () => {
    const err = await analyseVoice(Buffer.concat([Buffer.from('OggS'), Buffer.alloc(200)]), 'opus').catch((e) => e);
    expect(isAppError(err) && err.code).to.equal('VOICE_UNDECODABLE');
    expect(String(err.details.reason)).to.not.equal('');
  });

  it('runs many decodes at once without losing any (queued per core)', async () => {
    const all = await Promise.all(Array.from({ length: 6 }, () => decodeToPcm(voiceMemo('memo.amr'))));
    expect(all.map((p) => p.durationMs)).to.deep.equal(Array(6).fill(all[0].durationMs));
  });
});
