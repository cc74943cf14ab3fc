/**
 * 企业微信客户待确认 (#20): demo mode has no WeCom to sync 客户联系 from, so a
 * few external contacts of the demo rep are made up here — one whose noted
 * mobile is a contact's (bound at once), one known only by a name a contact
 * of theirs has (asked: 是这位联系人吗？), one newcomer their company names
 * (asked: 新建联系人？) — and put through the product's own matching
 * (applyExternalContacts), so the 客户 page shows what a real sync leaves.
 */
import { applyExternalContacts } from '../../wecom-contacts/sync.js';
import { mergeByContact } from '../../wecom-contacts/match.js';
import type { ExternalContactOfMember } from '../../wecom/wecom-client.js';
import { defineSeedModule, type SeedCounts } from '../seed-module.js';

export const wecomContactsSeed = defineSeedModule<{ persona: string | null }>({
  name: 'wecom-contacts',
  label: '企业微信客户待确认',
  after: ['share-links', 'buying-centre'],
  knobs: { demo: { persona: 'rep.zhao' }, bench: { persona: null } },
  async run(ctx, k): Promise<SeedCounts> {
    if (!k.persona) return {};
    const { rows: [rep] } = await ctx.pool.query(`SELECT id, wecom_userid FROM users WHERE wecom_userid = $1`, [k.persona]);
    if (!rep) return {};
    // two of the persona's customers with unbound contacts that have a phone, in a fixed order
    const { rows } = await ctx.pool.query(`
      SELECT c.id, c.name, array_agg(k.name ORDER BY k.id) AS names, array_agg(k.phone ORDER BY k.id) AS phones
        FROM customers c JOIN contacts k ON k.customer_id = c.id AND k.status = 'active' AND k.wecom_external_userid IS NULL AND k.phone IS NOT NULL
       WHERE c.owner_id = $1 GROUP BY c.id HAVING count(*) >= 2 ORDER BY c.id LIMIT 2`, [rep.id]);
    if (rows.length < 2) return {};
    const [a, b] = rows;
    const pair = (externalUserid: string, name: string, more: Partial<ExternalContactOfMember>): ExternalContactOfMember => ({
      externalUserid, name, type: 1, corpName: null, corpFullName: null, followUserid: rep.wecom_userid, remark: null, remarkMobiles: [], remarkCorpName: null, ...more,
    });
    const list = [
      pair('wmDemoMobile0001', '微笑向暖', { remarkMobiles: [a.phones[0]], remark: `${a.names[0]}` }),
      pair('wmDemoNameOnly01', b.names[1], {}),
      pair('wmDemoNewcomer01', '钱晓东', { remarkCorpName: a.name, remarkMobiles: ['13761234567'] }),
    ];
    const r = await applyExternalContacts(ctx.pool, mergeByContact(list), new Map([[rep.wecom_userid, Number(rep.id)]]));
    return { contacts_bound: r.bound, wecom_contact_matches: r.asked };
  },
});
