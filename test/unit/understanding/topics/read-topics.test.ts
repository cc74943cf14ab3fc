import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_PAIN_POINT_KEYWORDS } from '../../../../core/flow/defaults.js';
import { DEFAULT_OBSTACLE_TOPICS, phrasingsOf } from '../../../../core/understanding/topics/obstacle-topics.setting.js';
import { topicGuesserFor } from '../../../../core/understanding/topics/read-topics.js';
import { NO_TOPIC, phrasingExamples, tableTopicExamples, topicModelFor } from '../../../../core/understanding/topics/topic-model.js';
import { predict } from '../../../../core/understanding/learned/softmax.js';
import { trainTopicModel } from '../../../../core/understanding/topics/topic-model.js';
import { understand } from '../../../../core/understanding/understand.js';
import { CONTACTS, TABLE_NOW, TABLE_PATH } from '../../../support/understanding-table.js';

/** The learned topic reader: names a pain-point topic no word or phrasing gives, only when sure, never an invented one. */
describe('the learned obstacle-topic reader', () => {
  const ctx = { now: TABLE_NOW, contacts: CONTACTS };
  const settings = { ...DEFAULT_OBSTACLE_TOPICS, phrasings: phrasingsOf(DEFAULT_OBSTACLE_TOPICS) };
  const guess = topicGuesserFor(DEFAULT_PAIN_POINT_KEYWORDS, settings);

  it('learns from the public table and the phrasings only, never from a held-out table', () => {
    const taught = new Set(tableTopicExamples().map((e) => e.line));
    expect(taught.size).to.be.greaterThan(800);
    const dir = path.dirname(TABLE_PATH);
    for (const file of ['obstacle-topics-holdout.tsv', 'obstacle-topics-holdout2.tsv', 'obstacle-topics-holdout3.tsv']) {
      const held = readFileSync(path.join(dir, file), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.split('\t')[2]);
      const table = readFileSync(TABLE_PATH, 'utf8');
      expect(held.filter((t) => table.includes(`\t${t}\t`)), file).to.deep.equal([]);
    }
    expect(phrasingExamples({ 价格偏高: ['太贵', '报价…高'] }).map((e) => e.label)).to.deep.equal(['价格偏高', '价格偏高', '价格偏高']);
  });

  it('names a topic it is sure of from words no phrasing has', () => {
    const g = guess('经销商说进货价太高', ctx);
    expect(g).to.include({ verdict: 'act' });
    expect(g.choices).to.deep.equal(['价格偏高']);
  });

  it('names nothing for words that state no pain', () => {
    for (const text of ['明天下午三点再去', '刘伟是拍板的人', '今天有啥任务', '下雨了']) expect(guess(text, ctx).verdict, text).to.equal('none');
  });

  it('never names a topic the library does not have, however sure it is', () => {
    const withoutPrice = topicGuesserFor(DEFAULT_PAIN_POINT_KEYWORDS.filter((w) => w !== '价格偏高'), settings);
    const g = withoutPrice('经销商说进货价太高', ctx);
    expect(g.choices).to.not.include('价格偏高');
  });

  it('acts only at the setting\'s confidence: a stricter one asks about the same words instead', () => {
    const strict = topicGuesserFor(DEFAULT_PAIN_POINT_KEYWORDS, { ...settings, confidence: 0.99, margin: 0.5 });
    const text = '经销商说进货价太高';
    const relaxed = guess(text, ctx);
    expect(relaxed.verdict).to.equal('act');
    expect(strict(text, ctx).verdict).to.equal('ask');
    expect(strict(text, ctx).choices[0]).to.equal(relaxed.choices[0]);
  });

  it('is trained once per set of phrasings, and the same phrasings give the same model', () => {
    expect(topicModelFor(settings.phrasings)).to.equal(topicModelFor(phrasingsOf(DEFAULT_OBSTACLE_TOPICS)));
    const a = trainTopicModel(phrasingExamples({ 价格偏高: ['太贵'], 回款慢: ['拖欠'] }));
    const b = trainTopicModel(phrasingExamples({ 价格偏高: ['太贵'], 回款慢: ['拖欠'] }));
    expect(predict(a, ['u:贵'])).to.deep.equal(predict(b, ['u:贵']));
  });

  it('can fail: taught with its labels shuffled, it no longer reads the table\'s topics', () => {
    const examples = tableTopicExamples();
    const labels = examples.map((e) => e.label);
    const shuffled = examples.map((e, i) => ({ ...e, label: labels[(i * 7919) % labels.length] }));
    const model = trainTopicModel(shuffled);
    const pains = examples.filter((e) => e.label !== NO_TOPIC);
    const right = pains.filter((e) => predict(model, e.features)[0].label === e.label).length;
    expect(right / pains.length).to.be.lessThan(0.3);
  });

  it('fills the pain point through understand() and says it was read from the meaning', () => {
    const u = understand('经销商说进货价太高', { ...ctx, matchPainPoints: () => [], guessTopic: (t) => guess(t, ctx) });
    expect(u.slots.painPoints).to.deep.equal(['价格偏高']);
    expect(u.slots.painLearned).to.equal(true);
    expect(u.slots.transcript).to.equal('经销商说进货价太高');
  });
});
