import { expect } from 'chai';
import type { VoiceEvidence } from '../../../../core/flow/evidence/types.js';
import { voiceSpeechRule } from '../../../../core/flow/rules/voice-speech.rule.js';
import type { ReportAttachment, TranscriptSource } from '../../../../core/flow/types.js';
import { anEarlierPhoto, anEvidenceContext, aVisitFacts, codes } from '../support/builders.js';

const memo = (patch: Partial<VoiceEvidence> = {}): ReportAttachment => ({
  id: 3, kind: 'voice', tags: ['语音纪要'], capturedAt: null, mime: 'audio/amr',
  voice: { durationMs: 42_000, speechMs: 30_000, similar: [], ...patch },
});
const check = (m: ReportAttachment, transcript?: string, transcriptSource?: TranscriptSource) =>
  voiceSpeechRule.check(aVisitFacts({ report: { attachments: [m], transcript, transcriptSource }, evidence: anEvidenceContext() }), {});

describe('voice.speech', () => {
  it('passes a 42-second memo with 30 seconds of speech', () => {
    expect(check(memo())).to.deep.equal([]);
  });

  it('flags a memo shorter than 10 seconds as read from the file, a 0-second one too, without calling a short speech silent', () => {
    expect(codes(check(memo({ durationMs: 6000, speechMs: 5000 })))).to.deep.equal(['VOICE_TOO_SHORT']);
    expect(codes(check(memo({ durationMs: 2000, speechMs: 1800 })))).to.deep.equal(['VOICE_TOO_SHORT']);
    expect(codes(check(memo({ durationMs: 0, speechMs: 0 })))).to.deep.equal(['VOICE_TOO_SHORT']);
  });

  it('flags a long recording with hardly any speech', () => {
    const [f] = check(memo({ durationMs: 60_000, speechMs: 800 }));
    expect(f).to.include({ code: 'VOICE_SILENT' });
    expect(f.message).to.contain('0.8 秒');
  });

  it('flags a recording another rep made before', () => {
    const { distance: _d, sameBytes: _s, capturedAt: _c, ...earlier } = anEarlierPhoto({ uploadedBy: { id: 8, name: '钱多多' } });
    const [f] = check(memo({ similar: [{ ...earlier, similarity: 0.97 }] }));
    expect(f).to.include({ code: 'VOICE_REUSED' });
    expect(f.message).to.contain('钱多多');
  });

  it('holds a WeCom transcript against the speech: 200 characters from 10 seconds is implausible', () => {
    const long = '价格偏高'.repeat(50);
    expect(codes(check(memo({ speechMs: 10_000 }), long, 'wecom'))).to.deep.equal(['TRANSCRIPT_IMPLAUSIBLE']);
    expect(check(memo({ speechMs: 40_000 }), long, 'wecom')).to.deep.equal([]);
  });

  it('never flags a typed transcript (手工填写), however long', () => {
    expect(check(memo({ speechMs: 10_000 }), '价格偏高'.repeat(50), 'typed')).to.deep.equal([]);
    expect(check(memo({ speechMs: 10_000 }), '价格偏高'.repeat(50))).to.deep.equal([]);
  });
});
