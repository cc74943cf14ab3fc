import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { signedInPhone } from './support/browser.js';
import { runOverdueEscalation } from '../../core/alerts/overdue-escalation.js';
import { addCalendarDays, shanghaiDate } from '../../core/flow/time.js';
import { seedRetailNetwork } from '../../core/seed/modules/retail.seed.js';
import { deps } from '../integration/jobs/jobs-helpers.js';
import { customerNamed, startBrowserSuite, type BrowserSuite } from './support/suite.js';

/**
 * Every page as every role, checked for what a Chinese user should never
 * read: raw codes (`visit.geofence`, `pain_points`), English month names,
 * AM/PM, ISO weeks (2026-W50), ISO or slashed dates (2026-12-03, 2026/12/3), native date placeholders, and — for each tab a
 * role is given — a 没有权限 dead end. What users entered or imported (file
 * names, WeCom userids, order numbers) is marked `data-user-text` by the
 * pages and left out. The routes come from the router itself, so a page added
 * later is checked too (or fails here for want of an example address).
 */
const ROLES = ['rep.zhao', 'mgr.li', 'director.wang', 'compliance.he', 'admin.lin'] as const;

const CODE_TOKEN = /[a-z]+[._][a-z]+/i;
const ENGLISH_DATE = /\b(January|February|March|April|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|AM|PM)\b|\d{4}-W\d{2}|mm\/dd\/yyyy|\b\d{4}[-/]\d{1,2}[-/]\d{1,2}\b/;

/** The router's paths, read from its source: every page, however it was added. */
function routerPaths(): string[] {
  const src = readFileSync(new URL('../../miniprogram/src/router.ts', import.meta.url), 'utf8');
  const routes = src.slice(src.indexOf('const routes'), src.indexOf('export const router'));
  return [...routes.matchAll(/path: '([^']+)'/g)].map((m) => m[1].replace(/\\\\/g, '\\'));
}

/** The text a person reads, without what users typed or imported. */
async function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const copy = document.body.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('[data-user-text], script, style, noscript').forEach((e) => e.remove());
    return copy.innerText;
  });
}

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => !document.body.innerText.includes('加载中'), undefined, { timeout: 15_000 }).catch(() => undefined);
}

describe('every page as every role: no raw codes, English dates or dead-end tabs (browser, 390×844)', function () {
  this.timeout(600_000);
  let s: BrowserSuite;
  /** An address per pattern, per role: a record that role can see where there is one. */
  let fill: (pattern: string, role: string) => Promise<string | null>;

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
    // make sure every kind of record exists: a filed and a returned action, a lead, a process, an alert
    const zhao = (await s.pool.query(`SELECT id FROM users WHERE wecom_userid = 'rep.zhao'`)).rows[0].id;
    const hualian = await customerNamed(s.pool, '华联超市总部');
    const late = await s.api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'visit', customerId: hualian.id, assigneeId: zhao, title: '拜访华联：全页面检查' } });
    // an overdue action, escalated by the job: an alert to open
    await s.pool.query(`UPDATE actions SET due_at = now() - interval '5 days' WHERE id = $1`, [late.body.id]);
    await runOverdueEscalation(deps(s.pool, () => new Date()));
    await s.api.call('POST', '/api/leads', { as: 'rep.zhao', body: { title: '华联新店需求', company: '华联超市（新店）', source: 'referral' } });
    const hospital = await customerNamed(s.pool, '上海市第六人民医院');
    await s.api.call('POST', '/api/processes', { as: 'mgr.li', body: { templateCode: 'hospital_admission', customerId: hospital.id } });
    // a store with its clerk and a 新品上架 under way
    await seedRetailNetwork(s.pool, [zhao], shanghaiDate(new Date()));
    const lawson = await customerNamed(s.pool, '罗森静安寺店');
    const product = (await s.pool.query(`SELECT id FROM retail_products ORDER BY launch_date DESC LIMIT 1`)).rows[0].id;
    await s.api.call('POST', '/api/retail/launches', { as: 'mgr.li', body: { storeId: lawson.id, productId: Number(product), launchDate: shanghaiDate(new Date()) } });
    // a promotion running at the store, with a day of its sales imported
    const storeCode = (await s.pool.query('SELECT code FROM retail_stores WHERE customer_id = $1', [lawson.id])).rows[0].code;
    const yesterday = addCalendarDays(shanghaiDate(new Date()), -1);
    await s.api.call('POST', '/api/retail/sales', { as: 'admin.lin', body: { batchId: 'screen-text', rows: [{ storeCode, sku: 'BEV-GT-500', day: yesterday, units: 12, amount: 54 }] } });
    await s.api.call('POST', '/api/retail/promotions', {
      as: 'mgr.li', body: { name: '全页面检查促销', storeIds: [lawson.id], productIds: [Number(product)], startsOn: yesterday, endsOn: addCalendarDays(yesterday, 7), cost: 500 },
    });
    await s.api.call('POST', '/api/retail/patrols', { as: 'inspector.1', body: { storeId: lawson.id } });
    const invitation = new URL((await s.api.call('POST', `/api/retail/stores/${lawson.id}/invitations`, { as: 'rep.zhao' })).body.url).pathname;
    await s.api.call('POST', '/api/talk-tracks', { as: 'admin.lin', body: {
      title: '价格异议应对话术包', keywords: ['价格'], stageCodes: ['negotiation'], objections: [{ objection: '太贵了', answer: '先拆开价格再谈。' }],
    } });
    const first = async (path: string, as: string, key: string) => {
      const r = await s.api.call('GET', path, { as });
      return r.status === 200 ? (r.body.items?.[0]?.[key] ?? null) : null;
    };
    const any = async (sql: string) => (await s.pool.query(sql)).rows[0]?.v ?? null;
    const ID: Record<string, { list: string; sql: string }> = {
      customers: { list: '/api/customers?limit=1', sql: 'SELECT id AS v FROM customers ORDER BY id LIMIT 1' },
      actions: { list: '/api/actions?limit=1', sql: 'SELECT id AS v FROM actions ORDER BY id LIMIT 1' },
      deals: { list: '/api/opportunities?limit=1', sql: 'SELECT id AS v FROM opportunities ORDER BY id LIMIT 1' },
      leads: { list: '/api/leads?limit=1', sql: 'SELECT id AS v FROM leads ORDER BY id LIMIT 1' },
      processes: { list: '/api/processes', sql: 'SELECT id AS v FROM process_instances ORDER BY id LIMIT 1' },
      alerts: { list: '/api/alerts?limit=1', sql: 'SELECT id AS v FROM alerts ORDER BY id LIMIT 1' },
      promotions: { list: '/api/retail/promotions', sql: 'SELECT id AS v FROM retail_promotions ORDER BY id LIMIT 1' },
      launches: { list: '/api/retail/launches', sql: 'SELECT id AS v FROM retail_launches ORDER BY id LIMIT 1' },
      patrols: { list: '/api/retail/patrols', sql: 'SELECT id AS v FROM retail_patrols ORDER BY id LIMIT 1' },
      'talk-tracks': { list: '/api/talk-tracks', sql: 'SELECT id AS v FROM talk_track_packs ORDER BY id LIMIT 1' },
    };
    // a setting of each editor, as the settings list links to it (plain settings under /settings/s/)
    const settings = (await s.api.call('GET', '/api/settings', { as: 'admin.lin' })).body.items as Array<{ id: string; editor: string | null }>;
    const settingOf = (editor: string | null) => settings.find((x) => x.editor === editor)?.id ?? null;
    fill = async (pattern, role) => {
      const idParam = /^\/([a-z-]+)\/:id\(/.exec(pattern);
      if (idParam) {
        const spec = ID[idParam[1]];
        if (!spec) return null;
        const id = (await first(spec.list, role, 'id')) ?? (await any(spec.sql));
        // what follows the id (/promotions/:id/edit)
        return id === null ? null : `/${idParam[1]}/${id}${pattern.slice(pattern.indexOf(')') + 1)}`;
      }
      const setting = /^\/settings\/([a-z-]+)\/:id$/.exec(pattern);
      if (setting) {
        const id = settingOf(setting[1] === 's' ? null : setting[1]);
        return id === null ? null : `/settings/${setting[1]}/${encodeURIComponent(id)}`;
      }
      if (pattern === '/dashboards/:metric') return '/dashboards/lead_conversion';
      if (pattern.startsWith('/scorecard/stores/:id')) return `/scorecard/stores/${await any('SELECT customer_id AS v FROM retail_stores ORDER BY customer_id LIMIT 1')}`;
      if (pattern === '/join/:token') return invitation;
      if (pattern.startsWith('/settings/talk-tracks/:id')) return `/settings/talk-tracks/${await any('SELECT id AS v FROM talk_track_packs ORDER BY id LIMIT 1')}`;
      // a filed report's evidence review (its not-found page when nothing was filed yet)
      if (pattern.startsWith('/evidence-reviews/:submissionId')) return `/evidence-reviews/${await any('SELECT COALESCE((SELECT id FROM submissions ORDER BY id LIMIT 1), 1) AS v')}`;
      return pattern.includes(':') ? null : pattern;
    };
  });
  after(() => s?.close());

  it('has an address for every route of the router', async () => {
    const unmapped: string[] = [];
    for (const p of routerPaths()) if (p !== '/:rest(.*)*' && (await fill(p, 'director.wang')) === null) unmapped.push(p);
    expect(unmapped, 'give these routes an example address in this test').to.deep.equal([]);
  });

  for (const role of ROLES) {
    it(`shows ${role} only Chinese: no code tokens, English dates or ISO weeks on any page, and no tab that ends in 没有权限`, async () => {
      const { ctx, page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, role);
      const problems: string[] = [];
      for (const pattern of routerPaths()) {
        const path = pattern === '/:rest(.*)*' ? '/no-such-page' : await fill(pattern, role);
        if (!path) continue;
        await page.goto(path);
        await settle(page);
        const text = await visibleText(page);
        const code = CODE_TOKEN.exec(text);
        const english = ENGLISH_DATE.exec(text);
        if (code) problems.push(`${path}: 「${code[0]}」 in …${text.slice(Math.max(0, code.index - 20), code.index + 30).replace(/\s+/g, ' ')}…`);
        if (english) problems.push(`${path}: 「${english[0]}」`);
      }
      // each tab the role is given leads somewhere usable
      await page.goto('/');
      await settle(page);
      const tabs = await page.locator('.tabbar .tab').evaluateAll((els) => els.map((e) => (e as HTMLAnchorElement).getAttribute('href')));
      for (const href of tabs) {
        await page.goto(href!);
        await settle(page);
        if ((await visibleText(page)).includes('没有权限')) problems.push(`tab ${href}: 没有权限`);
      }
      expect(problems).to.deep.equal([]);
      expect(errors).to.deep.equal([]);
      await ctx.close();
    });
  }
});
