import { expect } from 'chai';
import { parseLicence, type TextLine } from '../../../../core/profile/licence/parse-licence.js';

/** Lines as OCR returns them: text and box; `at(x, y)` places one. */
const at = (x: number, y: number, text: string, w = text.length * 22): TextLine => ({ text, x0: x, y0: y, x1: x + w, y1: y + 26 });

describe('parseLicence: fields of a licence from OCR lines', () => {
  const twoColumns = [
    at(380, 180, '营业执照'), at(520, 280, '(副本）'),
    at(100, 360, '统一社会信用代码91350100M000100Y43'),
    at(100, 440, '名称'), at(240, 442, '福州华联医疗器械有限公司'), at(620, 440, '注册资本'), at(740, 441, '人民币伍佰万元整'),
    // OCR joined the left value with the right column's label
    at(100, 500, '类型'), at(240, 500, '有限责任公司（自然人投资或控股）成立日期', 460), at(740, 502, '1998年03月12日'),
    at(240, 540, '股份）'),
    at(100, 600, '法定代表人'), at(240, 600, '张伟'), at(620, 600, '营业期限'), at(740, 600, '1998年03月12日至'),
    at(740, 640, '长期'),
    at(100, 700, '经营范围'), at(240, 700, '第二类医疗器械销售；货物'), at(620, 700, '住所'), at(740, 700, '福州市鼓楼区五四路'),
    at(240, 740, '进出口。'), at(740, 740, '100号'),
    at(600, 1200, '登记机关'), at(720, 1200, '福州市市场监督管理局'), at(700, 1260, '2021年05月06日'),
  ];

  it('reads each field of a two-column 营业执照, continuing wrapped values in their own column', () => {
    const p = parseLicence(twoColumns);
    expect(p.kind).to.equal('business_licence');
    expect(p.fields).to.deep.equal({
      name: '福州华联医疗器械有限公司', type: '有限责任公司（自然人投资或控股）股份）', legalRep: '张伟', registeredCapital: '人民币伍佰万元整',
      address: '福州市鼓楼区五四路100号', scope: '第二类医疗器械销售；货物进出口。', establishedOn: '1998-03-12', termFrom: '1998-03-12',
      termTo: null, creditCode: '91350100M000100Y43',
    });
    expect(p).to.include({ longTerm: true, creditCodeValid: true, creditCodeCorrected: false });
  });

  it('reads a dated 营业期限 and a founding date long before 2000', () => {
    const p = parseLicence([at(100, 100, '营业执照'), at(100, 200, '成立日期1986年7月1日'), at(100, 260, '营业期限1986年07月01日至2036年06月30日')]);
    expect(p.fields).to.include({ establishedOn: '1986-07-01', termFrom: '1986-07-01', termTo: '2036-06-30' });
    expect(p.longTerm).to.equal(false);
  });

  it('reads a 医疗器械经营许可证: number, scope and validity; the 企业负责人 is not the legal representative', () => {
    const p = parseLicence([
      at(300, 100, '医疗器械经营许可证'), at(100, 200, '许可证编号：苏宁食药监械经营许20190001号'),
      at(100, 260, '企业名称'), at(300, 260, '南京康泰医疗器械有限公司'), at(100, 320, '法定代表人'), at(300, 320, '李强'),
      at(100, 380, '企业负责人'), at(300, 380, '王芳'), at(100, 440, '经营范围'), at(300, 440, '三类：6815注射穿刺器械'),
      at(100, 500, '有效期限'), at(300, 500, '2023年06月01日至2028年05月31日'),
    ]);
    expect(p.kind).to.equal('medical_device_permit');
    expect(p.fields).to.include({
      permitNo: '苏宁食药监械经营许20190001号', name: '南京康泰医疗器械有限公司', legalRep: '李强', scope: '三类：6815注射穿刺器械',
      validFrom: '2023-06-01', validTo: '2028-05-31',
    });
  });

  it('corrects a credit code read with an O, and says what a receipt is not', () => {
    expect(parseLicence([at(0, 0, '营业执照'), at(0, 50, '统一社会信用代码 91350100MO00100Y43')]))
      .to.include({ creditCodeValid: true, creditCodeCorrected: true });
    expect(parseLicence([at(0, 0, '超市购物小票'), at(0, 50, '合计 35.00元')]).kind).to.equal(null);
  });
});
