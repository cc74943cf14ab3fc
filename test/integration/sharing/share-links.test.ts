import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { tempDataDir, upload } from '../attachments/support/http.js';
import { SAMPLES } from '../attachments/support/sample-files.js';

describe('customer-facing document links (core/sharing)', () => {
  let api: TestApi;
  let pool: pg.Pool;
  let data: ReturnType<typeof tempDataDir>;
  let clock = new Date('2026-12-07T02:00:00Z');
  const tick = (ms: number) => { clock = new Date(clock.getTime() + ms); };
  const pdf = SAMPLES.pdf();
  let oppId: number;
  let customerId: number;
  let contact: { id: number; name: string };
  let doc: { id: number };

  const one = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows[0];
  /** A fetch as someone outside the organisation, from the network `ip` (TRUST_PROXY=1 believes one hop). */
  const visit = (path: string, ip = '203.0.113.77', ua = 'Mozilla/5.0 (iPhone) MicroMessenger/8.0') =>
    fetch(api.baseUrl + path, { headers: { 'X-Forwarded-For': ip, 'User-Agent': ua, 'Accept-Language': 'zh-CN' }, redirect: 'manual' });
  const share = (body: Record<string, unknown>, as = 'rep.zhao', id = oppId) =>
    api.call('POST', `/api/opportunities/${id}/share-links`, { as, body });
  const linkOf = async (id: number, as = 'rep.zhao') =>
    (await api.call('GET', `/api/opportunities/${oppId}/share-links`, { as })).body.items.find((l: any) => l.id === id);
  const pathOf = (url: string) => new URL(url).pathname;
  const firstOpenMessages = async (linkId: number) =>
    (await pool.query(`SELECT recipient, payload FROM outbox WHERE dedupe_key = $1`, [`share-link:${linkId}:first-open`])).rows;

  before(async () => {
    ({ pool } = await freshDatabase());
    data = tempDataDir();
    api = await startTestApi({ pool, now: () => clock, env: { DATA_DIR: data.dir, TRUST_PROXY: '1' } });
    customerId = (await one(`SELECT id FROM customers WHERE name = '华联超市总部'`)).id;
    const opp = await api.call('POST', '/api/opportunities', { as: 'rep.zhao', body: { name: `质保谈判${randomUUID().slice(0, 6)}`, customerId, amount: 200000 } });
    oppId = opp.body.id;
    contact = (await api.call('POST', '/api/contacts', { as: 'rep.zhao', body: { customerId, name: '周采购', title: '采购经理' } })).body;
    doc = (await upload(api, await api.tokenFor('rep.zhao'), pdf, { kind: 'document', customerId: String(customerId), tags: '延长质保条款', filename: '延长质保条款.pdf' })).body;
  });
  after(async () => {
    await api.close();
    data.remove();
  });

  it('shares a customer document as a signed link that names the contact, the stage and the document\'s tags', async () => {
    const res = await share({ attachmentId: doc.id, contactId: contact.id, validDays: 7 });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.deep.include({ state: 'active', opens: 0, downloads: 0, lastOpenAt: null, stageCode: 'lead_qualified' });
    expect(res.body.attachment).to.deep.equal({ id: doc.id, filename: '延长质保条款.pdf', tags: ['延长质保条款'] });
    expect(res.body.contact).to.deep.equal({ id: contact.id, name: '周采购' });
    expect(pathOf(res.body.url)).to.match(new RegExp(`^/s/${res.body.id}\\.[\\w-]{22}$`));
    expect(new Date(res.body.expiresAt).getTime() - clock.getTime()).to.equal(7 * 86_400_000);
    expect(await one(`SELECT count(*)::int AS n FROM events WHERE type = 'share_link.created' AND entity_id = $1`, [oppId])).to.deep.equal({ n: 1 });
  });

  it('shows the customer a Chinese page under its own strict policy, saying what is recorded, and counts the open once with one message to the rep', async () => {
    const link = (await share({ attachmentId: doc.id, contactId: contact.id })).body;
    const res = await visit(pathOf(link.url));
    expect(res.status).to.equal(200);
    const html = await res.text();
    expect(html).to.contain('《延长质保条款.pdf》').and.contain('赵磊 分享给 华联超市总部').and.contain('IPv4 前 24 位、IPv6 前 48 位');
    expect(html).not.to.contain('<script');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).to.match(/default-src 'none'/).and.match(/style-src 'sha256-[\w+/=]+'/).and.match(/frame-ancestors 'none'/);
    expect(csp).not.to.contain('unsafe-inline');
    expect(res.headers.get('referrer-policy')).to.equal('no-referrer');
    expect(res.headers.get('cache-control')).to.equal('no-store');

    const after = await linkOf(link.id);
    expect(after).to.deep.include({ opens: 1, downloads: 0, firstOpenAt: clock.toISOString(), lastOpenAt: clock.toISOString() });
    const messages = await firstOpenMessages(link.id);
    expect(messages).to.have.length(1);
    expect(messages[0].recipient).to.equal('rep.zhao');
    expect(messages[0].payload.textcard.description).to.contain('周采购（华联超市总部）第一次打开了《延长质保条款.pdf》');
    expect(messages[0].payload.textcard.url).to.match(new RegExp(`/deals/${oppId}$`));
    const row = await one(`SELECT contact_id, ip_prefix, fingerprint FROM share_opens WHERE link_id = $1`, [link.id]);
    expect(row.contact_id).to.equal(contact.id);
    expect(row.ip_prefix).to.equal('203.0.113.0/24');
    expect(row.fingerprint).to.match(/^[0-9a-f]{16}$/);
  });

  it('serves the exact document as a download and counts downloads apart from opens', async () => {
    const link = (await share({ attachmentId: doc.id })).body;
    const res = await visit(`${pathOf(link.url)}/file`);
    expect(res.status).to.equal(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).to.equal(true);
    expect(res.headers.get('content-disposition')).to.contain(`attachment; filename="`).and.contain(encodeURIComponent('延长质保条款.pdf'));
    expect(res.headers.get('content-type')).to.equal('application/pdf');
    expect(await linkOf(link.id)).to.deep.include({ opens: 0, downloads: 1 });
  });

  it('counts hundreds of fetches in a burst from one network (any browser string) as one, and a visit after the pause again', async () => {
    const link = (await share({ attachmentId: doc.id })).body;
    const p = pathOf(link.url);
    for (let batch = 0; batch < 10; batch++) {
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => visit(p, '198.51.100.9', `scraper/${batch}.${i}`)));
      expect(answers.map((r) => r.status)).to.deep.equal(Array(30).fill(200));
      await Promise.all(answers.map((r) => r.arrayBuffer()));
      tick(1000);
    }
    expect(await linkOf(link.id)).to.deep.include({ opens: 1 });
    expect(await one(`SELECT count(*)::int AS n, sum(repeats)::int AS repeats FROM share_opens WHERE link_id = $1`, [link.id])).to.deep.equal({ n: 1, repeats: 299 });
    // another network at the same moment is another visitor
    await visit(p, '2001:db8:abcd:12::1');
    tick(120_000);
    await visit(p, '198.51.100.9', 'scraper/again');
    expect(await linkOf(link.id)).to.deep.include({ opens: 3 });
    expect(await one(`SELECT ip_prefix FROM share_opens WHERE link_id = $1 AND ip_prefix LIKE '2001%'`, [link.id])).to.deep.equal({ ip_prefix: '2001:db8:abcd::/48' });
    expect(await firstOpenMessages(link.id)).to.have.length(1);
  });

  it('never counts a signed-in member\'s own opens, and sends no message for them', async () => {
    const link = (await share({ attachmentId: doc.id })).body;
    const res = await fetch(api.baseUrl + pathOf(link.url), { headers: { Authorization: `Bearer ${await api.tokenFor('rep.zhao')}`, 'X-Forwarded-For': '192.0.2.1' } });
    expect(res.status).to.equal(200);
    const file = await fetch(`${api.baseUrl}${pathOf(link.url)}/file`, { headers: { Authorization: `Bearer ${await api.tokenFor('mgr.li')}` } });
    expect(Buffer.from(await file.arrayBuffer()).equals(pdf)).to.equal(true);
    expect(await linkOf(link.id)).to.deep.include({ opens: 0, downloads: 0, firstOpenAt: null });
    expect(await firstOpenMessages(link.id)).to.have.length(0);
  });

  it('answers forged, altered and unknown tokens with a plain Chinese 404 page and never the document', async () => {
    const link = (await share({ attachmentId: doc.id })).body;
    const [id, sig] = pathOf(link.url).slice(3).split('.');
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;
    for (const token of [`${id}.${flipped}`, `${Number(id) + 1}.${sig}`, `999999.${sig}`, id, 'abc', `${id}.${sig}x`, `${id}.${sig}%00`]) {
      for (const suffix of ['', '/file']) {
        const res = await visit(`/s/${token}${suffix}`);
        const body = Buffer.from(await res.arrayBuffer());
        expect(res.status, token + suffix).to.equal(404);
        expect(res.headers.get('content-type')).to.match(/^text\/html/);
        expect(body.toString()).to.contain('链接无效');
        expect(body.includes(pdf.subarray(0, 64)), 'the document leaked').to.equal(false);
      }
    }
    expect(await linkOf(link.id)).to.deep.include({ opens: 0, downloads: 0 });
  });

  it('refuses to share a photo, another customer\'s document or a contact of another customer, and hides the deal\'s links from another rep', async () => {
    const photo = (await upload(api, await api.tokenFor('rep.zhao'), SAMPLES.jpeg(), { kind: 'photo', customerId: String(customerId) })).body;
    const other = (await one(`SELECT c.id FROM customers c JOIN users u ON u.id = c.owner_id WHERE u.wecom_userid = 'rep.zhao' AND c.id <> $1 ORDER BY c.id LIMIT 1`, [customerId])).id;
    const otherUpload = await upload(api, await api.tokenFor('rep.zhao'), SAMPLES.docx(), { kind: 'document', customerId: String(other) });
    expect(otherUpload.status).to.equal(201);
    const otherDoc = otherUpload.body;
    const otherContact = (await one(`SELECT id FROM contacts WHERE customer_id <> $1 LIMIT 1`, [customerId])).id;
    const before = (await one(`SELECT count(*)::int AS n FROM share_links`)).n;
    for (const [body, code] of [
      [{ attachmentId: photo.id }, 'SHARE_DOCUMENT_INVALID'],
      [{ attachmentId: otherDoc.id }, 'SHARE_DOCUMENT_INVALID'],
      [{ attachmentId: doc.id, contactId: otherContact }, 'REFERENCE_INVALID'],
    ] as const) {
      const res = await share(body);
      expect(res.status, JSON.stringify(res.body)).to.equal(422);
      expect(res.body.error.code).to.equal(code);
    }
    expect((await api.call('GET', `/api/opportunities/${oppId}/share-links`, { as: 'rep.qian' })).status).to.equal(404);
    expect((await share({ attachmentId: doc.id }, 'rep.qian')).status).to.equal(404);
    expect((await one(`SELECT count(*)::int AS n FROM share_links`)).n).to.equal(before);
  });

  it('lists the deal\'s links newest first with the customer\'s documents to share', async () => {
    const res = await api.call('GET', `/api/opportunities/${oppId}/share-links`, { as: 'mgr.li' });
    expect(res.status).to.equal(200);
    const ids = res.body.items.map((l: any) => l.id);
    expect(ids).to.deep.equal([...ids].sort((a: number, b: number) => b - a));
    expect(res.body.documents.map((d: any) => d.filename)).to.include('延长质保条款.pdf');
    expect(res.body.documents.every((d: any) => d.id !== undefined && d.size > 0)).to.equal(true);
  });
  // last: it moves the clock past the members' sessions too
  it('answers a revoked link and an expired one with 410 and a Chinese page, never the document', async () => {
    const revoked = (await share({ attachmentId: doc.id })).body;
    const r = await api.call('POST', `/api/share-links/${revoked.id}/revoke`, { as: 'rep.zhao' });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body.state).to.equal('revoked');
    const expiring = (await share({ attachmentId: doc.id, validDays: 1 })).body;
    tick(86_400_000 + 1000);
    for (const link of [revoked, expiring]) {
      for (const suffix of ['', '/file']) {
        const res = await visit(`${pathOf(link.url)}${suffix}`);
        const body = await res.text();
        expect(res.status).to.equal(410);
        expect(body).to.contain('链接已失效').and.contain('联系分享人重新发送');
        expect(body).not.to.contain('%PDF');
      }
    }
    expect(await one(`SELECT count(*)::int AS n FROM share_opens WHERE link_id IN ($1, $2)`, [revoked.id, expiring.id])).to.deep.equal({ n: 0 });
  });
});
