/**
 * The seed's rule: a document tagged X, shared in stage Y, downloaded by the
 * customer at least N times within D days → the deal's odds × the multiplier
 * (and the talk-track pack named in `pack` goes to the owner: core/talk-tracks/push.ts).
 */
import { z } from 'zod';
import { DAY_MS } from '../../flow/time.js';
import type { ScoreFacts } from '../facts.js';
import { defineSignalRule } from './signal-rule.js';
import { Odds } from './odds.js';

export const DocumentDownloadedParams = z.strictObject({
  tag: z.string().trim().min(1, '请填写文档标签').max(50).meta({ title: '文档标签' }),
  // optional: not set (or empty, as stored before) means any stage
  stage: z.string().trim().max(100).optional().meta({ title: '分享时所处阶段', description: '不设置则任意阶段分享的都算', optionsFrom: 'pipeline-stages' }),
  minDownloads: z.number().int().min(1, '应在1–100次之间').max(100, '应在1–100次之间').meta({ title: '客户下载至少', unit: '次' }),
  withinDays: z.number().int().min(1, '应在1–90天之间').max(90, '应在1–90天之间').meta({ title: '在多少天内', unit: '天' }),
  odds: Odds,
  // optional: not set (or empty, as stored before) pushes nothing; a pack of that name gets pushed once it exists
  pack: z.string().trim().max(100).optional().meta({ title: '推送的话术包', description: '不设置则不推送；推送给商机负责人，每个商机一次', optionsFrom: 'talk-tracks' }),
});

/** The most downloads inside any window of `days`. */
export function mostWithin(times: readonly Date[], days: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i].getTime() - times[j].getTime() > days * DAY_MS) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

export const documentDownloadedRule = defineSignalRule({
  kind: 'document.downloaded',
  label: '客户反复下载文档',
  schema: DocumentDownloadedParams,
  check: (f: Pick<ScoreFacts, 'documents'>, p) => {
    if (!f.documents.length) return null;
    const hits = f.documents
      .filter((d) => d.tags.includes(p.tag) && (!p.stage || d.sharedInStage === p.stage))
      .map((d) => ({ d, n: mostWithin(d.downloads, p.withinDays) }))
      .filter((x) => x.n >= p.minDownloads)
      .sort((a, b) => b.n - a.n);
    if (!hits.length) return null;
    const { d, n } = hits[0];
    return {
      weight: Math.log(p.odds),
      reason: `客户${p.withinDays}天内下载《${d.filename}》${n}次`,
      evidence: { linkId: d.linkId, downloads: n, ...(p.pack ? { pack: p.pack } : {}) },
    };
  },
});
