import { expect } from 'chai';
import type pg from 'pg';
import { loadVisitFacts } from '../../../core/actions/visit-facts.js';
import { loadEvidenceThresholds } from '../../../core/evidence-reviews/thresholds.js';
import { DEFAULT_EVIDENCE_THRESHOLDS } from '../../../core/flow/evidence/thresholds.js';
import { freshDatabase } from '../../support/database.js';

/**
 * A report's facts carry the 证据核验阈值 of its customer's type, read in the
 * facts' own query: the checklist, the draft's evidence check and the
 * submission all judge by the same numbers loadEvidenceThresholds gives.
 */
describe('the evidence thresholds read with a report\'s facts', () => {
  let pool: pg.Pool;
  let hospital: number;
  let store: number;
  let rep: number;

  before(async () => {
    ({ pool } = await freshDatabase());
    const one = async (sql: string) => (await pool.query(sql)).rows[0];
    hospital = (await one(`SELECT id FROM customers WHERE type = 'hospital' ORDER BY id LIMIT 1`)).id;
    store = (await one(`SELECT id FROM customers WHERE type = 'store' ORDER BY id LIMIT 1`)).id;
    rep = (await one(`SELECT id FROM users WHERE wecom_userid = 'rep.zhao'`)).id;
    const write = (type: string | null, version: number, value: object) => pool.query(
      `INSERT INTO setting_versions (key, customer_type, version, value) VALUES ('evidence.thresholds', $1, $2, $3)`,
      [type, version, JSON.stringify({ ...DEFAULT_EVIDENCE_THRESHOLDS, ...value })]);
    await write(null, 1, { photoMaxKm: 2 });
    await write('hospital', 1, { photoMaxKm: 3 });
    await write('hospital', 2, { photoMaxKm: 5 });
  });

  const factsOf = (customerId: number) => loadVisitFacts(pool, { customerId, opportunityId: null }, {},
    { ids: [], uploadedBy: rep, lenient: true }, [], new Date());

  it('uses the latest version for the customer\'s own type, as loadEvidenceThresholds does', async () => {
    const facts = await factsOf(hospital);
    expect(facts.evidence.thresholds.photoMaxKm).to.equal(5);
    expect(facts.evidence.thresholds).to.deep.equal(await loadEvidenceThresholds(pool, { customerType: 'hospital' }));
  });

  it('falls back to the organisation\'s value for a type without its own', async () => {
    const facts = await factsOf(store);
    expect(facts.evidence.thresholds.photoMaxKm).to.equal(2);
    expect(facts.evidence.thresholds).to.deep.equal(await loadEvidenceThresholds(pool, { customerType: 'store' }));
  });
});
