import pg from 'pg';
import { rescoreQueued, RESCORE_CHANNEL } from '../core/scoring/rescore.js';
import type { Part, System } from '../core/system.js';
import { pushTalkTracks } from '../core/talk-tracks/push.js';

/** A look at the queue without a signal: what a dropped connection's NOTIFYs missed is scored within this. */
const SWEEP_MS = 5_000;
/** Before connecting again after the listening connection dropped. */
const RECONNECT_MS = 1_000;

/**
 * Scores the deals the event log queued (core/scoring/rescore.ts) in the jobs
 * process as soon as the queuing transaction commits: the trigger NOTIFYs, this
 * LISTENs on a connection of its own (not the pool's: Agenda and the jobs keep
 * theirs) — not an Agenda job, which is looked for every 5 s. A sweep every few
 * seconds scores whatever a dropped connection missed.
 */
export function startRescoring(sys: System): Part {
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let client: pg.Client | null = null;
  let reconnect: NodeJS.Timeout | null = null;
  const onSignals = pushTalkTracks(sys.config.publicUrl);

  // one scoring at a time; a signal during it scores once more after it
  const kick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = rescoreQueued(sys.pool, sys.now, { onSignals })
      .then((r) => { if (r.scored) sys.logger.debug({ scored: r.scored }, 'rescored queued deals'); })
      .catch((err) => sys.logger.error({ err }, 'rescoring queued deals failed'))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          kick();
        }
      });
  };

  const listen = async () => {
    if (stopped) return;
    const { connectionString, host, port, user, password, database, ssl } = (sys.pool as unknown as { options: pg.PoolConfig }).options;
    const c = new pg.Client({ connectionString, host, port, user, password, database, ssl, application_name: 'actionflow-rescoring', keepAlive: true });
    client = c;
    const lost = (err?: unknown) => {
      if (client !== c) return;
      client = null;
      c.end().catch(() => undefined);
      if (stopped) return;
      sys.logger.warn({ err }, 'rescoring: the listening connection dropped; connecting again');
      reconnect = setTimeout(() => { reconnect = null; void listen(); }, RECONNECT_MS);
      reconnect.unref();
    };
    c.on('notification', (n) => { if (n.channel === RESCORE_CHANNEL) kick(); });
    c.on('error', lost);
    c.on('end', () => lost());
    try {
      await c.connect();
      await c.query(`LISTEN ${RESCORE_CHANNEL}`);
      kick();
    } catch (err) {
      lost(err);
    }
  };

  void listen();
  const sweep = setInterval(kick, SWEEP_MS);
  sweep.unref();
  return {
    name: 'rescoring',
    stop: async () => {
      stopped = true;
      clearInterval(sweep);
      if (reconnect) clearTimeout(reconnect);
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
      await running;
    },
  };
}
