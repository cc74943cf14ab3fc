import { expect } from 'chai';
import { BUYING_ROLE_OPTIONS } from '../../../core/flow/buying-centre.js';
import { DEFAULT_PAIN_POINT_KEYWORDS } from '../../../core/flow/defaults.js';
import { keywordMatcherFor } from '../../../core/flow/segmenter.js';
import { formatShanghai } from '../../../core/flow/time.js';
import type { ContactRef } from '../../../core/understanding/decision-chain.js';
import { extractSlots, type SlotContext } from '../../../core/understanding/extract-slots.js';

/**
 * What reps actually type, and the slots each answer must fill, at a fixed
 * "now": Friday 2026-11-27 10:00 in Shanghai. Fields and tags are the default
 * visit definition's; the contacts are a KA customer's four.
 */
const NOW = new Date('2026-11-27T10:00:00+08:00');

const CONTACTS: ContactRef[] = [
  { id: 1, name: '刘伟', department: '采购部', title: '采购经理', buyingRole: 'decider' },
  { id: 2, name: '张芳', department: '运营部', title: '门店运营主管', buyingRole: 'influencer' },
  { id: 3, name: '刘敏', department: '财务部', title: '财务主管', buyingRole: 'gatekeeper' },
  { id: 4, name: '黄静', department: '品类部', title: '品类专员', buyingRole: 'user' },
];

const CTX: SlotContext = {
  now: NOW,
  fields: [
    { key: 'decisionRole', label: '决策链角色', type: 'enum', options: BUYING_ROLE_OPTIONS },
    { key: 'nextContactAt', label: '下次接触时间', type: 'datetime_future' },
  ],
  contacts: CONTACTS,
  photoTags: ['门头照', '合影', '陈列照'],
  matchPainPoints: keywordMatcherFor(DEFAULT_PAIN_POINT_KEYWORDS),
};

interface Expect {
  /** Shanghai wall clock 'YYYY-MM-DD HH:mm'. */
  next?: string;
  role?: string;
  /** One name: matched; several: ambiguous (the bot asks back); []: mentioned but not a known contact. */
  person?: string[];
  tag?: string;
  pains?: string[];
  transcript?: boolean;
  correction?: boolean;
  /** Nothing at all may be read from it. */
  nothing?: boolean;
}

type Case = [text: string, expected: Expect, ctx?: Partial<SlotContext>];
const pending = (slot: string) => ({ pendingSlot: slot });
const afterNext = { lastFilled: 'fields.nextContactAt' };

const CASES: Case[] = [
  // dates and times for 下次接触时间
  ['下周三下午再约', { next: '2026-12-02 15:00' }],
  ['明天下午', { next: '2026-11-28 15:00' }],
  ['下周三', { next: '2026-12-02 10:00' }],
  ['3月15日', { next: '2027-03-15 10:00' }],
  ['15号上午十点', { next: '2026-12-15 10:00' }],
  ['明天下午三点再过去', { next: '2026-11-28 15:00' }],
  ['下周四上午', { next: '2026-12-03 10:00' }],
  ['后天上午十点再联系', { next: '2026-11-29 10:00' }],
  ['下个月5号回访', { next: '2026-12-05 10:00' }],
  ['12月1日下午2点', { next: '2026-12-01 14:00' }],
  ['明早九点电话跟进', { next: '2026-11-28 09:00' }],
  ['下周一下午两点半见面', { next: '2026-11-30 14:30' }],
  ['大后天', { next: '2026-11-30 10:00' }],
  ['下下周二', { next: '2026-12-08 10:00' }],
  ['两周后再来', { next: '2026-12-11 10:00' }],
  ['月底前再约一次', { next: '2026-11-30 10:00' }],
  ['约了下礼拜三上午十点一刻', { next: '2026-12-02 10:15' }],
  ['11月30号下午', { next: '2026-11-30 15:00' }],
  ['2026年12月3日', { next: '2026-12-03 10:00' }],
  ['下周五中午一起吃饭', { next: '2026-12-04 12:00' }],
  ['12/5 上午', { next: '2026-12-05 10:00' }],
  ['三天后', { next: '2026-11-30 10:00' }],
  ['周一上午', { next: '2026-11-30 10:00' }],
  ['下次拜访定在下周二下午4点', { next: '2026-12-01 16:00' }],
  ['3点', { next: '2026-11-27 15:00' }, pending('fields.nextContactAt')],
  ['下午', { next: '2026-11-27 15:00' }, pending('fields.nextContactAt')],
  ['15:30', { next: '2026-11-27 15:30' }, pending('fields.nextContactAt')],
  ['晚上8点', { next: '2026-11-27 20:00' }, pending('fields.nextContactAt')],
  ['下周', { next: '2026-11-30 10:00' }],
  ['十二月八号下午三点', { next: '2026-12-08 15:00' }],
  ['下周三或者周四都行', { next: '2026-12-02 10:00' }],
  ['星期二下午三点', { next: '2026-12-01 15:00' }],
  // the visit being reported is not the next contact
  ['今天上午拜访了华联', { nothing: true }],
  ['刚到门店', { nothing: true }],
  // decision chain
  ['采购经理刘总是拍板的人', { role: '决策者', person: ['刘伟'] }],
  ['刘总说了算', { role: '决策者', person: ['刘伟', '刘敏'] }],
  ['财务主管刘敏管钱', { role: '把关者', person: ['刘敏'] }],
  ['张芳是内线，很支持我们', { role: '影响者', person: ['张芳'] }],
  ['黄静是具体使用的人', { role: '使用者', person: ['黄静'] }],
  ['决策人是采购经理', { role: '决策者', person: ['刘伟'] }],
  ['老板说了算', { role: '决策者' }],
  ['2', { role: '使用者' }, pending('fields.decisionRole')],
  ['技术把关的是王工', { role: '影响者', person: [] }],
  ['刘经理负责采购', { role: '采购者', person: ['刘伟'] }],
  ['拍板的是张总', { role: '决策者', person: ['张芳'] }],
  ['财务把关', { role: '把关者' }, pending('fields.decisionRole')],
  // several slots in one sentence
  ['采购经理刘总是拍板的人，下周三下午再约，他嫌价格偏高，账期也长',
    { role: '决策者', person: ['刘伟'], next: '2026-12-02 15:00', pains: ['价格偏高', '账期'] }],
  ['刘伟拍板，明天下午三点再去一趟', { role: '决策者', person: ['刘伟'], next: '2026-11-28 15:00' }],
  ['客户说价格偏高、回款慢，下周二再谈', { pains: ['价格偏高', '回款慢'], next: '2026-12-01 10:00' }],
  ['张芳是支持我们的，约了下周一上午', { role: '影响者', person: ['张芳'], next: '2026-11-30 10:00' }],
  ['拍板的是刘伟，他说竞品价格低、库存积压，下周五下午再来', { role: '决策者', person: ['刘伟'], pains: ['竞品', '库存积压'], next: '2026-12-04 15:00' }],
  // corrections
  ['不对，是下周四', { next: '2026-12-03 10:00', correction: true }, afterNext],
  ['不是明天，是后天', { next: '2026-11-29 10:00', correction: true }, afterNext],
  ['改成下周五下午', { next: '2026-12-04 15:00', correction: true }, afterNext],
  ['应该是15号', { next: '2026-12-15 10:00', correction: true }, afterNext],
  ['不对，拍板的是刘敏', { role: '决策者', person: ['刘敏'], correction: true }],
  ['说错了，是12月3号下午两点', { next: '2026-12-03 14:00', correction: true }, afterNext],
  ['不对，时间是下周一上午十点', { next: '2026-11-30 10:00', correction: true }, afterNext],
  // photo tags
  ['这是门头照', { tag: '门头照' }],
  ['和刘总的合照', { tag: '合影' }],
  ['货架陈列', { tag: '陈列照' }],
  ['门店招牌', { tag: '门头照' }],
  // the voice memo's words
  ['客户主要担心断货和物流慢', { pains: ['断货', '物流慢'], transcript: true }, pending('voice')],
  ['他们嫌进场费太贵', { pains: ['进场费'], transcript: true }],
  ['没什么问题', { pains: [], transcript: true }, pending('voice')],
  // noise
  ['😀😀', { nothing: true }],
  ['asdfgh', { nothing: true }],
];

describe('extractSlots: Chinese answers and the slots they fill (now = Fri 2026-11-27 10:00 Shanghai)', () => {
  it('has a table of at least 60 answers', () => expect(CASES.length).to.be.at.least(60));

  for (const [text, want, extra] of CASES) {
    const where = extra?.pendingSlot ? ` (asked for ${extra.pendingSlot})` : '';
    it(`reads “${text}”${where}`, () => {
      const got = extractSlots(text, { ...CTX, ...extra });
      const field = (k: string) => got.fields.find((f) => f.key === k);
      if (want.nothing) {
        expect(got.fields, 'fields').to.deep.equal([]);
        expect(got.person, 'person').to.equal(undefined);
        expect(got.role, 'role').to.equal(undefined);
        expect(got.transcript, 'transcript').to.equal(undefined);
        return;
      }
      const next = field('nextContactAt');
      if (want.next) expect(next && formatShanghai(new Date(next.value)), 'nextContactAt').to.equal(want.next);
      else expect(next, 'nextContactAt').to.equal(undefined);
      if (want.role) expect(field('decisionRole')?.value, 'decisionRole').to.equal(want.role);
      else expect(field('decisionRole'), 'decisionRole').to.equal(undefined);
      if (want.person) expect(got.person?.candidates.map((c) => c.name), 'person').to.deep.equal(want.person);
      if (want.tag) expect(got.photoTag, 'photo tag').to.equal(want.tag);
      if (want.pains) expect(got.painPoints, 'pain points').to.have.members(want.pains);
      if (want.transcript !== undefined) expect(got.transcript !== undefined, 'transcript').to.equal(want.transcript);
      expect(got.correction, 'correction').to.equal(want.correction ?? false);
    });
  }
});
