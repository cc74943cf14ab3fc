import { expect } from 'chai';
import { parseCsv } from '../../../core/imports/csv.js';

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
});
