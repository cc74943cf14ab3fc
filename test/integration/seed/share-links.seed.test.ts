import { expect } from 'chai';
import { SHARED_DOCUMENT_TAGS } from '../../../core/seed/modules/share-links.seed.js';
import { demoAtFixedNow, type GeneratedDemo } from './seed-helpers.js';

describe('seed module: customer document links and their opens', function () {
  this.timeout(180_000);
  let demo: GeneratedDemo;
  before(async () => { demo = await demoAtFixedNow(); });

  it('shares a sales document (a real file in storage) from a good part of the deals, each link of the deal\'s own customer', async () => {
    const { rows } = await demo.pool.query(`
      SELECT l.id, l.customer_id = o.customer_id AND a.customer_id = o.customer_id AS same_customer, a.kind, a.tags, a.sha256, o.owner_id = l.created_by AS by_owner,
             l.created_at >= o.created_at AND l.created_at <= coalesce(o.closed_at, $1) AS in_deal, l.stage_code
        FROM share_links l JOIN opportunities o ON o.id = l.opportunity_id JOIN attachments a ON a.id = l.attachment_id`, [demo.now]);
    const { rows: [deals] } = await demo.pool.query('SELECT count(*)::int AS n FROM opportunities');
    expect(rows.length).to.be.within(Math.ceil(deals.n * 0.3), Math.floor(deals.n * 0.8));
    for (const r of rows) {
      expect(r.same_customer && r.by_owner && r.in_deal, `link ${r.id}`).to.equal(true);
      expect(r.kind).to.equal('document');
      expect(SHARED_DOCUMENT_TAGS).to.include(r.tags[0]);
    }
    for (const sha of new Set(rows.map((r) => r.sha256))) expect(await demo.storage.exists(sha), sha).to.equal(true);
  });

  it('records opens only within each link\'s life and before now, with a prefix and fingerprint only, the first open on the link', async () => {
    const { rows } = await demo.pool.query(`
      SELECT l.id, l.first_opened_at, min(v.at) AS first, bool_and(v.at >= l.created_at AND v.at <= $1 AND v.at < l.expires_at) AS in_life,
             bool_and(v.ip_prefix ~ '^\\d+\\.\\d+\\.\\d+\\.0/24$') AS prefix_only
        FROM share_links l JOIN share_opens v ON v.link_id = l.id GROUP BY l.id`, [demo.now]);
    expect(rows.length).to.be.greaterThan(10);
    for (const r of rows) {
      expect(r.in_life && r.prefix_only, `link ${r.id}`).to.equal(true);
      expect(r.first_opened_at.getTime()).to.equal(r.first.getTime());
    }
  });

  it('has customers of won deals open their documents more often than those of lost deals', async () => {
    const { rows } = await demo.pool.query(`
      SELECT o.status, avg((SELECT count(*) FROM share_opens v WHERE v.link_id = l.id))::float AS per_link
        FROM share_links l JOIN opportunities o ON o.id = l.opportunity_id WHERE o.status IN ('won','lost') GROUP BY o.status`);
    const by = Object.fromEntries(rows.map((r) => [r.status, r.per_link]));
    expect(by.won).to.be.greaterThan(by.lost);
  });
});
