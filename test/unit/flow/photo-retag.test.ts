import { expect } from 'chai';
import { nextPhotoTags, retagSuggestions } from '../../../core/flow/photo-retag.js';

const at = (hhmm: string) => new Date(`2026-12-07T${hhmm}:00+08:00`);
const REQUIRED = ['门头照', '合影'];

describe('retagSuggestions (a photo\'s tag guessed again after capture)', () => {
  it('offers the later of two door photos as the missing group photo, with its capture time as the reason', () => {
    const s = retagSuggestions([
      { id: 1, tags: ['门头照'], capturedAt: at('10:02') },
      { id: 2, tags: ['门头照'], capturedAt: at('10:31') },
    ], REQUIRED);
    expect(s).to.deep.equal([{ attachmentId: 2, from: '门头照', to: '合影', reason: '门头照有2张、合影还没有；这张拍得更晚（10:31拍），更像合影' }]);
  });

  it('goes by capture time, not by the order the photos were added', () => {
    const s = retagSuggestions([
      { id: 7, tags: ['门头照'], capturedAt: at('10:40') },
      { id: 8, tags: ['门头照'], capturedAt: at('10:05') },
    ], REQUIRED);
    expect(s.map((x) => x.attachmentId)).to.deep.equal([7]);
  });

  it('offers the earlier of two group photos as the missing door photo (the door is shot first)', () => {
    const s = retagSuggestions([
      { id: 3, tags: ['合影'], capturedAt: at('10:20') },
      { id: 4, tags: ['合影'], capturedAt: at('09:58') },
    ], REQUIRED);
    expect(s).to.have.length(1);
    expect(s[0]).to.include({ attachmentId: 4, from: '合影', to: '门头照' });
    expect(s[0].reason).to.include('更早（09:58拍）');
  });

  it('uses the order they were added when the photos carry no capture time, and says so', () => {
    const s = retagSuggestions([
      { id: 5, tags: ['门头照'], capturedAt: null },
      { id: 6, tags: ['门头照'], capturedAt: null },
    ], REQUIRED);
    expect(s[0]).to.include({ attachmentId: 6, to: '合影' });
    expect(s[0].reason).to.include('这张加得更晚').and.not.include('拍）');
  });

  it('offers an untagged photo first, and leaves a photo tagged on purpose with another tag alone', () => {
    const s = retagSuggestions([
      { id: 1, tags: ['门头照'], capturedAt: at('10:00') },
      { id: 2, tags: ['门头照'], capturedAt: at('10:10') },
      { id: 9, tags: ['陈列照'], capturedAt: at('10:20') },
      { id: 10, tags: [], capturedAt: at('10:30') },
    ], REQUIRED);
    expect(s).to.deep.equal([{ attachmentId: 10, from: null, to: '合影', reason: '这张没有标记、合影还没有；按拍摄顺序，更像合影' }]);
  });

  it('suggests nothing when every required tag has its photo, or when no photo could be the missing one', () => {
    expect(retagSuggestions([{ id: 1, tags: ['门头照'], capturedAt: null }, { id: 2, tags: ['合影'], capturedAt: null }], REQUIRED)).to.deep.equal([]);
    expect(retagSuggestions([{ id: 1, tags: ['门头照'], capturedAt: null }, { id: 2, tags: ['陈列照'], capturedAt: null }], REQUIRED)).to.deep.equal([]);
    expect(retagSuggestions([], REQUIRED)).to.deep.equal([]);
  });

  it('never takes a tag\'s last photo for another tag', () => {
    const s = retagSuggestions([
      { id: 1, tags: ['门头照'], capturedAt: at('10:00') },
      { id: 2, tags: ['门头照'], capturedAt: at('10:10') },
    ], ['门头照', '合影', '陈列照']);
    expect(s).to.have.length(1);
    expect(s[0]).to.include({ attachmentId: 2, to: '合影' });
  });
});

describe('nextPhotoTags: the tags photos arriving without one most likely carry', () => {
  it('gives the required tags no photo has yet, in the shooting order, then none', () => {
    expect(nextPhotoTags(3, REQUIRED, [])).to.deep.equal(['门头照', '合影', null]);
    expect(nextPhotoTags(1, REQUIRED, ['门头照'])).to.deep.equal(['合影']);
    expect(nextPhotoTags(2, REQUIRED, ['门头照', '合影', '陈列照'])).to.deep.equal([null, null]);
  });
});
