import { expect } from 'chai';
import { DEFAULT_PIPELINE, validateStageMove } from '../../../core/flow/pipeline.js';
import { pipelineSlots } from '../../../core/seed/pipeline-slots.js';
import { demoAtFixedNow, type GeneratedDemo } from './seed-helpers.js';

describe('seed module: opportunities (stages, outcomes, skips)', function () {
  this.timeout(180_000);
  let demo: GeneratedDemo;
  before(async () => { demo = await demoAtFixedNow(); });

  it('walks every generated deal through moves the pipeline allows, in time order, none after now or after it closed', async () => {
    const { rows } = await demo.pool.query(
      `SELECT o.id, o.status, o.closed_at, o.stage_code, o.sub_stage_code,
              json_agg(json_build_object('from', m.from_stage, 'fromSub', m.from_sub_stage, 'to', m.to_stage, 'toSub', m.to_sub_stage,
                                         'kind', m.kind, 'reason', m.reason, 'at', m.at) ORDER BY m.at, m.id) AS moves
         FROM opportunities o JOIN stage_moves m ON m.opportunity_id = o.id
        -- the generated deals (the demo organisation's ten hand-placed ones record no creation event)
        WHERE EXISTS (SELECT 1 FROM events e WHERE e.entity_type = 'opportunity' AND e.entity_id = o.id AND e.type = 'opportunity.created')
        GROUP BY o.id`);
    const ticked = JSON.parse(pipelineSlots(DEFAULT_PIPELINE).ticked.at(-1)!);
    expect(rows.length).to.be.greaterThan(60);
    for (const o of rows) {
      let last = 0;
      for (const m of o.moves.slice(1)) {
        const r = validateStageMove(DEFAULT_PIPELINE, {
          current: { stageKey: m.from, subStageKey: m.fromSub }, target: { stageKey: m.to, subStageKey: m.toSub }, checklist: ticked, reason: m.reason ?? undefined,
        });
        expect(r.ok, `opportunity ${o.id}: ${m.from}/${m.fromSub} → ${m.to}/${m.toSub}`).to.equal(true);
        if (r.ok) expect(r.kind).to.equal(m.kind);
        const at = Date.parse(m.at);
        expect(at).to.be.greaterThan(last);
        expect(at).to.be.at.most(demo.now.getTime());
        if (o.closed_at) expect(at).to.be.at.most(Date.parse(o.closed_at));
        last = at;
      }
      const end = o.moves.at(-1);
      expect([end.to, end.toSub], `opportunity ${o.id} stands where its last move left it`).to.deep.equal([o.stage_code, o.sub_stage_code]);
    }
  });

  it('closes at least 25 deals won and 25 lost, winning more often where the work was done', async () => {
    const { rows } = await demo.pool.query(
      `SELECT o.status, count(*)::int AS n,
              avg((SELECT count(*) FROM actions a WHERE a.opportunity_id = o.id AND a.definition_code = 'visit'))::float8 AS visits,
              avg((SELECT count(*) FROM submissions s JOIN actions a ON a.id = s.action_id
                    WHERE a.opportunity_id = o.id AND s.payload->'fields'->>'decisionRole' LIKE '决策%')::int)::float8 AS met_decision_maker
         FROM opportunities o WHERE o.status IN ('won','lost') GROUP BY o.status`);
    const by = Object.fromEntries(rows.map((r) => [r.status, r]));
    expect(by.won.n).to.be.at.least(25);
    expect(by.lost.n).to.be.at.least(25);
    expect(by.won.visits, 'visits per won deal vs lost').to.be.greaterThan(by.lost.visits);
  });

  it('jumps over 法务审核 only with a reason, and one rep does it three times or more within 30 days', async () => {
    const { rows } = await demo.pool.query(
      `SELECT u.wecom_userid, count(*) FILTER (WHERE m.at > $1::timestamptz - interval '30 days')::int AS recent, count(*)::int AS n,
              bool_and(m.reason IS NOT NULL AND m.skipped @> '[{"subStageKey":"legal_review"}]') AS explained
         FROM stage_moves m JOIN users u ON u.id = m.owner_id WHERE m.kind = 'skip' GROUP BY u.wecom_userid`, [demo.now]);
    expect(rows.every((r) => r.explained)).to.equal(true);
    expect(rows.some((r) => r.recent >= 3), JSON.stringify(rows)).to.equal(true);
  });
});
