/**
 * The dry run of a change to 赢率信号 over the organisation's own deals: on
 * the closed ones (each as it stood when it closed), how often each rule
 * fires and the win rate with and without it, before and after the change;
 * on the open ones, how many scores of the prior model would move a point or more.
 *
 *   const { summary, lines } = await previewSignalChange(db, { before, after, now });
 */
import type { Db } from '../db/pool.js';
import type { PreviewResult } from '../settings/define.js';
import { loadScoreFactsAt, type ScoreFacts } from './facts.js';
import { loadScoreFactsNow } from './facts-now.js';
import { fireSignals, priorScore } from './prior-model.js';
import { SIGNAL_SLOTS, type SignalSettings } from './signals.setting.js';

// the latest closed and open deals a preview looks at: enough to judge a rule, quick enough to wait for
const CLOSED_SAMPLE = 1000;
const OPEN_SAMPLE = 2000;

const pct = (a: number, n: number) => (n ? `${Math.round((a / n) * 100)}%` : '—');

export async function previewSignalChange(db: Db, c: { before: SignalSettings; after: SignalSettings; now: Date }): Promise<PreviewResult> {
  const { rows: closed } = await db.query(
    `SELECT id, closed_at, (status = 'won') AS won FROM opportunities WHERE status IN ('won','lost') AND closed_at IS NOT NULL
      ORDER BY closed_at DESC LIMIT $1`, [CLOSED_SAMPLE]);
  const closedFacts = await loadScoreFactsAt(db, closed.map((r) => ({ id: Number(r.id), asOf: new Date(r.closed_at.getTime() - 1) })));
  const won = new Map<number, boolean>(closed.map((r) => [Number(r.id), r.won]));
  const firedBy = (s: SignalSettings) => {
    const byKind = new Map<string, number[]>();
    for (const f of closedFacts.values()) for (const x of fireSignals(f, s)) byKind.set(x.kind, [...(byKind.get(x.kind) ?? []), f.opportunityId]);
    return byKind;
  };
  const before = firedBy(c.before);
  const after = firedBy(c.after);
  const lines = Object.values(SIGNAL_SLOTS).map((rule) => {
    const ids = after.get(rule.kind) ?? [];
    const wonWith = ids.filter((id) => won.get(id)).length;
    const others = [...closedFacts.keys()].filter((id) => !ids.includes(id));
    const wonWithout = others.filter((id) => won.get(id)).length;
    const was = (before.get(rule.kind) ?? []).length;
    return `${rule.label}：已结商机中触发 ${ids.length} 个${was !== ids.length ? `（原为 ${was} 个）` : ''}，触发的赢单率 ${pct(wonWith, ids.length)}，未触发的 ${pct(wonWithout, others.length)}`;
  });

  const { rows: open } = await db.query(`SELECT id FROM opportunities WHERE status = 'open' ORDER BY id DESC LIMIT $1`, [OPEN_SAMPLE]);
  const openFacts = await loadScoreFactsNow(db, open.map((r) => Number(r.id)), c.now);
  const moved = [...openFacts.values()].filter((f: ScoreFacts) =>
    Math.abs(priorScore(f, c.after).probability - priorScore(f, c.before).probability) >= 0.01).length;
  return {
    summary: `按最近 ${closedFacts.size} 个已结商机（结束时的情况）试算；进行中的 ${openFacts.size} 个商机里，${moved} 个的先验赢率会变化 1 个百分点以上`,
    lines,
  };
}
