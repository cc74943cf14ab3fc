/**
 * 话术包 (#20): the packs an admin has written — the seed rule's
 * 《同类客户质保谈判话术包》 (pushed when a customer keeps downloading the
 * warranty terms), a price-objection pack for 商务谈判 and a hospital-access
 * pack — before the deals are scored, so scoring the history pushes them as
 * it would have. Then (talkTrackReadsSeed, after the scores) the demo rep's
 * framework deal gets what fires the seed rule today — the warranty terms shared
 * in 商务谈判 and downloaded three times in two days — and is scored through
 * the real path, which pushes the card; the owners have opened some pushed
 * packs and said 用上了 for some, and other reps have read packs in the app.
 * The benchmark's organisation has no packs.
 */
import { loadEvidencePool } from '../evidence/pool.js';
import { scoreOpportunities } from '../../scoring/scores.js';
import { pushTalkTracks } from '../../talk-tracks/push.js';
import { defineSeedModule, type SeedCounts } from '../seed-module.js';
import { pick, unit } from '../sql-random.js';

interface SeedPack {
  title: string;
  summary: string;
  keywords: string[];
  customerTypes: string[];
  stageCodes: string[];
  signalKinds: string[];
  sections: Array<{ heading: string; body: string }>;
  objections: Array<{ objection: string; answer: string }>;
  /** A document of the evidence pool attached to it, by tag. */
  file?: string;
}

export const WARRANTY_PACK = '同类客户质保谈判话术包';

export const SEED_PACKS: SeedPack[] = [
  {
    title: WARRANTY_PACK,
    summary: '客户反复看延长质保条款，说明质保是拍板前最后的顾虑：用同类客户的做法把“要不要延保”变成“延多久、怎么付”。',
    keywords: ['质保', '延保', '保修', '售后'],
    customerTypes: [], stageCodes: ['negotiation'], signalKinds: ['document.downloaded'],
    sections: [
      { heading: '先确认顾虑', body: '先问清楚客户担心的是故障停机、备件周期还是费用不可控；不同顾虑用不同案例，不要一上来就降价。' },
      { heading: '用同类客户说话', body: '举同区域、同规模客户的例子：华东三家连锁在第二年续了延保，停机时间下降四成。案例要能说出客户类型和结果。' },
      { heading: '给选择，不给折扣', body: '提供“两年标准 + 一年延保”和“三年全包”两个方案，让客户在方案之间选，而不是在价格上砍。' },
    ],
    objections: [
      { objection: '别家质保给三年，你们只给两年', answer: '我们两年是原厂全包，含上门和备件；别家三年里第三年多是只保主件。可以把第三年做成延保，费用按年付，您比较一下实际覆盖范围。' },
      { objection: '延保太贵了，能不能送', answer: '延保的成本主要在备件和上门，送了服务就打折扣。可以按年付、先签一年，用第一年的停机数据决定要不要续。' },
      { objection: '质保期内坏了响应太慢', answer: '合同里可以写明4小时响应、48小时到场，超时按天抵扣服务费，这一条我们在同类客户里都签过。' },
    ],
    file: '延长质保条款',
  },
  {
    title: '价格异议应对话术包',
    summary: '客户说贵的时候，先拆开价格、再谈价值，最后用条件换让步。',
    keywords: ['价格', '太贵', '降价', '折扣', '报价', '便宜'],
    customerTypes: [], stageCodes: ['negotiation', 'solution_quote'], signalKinds: [],
    sections: [
      { heading: '先拆价格', body: '把总价拆成单价、物流、账期和服务，问清客户比较的是哪一项，很多“贵”其实是账期或起订量的差别。' },
      { heading: '让步要换条件', body: '每一次让步都换一个条件：更长的合同期、更大的首单、更短的账期或独家陈列位。' },
    ],
    objections: [
      { objection: '你们的价格比别家贵', answer: '您比较的是出厂价还是到店价？我们含配送和退换货，算到每箱其实只高几毛，但断货率低一半。' },
      { objection: '再降五个点就签', answer: '五个点我做不了主，但如果首单量提到两倍、账期缩到30天，我可以去申请三个点。' },
    ],
  },
  {
    title: '医院客户准入与备案话术包',
    summary: '医院的单子卡在准入和备案：弄清流程里的每一道关、每一位决策人。',
    keywords: ['准入', '备案', '招标', '科室', '设备科'],
    customerTypes: ['hospital'], stageCodes: [], signalKinds: ['decision_maker.met'],
    sections: [
      { heading: '摸清流程', body: '先问清楚医院的准入流程：科室提申请、设备科论证、院办会审议，还是走阳光采购平台，每一步的负责人是谁。' },
      { heading: '材料一次备齐', body: '注册证、授权书、检测报告和同级医院的使用证明一次备齐，避免来回补材料拖过一个院办会周期。' },
    ],
    objections: [
      { objection: '今年的准入名额已经满了', answer: '理解。能不能先以临床试用的方式进科室？试用数据正好作为明年准入的依据。' },
      { objection: '没有编码，备案不了', answer: '我们的产品已经有省平台编码，我把编码和挂网价格发给您，备案材料我们来准备。' },
    ],
  },
];

export const talkTracksSeed = defineSeedModule<{ enabled: boolean }>({
  name: 'talk-tracks',
  label: '话术包',
  after: ['opportunities'],
  knobs: { demo: { enabled: true }, bench: { enabled: false } },
  async run(ctx, k): Promise<SeedCounts> {
    if (!k.enabled) return {};
    const { rows: [admin] } = await ctx.pool.query(`SELECT id, department_id FROM users WHERE role = 'admin' AND active ORDER BY id LIMIT 1`);
    const at = new Date(ctx.window.now.getTime() - 30 * 86_400_000);
    let files = 0;
    for (const p of SEED_PACKS) {
      const { rows: [pack] } = await ctx.pool.query(
        `INSERT INTO talk_track_packs (title, summary, sections, objections, keywords, customer_types, stage_codes, signal_kinds, created_by, created_at, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $10) RETURNING id`,
        [p.title, p.summary, JSON.stringify(p.sections), JSON.stringify(p.objections), p.keywords, p.customerTypes, p.stageCodes, p.signalKinds, admin?.id ?? null, at]);
      if (p.file && ctx.storage && admin) {
        const doc = loadEvidencePool().document(p.file);
        await ctx.storage.put(doc.sha256, doc.data);
        await ctx.pool.query(`
          WITH a AS (INSERT INTO attachments (sha256, kind, mime, size, filename, tags, uploaded_by, department_id, source, created_at, updated_at)
                     VALUES ($1, 'document', 'application/pdf', $2, $3, '{话术包}', $4, $5, 'upload', $6, $6) RETURNING id)
          INSERT INTO talk_track_attachments (pack_id, attachment_id) SELECT $7, id FROM a`,
        [doc.sha256, doc.data.length, doc.filename, admin.id, admin.department_id, at, pack.id]);
        files++;
      }
    }
    return { talk_track_packs: SEED_PACKS.length, talk_track_attachments: files };
  },
});

export const talkTrackReadsSeed = defineSeedModule<{ enabled: boolean }>({
  name: 'talk-track-reads',
  label: '话术包推送与阅读',
  after: ['talk-tracks', 'scores', 'share-links'],
  knobs: { demo: { enabled: true }, bench: { enabled: false } },
  async run(ctx, k): Promise<SeedCounts> {
    if (!k.enabled || !ctx.system) return {};
    const s = ctx.seed;
    const now = ctx.window.now;
    const deals = await fireWarrantyRule(ctx);
    await scoreOpportunities(ctx.pool, deals, now, { onSignals: pushTalkTracks(ctx.system.config.publicUrl) });
    // owners open most pushed packs from the card within hours, and say 用上了 for some
    const { rows: [r] } = await ctx.pool.query(`
      WITH opened AS (
        INSERT INTO talk_track_opens (pack_id, user_id, opportunity_id, via, at)
        SELECT s.pack_id, s.user_id, s.opportunity_id, 'card', least($2::timestamptz, s.pushed_at + interval '1 hour' * (1 + ${pick('s.id', s, 701, 5)}))
          FROM talk_track_pushes s WHERE ${unit('s.id', s, 700)} < 0.8 OR s.opportunity_id = ANY($1::bigint[])
         ORDER BY s.id
        RETURNING pack_id, user_id, opportunity_id, at),
      helped AS (
        INSERT INTO talk_track_helped (pack_id, user_id, opportunity_id, at)
        SELECT pack_id, user_id, opportunity_id, least($2::timestamptz, at + interval '2 days') FROM opened
         WHERE ${unit('pack_id * 100003 + opportunity_id', s, 702)} < 0.5 AND NOT opportunity_id = ANY($1::bigint[])
         ORDER BY at, pack_id, opportunity_id
        RETURNING 1),
      -- reps reading packs in the app during the last two weeks
      browsed AS (
        INSERT INTO talk_track_opens (pack_id, user_id, via, at)
        SELECT p.id, u.id, 'app', $2::timestamptz - interval '1 minute' * (30 + ${pick('p.id * 31 + u.id', s, 703, 20000)})
          FROM talk_track_packs p CROSS JOIN users u
         WHERE u.id = ANY($3::bigint[]) AND ${unit('p.id * 31 + u.id', s, 704)} < 0.4
         ORDER BY p.id, u.id
        RETURNING pack_id, user_id, at),
      liked AS (
        INSERT INTO talk_track_helped (pack_id, user_id, at)
        SELECT pack_id, user_id, at + interval '10 minutes' FROM browsed WHERE ${unit('pack_id * 31 + user_id', s, 705)} < 0.5
         ORDER BY pack_id, user_id
        ON CONFLICT DO NOTHING RETURNING 1)
      SELECT (SELECT count(*) FROM opened)::int + (SELECT count(*) FROM browsed)::int AS opens,
             (SELECT count(*) FROM helped)::int + (SELECT count(*) FROM liked)::int AS helped`, [deals, now, ctx.scope.repIds]);
    const { rows: [p] } = await ctx.pool.query('SELECT count(*)::int AS n FROM talk_track_pushes');
    return { talk_track_pushes: p.n, talk_track_opens: r.opens, talk_track_helped: r.helped };
  },
});

/**
 * The seed rule's condition, met today on the demo rep's open deals in 商务谈判 (the first rep's when the
 * demo rep is not in scope): the warranty terms shared with the customer and downloaded three times in two days.
 */
async function fireWarrantyRule(ctx: Parameters<typeof talkTrackReadsSeed.run>[0]): Promise<number[]> {
  const doc = loadEvidencePool().document('延长质保条款');
  if (ctx.storage) await ctx.storage.put(doc.sha256, doc.data);
  const { rows } = await ctx.pool.query(`
    WITH o AS MATERIALIZED (
      SELECT o.id, o.customer_id, o.owner_id, o.stage_code, u.department_id,
             nextval('attachments_id_seq') AS attachment_id, nextval('share_links_id_seq') AS link_id
        FROM opportunities o JOIN users u ON u.id = o.owner_id
       WHERE o.status = 'open' AND o.stage_code = 'negotiation' AND o.owner_id = ANY($1::bigint[])
         AND o.owner_id = coalesce((SELECT id FROM users WHERE wecom_userid = 'rep.zhao' AND id = ANY($1::bigint[])), $1[1])
       ORDER BY o.id LIMIT 2),
    a AS (
      INSERT INTO attachments (id, sha256, kind, mime, size, filename, tags, uploaded_by, department_id, customer_id, source, created_at, updated_at)
      SELECT attachment_id, $3, 'document', 'application/pdf', $4, '延长质保条款.pdf', '{延长质保条款}', owner_id, department_id, customer_id, 'upload',
             $2::timestamptz - interval '3 days', $2::timestamptz - interval '3 days' FROM o RETURNING id),
    l AS (
      INSERT INTO share_links (id, attachment_id, opportunity_id, customer_id, contact_id, stage_code, tags, created_by, created_at, expires_at, first_opened_at)
      SELECT link_id, attachment_id, id, customer_id,
             (SELECT k.id FROM contacts k WHERE k.customer_id = o.customer_id AND k.status = 'active' ORDER BY (k.buying_role = 'decider') DESC NULLS LAST, k.id LIMIT 1),
             stage_code, '{延长质保条款}', owner_id, $2::timestamptz - interval '3 days', $2::timestamptz + interval '27 days', $2::timestamptz - interval '50 hours'
        FROM o WHERE EXISTS (SELECT 1 FROM a WHERE a.id = o.attachment_id) RETURNING id),
    v AS (
      INSERT INTO share_opens (link_id, kind, at, last_at, fingerprint, ip_prefix)
      SELECT o.link_id, x.kind, $2::timestamptz - x.ago, $2::timestamptz - x.ago, substr(md5(o.link_id || x.kind || x.ago::text), 1, 16), '183.62.17.0/24'
        FROM o CROSS JOIN (VALUES ('open', interval '50 hours'), ('download', interval '49 hours'), ('download', interval '20 hours'), ('download', interval '3 hours')) x(kind, ago)
       WHERE EXISTS (SELECT 1 FROM l WHERE l.id = o.link_id)
       ORDER BY o.link_id, x.ago DESC RETURNING 1)
    SELECT o.id FROM o WHERE (SELECT count(*) FROM v) > 0 ORDER BY o.id`,
  [ctx.scope.repIds, ctx.window.now, doc.sha256, doc.data.length]);
  return rows.map((r) => Number(r.id));
}
