/**
 * 客户文档 (#20): reps have sent a share of their deals' customers a sales
 * document (延长质保条款, 报价单, 技术方案 — real one-page PDFs from the
 * evidence pool) as a document link, and the customers have opened and
 * downloaded some of them, so a deal's 文档打开 list has something to show.
 * Customers of deals later won opened their documents more often than those
 * of deals lost (the action the win score learns from); open deals vary.
 */
import { loadEvidencePool } from '../evidence/pool.js';
import { defineSeedModule, type SeedCounts } from '../seed-module.js';
import { pick, unit } from '../sql-random.js';

export const SHARED_DOCUMENT_TAGS = ['延长质保条款', '报价单', '技术方案'] as const;

export const shareLinksSeed = defineSeedModule<{ share: number }>({
  name: 'share-links',
  label: '客户文档链接与打开记录',
  after: ['opportunities', 'buying-centre', 'reports'],
  knobs: { demo: { share: 0.55 }, bench: { share: 0.3 } },
  async run(ctx, k): Promise<SeedCounts> {
    const s = ctx.seed;
    const docs = SHARED_DOCUMENT_TAGS.map((tag) => ctx.storage ? loadEvidencePool().document(tag) : null);
    if (ctx.storage) for (const d of docs) await ctx.storage.put(d!.sha256, d!.data);
    // a placeholder hash at the bench (rows only, no files)
    const sha = docs.map((d, i) => d?.sha256 ?? String(i).repeat(64).slice(0, 64));
    const size = docs.map((d) => d?.data.length ?? 40_000);
    const { rows: [made] } = await ctx.pool.query(`
      WITH o AS MATERIALIZED (
        SELECT o.id, o.customer_id, o.owner_id, o.stage_code, o.status, u.department_id, coalesce(o.closed_at, $3::timestamptz) AS closed_at,
               ${pick('o.id', s, 601, SHARED_DOCUMENT_TAGS.length)} + 1 AS t,
               nextval('attachments_id_seq') AS attachment_id, nextval('share_links_id_seq') AS link_id,
               -- shared 20–80 % of the way from the deal's start to its close (or to now)
               o.created_at + (coalesce(o.closed_at, $3::timestamptz) - o.created_at) * (0.2 + 0.6 * ${unit('o.id', s, 602)}) AS at,
               (SELECT k.id FROM contacts k WHERE k.customer_id = o.customer_id
                   AND k.status = 'active' ORDER BY (k.buying_role = 'decider') DESC NULLS LAST, k.id LIMIT 1) AS contact_id
          FROM opportunities o JOIN users u ON u.id = o.owner_id
         WHERE o.owner_id = ANY($1::bigint[]) AND ${unit('o.id', s, 600)} < $2 AND o.created_at < $3
           AND NOT EXISTS (SELECT 1 FROM share_links l WHERE l.opportunity_id = o.id)
         -- ids drawn in deal order: without it a different plan under load numbers them differently
         ORDER BY o.id),
      a AS (
        INSERT INTO attachments (id, sha256, kind, mime, size, filename, tags, uploaded_by, department_id, customer_id, source, created_at, updated_at)
        SELECT o.attachment_id, ($4::text[])[o.t], 'document', 'application/pdf', ($5::bigint[])[o.t], ($6::text[])[o.t] || '.pdf',
               ARRAY[($6::text[])[o.t]], o.owner_id, o.department_id, o.customer_id, 'upload', o.at, o.at
          FROM o RETURNING id),
      l AS (
        INSERT INTO share_links (id, attachment_id, opportunity_id, customer_id, contact_id, stage_code, tags, created_by, created_at, expires_at)
        SELECT o.link_id, o.attachment_id, o.id, o.customer_id, o.contact_id, o.stage_code, ARRAY[($6::text[])[o.t]], o.owner_id, o.at, o.at + interval '30 days'
          FROM o WHERE EXISTS (SELECT 1 FROM a WHERE a.id = o.attachment_id) RETURNING id),
      v AS (
        -- opens (and then downloads) within the link's first two weeks, never after now
        INSERT INTO share_opens (link_id, kind, at, last_at, contact_id, fingerprint, ip_prefix)
        SELECT o.link_id, x.kind, x.at, x.at, o.contact_id, substr(md5(o.link_id || ':' || x.kind || ':' || j), 1, 16),
               '183.' || (${pick('o.link_id', s, 603, 200)} + 20) || '.' || ${pick('o.link_id', s, 604, 250)} || '.0/24'
          FROM o CROSS JOIN LATERAL (VALUES ('open'), ('download')) kd(kind)
          CROSS JOIN LATERAL generate_series(1, CASE
                 WHEN o.status = 'won' THEN 1 + ${pick('o.link_id', s, 605, 4)}
                 WHEN o.status = 'lost' THEN ${pick('o.link_id', s, 605, 2)}
                 ELSE ${pick('o.link_id', s, 605, 4)} END - CASE WHEN kd.kind = 'download' THEN 1 ELSE 0 END) j
          CROSS JOIN LATERAL (SELECT kd.kind, o.at + (least(o.closed_at, $3::timestamptz, o.at + interval '14 days') - o.at)
                   * ${unit(`o.link_id * 16 + j * 2 + (kd.kind = 'download')::int`, s, 606)} AS at) x
         WHERE EXISTS (SELECT 1 FROM l WHERE l.id = o.link_id)
         ORDER BY o.link_id, kd.kind DESC, j
        RETURNING link_id, at)
      SELECT (SELECT count(*) FROM l)::int AS links, (SELECT count(*) FROM v)::int AS opens,
             (SELECT count(*) FROM a)::int AS attachments`,
    [ctx.scope.repIds, k.share, ctx.window.now, sha, size, [...SHARED_DOCUMENT_TAGS]]);
    // a third of the customers opened in WeCom or WeChat, where the page's OAuth named them (their 客户联系 id)
    await ctx.pool.query(`
      UPDATE share_opens SET identified_by = CASE WHEN link_id % 3 = 0 THEN 'wecom' ELSE 'link' END
       WHERE contact_id IS NOT NULL AND identified_by IS NULL`);
    await ctx.pool.query(`
      UPDATE contacts k SET wecom_external_userid = 'wm' || substr(md5('demo-external:' || k.id), 1, 24)
       WHERE k.wecom_external_userid IS NULL AND EXISTS (SELECT 1 FROM share_opens so WHERE so.contact_id = k.id AND so.identified_by = 'wecom')`);
    await ctx.pool.query(`
      UPDATE share_links l SET first_opened_at = f.first FROM (SELECT link_id, min(at) AS first FROM share_opens GROUP BY link_id) f
       WHERE f.link_id = l.id AND l.first_opened_at IS NULL`);
    return { attachments: made.attachments, share_links: made.links, share_opens: made.opens };
  },
});
