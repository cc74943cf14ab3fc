import { expect } from 'chai';
import { requirementRules } from '../../../core/actions/definitions.js';
import { reportFromPayload } from '../../../core/flow/stored-report.js';
import { evaluateRules } from '../../../core/flow/evaluate-rules.js';
import { readCaptureTime } from '../../../core/evidence/read-exif.js';
import { RuleSetSchema } from '../../../core/flow/rules/index.js';
import type { VisitFacts } from '../../../core/flow/types.js';
import { demoAtFixedNow, type GeneratedDemo } from './seed-helpers.js';

async function streamToBuffer(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('seed module: reports (submissions and evidence)', function () {
  this.timeout(180_000);
  let demo: GeneratedDemo;
  before(async () => { demo = await demoAtFixedNow(); });

  it('gives every generated report the outcome and failures the rules it was generated under give it, replayed from its stored facts', async () => {
    const { rows } = await demo.pool.query(
      `SELECT s.id, s.payload, s.outcome, s.failures, d.rules, a.requirements
         FROM submissions s JOIN actions a ON a.id = s.action_id JOIN action_definitions d ON d.id = s.definition_id
        WHERE s.kind = 'visit_report'
          -- not the evidence samples: filed through the product, judged by facts read at upload that the payload does not carry
          AND NOT EXISTS (SELECT 1 FROM evidence_reviews r WHERE r.submission_id = s.id)
        ORDER BY s.id`);
    expect(rows.length).to.be.greaterThan(300);
    let rejected = 0;
    for (const r of rows) {
      const stored = r.payload.facts;
      const facts: VisitFacts = {
        now: new Date(stored.now), customer: stored.customer, report: reportFromPayload(r.payload),
        recentOrderIds: stored.recentOrderIds, satisfiedPrerequisites: stored.satisfiedPrerequisites, keywordLibraries: stored.keywordLibraries,
      };
      const result = evaluateRules(facts, [...RuleSetSchema.parse(r.rules), ...requirementRules(r.requirements)]);
      expect(result.ok ? 'accepted' : 'rejected', `submission ${r.id}`).to.equal(r.outcome);
      expect(result.failures.map((f) => f.code), `submission ${r.id}`).to.deep.equal(r.failures.map((f: { code: string }) => f.code));
      if (!result.ok) rejected++;
    }
    expect(rejected, 'some reports were refused and fixed').to.be.greaterThan(5);
  });

  it('stores facts the live database agrees with: the linked orders are the customer\'s latest, the prerequisites were verified before', async () => {
    const { rows } = await demo.pool.query(
      `SELECT s.id, s.created_at, s.payload->'linkedOrderIds' AS linked,
              ARRAY(SELECT o.id FROM orders o WHERE o.customer_id = a.customer_id AND o.ordered_at <= s.created_at
                     ORDER BY o.ordered_at DESC, o.id DESC LIMIT 3) AS latest
         FROM submissions s JOIN actions a ON a.id = s.action_id
        WHERE s.kind = 'visit_report' AND a.definition_code = 'visit' AND s.outcome = 'accepted'`);
    for (const r of rows) expect((r.linked as number[]).map(Number), `submission ${r.id}`).to.deep.equal(r.latest.map(Number));
    const locked = await demo.pool.query(
      `SELECT s.id FROM submissions s JOIN actions a ON a.id = s.action_id
        WHERE a.definition_code IN ('quote','contract_approval') AND s.outcome = 'accepted'
          AND NOT EXISTS (SELECT 1 FROM actions v WHERE v.customer_id = a.customer_id AND v.definition_code = 'visit'
                            AND v.verified_at <= s.created_at AND (v.opportunity_id IS NULL OR a.opportunity_id IS NULL OR v.opportunity_id = a.opportunity_id))`);
    expect(locked.rows).to.deep.equal([]);
  });

  it('stores every visit photo as a file of its own whose EXIF capture time is the one recorded', async () => {
    const { rows } = await demo.pool.query(
      `SELECT id, sha256, captured_at FROM attachments WHERE kind = 'photo' ORDER BY id`);
    expect(new Set(rows.map((r) => r.sha256)).size, 'distinct files').to.equal(rows.length);
    for (const r of rows.filter((_, i) => i % 25 === 0)) {
      const { stream } = await demo.storage.get(r.sha256);
      const data = await streamToBuffer(stream);
      expect((await readCaptureTime(data))?.toISOString(), `attachment ${r.id}`).to.equal(r.captured_at.toISOString());
    }
    const voices = await demo.pool.query(`SELECT DISTINCT sha256 FROM attachments WHERE kind = 'voice'`);
    for (const v of voices.rows) expect(await demo.storage.exists(v.sha256)).to.equal(true);
  });

  it('counts each accepted report as an effective follow-up and a phone-only completion as a non-effective one', async () => {
    const { rows: [r] } = await demo.pool.query(`
      WITH doubted AS (SELECT action_id FROM evidence_reviews WHERE verdict <> 'trusted')
      SELECT count(*) FILTER (WHERE s.outcome = 'accepted' AND s.kind = 'visit_report') AS accepted,
             count(*) FILTER (WHERE s.kind = 'phone_only') AS phone,
             (SELECT count(*) FROM followups f WHERE f.action_id IS NOT NULL AND f.effective) AS effective,
             (SELECT count(*) FROM followups f WHERE f.action_id IS NOT NULL AND NOT f.effective
                AND f.action_id NOT IN (SELECT action_id FROM doubted)) AS not_effective
        FROM submissions s
        -- a report whose evidence is in doubt counts once a manager accepts it (the evidence samples' spoofs)
       WHERE s.action_id NOT IN (SELECT action_id FROM doubted)`);
    expect(Number(r.effective)).to.equal(Number(r.accepted));
    expect(Number(r.not_effective)).to.equal(Number(r.phone));
    expect(Number(r.phone)).to.be.greaterThan(0);
  });
});
