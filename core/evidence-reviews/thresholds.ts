/**
 * The evidence thresholds in force (the 证据核验阈值 setting; core/flow/evidence/
 * thresholds.ts holds the schema and defaults), read where a report is judged:
 * for the customer's type, as of a moment when replaying the past.
 *
 *   const t = await loadEvidenceThresholds(db, { customerType: 'hospital' });
 */
import type { Db } from '../db/pool.js';
import type { EvidenceThresholds } from '../flow/evidence/thresholds.js';
import type { CustomerType } from '../flow/types.js';
import { readSetting } from '../settings/read.js';
import { evidenceThresholds } from './thresholds.setting.js';

export interface ThresholdScope {
  customerType?: CustomerType | null;
  at?: Date;
}

export function loadEvidenceThresholds(db: Db, where: ThresholdScope = {}): Promise<EvidenceThresholds> {
  return readSetting(db, evidenceThresholds, { customerType: where.customerType ?? null, at: where.at });
}
