/**
 * A visit the rep starts at the customer's door (issue #25): which customer
 * it is follows from where the phone is — the rep's own customers within the
 * distance the bot also starts visits at (setting bot.location-match,
 * atDoorKm), nearest first — and the rep confirms with one tap instead of
 * picking from a list. A customer the rep already has an open visit for is
 * offered as that visit, never as a second one.
 *
 *   const { items } = await customersAtDoor(db, rep, { lat, lng, coordSystem: 'wgs84' });
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { OPEN_STATUSES } from '../flow/action-machine.js';
import { distanceKm } from '../flow/geo.js';
import { locationMatch } from '../inbound/location-match.setting.js';
import { customersOf } from '../resources/customers.js';
import { readSetting } from '../settings/read.js';

export const HereQuery = z.object({
  lat: z.coerce.number().min(-90, '纬度应在 -90 到 90 之间').max(90, '纬度应在 -90 到 90 之间'),
  lng: z.coerce.number().min(-180, '经度应在 -180 到 180 之间').max(180, '经度应在 -180 到 180 之间'),
  coordSystem: z.enum(['wgs84', 'gcj02']).default('wgs84'),
});
export type Here = z.infer<typeof HereQuery>;

export const CustomersAtDoorSchema = z.object({
  /** How near counts as "at the door" (the setting's value now). */
  atDoorKm: z.number(),
  items: z.array(z.object({
    id: z.number().int(),
    name: z.string(),
    distanceKm: z.number(),
    /** The rep's open visit of this customer, continued instead of starting another. */
    openVisitId: z.number().int().nullable(),
  })),
});
export type CustomersAtDoor = z.infer<typeof CustomersAtDoorSchema>;

const MAX_OFFERED = 3;

export async function customersAtDoor(db: Db, actor: Actor, here: Here): Promise<CustomersAtDoor> {
  const { atDoorKm } = await readSetting(db, locationMatch);
  const near = (await customersOf(db, actor.id))
    .filter((c) => c.lat !== null && c.lng !== null)
    .map((c) => ({ c, km: distanceKm({ lat: here.lat, lng: here.lng, system: here.coordSystem }, { lat: c.lat!, lng: c.lng!, system: c.coordSystem }) }))
    .filter((x) => x.km <= atDoorKm)
    .sort((a, b) => a.km - b.km)
    .slice(0, MAX_OFFERED);
  if (near.length === 0) return { atDoorKm, items: [] };
  const { rows } = await db.query(
    `SELECT DISTINCT ON (customer_id) customer_id, id FROM actions
      WHERE assignee_id = $1 AND definition_code = 'visit' AND customer_id = ANY($2::bigint[]) AND status = ANY($3::text[])
      ORDER BY customer_id, due_at NULLS LAST, id`,
    [actor.id, near.map((x) => x.c.id), OPEN_STATUSES]);
  const open = new Map(rows.map((r) => [Number(r.customer_id), Number(r.id)]));
  return {
    atDoorKm,
    items: near.map(({ c, km }) => ({ id: c.id, name: c.name, distanceKm: Math.round(km * 1000) / 1000, openVisitId: open.get(c.id) ?? null })),
  };
}
