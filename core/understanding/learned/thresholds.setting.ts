/**
 * 机器人理解的把握: when the bot's learned reader records what it read, when it
 * asks which reading was meant, and when it leaves the words alone. Admins
 * tune it; the preview reads the public utterance table as lines the model
 * did not train on (10-fold) and says how many would be read differently:
 * "按新阈值，公开语料 N 句的读法会变".
 */
import { z } from 'zod';
import type { PreviewResult } from '../../settings/define.js';
import { defineSetting } from '../../settings/define.js';
import { foldRankings } from './cross-validation.js';
import { DEFAULT_THRESHOLDS, publicExamples, verdictOf, type LearnedVerdict } from './reader.js';
import { publicTrainingLines } from './training-set.js';

const Pct = (title: string, description: string, min: number, max: number) => z.number().int()
  .min(min, `应在${min}%–${max}%之间`).max(max, `应在${min}%–${max}%之间`).meta({ title, description, unit: '%' });

export const LearnedReaderThresholdsSchema = z.strictObject({
  confidencePct: Pct('直接记录所需的把握', '机器人对一种读法的把握不低于这个数（且比第二种读法高出下面的差距）时，直接按它记录', 40, 99),
  marginPct: Pct('两种读法的最小差距', '最像的两种读法把握相差小于这个数时，机器人会问“你是想1.…还是2.…”', 0, 60),
  askFloorPct: Pct('提问的最低把握', '把握低于这个数时，机器人不猜也不问，按没听懂处理', 10, 90),
}).superRefine((v, ctx) => {
  if (v.askFloorPct > v.confidencePct) ctx.addIssue({ code: 'custom', path: ['askFloorPct'], message: '提问的最低把握不能高于直接记录所需的把握' });
});
export type LearnedReaderThresholdsValue = z.infer<typeof LearnedReaderThresholdsSchema>;

const VERDICT_NAMES: Record<LearnedVerdict, string> = { act: '直接记录', ask: '先问', none: '不理会' };

let rankings: ReturnType<typeof foldRankings> | null = null;

async function previewThresholds(_db: unknown, c: { before: LearnedReaderThresholdsValue; after: LearnedReaderThresholdsValue }): Promise<PreviewResult> {
  const lines = publicTrainingLines();
  // each public line as the model reads it when it did not train on that line; computed once per process
  rankings ??= foldRankings(10, publicExamples());
  const frac = (v: LearnedReaderThresholdsValue) => ({ confidence: v.confidencePct / 100, margin: v.marginPct / 100, askFloor: v.askFloorPct / 100 });
  const [was, will] = [frac(c.before), frac(c.after)];
  const changed = rankings.flatMap((ranked, i) => {
    const [a, b] = [verdictOf(ranked, was), verdictOf(ranked, will)];
    return a === b ? [] : [{ text: lines[i].text, a, b, right: ranked[0].label === lines[i].label }];
  });
  const count = (th: typeof was, v: LearnedVerdict) => rankings!.filter((r) => verdictOf(r, th) === v).length;
  const wrongActs = (th: typeof was) => rankings!.filter((r, i) => verdictOf(r, th) === 'act' && r[0].label !== lines[i].label).length;
  const change = (x: number, y: number) => (x === y ? `${y}` : `${x} → ${y}`);
  return {
    summary: `按新阈值，公开语料 ${lines.length} 句中 ${changed.length} 句的读法会变（按模型没见过这句时的读法计）：`
      + `直接记录 ${change(count(was, 'act'), count(will, 'act'))} 句（其中读错 ${change(wrongActs(was), wrongActs(will))} 句），`
      + `先问 ${change(count(was, 'ask'), count(will, 'ask'))} 句`,
    lines: changed.slice(0, 8).map((x) => `“${x.text}”：${VERDICT_NAMES[x.a]} → ${VERDICT_NAMES[x.b]}${x.right ? '' : '（模型读错的句子）'}`),
  };
}

export const learnedReaderThresholds = defineSetting({
  key: 'understanding.learned-reader',
  topic: 'keywords',
  label: '机器人理解的把握',
  help: '规则读不懂的话由学习模型来读：把握够高就直接记录，两种读法接近时先问业务员，把握太低就不猜。调低会少问多记（也更容易记错），调高会多问。',
  schema: LearnedReaderThresholdsSchema,
  default: {
    confidencePct: Math.round(DEFAULT_THRESHOLDS.confidence * 100),
    marginPct: Math.round(DEFAULT_THRESHOLDS.margin * 100),
    askFloorPct: Math.round(DEFAULT_THRESHOLDS.askFloor * 100),
  },
  scopes: { department: false, customerType: 'none' },
  editors: { organisation: ['admin'] },
  preview: previewThresholds,
});
