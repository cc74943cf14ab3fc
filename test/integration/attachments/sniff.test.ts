import { expect } from 'chai';
import { HEAD_BYTES, sniffFile, sniffHead, zipEntryNames } from '../../../core/attachments/sniff.js';
import { heic, m4a, SAMPLES, speexMemo, zip } from './support/sample-files.js';

/** Pure: the magic-byte sniffer on its own (no database, no HTTP). */
describe('sniffing file types from content (core/attachments/sniff.ts)', () => {
  for (const [type, build] of Object.entries(SAMPLES)) {
    it(`recognises ${type}`, () => expect(sniffFile(build())).to.equal(type));
  }

  it('tells HEIC from M4A by the ftyp brands, major or compatible', () => {
    expect(sniffHead(heic())).to.equal('heic');
    expect(sniffHead(m4a())).to.equal('m4a');
    const mif1Only = Buffer.from(heic());
    mif1Only.write('mif1', 8, 'latin1');
    expect(sniffHead(mif1Only)).to.equal('heic');
    const mp4Video = Buffer.from(heic());
    mp4Video.write('isom', 8, 'latin1');
    mp4Video.write('avc1', 16, 'latin1');
    mp4Video.write('mp41', 20, 'latin1');
    expect(sniffHead(mp4Video)).to.equal(null);
  });

  it('does not take AAC (ADTS sync, layer 0) or a reserved MPEG version for MP3', () => {
    expect(sniffHead(Buffer.from([0xff, 0xf1, 0x50, 0x80, 0, 0, 0, 0]))).to.equal(null);
    expect(sniffHead(Buffer.from([0xff, 0xeb, 0x90, 0x64, 0, 0, 0, 0]))).to.equal(null);
  });

  it('reads ZIP entry names from the central directory; pptx and a broken archive are no document', () => {
    expect(zipEntryNames(SAMPLES.docx())).to.include('word/document.xml');
    expect(sniffFile(zip([['ppt/presentation.xml', '<p/>']]))).to.equal(null);
    const docx = SAMPLES.docx();
    expect(sniffFile(docx.subarray(0, docx.length - 10))).to.equal(null);
  });

  it('recognises a real Speex memo: one second of 16 kHz wideband from speexenc 1.2.1 (Ogg Speex, as media/get/jssdk serves)', () => {
    const memo = speexMemo();
    expect(sniffFile(memo)).to.equal('speex');
    expect(sniffHead(memo.subarray(0, HEAD_BYTES))).to.equal('speex');
  });

  it('needs the Speex header inside the Ogg page: Ogg Vorbis is refused', () => {
    const vorbis = SAMPLES.speex();
    vorbis.write('\x01vorbis\0', 28, 'latin1');
    expect(sniffHead(vorbis)).to.equal(null);
  });

  it('refuses text, HTML and executables', () => {
    for (const s of ['hello', '<html><script>alert(1)</script>', 'MZ\x90\x00', '\x7fELF']) {
      expect(sniffFile(Buffer.from(s, 'latin1')), s).to.equal(null);
    }
  });
});
