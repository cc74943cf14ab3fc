import { expect } from 'chai';
import { HEAD_BYTES, sniffFile, sniffHead, zipEntryNames } from '../../../core/attachments/sniff.js';
import { heic, m4a, SAMPLES, speex, speexMemo, zip } from './support/sample-files.js';

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
    const unknownBrands = Buffer.from(heic());
    unknownBrands.write('qt  ', 8, 'latin1');
    unknownBrands.write('avc1', 16, 'latin1');
    unknownBrands.write('crx ', 20, 'latin1');
    expect(sniffHead(unknownBrands)).to.equal(null);
  });

  it('takes a plain ISO MP4 (as iOS records audio/mp4) for audio and a 3gp brand for 3GP, whichever comes first', () => {
    const plain = Buffer.from(heic());
    plain.write('iso5', 8, 'latin1');
    plain.write('iso6', 16, 'latin1');
    plain.write('mp41', 20, 'latin1');
    expect(sniffHead(plain)).to.equal('mp4');
    plain.write('3gp4', 20, 'latin1');
    expect(sniffHead(plain)).to.equal('3gp');
  });

  it('tells Ogg Opus from Ogg Speex and WebM from other EBML by the DocType', () => {
    expect(sniffHead(SAMPLES.opus())).to.equal('opus');
    const mkv = Buffer.from(SAMPLES.webm().subarray(0, 64));
    mkv.write('mkvx', mkv.indexOf('webm', 0, 'latin1'), 'latin1');
    expect(sniffHead(mkv)).to.equal(null);
  });

  it('takes ADTS (AAC sync, layer 0) for AAC and never for MP3', () => {
    expect(sniffHead(Buffer.from([0xff, 0xf1, 0x50, 0x80, 0, 0, 0, 0]))).to.equal('aac');
  });

  it('does not take a reserved MPEG version for MP3', () => {
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
    const vorbis = speex();
    vorbis.write('\x01vorbis\0', 28, 'latin1');
    expect(sniffHead(vorbis)).to.equal(null);
  });

  it('refuses text, HTML and executables', () => {
    for (const s of ['hello', '<html><script>alert(1)</script>', 'MZ\x90\x00', '\x7fELF']) {
      expect(sniffFile(Buffer.from(s, 'latin1')), s).to.equal(null);
    }
  });
});
