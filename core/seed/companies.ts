/**
 * Companies that leads come from (and, once converted, customers): a name
 * unique in the database, a type, an address and coordinates around the rep's
 * city. Deterministic for (seed, rep index), so the same demo gets the same
 * names.
 *
 *   const list = leadCompanies(rep, 2, 20261127, 120, taken);
 */
import type { CustomerType } from '../flow/types.js';
import { DISTRICTS, ROADS, TRADE_WORDS } from './china.js';
import type { ScopeRep } from './history-window.js';
import { prng } from './prng.js';

export interface Company { name: string; type: CustomerType; address: string; lat: number; lng: number }

const MORE_WORDS = ['润和', '信达', '安康', '丰泽', '德信', '汇通', '立新', '华康', '禾丰', '明达', '盛世', '东方', '鸿运', '众诚', '益民', '海纳'];
const SUFFIX: Record<CustomerType, string[]> = {
  ka: ['超市', '购物广场', '生活超市', '量贩'],
  hospital: ['医院', '中医院', '妇幼保健院', '社区卫生服务中心'],
  store: ['便利店', '便利超市', '24小时便利店', '社区店'],
  dealer: ['商贸有限公司', '食品经销部', '贸易有限公司', '医疗器械有限公司'],
};
const TYPES: Array<[CustomerType, number]> = [['ka', 0.12], ['hospital', 0.18], ['store', 0.38], ['dealer', 0.32]];

function pickType(u: number): CustomerType {
  let acc = 0;
  for (const [t, share] of TYPES) if (u < (acc += share)) return t;
  return 'dealer';
}

/** `count` companies for the rep at index `repIndex`; names in `taken` (and those made here) are never reused. */
export function leadCompanies(rep: ScopeRep, repIndex: number, seed: number, count: number, taken: Set<string>): Company[] {
  const rand = prng(seed * 7919 + repIndex * 104729 + 17);
  const words = [...TRADE_WORDS, ...MORE_WORDS];
  const out: Company[] = [];
  for (let tries = 0; out.length < count && tries < count * 50; tries++) {
    const type = pickType(rand());
    const w = words[Math.floor(rand() * words.length)];
    const suffixes = SUFFIX[type];
    const suffix = suffixes[Math.floor(rand() * suffixes.length)];
    const district = DISTRICTS[Math.floor(rand() * DISTRICTS.length)].slice(0, 2);
    // a second company of the same words in the same city is told apart by its district, as real ones are
    const name = [`${rep.city}${w}${suffix}`, `${rep.city}${w}${district}${suffix}`].find((n) => !taken.has(n));
    if (!name) continue;
    taken.add(name);
    out.push({
      name, type,
      address: `${rep.city}市${DISTRICTS[Math.floor(rand() * DISTRICTS.length)]}${ROADS[Math.floor(rand() * ROADS.length)]}${1 + Math.floor(rand() * 899)}号`,
      lat: Math.round((rep.lat + (rand() - 0.5) * 0.12) * 1e6) / 1e6,
      lng: Math.round((rep.lng + (rand() - 0.5) * 0.14) * 1e6) / 1e6,
    });
  }
  return out;
}
