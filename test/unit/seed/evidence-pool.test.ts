import { expect } from 'chai';
import exifr from 'exifr';
import { DEFAULT_PAIN_POINT_KEYWORDS } from '../../../core/flow/defaults.js';
import { readCaptureTime } from '../../../core/evidence/read-exif.js';
import { keywordMatcherFor } from '../../../core/flow/segmenter.js';
import { sniffFile } from '../../../core/attachments/sniff.js';
import { DEMO_CUSTOMERS } from '../../../core/seed/demo-org.data.js';
import { stampJpeg } from '../../../core/seed/evidence/exif-jpeg.js';
import { loadEvidencePool, POOL_DOCUMENT_TAGS, POOL_VOICES } from '../../../core/seed/evidence/pool.js';

describe('the committed evidence pool (core/seed/evidence)', () => {
  const pool = loadEvidencePool();

  it('has a storefront photo of every demo customer and files the server accepts for each kind', () => {
    for (const [name, type] of DEMO_CUSTOMERS) expect(sniffFile(pool.storefront(name, type, 0).data), name).to.equal('jpeg');
    expect(sniffFile(pool.meeting(3).data)).to.equal('jpeg');
    for (let i = 0; i < POOL_VOICES.length; i++) expect(sniffFile(pool.voice(i).data), `memo ${i + 1}`).to.equal('mp3');
    for (const tag of POOL_DOCUMENT_TAGS) expect(sniffFile(pool.document(tag).data), tag).to.equal('pdf');
  });

  it('has memos that name at least two customer pain points, as the visit rule counts them', () => {
    const match = keywordMatcherFor(DEFAULT_PAIN_POINT_KEYWORDS);
    for (let i = 0; i < POOL_VOICES.length; i++) {
      expect(pool.voice(i).text).to.equal(POOL_VOICES[i]);
      expect(match(POOL_VOICES[i]).length, POOL_VOICES[i]).to.be.at.least(2);
    }
  });

  it('stamps a photo with a capture time and place the server reads back, and no two shots share their bytes', async () => {
    const at = new Date('2026-11-18T02:35:07Z');
    const base = pool.storefront('华联超市总部', 'ka', 0).data;
    const a = stampJpeg(base, { at, lat: 31.2395, lng: 121.4752, camera: ['Xiaomi', 'Redmi Note 12'], uniqueId: 'A1' });
    const b = stampJpeg(base, { at, lat: 31.2395, lng: 121.4752, camera: ['Xiaomi', 'Redmi Note 12'], uniqueId: 'A2' });
    expect((await readCaptureTime(a))?.toISOString()).to.equal(at.toISOString());
    const gps = await exifr.gps(a);
    expect(gps.latitude).to.be.closeTo(31.2395, 0.0001);
    expect(gps.longitude).to.be.closeTo(121.4752, 0.0001);
    expect(a.equals(b)).to.equal(false);
    expect(sniffFile(a)).to.equal('jpeg');
    // stamping twice replaces the EXIF instead of stacking it
    const again = stampJpeg(a, { at: new Date('2026-11-19T01:00:00Z') });
    expect((await readCaptureTime(again))?.toISOString()).to.equal('2026-11-19T01:00:00.000Z');
  });
});
