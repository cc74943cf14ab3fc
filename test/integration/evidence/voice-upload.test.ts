import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { upload } from '../attachments/support/http.js';

const AUDIO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/evidence/audio');
const memo = (name: string) => readFileSync(path.join(AUDIO, name));

describe('evidence heard in a voice memo at upload', () => {
  let api: TestApi;
  let pool: pg.Pool;
  const factsOf = async (id: number) => (await pool.query('SELECT facts FROM attachment_evidence WHERE attachment_id = $1', [id])).rows[0]?.facts;

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
  });
  after(async () => {
    await api.close();
  });

  it('stores the duration read from the file and the speech the detector hears in an AMR memo', async () => {
    const res = await upload(api, await api.tokenFor('rep.zhao'), memo('h-d0-r0-0.amr'), { kind: 'voice' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const facts = await factsOf(res.body.id);
    expect(facts.kind).to.equal('voice');
    expect(facts.durationMs).to.be.above(10_000);
    expect(facts.speechMs).to.be.above(facts.durationMs * 0.5);
    expect(facts.similar).to.deep.equal([]);
  });

  it('hears almost no speech in a recording of a quiet room', async () => {
    const res = await upload(api, await api.tokenFor('rep.zhao'), memo('s-silent-recording-silent.amr'), { kind: 'voice' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const facts = await factsOf(res.body.id);
    expect(facts.durationMs).to.be.above(10_000);
    expect(facts.speechMs).to.be.below(2_000);
  });

  it('recognises a colleague\'s memo re-encoded to another format as the same recording, and names who recorded it', async () => {
    const first = await upload(api, await api.tokenFor('rep.sun'), memo('h-d0-r3-0.ogg'), { kind: 'voice' });
    const copy = await upload(api, await api.tokenFor('rep.qian'), memo('s-colleague-memo-reencoded-copy.ogg'), { kind: 'voice' });
    expect(copy.status, JSON.stringify(copy.body)).to.equal(201);
    const facts = await factsOf(copy.body.id);
    expect(facts.similar.map((s: { attachmentId: number }) => s.attachmentId)).to.include(first.body.id);
    expect(facts.similar[0].uploadedBy.name).to.equal('孙浩');
  });

  it('does not take two different memos for the same recording', async () => {
    const a = await upload(api, await api.tokenFor('rep.zhou'), memo('h-d1-r2-0.amr'), { kind: 'voice' });
    const b = await upload(api, await api.tokenFor('rep.zhou'), memo('h-d2-r2-0.amr'), { kind: 'voice' });
    expect(b.status, JSON.stringify(b.body)).to.equal(201);
    expect((await factsOf(b.body.id)).similar.map((s: { attachmentId: number }) => s.attachmentId)).to.not.include(a.body.id);
  });
});
