import { expect } from 'chai';
import type { FakeWecom } from '../support/fake-wecom.js';
import {
  isMemberIdentity,
  isOAuthCodeInvalid,
  WecomApiError,
  WecomRequestInvalidError,
  type WecomClient,
} from '../../core/wecom/wecom-client.js';
import { buildWarningButtonCard } from '../../core/wecom/template-cards.js';

export interface WecomClientHarness {
  client: WecomClient;
  /** Whether this client reaches WeCom (false: demo mode's logging twin). */
  connected: boolean;
  /** Messages that reached WeCom (0 for the logging twin, which only logs them). */
  delivered(): number;
  cleanup(): Promise<void>;
}

export interface WecomContractHarness {
  client: WecomClient;
  /** The loopback WeCom the client talks to: used to inject failures and read what was sent. */
  fake: FakeWecom;
  cleanup(): Promise<void>;
}

const SEND = '/cgi-bin/message/send';
const text = (touser: string[], content = '客户A 7天未跟进') => ({ touser, msgtype: 'text' as const, text: { content } });

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

/**
 * Behaviour every WecomClient shows, the HTTP client and demo mode's logging
 * twin alike (STYLE §2.5): a message WeCom would refuse is refused before it
 * goes anywhere, a good one is answered with a message id (and an interactive
 * card with a response code the card can be updated with), media WeCom would
 * refuse is refused, and the OAuth URL checks its redirect and state.
 */
export function wecomClientContract(name: string, makeClient: () => Promise<WecomClientHarness>): void {
  describe(`WecomClient contract: ${name}`, () => {
    let h: WecomClientHarness;
    beforeEach(async () => {
      h = await makeClient();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('says whether it reaches WeCom', () => {
      expect(h.client.connected).to.equal(h.connected);
    });

    it('refuses a message WeCom would reject without sending anything', async () => {
      const err = await rejection(h.client.sendMessage({ touser: [], msgtype: 'text', text: { content: 'x' } }));
      expect(err).to.be.instanceOf(WecomRequestInvalidError).with.property('permanent', true);
      const tooLong = await rejection(h.client.sendMessage(text(['wangwu'], '字'.repeat(700))));
      expect(tooLong).to.be.instanceOf(WecomRequestInvalidError);
      expect(h.delivered()).to.equal(0);
    });

    it('answers a message to a member with a message id and no invalid users', async () => {
      const r = await h.client.sendMessage(text(['wangwu']));
      expect(r.msgid).to.be.a('string').and.not.empty;
      expect(r.invalidUsers).to.deep.equal([]);
      expect(h.delivered()).to.equal(h.connected ? 1 : 0);
    });

    it('answers an interactive card with a response code the card can be updated with', async () => {
      const card = buildWarningButtonCard({ alertId: 'a1', title: '客户A 7天未跟进', detailUrl: 'https://h5.example.com/alerts/a1' });
      const sent = await h.client.sendMessage({ touser: ['mgr_li'], msgtype: 'template_card', template_card: card });
      expect(sent.responseCode).to.be.a('string').and.not.empty;
      expect(await h.client.updateTemplateCard({ responseCode: sent.responseCode!, userids: ['mgr_li'], replaceName: '已处理' }))
        .to.deep.equal({ invalidUsers: [] });
    });

    it('refuses media WeCom would refuse, and gives a media id for a good picture', async () => {
      const huge = Buffer.alloc(11 * 1024 * 1024);
      expect(await rejection(h.client.uploadMedia({ type: 'image', buffer: huge, filename: 'big.png' }))).to.be.instanceOf(WecomRequestInvalidError);
      const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
      const up = await h.client.uploadMedia({ type: 'image', buffer: png, filename: 'dot.png' });
      expect(up.mediaId).to.be.a('string').and.not.empty;
    });

    it('refuses an OAuth URL with a foreign redirect or a malformed state', () => {
      expect(() => h.client.buildOAuthUrl('javascript:alert(1)', 'st8')).to.throw(WecomRequestInvalidError);
      expect(() => h.client.buildOAuthUrl('https://h5.example.com/auth/cb', 'bad state!')).to.throw(WecomRequestInvalidError);
    });
  });
}

/** What a client does against a WeCom-compatible server: tokens, retries, the directory, media, tickets. */
export function wecomServerContract(name: string, makeClient: () => Promise<WecomContractHarness>): void {
  describe(`WecomClient against a WeCom server: ${name}`, () => {
    let h: WecomContractHarness;
    beforeEach(async () => {
      h = await makeClient();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    describe('access token', () => {
      it('fetches the token once and reuses it for later calls', async () => {
        await h.client.sendMessage(text(['wangwu']));
        await h.client.sendMessage(text(['wangwu']));
        expect(h.fake.counters.gettokenCalls).to.equal(1);
      });

      it('drops an expired token, fetches a new one and retries once after 42001', async () => {
        await h.client.sendMessage(text(['wangwu']));
        h.fake.expireToken();
        const result = await h.client.sendMessage(text(['wangwu']));
        expect(result.msgid).to.be.a('string').and.not.empty;
        expect(h.fake.counters.gettokenCalls).to.equal(2);
        expect(h.fake.sent).to.have.length(2);
      });

      it('gives up when the fresh token is rejected too (no refresh loop)', async () => {
        h.fake.failNext(SEND, 40014, 2);
        const err = await rejection(h.client.sendMessage(text(['wangwu'])));
        expect(err).to.be.instanceOf(WecomApiError).with.property('errcode', 40014);
        expect(h.fake.counters.gettokenCalls).to.equal(2);
        expect(h.fake.callsTo(SEND)).to.equal(2);
      });

      it('shares one gettoken among 20 concurrent sends', async () => {
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => h.client.sendMessage(text([`rep${i}`]))));
        expect(results).to.have.length(20);
        expect(h.fake.counters.gettokenCalls).to.equal(1);
      });

      it('never retries a rejected secret (40001)', async () => {
        h.fake.failNext('/cgi-bin/gettoken', 40001, 5);
        const err = await rejection(h.client.sendMessage(text(['wangwu'])));
        expect(err).to.be.instanceOf(WecomApiError).that.includes({ errcode: 40001, retryable: false, kind: 'config' });
        expect(h.fake.counters.gettokenCalls).to.equal(1);
        expect(h.fake.callsTo(SEND)).to.equal(0);
      });
    });

    describe('sendMessage', () => {
      it('retries 45009 with backoff and then succeeds', async () => {
        h.fake.failNext(SEND, 45009, 2);
        const result = await h.client.sendMessage(text(['wangwu']));
        expect(result.msgid).to.not.be.empty;
        expect(h.fake.callsTo(SEND)).to.equal(3);
      });

      it('stops after 3 tries when WeCom stays busy (-1) and says the error is retryable', async () => {
        h.fake.failNext(SEND, -1, 10);
        const err = await rejection(h.client.sendMessage(text(['wangwu'])));
        expect(err).to.be.instanceOf(WecomApiError).that.includes({ errcode: -1, retryable: true, permanent: false });
        expect(h.fake.callsTo(SEND)).to.equal(3);
      });

      it('does not retry an IP allow-list rejection (60020)', async () => {
        h.fake.failNext(SEND, 60020);
        const err = await rejection(h.client.sendMessage(text(['wangwu'])));
        expect(err).to.be.instanceOf(WecomApiError).that.includes({ errcode: 60020, retryable: false });
        expect(h.fake.callsTo(SEND)).to.equal(1);
      });

      it('surfaces unknown members as invalidUsers while the rest are delivered', async () => {
        h.fake.setUsers([{ id: 1, name: '销售部', parentid: 0 }], [{ userid: 'wangwu', name: '王五', department: [1] }]);
        const result = await h.client.sendMessage(text(['wangwu', 'Ghost']));
        expect(result.invalidUsers).to.deep.equal(['ghost']);
        expect(h.fake.sent[0].delivered).to.deep.equal(['wangwu']);
        expect(h.fake.sent[0].body.touser).to.equal('wangwu|Ghost');
      });

      it('throws a permanent invalid_user error when no recipient exists (81013)', async () => {
        h.fake.setUsers([{ id: 1, name: '销售部', parentid: 0 }], [{ userid: 'wangwu', name: '王五', department: [1] }]);
        const err = await rejection(h.client.sendMessage(text(['ghost'])));
        expect(err).to.be.instanceOf(WecomApiError).that.includes({ errcode: 81013, permanent: true, kind: 'invalid_user' });
      });

      it('records messages past 30/min to one member as silently undelivered', async () => {
        for (let i = 0; i < 31; i++) await h.client.sendMessage(text(['mgr_li'], `预警 ${i}`));
        expect(h.fake.sent[29].delivered).to.deep.equal(['mgr_li']);
        expect(h.fake.sent[30].undelivered).to.deep.equal(['mgr_li']);
      });
    });

    describe('template cards', () => {
      const card = () =>
        buildWarningButtonCard({ alertId: 'a123', title: '客户A 报价后7天未跟进', detailUrl: 'https://h5.example.com/alerts/a123' });

      it('returns a response_code for an interactive card and updates the card with it once', async () => {
        const sent = await h.client.sendMessage({ touser: ['mgr_li'], msgtype: 'template_card', template_card: card() });
        expect(sent.responseCode).to.be.a('string');
        await h.client.updateTemplateCard({ responseCode: sent.responseCode!, userids: ['mgr_li'], replaceName: '已过期' });
        expect(h.fake.cardUpdates[0].body).to.deep.include({ response_code: sent.responseCode, button: { replace_name: '已过期' } });
        const reuse = await rejection(h.client.updateTemplateCard({ responseCode: sent.responseCode!, userids: ['mgr_li'], replaceName: '已过期' }));
        expect(reuse).to.be.instanceOf(WecomApiError);
      });
    });

    describe('OAuth', () => {
      it('exchanges a code for the member userid exactly once', async () => {
        const code = h.fake.mintOAuthCode('wangwu');
        expect(await h.client.getUserIdByOAuthCode(code)).to.deep.equal({ userid: 'wangwu' });
        const reuse = await rejection(h.client.getUserIdByOAuthCode(code));
        expect(isOAuthCodeInvalid(reuse)).to.equal(true);
      });

      it('identifies a non-member by openid', async () => {
        const identity = await h.client.getUserIdByOAuthCode(h.fake.mintOAuthCode({ openid: 'o-123' }));
        expect(isMemberIdentity(identity)).to.equal(false);
        expect(identity).to.deep.equal({ openid: 'o-123' });
      });

      it('builds an authorize URL that lands on the redirect with a usable code and the state', async () => {
        h.fake.setOAuthUser('mgr_li');
        const url = h.client.buildOAuthUrl('https://h5.example.com/auth/cb?from=card', 'st8');
        expect(url).to.match(/#wechat_redirect$/);
        const res = await fetch(url, { redirect: 'manual' });
        expect(res.status).to.equal(302);
        const landing = new URL(res.headers.get('location')!);
        expect(landing.origin + landing.pathname).to.equal('https://h5.example.com/auth/cb');
        expect(landing.searchParams.get('state')).to.equal('st8');
        expect(landing.searchParams.get('from')).to.equal('card');
        expect(await h.client.getUserIdByOAuthCode(landing.searchParams.get('code')!)).to.deep.equal({ userid: 'mgr_li' });
      });
    });

    describe('directory', () => {
      beforeEach(() => {
        h.fake.setUsers(
          [{ id: 1, name: '公司', parentid: 0 }, { id: 2, name: '华东销售', parentid: 1, department_leader: ['mgr_li'] }],
          [
            { userid: 'mgr_li', name: '李经理', department: [2], is_leader_in_dept: [1], main_department: 2 },
            { userid: 'wangwu', name: '王五', department: [2], direct_leader: ['mgr_li'], position: '销售' },
            { userid: 'boss', name: '老板', department: [1] },
          ],
        );
      });

      it('maps a member to camelCase fields', async () => {
        const user = await h.client.getUser('wangwu');
        expect(user).to.deep.include({ userid: 'wangwu', name: '王五', departmentIds: [2], directLeader: ['mgr_li'], position: '销售', status: 1 });
      });

      it('returns null for a userid that does not exist (60111)', async () => {
        expect(await h.client.getUser('nobody')).to.equal(null);
      });

      it('lists departments with leaders and only direct members of one department', async () => {
        const depts = await h.client.listDepartments();
        expect(depts.find((d) => d.id === 2)).to.deep.equal({ id: 2, name: '华东销售', parentId: 1, order: 0, departmentLeader: ['mgr_li'] });
        const top = await h.client.listUsersInDepartment(1);
        expect(top.map((u) => u.userid)).to.deep.equal(['boss']);
      });
    });

    describe('media', () => {
      it('downloads bytes with content type and filename', async () => {
        h.fake.putMedia('m1', Buffer.from([0xff, 0xd8, 0xff]), 'image/jpeg', '拜访.jpg');
        const file = await h.client.downloadMedia('m1');
        expect(file.buffer.equals(Buffer.from([0xff, 0xd8, 0xff]))).to.equal(true);
        expect(file.contentType).to.equal('image/jpeg');
        expect(file.filename).to.equal('拜访.jpg');
      });

      it('detects a JSON error body sent with HTTP 200 (40007)', async () => {
        const err = await rejection(h.client.downloadMedia('expired', { jssdk: true }));
        expect(err).to.be.instanceOf(WecomApiError).that.includes({ errcode: 40007, permanent: true });
        expect(h.fake.callsTo('/cgi-bin/media/get/jssdk')).to.equal(1);
      });
    });

    describe('jsapi tickets', () => {
      it('caches each ticket type separately', async () => {
        const corp1 = await h.client.getJsApiTicket('corp');
        const corp2 = await h.client.getJsApiTicket('corp');
        const agent = await h.client.getJsApiTicket('agent');
        expect(corp1).to.equal(corp2);
        expect(agent).to.not.equal(corp1);
        expect(h.fake.callsTo('/cgi-bin/get_jsapi_ticket')).to.equal(1);
        expect(h.fake.callsTo('/cgi-bin/ticket/get')).to.equal(1);
      });

      it('shares one ticket fetch among concurrent callers', async () => {
        const tickets = await Promise.all(Array.from({ length: 10 }, () => h.client.getJsApiTicket('agent')));
        expect(new Set(tickets).size).to.equal(1);
        expect(h.fake.callsTo('/cgi-bin/ticket/get')).to.equal(1);
      });
    });
  });
}
