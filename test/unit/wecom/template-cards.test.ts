import { expect } from 'chai';
import {
  buildWarningButtonCard,
  buildWarningNoticeCard,
  parseWarningButtonKey,
  WARNING_BUTTONS,
  warningButtonKey,
  warningTaskId,
} from '../../../core/wecom/template-cards.js';
import { templateCardSchema } from '../../../core/wecom/template-card.schema.js';

const input = {
  alertId: 'a123',
  title: '客户A 报价后7天未跟进',
  summary: '上次联系：12月1日 电话',
  detailUrl: 'https://h5.example.com/alerts/a123',
  facts: [
    { label: '阶段', value: '报价' },
    { label: '业务员', value: '王五', userid: 'wangwu' },
  ],
};

describe('buildWarningButtonCard', () => {
  it('builds a valid button card with 认领 and 已处理 callback buttons and a detail link', () => {
    const card = buildWarningButtonCard({ ...input, severity: 'critical' });
    expect(templateCardSchema.safeParse(card).success).to.equal(true);
    if (card.card_type !== 'button_interaction') expect.fail('wrong card type');
    expect(card.button_list.map((b) => [b.text, b.key])).to.deep.equal([
      ['认领', 'claim:a123'],
      ['已处理', 'resolve:a123'],
    ]);
    expect(card.card_action).to.deep.equal({ type: 1, url: input.detailUrl });
    expect(card.source).to.deep.equal({ desc: '动作流预警', desc_color: 2 });
    expect(card.task_id).to.equal('alert_a123_r1');
    expect(card.horizontal_content_list?.[1]).to.deep.equal({ keyname: '业务员', value: '王五', type: 3, userid: 'wangwu' });
  });

  it('bumps task_id per round so a re-notification never reuses one', () => {
    expect(buildWarningButtonCard({ ...input, round: 2 }).task_id).to.equal('alert_a123_r2');
  });

  it('truncates long Chinese titles to fit instead of failing', () => {
    const card = buildWarningButtonCard({ ...input, title: '很长的标题'.repeat(20) });
    expect(card.main_title?.title).to.have.length(36);
    expect(card.main_title?.title?.endsWith('…')).to.equal(true);
  });

  it('keeps at most 6 facts', () => {
    const facts = Array.from({ length: 9 }, (_, i) => ({ label: `项${i}`, value: String(i) }));
    expect(buildWarningButtonCard({ ...input, facts }).horizontal_content_list).to.have.length(6);
  });

  it('refuses a detail link that is not http(s)', () => {
    expect(() => buildWarningButtonCard({ ...input, detailUrl: 'ftp://x' })).to.throw(/card_action/);
  });
});

describe('buildWarningNoticeCard', () => {
  it('builds a valid text_notice with the big number and a 查看详情 jump', () => {
    const card = buildWarningNoticeCard({ ...input, emphasis: { value: '7天', caption: '未跟进' } });
    expect(templateCardSchema.safeParse(card).success).to.equal(true);
    expect(card).to.deep.include({ card_type: 'text_notice', emphasis_content: { title: '7天', desc: '未跟进' } });
    expect(card.jump_list).to.deep.equal([{ type: 1, title: '查看详情', url: input.detailUrl }]);
  });
});

describe('warning task ids and button keys', () => {
  it('replaces characters task_id does not allow and stays within 128 bytes', () => {
    expect(warningTaskId('客户/1 2', 1)).to.match(/^alert_[0-9A-Za-z_\-@]+_r1$/);
    const long = warningTaskId('x'.repeat(300), 12);
    expect(long).to.have.length(128);
    expect(long.endsWith('_r12')).to.equal(true);
  });

  it('parses the keys it mints and ignores foreign ones', () => {
    expect(parseWarningButtonKey(warningButtonKey('resolve', 'a:1'))).to.deep.equal({ action: 'resolve', alertId: 'a:1' });
    expect(parseWarningButtonKey('remind:123')).to.equal(null);
  });

  it('has a replacement label for every button', () => {
    expect(WARNING_BUTTONS.claim.replaceName).to.equal('已认领');
    expect(WARNING_BUTTONS.resolve.replaceName).to.be.a('string').and.not.empty;
  });
});
