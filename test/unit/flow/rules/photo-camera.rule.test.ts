import { expect } from 'chai';
import { photoCameraRule } from '../../../../core/flow/rules/photo-camera.rule.js';
import type { PhotoEvidence } from '../../../../core/flow/evidence/types.js';
import { aPhoto, aPhotoEvidence, aVisitFacts, codes } from '../support/builders.js';

const withPhoto = (patch: Partial<PhotoEvidence>, mime = 'image/jpeg') =>
  aVisitFacts({ report: { attachments: [{ ...aPhoto(1, ['门头照']), mime, photo: aPhotoEvidence(patch) }] } });

describe('photo.camera', () => {
  it('passes a camera photo', () => {
    expect(photoCameraRule.check(withPhoto({}), {})).to.deep.equal([]);
  });

  it('flags editing software by name, 美图秀秀 and Photoshop alike', () => {
    const [f] = photoCameraRule.check(withPhoto({ software: 'MeituXiuxiu 10.2' }), {});
    expect(f).to.include({ code: 'PHOTO_EDITED' });
    expect(f.message).to.contain('美图秀秀');
    expect(codes(photoCameraRule.check(withPhoto({ software: 'Adobe Photoshop 25.0 (Windows)' }), {}))).to.deep.equal(['PHOTO_EDITED']);
  });

  it('calls a phone-screen-sized picture without camera EXIF a screenshot, in either orientation', () => {
    const bare = { make: null, model: null, software: null, hasExif: false, gps: null };
    expect(codes(photoCameraRule.check(withPhoto({ ...bare, width: 1170, height: 2532 }), {}))).to.deep.equal(['PHOTO_SCREENSHOT']);
    expect(codes(photoCameraRule.check(withPhoto({ ...bare, width: 2400, height: 1080 }), {}))).to.deep.equal(['PHOTO_SCREENSHOT']);
    expect(codes(photoCameraRule.check(withPhoto({ ...bare, width: 1000, height: 750 }, 'image/png'), {}))).to.deep.equal(['PHOTO_SCREENSHOT']);
    expect(photoCameraRule.check(withPhoto({ ...bare, width: 1000, height: 750 }), {})).to.deep.equal([]);
  });

  it('never calls a photo WeCom delivered without EXIF a screenshot', () => {
    const stripped = { make: null, model: null, software: null, hasExif: false, gps: null, fromWecom: true, width: 1080, height: 2400 };
    expect(photoCameraRule.check(withPhoto(stripped), {})).to.deep.equal([]);
  });
});
