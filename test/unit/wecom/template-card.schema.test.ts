import { expect } from 'chai';
import { templateCardSchema, type TemplateCard } from '../../../core/wecom/template-card.schema.js';
import { assertValidMessage, WecomRequestInvalidError } from '../../../core/wecom/wecom-client.js';

/** The button card from reference §2.2. */
const buttonCard = (): Extract<TemplateCard, { card_type: 'button_interaction' }> => ({
  card_type: 'button_interaction',
  source: { desc: '动作流预警', desc_color: 2 },
  main_title: { title: '客户A 报价后7天未跟进', desc: '业务员：王五' },
  horizontal_content_list: [
    { keyname: '阶段', value: '报价' },
    { keyname: '业务员', value: '王五', type: 3, userid: 'wangwu' },
  ],
  card_action: { type: 1, url: 'https://h5.example.com/cases/123' },
  task_id: 'alert_123_r1',
  button_list: [
    { text: '催办', style: 1, key: 'remind:123' },
    { text: '忽略', style: 4, key: 'ignore:123' },
  ],
});
const textNotice = (): Extract<TemplateCard, { card_type: 'text_notice' }> => ({
  card_type: 'text_notice',
  main_title: { title: '今日预警汇总' },
  card_action: { type: 1, url: 'https://h5.example.com/alerts' },
});
const valid = (card: unknown) => templateCardSchema.safeParse(card).success;
const button = (i: number) => ({ text: `按钮${i}`, key: `k${i}` });

describe('templateCardSchema', () => {
  it('accepts the documented button_interaction example', () => {
    expect(valid(buttonCard())).to.equal(true);
  });

  it('allows at most 6 buttons and requires at least one', () => {
    expect(valid({ ...buttonCard(), button_list: [1, 2, 3, 4, 5, 6].map(button) })).to.equal(true);
    expect(valid({ ...buttonCard(), button_list: [1, 2, 3, 4, 5, 6, 7].map(button) })).to.equal(false);
    expect(valid({ ...buttonCard(), button_list: [] })).to.equal(false);
  });

  it('requires unique keys on callback buttons, and a url on link buttons', () => {
    expect(valid({ ...buttonCard(), button_list: [button(1), button(1)] })).to.equal(false);
    expect(valid({ ...buttonCard(), button_list: [{ text: '打开', type: 1 }] })).to.equal(false);
    expect(valid({ ...buttonCard(), button_list: [{ text: '打开', type: 1, url: 'https://h5.example.com' }] })).to.equal(true);
  });

  it('allows at most 3 jump_list entries', () => {
    const jump = { type: 1, title: '详情', url: 'https://h5.example.com' };
    expect(valid({ ...textNotice(), jump_list: [jump, jump, jump] })).to.equal(true);
    expect(valid({ ...textNotice(), jump_list: [jump, jump, jump, jump] })).to.equal(false);
  });

  it('allows at most 6 horizontal items and checks each item\'s link target', () => {
    const item = { keyname: '客户', value: 'A' };
    expect(valid({ ...textNotice(), horizontal_content_list: Array(7).fill(item) })).to.equal(false);
    expect(valid({ ...textNotice(), horizontal_content_list: [{ keyname: '业务员', value: '王五', type: 3 }] })).to.equal(false);
  });

  it('requires card_action on text_notice and news_notice', () => {
    const { card_action: _, ...noAction } = textNotice();
    expect(valid(noAction)).to.equal(false);
    expect(valid({ card_type: 'news_notice', main_title: { title: 't' }, card_image: { url: 'https://img' } })).to.equal(false);
  });

  it('requires main_title.title or sub_title_text on text_notice', () => {
    expect(valid({ ...textNotice(), main_title: undefined })).to.equal(false);
    expect(valid({ ...textNotice(), main_title: undefined, sub_title_text: '3 位客户超过7天未跟进' })).to.equal(true);
  });

  it('requires an image on news_notice', () => {
    const news = { card_type: 'news_notice', main_title: { title: 't' }, card_action: { type: 1, url: 'https://h5' } };
    expect(valid(news)).to.equal(false);
    expect(valid({ ...news, card_image: { url: 'https://img/1.png', aspect_ratio: 2.25 } })).to.equal(true);
    expect(valid({ ...news, card_image: { url: 'https://img/1.png', aspect_ratio: 3 } })).to.equal(false);
  });

  it('restricts task_id to [0-9A-Za-z_-@] and 128 bytes, and requires it on interactive cards', () => {
    expect(valid({ ...buttonCard(), task_id: 'alert 123' })).to.equal(false);
    expect(valid({ ...buttonCard(), task_id: '预警123' })).to.equal(false);
    expect(valid({ ...buttonCard(), task_id: 'a'.repeat(128) })).to.equal(true);
    expect(valid({ ...buttonCard(), task_id: 'a'.repeat(129) })).to.equal(false);
    const { task_id: _, ...noTask } = buttonCard();
    expect(valid(noTask)).to.equal(false);
  });

  it('requires task_id once an action_menu is set, and 1–3 menu items', () => {
    const menu = { desc: '更多', action_list: [{ text: '不再提醒', key: 'mute' }] };
    expect(valid({ ...textNotice(), action_menu: menu })).to.equal(false);
    expect(valid({ ...textNotice(), action_menu: menu, task_id: 'digest_1' })).to.equal(true);
    expect(valid({ ...textNotice(), task_id: 'd1', action_menu: { ...menu, action_list: Array(4).fill(menu.action_list[0]) } })).to.equal(false);
  });

  it('limits multiple_interaction to 3 selects of ≤10 options and vote to ≤20 options', () => {
    const opts = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `o${i}`, text: `选项${i}` }));
    const base = { main_title: { title: 't' }, task_id: 't1', submit_button: { text: '提交', key: 'submit' } };
    const select = (n: number) => ({ question_key: 'q', option_list: opts(n) });
    expect(valid({ ...base, card_type: 'multiple_interaction', select_list: [select(10), select(1), select(1)] })).to.equal(true);
    expect(valid({ ...base, card_type: 'multiple_interaction', select_list: [select(11)] })).to.equal(false);
    expect(valid({ ...base, card_type: 'multiple_interaction', select_list: Array(4).fill(select(1)) })).to.equal(false);
    expect(valid({ ...base, card_type: 'vote_interaction', checkbox: { question_key: 'q', option_list: opts(21) } })).to.equal(false);
  });

  it('refuses non-http links', () => {
    expect(valid({ ...textNotice(), card_action: { type: 1, url: 'javascript:alert(1)' } })).to.equal(false);
  });
});

describe('assertValidMessage', () => {
  it('rejects text over 2048 bytes even when under 2048 characters', () => {
    expect(() => assertValidMessage({ touser: ['a'], msgtype: 'text', text: { content: '字'.repeat(683) } })).to.throw(WecomRequestInvalidError);
    expect(() => assertValidMessage({ touser: ['a'], msgtype: 'text', text: { content: '字'.repeat(682) } })).to.not.throw();
  });

  it('rejects more than 1000 users and a message with no recipient', () => {
    const many = Array.from({ length: 1001 }, (_, i) => `u${i}`);
    expect(() => assertValidMessage({ touser: many, msgtype: 'markdown', markdown: { content: '**预警**' } })).to.throw(WecomRequestInvalidError);
    expect(() => assertValidMessage({ msgtype: 'markdown', markdown: { content: 'x' } })).to.throw(/至少需要一个接收者/);
    expect(() => assertValidMessage({ touser: '@all', msgtype: 'markdown', markdown: { content: 'x' } })).to.not.throw();
  });

  it('checks textcard limits', () => {
    const card = { title: '客户A', description: '<div class="highlight">7天未跟进</div>', url: 'https://h5.example.com', btntxt: '详情' };
    expect(() => assertValidMessage({ toparty: [2], msgtype: 'textcard', textcard: card })).to.not.throw();
    expect(() => assertValidMessage({ toparty: [2], msgtype: 'textcard', textcard: { ...card, btntxt: '查看详情页' } })).to.throw();
  });

  it('validates the embedded template card', () => {
    expect(() =>
      assertValidMessage({ touser: ['a'], msgtype: 'template_card', template_card: { ...buttonCard(), task_id: 'bad id' } }),
    ).to.throw(WecomRequestInvalidError, /task_id/);
  });
});
