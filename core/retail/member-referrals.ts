/**
 * 会员推荐: a clerk's count of the shoppers they recommended the membership
 * to on a day and how many joined — the one figure 会员推荐转化率 needs that
 * no other record holds. The clerk's own count (shown as 店员自报), for their
 * store, within the days back the sales-data setting allows; the day's latest
 * entry replaces an earlier one.
 */
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { addCalendarDays, shanghaiDate } from '../flow/time.js';
import { readSetting } from '../settings/read.js';
import { salesData } from './sales-data.setting.js';
import type { MemberReferralEntry } from './scorecard-schemas.js';

export async function recordMemberReferrals(db: Db, actor: Actor, e: MemberReferralEntry, now: Date): Promise<MemberReferralEntry & { storeName: string }> {
  if (actor.role !== 'clerk') throw new AppError('FORBIDDEN', { reason: 'clerks enter member referrals' }, '会员推荐由门店店员填报');
  const { rows: [k] } = await db.query('SELECT k.store_id, c.name FROM retail_clerks k JOIN customers c ON c.id = k.store_id WHERE k.user_id = $1', [actor.id]);
  if (!k) throw new AppError('STORE_NOT_FOUND', { userId: actor.id }, '你还没有绑定门店');
  const { entryBackDays } = await readSetting(db, salesData);
  const today = shanghaiDate(now);
  if (e.day > today || e.day < addCalendarDays(today, -entryBackDays)) {
    throw new AppError('VALIDATION_FAILED', [{ path: 'day', message: entryBackDays ? `只能填报今天和之前${entryBackDays}天的会员推荐` : '只能填报今天的会员推荐' }]);
  }
  await db.query(
    `INSERT INTO retail_member_referrals (store_id, day, recommended, joined, clerk_id, reported_at) VALUES ($1,$2,$3,$4,$5,$6)
     ON CONFLICT (store_id, day) DO UPDATE SET recommended = EXCLUDED.recommended, joined = EXCLUDED.joined,
       clerk_id = EXCLUDED.clerk_id, reported_at = EXCLUDED.reported_at`,
    [k.store_id, e.day, e.recommended, e.joined, actor.id, now]);
  return { ...e, storeName: k.name };
}
