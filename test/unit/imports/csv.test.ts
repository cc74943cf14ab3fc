import { expect } from 'chai';
import { csvRecords, parseCsv } from '../../../core/imports/csv.js';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF and a BOM, keyed by the header', () => {
    const { rows } = parseCsv('\uFEFF商机编号,备注\r\n12,"含逗号,和""引号"""\r\n13,"两\n行"\r\n\r\n');
    expect(rows).to.deep.equal([
      { line: 2, values: { 商机编号: '12', 备注: '含逗号,和"引号"' } },
      { line: 3, values: { 商机编号: '13', 备注: '两\n行' } },
    ]);
  });

  it('names missing columns and an unclosed quote in Chinese', () => {
    expect(() => parseCsv('日期\n2026-01-01', ['商机编号', '采购阶段'])).to.throw().with.property('details').that.deep.equals(
      [{ path: 'header', message: '缺少列：商机编号、采购阶段（第1行应为表头）' }]);
    expect(() => parseCsv('a\n"x')).to.throw().with.property('details').that.deep.equals([{ path: 'line 2', message: '第2行的引号没有闭合' }]);
  });

  it('numbers the lines of plain and quoted records alike when both are in one file, with CRLF, LF and a lone CR', () => {
    const text = 'a,b\r\n1,2\n3,"多\r\n行"\n\n4,"x""y"\r5, 6 \n , \n7,8';
    expect([...csvRecords(text)]).to.deep.equal([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 3, fields: ['3', '多\r\n行'] },
      { line: 6, fields: ['4', 'x"y'] },
      { line: 7, fields: ['5', ' 6 '] },
      { line: 9, fields: ['7', '8'] },
    ]);
  });
});
