/**
 * The photo inside a scanned PDF: a scanner or a phone's 扫描 app stores each
 * page as one JPEG (an image XObject with /Filter /DCTDecode), whose bytes are
 * a complete JPEG file. The largest one is the licence. A PDF without one (an
 * electronic licence drawn as text) returns null and the caller says so.
 *
 *   const jpeg = largestJpegInPdf(pdfBytes); // Buffer | null
 */
const STREAM = Buffer.from('stream');
const END = Buffer.from('endstream');
const SOI = Buffer.from([0xff, 0xd8, 0xff]);

export function largestJpegInPdf(pdf: Buffer): Buffer | null {
  let best: Buffer | null = null;
  let at = 0;
  for (;;) {
    const s = pdf.indexOf(STREAM, at);
    if (s < 0) break;
    // the stream's dictionary sits just before the keyword
    const dict = pdf.subarray(Math.max(0, s - 400), s).toString('latin1');
    let start = s + STREAM.length;
    if (pdf[start] === 0x0d) start++;
    if (pdf[start] === 0x0a) start++;
    const e = pdf.indexOf(END, start);
    if (e < 0) break;
    const lastDict = dict.slice(dict.lastIndexOf('<<'));
    if (/\/DCTDecode/.test(lastDict) && !/\/FlateDecode/.test(lastDict) && pdf.subarray(start, start + 3).equals(SOI)) {
      // a direct /Length is exact; otherwise the end-of-line before endstream is not data
      const length = /\/Length\s+(\d+)(?!\s+\d+\s+R)/.exec(lastDict);
      let end = length ? Math.min(e, start + Number(length[1])) : e;
      while (!length && end > start && (pdf[end - 1] === 0x0a || pdf[end - 1] === 0x0d)) end--;
      const jpeg = pdf.subarray(start, end);
      if (!best || jpeg.length > best.length) best = jpeg;
    }
    at = e + END.length;
  }
  return best ? Buffer.from(best) : null;
}
