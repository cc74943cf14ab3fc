import { expect } from 'chai';
import sharp from 'sharp';
import type pg from 'pg';
import { gcj02ToWgs84 } from '../../../core/flow/geo.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { cameraPhoto } from '../../support/camera-photo.js';
import { freshDatabase } from '../../support/database.js';
import { tempDataDir, upload } from '../attachments/support/http.js';
import { lookups } from './actions-helpers.js';

/**
 * The visit page's live checklist (POST /api/actions/{id}/evidence-check):
 * every rule of the visit as a line, judged on the draft as it is on the
 * phone, by the same engine a submission meets.
 */
describe('the live checklist of a visit report being written', () => {
  let api: TestApi;
  let pool: pg.Pool;
  let data: ReturnType<typeof tempDataDir>;
  let $: ReturnType<typeof lookups>;

  before(async () => {
    ({ pool } = await freshDatabase());
    data = tempDataDir();
    api = await startTestApi({ pool, env: { DATA_DIR: data.dir } });
    $ = lookups(pool);
  });
  after(async () => {
    await api.close();
    data.remove();
  });

  async function visitOf(rep: string, customer: string) {
    const c = await $.customer(customer);
    const a = (await api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'visit', customerId: c.id, assigneeId: await $.userId(rep), title: `拜访${customer}` } })).body;
    return { c, a, token: await api.tokenFor(rep) };
  }
  const check = async (rep: string, id: number, body: Record<string, unknown>) => {
    const r = await api.call('POST', `/api/actions/${id}/evidence-check`, { as: rep, body });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body.checklist as Array<{ kind: string; label: string; state: string; notes: string[]; targets: string[] }>;
  };
  const line = (list: Awaited<ReturnType<typeof check>>, kind: string) => list.find((l) => l.kind === kind)!;

  it('names what an empty draft lacks on each line, and turns each line done as its evidence arrives', async () => {
    const { c, a, token } = await visitOf('rep.zhao', '华联超市总部');
    const empty = await check('rep.zhao', a.id, {});
    expect(empty.map((l) => l.state)).to.include('todo');
    expect(line(empty, 'geofence.within_km')).to.deep.include({ state: 'todo', notes: ['现场签到'] });
    expect(line(empty, 'fields.required').notes).to.include.members(['决策链角色', '下次接触时间']);
    expect(line(empty, 'attachments.min').notes.join('、')).to.contain('门头照').and.contain('合影');

    const here = gcj02ToWgs84(c.lat, c.lng);
    const door = await upload(api, token, await cameraPhoto({ scene: 3001, width: 640, height: 480, gps: here }), { kind: 'photo', tags: '门头照', actionId: String(a.id) });
    const partial = await check('rep.zhao', a.id, {
      attachmentIds: [door.body.id],
      checkIn: { lat: c.lat, lng: c.lng, coordSystem: 'gcj02', at: new Date(Date.now() - 60_000).toISOString(), accuracy: 15 },
      fields: { nextContactAt: new Date(Date.now() + 7 * 86_400_000).toISOString() },
    });
    expect(line(partial, 'geofence.within_km')).to.deep.include({ state: 'done', notes: [] });
    expect(line(partial, 'fields.required')).to.deep.include({ state: 'todo', notes: ['决策链角色'] });
    expect(line(partial, 'attachments.min').notes).to.deep.equal(['1张合影']);
  });

  it('puts a reused photo on its line as a finding for review, in the words of the check, before anything is submitted', async () => {
    const { c, a, token } = await visitOf('rep.zhao', '永辉超市上海区域公司');
    const here = gcj02ToWgs84(c.lat, c.lng);
    const original = await cameraPhoto({ scene: 3002, width: 800, height: 600, gps: here, takenAt: new Date(Date.now() - 5 * 60_000) });
    const first = await upload(api, token, original, { kind: 'photo', tags: '门头照', actionId: String(a.id) });
    expect(first.status).to.equal(201);
    // the same picture again, re-encoded: another file, the same photo
    const again = await upload(api, token, await sharp(original).resize(600).jpeg({ quality: 60 }).toBuffer(), { kind: 'photo', tags: '合影', actionId: String(a.id) });
    const list = await check('rep.zhao', a.id, {
      attachmentIds: [first.body.id, again.body.id],
      checkIn: { lat: c.lat, lng: c.lng, coordSystem: 'gcj02', at: new Date(Date.now() - 60_000).toISOString(), accuracy: 15 },
    });
    const unique = line(list, 'photo.unique');
    expect(unique.state).to.equal('review');
    expect(unique.notes.join()).to.contain('「合影」').and.contain('赵磊');
    expect(unique.targets).to.include('attachments:合影');
  });
});
