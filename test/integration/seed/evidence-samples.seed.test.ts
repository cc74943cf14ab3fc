import { expect } from 'chai';
import { loadActiveActor } from '../../../core/auth/actor.js';
import { listEvidenceReviews } from '../../../core/evidence-reviews/reviews.js';
import { ListEvidenceReviewsQuery } from '../../../core/evidence-reviews/schemas.js';
import { demoAtFixedNow, type GeneratedDemo } from './seed-helpers.js';

describe('seed module: evidence review samples', function () {
  this.timeout(180_000);
  let demo: GeneratedDemo;
  before(async () => { demo = await demoAtFixedNow(); });

  it("files mgr.li's team a forwarded colleague photo, a day-old photo and a virtual-location check-in beside one trusted report, judged by the product", async () => {
    const { rows } = await demo.pool.query(`
      SELECT r.verdict, r.status, r.score, array(SELECT DISTINCT f->>'code' FROM jsonb_array_elements(r.findings) f ORDER BY 1) AS codes,
             a.status AS action_status, r.user_id
        FROM evidence_reviews r JOIN actions a ON a.id = r.action_id
       WHERE a.definition_code = 'visit' ORDER BY r.submission_id`); // the retail module's launch photos are judged too
    expect(rows).to.have.length(4);
    const [honest, forwarded, old, virtual] = rows;
    expect(honest).to.include({ verdict: 'trusted', status: 'none', score: 100 });
    expect(forwarded.codes).to.include('PHOTO_REUSED');
    expect(old.codes).to.include('PHOTO_STALE');
    expect(virtual.codes).to.deep.equal(['CHECKIN_MOCK_SUSPECT']);
    for (const r of [forwarded, old, virtual]) expect(r).to.include({ status: 'pending', action_status: 'submitted' });
    expect(forwarded.user_id, "the forwarded photo is the honest colleague's").to.not.equal(honest.user_id);

    const mgr = (await loadActiveActor(demo.pool, { wecomUserid: 'mgr.li' }))!;
    const queue = await listEvidenceReviews(demo.pool, mgr, ListEvidenceReviewsQuery.parse({}));
    expect(queue.items.map((i) => i.verdict)).to.have.length(3);
    expect(queue.items[0].score, 'least trustworthy first').to.be.at.most(queue.items[2].score);
  });
});
