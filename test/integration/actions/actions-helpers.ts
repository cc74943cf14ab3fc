import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { TestApi } from '../../support/api-harness.js';

/** Tiny builders shared by the action-flow suites. */
export function lookups(pool: pg.Pool) {
  return {
    userId: async (wecomUserid: string): Promise<number> =>
      (await pool.query('SELECT id FROM users WHERE wecom_userid = $1', [wecomUserid])).rows[0].id,
    customer: async (name: string): Promise<{ id: number; lat: number; lng: number; type: string }> =>
      (await pool.query('SELECT id, lat, lng, type FROM customers WHERE name = $1', [name])).rows[0],
    latestOrderIds: async (customerId: number, n = 3): Promise<number[]> =>
      (await pool.query('SELECT id FROM orders WHERE customer_id = $1 ORDER BY ordered_at DESC, id DESC LIMIT $2', [customerId, n]))
        .rows.map((r) => r.id),
    count: async (sql: string, params: unknown[] = []): Promise<number> =>
      (await pool.query(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0].n,
  };
}

/** An uploaded file as the attachments service would record it (tests skip the upload itself). */
export async function anAttachment(
  pool: pg.Pool, a: { uploadedBy: number; kind: 'photo' | 'voice' | 'document'; tags?: string[]; capturedAt?: Date | null },
): Promise<number> {
  const sha = createHash('sha256').update(randomUUID()).digest('hex');
  const mime = { photo: 'image/jpeg', voice: 'audio/amr', document: 'application/pdf' }[a.kind];
  const { rows } = await pool.query(
    `INSERT INTO attachments (sha256, kind, mime, size, tags, captured_at, uploaded_by) VALUES ($1,$2,$3,1024,$4,$5,$6) RETURNING id`,
    [sha, a.kind, mime, a.tags ?? [], a.capturedAt ?? null, a.uploadedBy],
  );
  return rows[0].id;
}

export async function dispatch(
  api: TestApi, as: string, body: Record<string, unknown>, headers?: Record<string, string>,
): Promise<any> {
  const res = await api.call('POST', '/api/actions', { as, body, headers });
  if (res.status !== 201) throw new Error(`dispatch failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A visit report that passes every default visit rule for a customer at (lat, lng). */
export async function aValidVisitReport(
  pool: pg.Pool, o: { repId: number; customerId: number; lat: number; lng: number; at: Date },
): Promise<Record<string, unknown>> {
  const { latestOrderIds } = lookups(pool);
  const taken = new Date(o.at.getTime() - 10 * 60_000);
  return {
    fields: { decisionRole: '采购者', nextContactAt: new Date(o.at.getTime() + 7 * DAY).toISOString() },
    attachmentIds: [
      await anAttachment(pool, { uploadedBy: o.repId, kind: 'photo', tags: ['门头照'], capturedAt: taken }),
      await anAttachment(pool, { uploadedBy: o.repId, kind: 'photo', tags: ['合影'], capturedAt: taken }),
      await anAttachment(pool, { uploadedBy: o.repId, kind: 'voice', tags: ['语音纪要'] }),
    ],
    checkIn: { lat: o.lat, lng: o.lng, coordSystem: 'gcj02', at: o.at.toISOString() },
    transcript: '采购经理说我们的价格偏高，另外账期太长、回款慢，下次带新报价过来。',
    linkedOrderIds: await latestOrderIds(o.customerId),
  };
}

export const idemKey = () => `flow-test-${randomUUID()}`;
