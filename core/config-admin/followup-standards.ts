/**
 * What counts as an effective follow-up (有效跟进), per customer type
 * (FollowUpStandardSchema in core/flow/followup.ts). Each type always has one
 * standard; a PUT replaces it and bumps its version.
 *
 *   await putFollowUpStandard(tx, admin, 'store', { ...standard, minAttachments: 2 });
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { FollowUpStandardSchema, type FollowUpStandard } from '../flow/followup.js';
import { CUSTOMER_TYPE_LABELS, CUSTOMER_TYPES } from '../flow/types.js';
import { assertMayChangeConfig, assertMayReadConfig, recordConfigChange } from './change-log.js';

export const CustomerTypeParams = z.object({ customerType: z.enum(CUSTOMER_TYPES) });

export const FollowUpStandardEntrySchema = z.object({
  customerType: z.enum(CUSTOMER_TYPES),
  customerTypeLabel: z.string(),
  standard: FollowUpStandardSchema,
  version: z.number(),
  updatedAt: z.string(),
});
export type FollowUpStandardEntry = z.infer<typeof FollowUpStandardEntrySchema>;

const toEntry = (r: any): FollowUpStandardEntry => ({
  customerType: r.customer_type,
  customerTypeLabel: CUSTOMER_TYPE_LABELS[r.customer_type as keyof typeof CUSTOMER_TYPE_LABELS],
  standard: r.standard, version: r.version, updatedAt: r.updated_at.toISOString(),
});

export async function listFollowUpStandards(db: Db, actor: Actor): Promise<{ items: FollowUpStandardEntry[] }> {
  assertMayReadConfig(actor);
  const { rows } = await db.query('SELECT * FROM followup_standards ORDER BY customer_type');
  return { items: rows.map(toEntry) };
}

async function loadRow(db: Db, type: string, lock = false): Promise<any> {
  const { rows } = await db.query(`SELECT * FROM followup_standards WHERE customer_type = $1${lock ? ' FOR UPDATE' : ''}`, [type]);
  return rows[0] ?? null;
}

export async function getFollowUpStandardOrThrow(db: Db, actor: Actor, type: string): Promise<FollowUpStandardEntry> {
  assertMayReadConfig(actor);
  const row = await loadRow(db, type);
  if (!row) throw new AppError('CONFIG_NOT_FOUND', { type: 'followup_standard', customerType: type }, `客户类型「${type}」还没有有效跟进标准`);
  return toEntry(row);
}

export async function putFollowUpStandard(db: Db, actor: Actor, type: string, standard: FollowUpStandard): Promise<FollowUpStandardEntry> {
  assertMayChangeConfig(actor);
  const before = await loadRow(db, type, true);
  if (before && JSON.stringify(FollowUpStandardSchema.parse(before.standard)) === JSON.stringify(standard)) return toEntry(before);
  const { rows } = await db.query(
    `INSERT INTO followup_standards (customer_type, standard) VALUES ($1, $2)
     ON CONFLICT (customer_type) DO UPDATE SET standard = EXCLUDED.standard, version = followup_standards.version + 1, updated_at = now()
     RETURNING *`,
    [type, JSON.stringify(standard)],
  );
  await recordConfigChange(db, actor, {
    entityType: 'followup_standard', entityId: 0, code: type,
    before: before?.standard ?? null, after: standard,
    extra: { fromVersion: before?.version ?? null, toVersion: rows[0].version },
  });
  return toEntry(rows[0]);
}
