import { expect } from 'chai';
import { SEED_PACKS, WARRANTY_PACK } from '../../../core/seed/modules/talk-tracks.seed.js';
import { demoAtFixedNow, type GeneratedDemo } from './seed-helpers.js';

describe('seed module: talk-track packs, their pushes and reads', function () {
  this.timeout(180_000);
  let demo: GeneratedDemo;
  before(async () => { demo = await demoAtFixedNow(); });

  it('has the admin\'s packs, the warranty pack with its document in storage', async () => {
    const { rows } = await demo.pool.query(`
      SELECT p.title, u.role, array_agg(a.sha256) FILTER (WHERE a.id IS NOT NULL) AS files
        FROM talk_track_packs p JOIN users u ON u.id = p.created_by
        LEFT JOIN talk_track_attachments ta ON ta.pack_id = p.id LEFT JOIN attachments a ON a.id = ta.attachment_id
       GROUP BY p.id, u.role ORDER BY p.id`);
    expect(rows.map((r) => r.title)).to.deep.equal(SEED_PACKS.map((p) => p.title));
    expect(rows.every((r) => r.role === 'admin')).to.equal(true);
    const warranty = rows.find((r) => r.title === WARRANTY_PACK)!;
    expect(warranty.files).to.have.length(1);
    expect(await demo.storage.exists(warranty.files[0])).to.equal(true);
  });

  it('pushed the warranty pack to the demo rep through the seed rule, as one WeCom card per deal', async () => {
    const { rows } = await demo.pool.query(`
      SELECT s.opportunity_id, s.reason, u.wecom_userid, o.stage_code,
             (SELECT count(*) FROM outbox x WHERE x.dedupe_key = 'talk-track:' || s.pack_id || ':deal:' || s.opportunity_id AND x.recipient = u.wecom_userid)::int AS cards
        FROM talk_track_pushes s JOIN talk_track_packs p ON p.id = s.pack_id JOIN users u ON u.id = s.user_id JOIN opportunities o ON o.id = s.opportunity_id
       WHERE p.title = $1`, [WARRANTY_PACK]);
    const zhao = rows.filter((r) => r.wecom_userid === 'rep.zhao');
    expect(zhao.length).to.be.at.least(1);
    for (const r of rows) {
      expect(r.cards, `deal ${r.opportunity_id}`).to.equal(1);
      expect(r.reason).to.match(/下载《延长质保条款\.pdf》\d次/);
    }
  });

  it('records reads and 用上了 of members only up to now, and each 用上了 by someone who read the pack', async () => {
    const { rows: [r] } = await demo.pool.query(`
      SELECT (SELECT count(*) FROM talk_track_opens)::int AS opens, (SELECT count(*) FROM talk_track_helped)::int AS helped,
             (SELECT count(*) FROM talk_track_opens WHERE at > $1)::int + (SELECT count(*) FROM talk_track_helped WHERE at > $1)::int AS future,
             (SELECT count(*) FROM talk_track_helped h WHERE NOT EXISTS (
                SELECT 1 FROM talk_track_opens o WHERE o.pack_id = h.pack_id AND o.user_id = h.user_id AND o.at <= h.at))::int AS unread`, [demo.now]);
    expect(r.opens).to.be.greaterThan(3);
    expect(r.helped).to.be.greaterThan(0);
    expect(r.future).to.equal(0);
    expect(r.unread).to.equal(0);
  });
});
