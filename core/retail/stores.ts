/**
 * Stores and the catalogue as each role sees them: the store list (chain,
 * format, region, clerks, shelf positions, launches under way) within the
 * actor's store scope, and the brand's products.
 */
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import type { StoreView } from './retail-schemas.js';
import { storeScopeSql } from './store-scope.js';

export async function listStores(db: Db, actor: Actor): Promise<{ items: StoreView[] }> {
  assertCan(actor, 'retail', 'read');
  const sql = new Sql();
  const { rows } = await db.query(sql.unprepared(
    `SELECT c.id, c.name, s.code, s.chain, s.format, d.name AS region_name, c.address, c.lat, c.lng, o.name AS owner_name,
            (SELECT coalesce(jsonb_agg(jsonb_build_object('id', u.id, 'name', u.name, 'wechatBound', k.wecom_openid IS NOT NULL OR k.wecom_external_userid IS NOT NULL) ORDER BY u.id), '[]')
               FROM retail_clerks k JOIN users u ON u.id = k.user_id WHERE k.store_id = c.id AND u.active) AS clerks,
            (SELECT coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'code', p.code, 'label', p.label) ORDER BY p.id), '[]')
               FROM retail_shelf_positions p WHERE p.store_id = c.id) AS shelf_positions,
            (SELECT count(*)::int FROM retail_launches l JOIN actions a ON a.process_instance_id = l.process_instance_id
              WHERE l.store_id = c.id AND a.node_key = 'enquiries' AND a.status NOT IN ('submitted','verified','archived')) AS open_launches
       FROM retail_stores s JOIN customers c ON c.id = s.customer_id
       LEFT JOIN departments d ON d.id = s.region_id LEFT JOIN users o ON o.id = c.owner_id
      WHERE ${storeScopeSql(actor, sql)} ORDER BY s.chain, c.name LIMIT 500`));
  return {
    items: rows.map((r) => ({
      id: Number(r.id), name: r.name, code: r.code, chain: r.chain, format: r.format, regionName: r.region_name, address: r.address,
      lat: r.lat, lng: r.lng, ownerName: r.owner_name, clerks: r.clerks, shelfPositions: r.shelf_positions, openLaunches: r.open_launches,
    })),
  };
}

export async function listProducts(db: Db, actor: Actor) {
  assertCan(actor, 'retail', 'read');
  const { rows } = await db.query(
    `SELECT id, sku, barcode, name, category, launch_date::text AS launch_date FROM retail_products ORDER BY launch_date DESC NULLS LAST, sku LIMIT 500`);
  return { items: rows.map((r) => ({ id: Number(r.id), sku: r.sku, barcode: r.barcode, name: r.name, category: r.category, launchDate: r.launch_date })) };
}
