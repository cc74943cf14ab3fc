import { expect } from 'chai';
import type pg from 'pg';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { rawCall, upload } from './support/http.js';
import { SAMPLES } from './support/sample-files.js';

describe('reading and downloading attachments (scope, download log, tags)', () => {
  let api: TestApi;
  let pool: pg.Pool;
  let photo: any;
  const photoBytes = SAMPLES.jpeg();
  const token = (u: string) => api.tokenFor(u);
  const content = async (as: string, id = photo.id) => rawCall(api, 'GET', `/api/attachments/${id}/content`, { token: await token(as) });
  const downloads = async (id: number) =>
    (await pool.query(`SELECT u.wecom_userid FROM attachment_downloads d JOIN users u ON u.id = d.user_id WHERE d.attachment_id = $1 ORDER BY d.id`, [id])).rows.map((r) => r.wecom_userid);

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
    photo = (await upload(api, await token('rep.zhao'), photoBytes, { kind: 'photo', tags: '门头照', filename: '华联门头.jpg' })).body;
  });
  after(async () => {
    await api.close();
  });

  it('streams the exact bytes with the sniffed type and a download name, and records who downloaded', async () => {
    const res = await content('rep.zhao');
    expect(res.status).to.equal(200);
    expect(res.bytes.equals(photoBytes)).to.equal(true);
    expect(res.headers.get('content-type')).to.equal('image/jpeg');
    expect(res.headers.get('content-length')).to.equal(String(photoBytes.length));
    expect(res.headers.get('content-disposition')).to.contain(`filename*=UTF-8''${encodeURIComponent('华联门头.jpg')}`);
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(await downloads(photo.id)).to.deep.equal(['rep.zhao']);
  });

  it('counts downloads per person: the uploader, their manager twice, the director', async () => {
    for (const u of ['mgr.li', 'mgr.li', 'director.wang']) expect((await content(u)).status).to.equal(200);
    const meta = await api.call('GET', `/api/attachments/${photo.id}`, { as: 'rep.zhao' });
    expect(meta.status).to.equal(200);
    expect(meta.body.downloads.count).to.equal(4);
    const byName = Object.fromEntries(meta.body.downloads.users.map((u: any) => [u.name, u.count]));
    expect(byName).to.deep.equal({ 赵磊: 1, 李明: 2, 王建国: 1 });
    expect(meta.body.downloads.users[0].name).to.equal('王建国'); // most recent first
  });

  it('hides the attachment from another rep and another region\'s manager (404), records nothing for them', async () => {
    const before = await downloads(photo.id);
    for (const u of ['rep.qian', 'mgr.chen', 'rep.zhou']) {
      const meta = await api.call('GET', `/api/attachments/${photo.id}`, { as: u });
      expect(meta.status, u).to.equal(404);
      expect(meta.body.error.code).to.equal('ATTACHMENT_NOT_FOUND');
      const res = await content(u);
      expect(res.status, u).to.equal(404);
      expect(res.body.error.code).to.equal('ATTACHMENT_NOT_FOUND');
    }
    expect(await downloads(photo.id)).to.deep.equal(before);
  });

  it('lets admins read (everything, read-only) and refuses compliance, who has no action rights (403)', async () => {
    expect((await api.call('GET', `/api/attachments/${photo.id}`, { as: 'admin.lin' })).status).to.equal(200);
    expect((await api.call('GET', `/api/attachments/${photo.id}`, { as: 'compliance.he' })).status).to.equal(403);
  });

  it('answers 404 for an id that does not exist and 400 for a junk id', async () => {
    expect((await content('director.wang', 999999)).status).to.equal(404);
    const junk = await rawCall(api, 'GET', '/api/attachments/abc/content', { token: await token('director.wang') });
    expect(junk.status).to.equal(400);
  });

  it('lets the uploader and their manager retag, refuses another rep (404) and the admin (403); each change is an event', async () => {
    const res = await api.call('PATCH', `/api/attachments/${photo.id}`, { as: 'rep.zhao', body: { tags: ['门头照', '合影', ' 合影 '] } });
    expect(res.status).to.equal(200);
    expect(res.body.tags).to.deep.equal(['门头照', '合影']);
    expect((await api.call('PATCH', `/api/attachments/${photo.id}`, { as: 'mgr.li', body: { tags: ['门头照'] } })).status).to.equal(200);
    expect((await api.call('PATCH', `/api/attachments/${photo.id}`, { as: 'rep.qian', body: { tags: [] } })).status).to.equal(404);
    expect((await api.call('PATCH', `/api/attachments/${photo.id}`, { as: 'admin.lin', body: { tags: [] } })).status).to.equal(403);
    const { rows } = await pool.query(`SELECT data FROM events WHERE entity_type = 'attachment' AND entity_id = $1 AND type = 'attachment.tagged' ORDER BY id`, [photo.id]);
    expect(rows.map((r) => r.data.after)).to.deep.equal([['门头照', '合影'], ['门头照']]);
    const strict = await api.call('PATCH', `/api/attachments/${photo.id}`, { as: 'rep.zhao', body: { tags: [], kind: 'voice' } });
    expect(strict.status).to.equal(400);
  });
});
