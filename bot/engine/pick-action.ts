/**
 * Which report a message is about. The customer named in it wins ("华联那边
 * 下周三再约"); then the report being worked on; then the only draft; with
 * several drafts the bot asks "你说的是华联还是永辉？" and replays the message
 * once answered. Naming a customer without an open report starts a visit
 * (the action engine's dispatch: the rep's own action).
 */
import { dispatchAction } from '../../core/actions/dispatch.js';
import { customersOf, type CustomerPlace } from '../../core/resources/customers.js';
import { openWorkOf, type OpenAction } from '../../core/actions/open-work.js';
import { isAppError } from '../../core/errors.js';
import { ordinalIn } from '../../core/understanding/decision-chain.js';
import { noOpenReport, whichAction } from '../replies/templates.js';
import { openSession, type Session } from './session.js';
import type { ActionChoice } from './state.js';
import { lifecycle, say, setPending, takePrefetched, type Turn } from './turn.js';
import type { BotMessage } from './types.js';

const CITY = /^(上海市?|北京市?|天津市?|重庆市?|[\u4e00-\u9fa5]{2}(省|市)|南京|杭州|苏州|无锡|宁波|石家庄|唐山|廊坊|保定)/;
const CATEGORY = /超市|便利|商贸|贸易|食品|医疗器械|医疗用品|日化|副食品|经销|批发|有限公司|集团|连锁/;

/** 华联超市总部 → 华联, 上海嘉禾食品经销有限公司 → 嘉禾, 上海市第六人民医院 → 第六人民医院. */
export function shortName(name: string): string {
  const rest = name.replace(CITY, '');
  const base = rest.length >= 2 ? rest : name;
  const cut = CATEGORY.exec(base);
  return cut && cut.index >= 2 ? base.slice(0, cut.index) : base;
}

function aliases(name: string): string[] {
  return [...new Set([name, name.replace(CITY, ''), shortName(name)])].filter((a) => a.length >= 2);
}

/** Customers the text names, by their longest matching alias (several when the alias is shared). */
export function mentionedCustomers<C extends { name: string }>(text: string, customers: readonly C[]): C[] {
  let best = 0;
  let found: C[] = [];
  for (const c of customers) {
    const len = Math.max(0, ...aliases(c.name).filter((a) => text.includes(a)).map((a) => a.length));
    if (len === 0 || len < best) continue;
    if (len > best) { best = len; found = []; }
    found.push(c);
  }
  return found;
}

const VISITING = /^(我)?(正)?在|拜访|到了|来到|刚到|现在在|我在|在.{2,12}(门口|店里|现场|这边)|去了|见了|进店|到店/;

function choice(a: OpenAction): ActionChoice {
  return { actionId: a.id, customerName: a.customerName, short: shortName(a.customerName) };
}

function ask(t: Turn, actions: readonly OpenAction[], deferred: BotMessage): void {
  const options = actions.slice(0, 5).map(choice);
  setPending(t, { kind: 'which_action', options, deferred });
  say(t, whichAction(options));
}

/** Starts a visit the rep reports on their own (self-assigned, as the H5's 新建拜访). */
export async function startVisit(t: Turn, customer: { id: number; name: string }): Promise<Session | null> {
  try {
    const view = await dispatchAction(t.db, t.actor, { definitionCode: 'visit', customerId: customer.id }, lifecycle(t));
    say(t, `已为你新建拜访：${customer.name}。`);
    t.convo.activeActionId = view.id;
    return openSession(t, view.id);
  } catch (err) {
    if (!isAppError(err)) throw err;
    say(t, `没能新建${customer.name}的拜访：${err.message}`);
    return null;
  }
}

async function byMention(t: Turn, text: string, open: OpenAction[], deferred: BotMessage): Promise<Session | 'asked' | null> {
  const withReport = mentionedCustomers(text, open.map((a) => ({ ...a, name: a.customerName })));
  // the same customer may have two open actions (a visit and a quote): the one with a draft comes first
  if (withReport.length > 0 && new Set(withReport.map((a) => a.customerId)).size === 1) {
    t.convo.activeActionId = withReport[0].id;
    const s = await openSession(t, withReport[0].id);
    if (s) s.named = true;
    return s;
  }
  if (withReport.length > 1) {
    ask(t, withReport, deferred);
    return 'asked';
  }
  const owned = mentionedCustomers(text, takePrefetched(t, 'customers') ?? await customersOf(t.db, t.actor.id));
  if (owned.length !== 1) return null;
  if (VISITING.test(text)) {
    const s = await startVisit(t, owned[0]);
    if (s) s.named = true;
    return s;
  }
  setPending(t, { kind: 'start_visit', customerId: owned[0].id, customerName: owned[0].name, deferred });
  say(t, `${owned[0].name}现在没有进行中的拜访，要开始一次拜访吗？（回复“是”开始）`);
  return 'asked';
}

/**
 * The rep's open actions. The same round trip reads what the next steps most
 * likely need (Turn.prefetched): the draft and contacts of the action the
 * conversation is on, and — with `customers` — the rep's customers, for a
 * message that may name one.
 */
export async function loadOpenActions(t: Turn, opts: { customers: boolean }): Promise<OpenAction[]> {
  const w = await openWorkOf(t.db, t.actor.id, { activeActionId: t.convo.activeActionId, customers: opts.customers });
  t.prefetched = {};
  if (w.customers) t.prefetched.customers = w.customers;
  if (w.active) {
    t.prefetched.draft = { actionId: w.active.actionId, payload: w.active.draft };
    if (w.active.customerId !== null) t.prefetched.contacts = { customerId: w.active.customerId, rows: w.active.contacts };
  }
  return w.open;
}

/**
 * The session a message should go to, or 'asked' when the bot asked back
 * (the message is kept and replayed), or null when there is none (the bot
 * has said so unless `quiet`).
 */
export async function resolveSession(
  t: Turn, message: BotMessage, opts: { text?: string; quiet?: boolean; probe?: () => Promise<boolean> } = {},
): Promise<Session | 'asked' | null> {
  const open = await loadOpenActions(t, { customers: !!opts.text });
  if (opts.text) {
    const named = await byMention(t, opts.text, open, message);
    if (named) return named;
  }
  if (t.convo.activeActionId) {
    const s = await openSession(t, t.convo.activeActionId);
    if (s) return s;
    t.convo.activeActionId = null;
  }
  // small talk must not be answered with "你说的是华联还是永辉？"
  if (opts.probe && !(await opts.probe())) return null;
  const drafts = open.filter((a) => a.hasDraft);
  const pool = drafts.length > 0 ? drafts : open;
  if (pool.length === 1) {
    t.convo.activeActionId = pool[0].id;
    return openSession(t, pool[0].id);
  }
  if (pool.length > 1) {
    ask(t, pool, message);
    return 'asked';
  }
  if (!opts.quiet) say(t, noOpenReport());
  return null;
}

/** The option an answer picks: a number, or a (short) customer name. */
export function pickChoice(answer: string, options: readonly ActionChoice[]): ActionChoice | null {
  const i = ordinalIn(answer);
  if (i !== null && i >= 1 && i <= options.length) return options[i - 1];
  const named = mentionedCustomers(answer, options.map((o) => ({ ...o, name: o.customerName })));
  return named.length === 1 ? options.find((o) => o.actionId === named[0].actionId)! : null;
}

export type { CustomerPlace };
