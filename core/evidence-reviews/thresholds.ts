/**
 * The evidence thresholds in force (the 证据核验阈值 setting; core/flow/evidence/
 * thresholds.ts holds the schema and defaults), read where a report is judged:
 * for the customer's type, as of a moment when replaying the past.
 *
 *   const t = await loadEvidenceThresholds(db, { customerType: 'hospital' });
 *   const col = thresholdsColumn(st, 'c.type'); … thresholdsFromColumn(row.f_thresholds, row.f_customer_type)   (inside another read)
 */
import type { Db } from '../db/pool.js';
import type { EvidenceThresholds } from '../flow/evidence/thresholds.js';
import type { CustomerType } from '../flow/types.js';
import type { Sql } from '../db/sql.js';
import { readSetting, settingFromScopes } from '../settings/read.js';
import { storedScopesOf, valuesPerScopeColumn } from '../settings/store.js';
import { evidenceThresholds } from './thresholds.setting.js';

export interface ThresholdScope {
  customerType?: CustomerType | null;
  at?: Date;
}

/** The thresholds for a customer's type as a column of the caller's one read (`customerTypeExpr`: SQL, e.g. `c.type`). */
export function thresholdsColumn(st: Sql, customerTypeExpr: string): string {
  return valuesPerScopeColumn(st, evidenceThresholds.key, '', customerTypeExpr);
}

/** thresholdsColumn's value resolved: the same answer loadEvidenceThresholds gives for that type. */
export function thresholdsFromColumn(column: Parameters<typeof storedScopesOf>[0], customerType: CustomerType): EvidenceThresholds {
  return settingFromScopes(evidenceThresholds, storedScopesOf(column), { item: '', chain: [], customerType }).value;
}

export function loadEvidenceThresholds(db: Db, where: ThresholdScope = {}): Promise<EvidenceThresholds> {
  return readSetting(db, evidenceThresholds, { customerType: where.customerType ?? null, at: where.at });
}
