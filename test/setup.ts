import '../core/zod-locale.js';
import { startTestDatabase, stopTestDatabase } from './support/database.js';

process.env.NODE_ENV = 'test';

/** Mocha root hooks: one real PostgreSQL for the whole run. */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    await startTestDatabase();
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(120_000);
    await stopTestDatabase();
  },
};
