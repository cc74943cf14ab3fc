/**
 * Starts the embedded PostgreSQL on a data dir and holds it until killed: a
 * process that owns a server, for the tests of CLIs joining one.
 *   node --import tsx test/support/hold-embedded-postgres.ts <dataDir> <port>
 */
import { startEmbeddedPostgres } from '../../core/db/embedded.js';
import { logger } from '../../core/logger.js';

const [dataDir, port] = process.argv.slice(2);
const server = await startEmbeddedPostgres({ dataDir, port: Number(port), logger });
console.log('holding');
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
setInterval(() => undefined, 60_000);
