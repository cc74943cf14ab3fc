import { expect } from 'chai';
import { mentionedCustomers, pickChoice, shortName } from '../../../bot/engine/pick-action.js';
import { toReplies } from '../../../bot/engine/run-turn.js';
import { detectCommand, detectPhotoTag, isNo, isNoise, isYes, parseCorrection } from '../../../core/understanding/intents.js';

describe('bot intents', () => {
  it('recognises commands however politely they are asked', () => {
    const cases: Array<[string, string | null]> = [
      ['帮助', 'help'], ['帮助一下', 'help'], ['？', 'help'], ['我的任务', 'my_tasks'], ['任务', 'my_tasks'], ['我的待办', 'my_tasks'],
      ['今日拜访', 'today_visits'], ['今天拜访', 'today_visits'], ['写日报', 'daily_report'], ['日报', 'daily_report'],
      ['撤销', 'undo'], ['跳过', 'skip'], ['提交吧', 'submit'], ['算了', 'cancel'], ['还差什么？', 'status'], ['关联订单', 'link_orders'],
      ['下周三下午再约', null], ['我的任务是拜访华联，下周三再约', null],
    ];
    for (const [text, cmd] of cases) expect(detectCommand(text), text).to.equal(cmd);
  });

  it('reads yes and no', () => {
    for (const y of ['确认', '好的', '可以', '是', 'OK', '👌', '提交']) expect(isYes(y), y).to.equal(true);
    for (const n of ['不', '先不提交', '等等', '不对']) expect(isNo(n), n).to.equal(true);
    expect(isYes('下周三')).to.equal(false);
  });

  it('takes the new value of a correction from after the last 是/改成', () => {
    expect(parseCorrection('不对，是下周四')).to.deep.equal({ isCorrection: true, rest: '是下周四', focus: '下周四' });
    expect(parseCorrection('不是明天，是后天').focus).to.equal('后天');
    expect(parseCorrection('改成下周五下午').focus).to.equal('下周五下午');
    expect(parseCorrection('下周三再约').isCorrection).to.equal(false);
  });

  it('tells photo tags from the words reps use', () => {
    const tags = ['门头照', '合影', '陈列照'];
    expect(detectPhotoTag('门店招牌', tags)).to.equal('门头照');
    expect(detectPhotoTag('和店长一起拍的', tags)).to.equal('合影');
    expect(detectPhotoTag('货架', tags)).to.equal('陈列照');
    expect(detectPhotoTag('竞品陈列照片', ['竞品陈列照片', ...tags])).to.equal('竞品陈列照片');
    expect(detectPhotoTag('下周三', tags)).to.equal(null);
  });

  it('calls emoji, punctuation and laughter noise', () => {
    for (const n of ['😀😀', '。。。', '哈哈哈', '👍', '?!', 'a']) expect(isNoise(n), n).to.equal(true);
    for (const n of ['好', '下周三', '1']) expect(isNoise(n), n).to.equal(false);
  });
});

describe('which customer a message names', () => {
  const customers = [
    { name: '华联超市总部' }, { name: '永辉超市上海区域公司' }, { name: '上海市第六人民医院' },
    { name: '上海嘉禾食品经销有限公司' }, { name: '罗森静安寺店' },
  ];

  it('shortens names the way reps say them', () => {
    expect(customers.map((c) => shortName(c.name))).to.deep.equal(['华联', '永辉', '第六人民医院', '嘉禾', '罗森静安寺店']);
  });

  it('finds the customer by full or short name, preferring the longest match', () => {
    expect(mentionedCustomers('华联那边下周三再约', customers)).to.deep.equal([{ name: '华联超市总部' }]);
    expect(mentionedCustomers('刚从六院出来', customers)).to.deep.equal([]);
    expect(mentionedCustomers('在第六人民医院', customers)).to.deep.equal([{ name: '上海市第六人民医院' }]);
    expect(mentionedCustomers('嘉禾的老板说了算', customers)).to.deep.equal([{ name: '上海嘉禾食品经销有限公司' }]);
  });

  it('picks an option by number or by name', () => {
    const options = [{ actionId: 1, customerName: '华联超市总部', short: '华联' }, { actionId: 2, customerName: '永辉超市上海区域公司', short: '永辉' }];
    expect(pickChoice('2', options)?.actionId).to.equal(2);
    expect(pickChoice('第一个', options)?.actionId).to.equal(1);
    expect(pickChoice('永辉', options)?.actionId).to.equal(2);
    expect(pickChoice('都不是', options)).to.equal(null);
  });
});

describe('replies', () => {
  it('joins lines into one message and splits only past WeCom’s 2048-byte limit', () => {
    expect(toReplies(['a', 'b'])).to.deep.equal([{ kind: 'text', text: 'a\nb' }]);
    const long = toReplies(Array.from({ length: 40 }, () => '汉'.repeat(30)));
    expect(long.length).to.be.greaterThan(1);
    for (const r of long) expect(Buffer.byteLength(r.text, 'utf8')).to.be.at.most(2000);
    expect(toReplies(['汉'.repeat(5000)])[0].text.length).to.be.below(700);
  });
});
