import type { Db } from '../db/pool.js';

/**
 * Appends to the event log — the source for dashboards, bot prompts, alert jobs
 * and win-score features. Always written in the same transaction as the change.
 */
export interface NewEvent {
  actorId: number | null;
  entityType: string;
  entityId: number;
  type: string;
  data?: Record<string, unknown>;
  at?: Date;
}

export async function recordEvent(db: Db, e: NewEvent): Promise<void> {
  await db.query(
    `INSERT INTO events (actor_id, entity_type, entity_id, type, data, at) VALUES ($1,$2,$3,$4,$5, COALESCE($6, now()))`,
    [e.actorId, e.entityType, e.entityId, e.type, e.data ?? {}, e.at ?? null],
  );
}
