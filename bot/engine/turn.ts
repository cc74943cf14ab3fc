/**
 * One message being handled: the member, their locked conversation, the
 * transaction everything happens in, and the lines of the answer.
 */
import type pg from 'pg';
import type { Actor } from '../../core/auth/actor.js';
import type { ContactRow } from '../../core/resources/contacts.js';
import type { CustomerPlace } from '../../core/resources/customers.js';
import type { Conversation } from '../../core/inbound/inbound-repo.js';
import { translatePgError } from '../../core/db/pool.js';
import { isAppError, type AppError } from '../../core/errors.js';
import type { ConversationState, PendingQuestion } from './state.js';
import type { BotDeps } from './types.js';

export interface Turn {
  db: pg.PoolClient;
  deps: BotDeps;
  actor: Actor;
  now: Date;
  convo: Conversation<ConversationState, PendingQuestion>;
  lines: string[];
  /**
   * Reads fetched ahead, with the open actions (openWorkOf), for the step that
   * needs them next. Each is taken once, so nothing read before a write in
   * this turn is used after it.
   */
  prefetched?: Prefetched;
  /** The stamp of the settings the bot's vocabulary is built from (session.ts), read with the claim of the message. */
  settingsStamp?: string;
}

export interface Prefetched {
  /** The rep's customers. */
  customers?: CustomerPlace[];
  /** The active action's saved draft (null: none). */
  draft?: { actionId: number; payload: Record<string, unknown> | null };
  /** The contacts of the active action's customer. */
  contacts?: { customerId: number; rows: ContactRow[] };
}

/** The prefetched read `key` when `matches` it, once; undefined otherwise (the caller queries). */
export function takePrefetched<K extends keyof Prefetched>(t: Turn, key: K, matches: (v: NonNullable<Prefetched[K]>) => boolean = () => true): Prefetched[K] {
  const v = t.prefetched?.[key];
  if (v === undefined || !matches(v as NonNullable<Prefetched[K]>)) return undefined;
  delete t.prefetched![key];
  return v;
}

export function say(t: Turn, ...lines: Array<string | null | undefined | false>): void {
  for (const l of lines) if (l) t.lines.push(l);
}

/** What the action services take as "now" and for links in notifications. */
export function lifecycle(t: Turn): { now: Date; publicUrl: string } {
  return { now: t.now, publicUrl: t.deps.config.publicUrl };
}

export function setPending(t: Turn, q: PendingQuestion | null): void {
  t.convo.pendingQuestion = q;
}

/**
 * Runs a service call so that a refusal (AppError) comes back as a value the
 * bot can explain instead of failing the member's whole turn. Services that
 * write several rows run under a savepoint, so a refusal (or a database error
 * such as a constraint) half-way undoes only that call; single-write services
 * refuse before writing and skip the two extra round trips.
 */
export async function guarded<T>(t: Turn, fn: () => Promise<T>, opts: { savepoint?: boolean } = {}): Promise<T | AppError> {
  const savepoint = opts.savepoint ?? true;
  if (savepoint) await t.db.query('SAVEPOINT bot_step');
  try {
    const r = await fn();
    if (savepoint) await t.db.query('RELEASE SAVEPOINT bot_step');
    return r;
  } catch (err) {
    if (savepoint) await t.db.query('ROLLBACK TO SAVEPOINT bot_step');
    const e = savepoint ? translatePgError(err) : err;
    if (isAppError(e)) return e;
    throw err;
  }
}
