/**
 * 质保怎么谈 / 价格异议怎么回: the talk-track pack that fits the question
 * (core/talk-tracks/ask.ts), with the objection and answer closest to it and
 * the link to the whole pack in the app (opened there, it counts as a read).
 */
import { askedTopic, bestAnswer } from '../../core/talk-tracks/ask.js';
import { listPacks } from '../../core/talk-tracks/packs.js';
import { say, type Turn } from '../engine/turn.js';

/** A WeCom text bubble stays readable up to here; the rest is one tap away. */
const ANSWER_CHARS = 300;

export async function answerTalkTrack(t: Turn, text: string): Promise<void> {
  const topic = askedTopic(text) ?? '';
  const packs = (await listPacks(t.db, t.actor)).filter((p) => p.published);
  if (!packs.length) {
    say(t, '还没有话术包。管理员可以在应用的“设置 → 话术包”里添加。');
    return;
  }
  const hit = topic ? bestAnswer(topic, packs) : null;
  if (!hit) {
    say(t, `${topic ? `没有找到关于“${topic}”的话术。` : ''}现有的话术包：${packs.map((p) => `《${p.title}》`).join('、')}。`,
      `可以这样问：“${packs[0].keywords[0] ?? packs[0].title}怎么谈”。`);
    return;
  }
  const { pack, objection } = hit;
  const url = `${t.deps.config.publicUrl.replace(/\/$/, '')}/talk-tracks/${pack.id}?via=bot`;
  const first = pack.sections[0];
  say(t, `《${pack.title}》`);
  if (objection) say(t, `客户说：“${objection.objection}”`, `可以这样回：${clip(objection.answer)}`);
  else if (first) say(t, `${first.heading}：${clip(first.body)}`);
  say(t, `完整话术（${pack.sections.length}个小节、${pack.objections.length}组异议应答${pack.attachments.length ? `、${pack.attachments.length}个附件` : ''}）：${url}`,
    '用上了的话，在话术包页面点“用上了”。');
}

const clip = (s: string) => ([...s].length > ANSWER_CHARS ? `${[...s].slice(0, ANSWER_CHARS).join('')}…` : s);
