import type pg from 'pg';
import { expect } from 'chai';
import '../../core/zod-locale.js';
import { createApp } from '../../api/app.js';
import { loadConfig } from '../../core/config.js';
import { logger } from '../../core/logger.js';
import type { ApiResponse, TestApi } from './api-harness.js';
import { LoggingWecomClient } from '../../core/wecom/logging-wecom-client.js';

/**
 * Shared pieces of the security suites (test/integration/security): the
 * OpenAPI document as data, whole-database snapshots to prove "nothing was
 * written", and the demo organisation as the tests see it.
 */

// OpenAPI ------------------------------------------------------------------------

export type JsonSchema = Record<string, any>;
export interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, any>>;
  components?: { schemas?: Record<string, JsonSchema>; securitySchemes?: Record<string, any>; parameters?: Record<string, any> };
}

export interface Operation {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  operationId: string;
  spec: any;
}

const METHODS = ['get', 'post', 'patch', 'put', 'delete'] as const;

/**
 * The document exactly as the app generates it, without a database or a
 * socket: test files need it synchronously while mocha collects tests, to
 * generate one case per operation (the running API's `/openapi.json` is
 * compared against it). Reads the `/openapi.json` route off the app's router.
 */
export function loadOpenApiOffline(): OpenApiDoc {
  const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'test-secret-0123456789abcdef' });
  const noDb = new Proxy({}, { get: () => { throw new Error('no database while collecting tests'); } });
  const app = createApp({ config, pool: noDb as pg.Pool, logger, now: () => new Date(), wecom: new LoggingWecomClient(logger) });
  const router = (app.middleware as Array<{ router?: { stack: Array<{ path: string; stack: Function[] }> } }>)
    .find((m) => m.router)?.router;
  const handler = router?.stack.find((l) => l.path === '/openapi.json')?.stack.at(-1);
  if (!handler) throw new Error('the app has no /openapi.json route');
  const ctx: { body?: unknown } = {};
  handler(ctx, async () => undefined);
  return JSON.parse(JSON.stringify(ctx.body)) as OpenApiDoc;
}

export function operations(doc: OpenApiDoc): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const spec = item[method];
      if (spec) out.push({ method, path, operationId: spec.operationId, spec });
    }
  }
  return out;
}

export function findOperation(doc: OpenApiDoc, operationId: string): Operation | undefined {
  return operations(doc).find((o) => o.operationId === operationId);
}

export function hasOperation(doc: OpenApiDoc, operationId: string): boolean {
  return findOperation(doc, operationId) !== undefined;
}

/** Follows `$ref`s into `components`. */
export function deref(doc: OpenApiDoc, schema: JsonSchema | undefined): JsonSchema | undefined {
  let s = schema;
  for (let i = 0; s && typeof s.$ref === 'string' && i < 20; i++) {
    const name = s.$ref.replace(/^#\/components\/(schemas|parameters)\//, '');
    s = doc.components?.schemas?.[name] ?? doc.components?.parameters?.[name];
  }
  return s;
}

export function requestBodySchema(doc: OpenApiDoc, op: Operation): JsonSchema | undefined {
  return deref(doc, op.spec.requestBody?.content?.['application/json']?.schema);
}

export function parametersOf(doc: OpenApiDoc, op: Operation): Array<{ name: string; in: string; required?: boolean; schema?: JsonSchema }> {
  return (op.spec.parameters ?? []).map((p: any) => deref(doc, p));
}

/** `/api/customers/{id}` with the given path parameters, each URI-encoded. */
export function fillPath(path: string, params: Record<string, string | number>): string {
  return path.replace(/\{(\w+)\}/g, (_, k: string) => {
    if (!(k in params)) throw new Error(`no value for path parameter ${k} of ${path}`);
    return encodeURIComponent(String(params[k]));
  });
}

/** Every object branch of a schema (a discriminated union has several). */
export function objectBranches(doc: OpenApiDoc, schema: JsonSchema | undefined): JsonSchema[] {
  const s = deref(doc, schema);
  if (!s) return [];
  const alts = s.oneOf ?? s.anyOf;
  if (alts) return alts.flatMap((a: JsonSchema) => objectBranches(doc, a));
  if (s.allOf) return s.allOf.flatMap((a: JsonSchema) => objectBranches(doc, a));
  return s.type === 'object' || s.properties ? [s] : [];
}

/**
 * A minimal value a schema accepts: required properties only, ids taken from
 * `ids` by property name (customerId → a real customer). Good enough to make a
 * request pass validation so the test reaches the permission and scope checks.
 */
export function exampleFor(doc: OpenApiDoc, schema: JsonSchema | undefined, ids: Record<string, number> = {}, propName = ''): unknown {
  const s = deref(doc, schema);
  if (!s) return undefined;
  if (s.example !== undefined) return s.example;
  const alts = s.oneOf ?? s.anyOf;
  if (alts) {
    const first = alts.find((a: JsonSchema) => !(Object.keys(deref(doc, a) ?? {}).length === 1 && deref(doc, a)?.nullable));
    return exampleFor(doc, first ?? alts[0], ids, propName);
  }
  if (s.allOf) return Object.assign({}, ...s.allOf.map((a: JsonSchema) => exampleFor(doc, a, ids, propName)));
  if (s.enum) return s.enum.find((v: unknown) => v !== null);
  switch (s.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const k of s.required ?? []) o[k] = exampleFor(doc, s.properties?.[k], ids, k);
      return o;
    }
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => exampleFor(doc, s.items, ids, propName));
    case 'integer':
    case 'number': {
      if (propName in ids) return ids[propName];
      if (typeof s.minimum === 'number') return s.exclusiveMinimum ? s.minimum + 1 : s.minimum;
      return 1;
    }
    case 'boolean':
      return true;
    case 'string': {
      if (s.format === 'date-time') return '2026-12-31T10:00:00+08:00';
      if (s.format === 'date') return '2026-12-31';
      const unique = `ex${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
      return unique.padEnd(s.minLength ?? 1, 'x').slice(0, s.maxLength ?? 40);
    }
    default:
      return null;
  }
}

// Responses ----------------------------------------------------------------------

/** The documented error envelope, with the given status if one is expected. */
export function expectError(res: ApiResponse, status?: number, code?: string): void {
  const where = `${res.status} ${typeof res.body === 'string' ? res.body.slice(0, 200) : JSON.stringify(res.body)?.slice(0, 300)}`;
  if (status !== undefined) expect(res.status, where).to.equal(status);
  expect(res.headers.get('content-type') ?? '', where).to.match(/^application\/json/);
  expect(res.body, where).to.be.an('object');
  expect(res.body.error, where).to.be.an('object');
  expect(res.body.error.code, where).to.be.a('string').and.match(/^[A-Z][A-Z0-9_]+$/);
  expect(res.body.error.message, where).to.be.a('string').and.not.equal('');
  if (code) expect(res.body.error.code, where).to.equal(code);
}

/** Follows `nextCursor` to the end; returns every item and the first page's total. */
export async function listAll(api: TestApi, path: string, as: string): Promise<{ status: number; ids: number[]; total: number; body: any }> {
  const ids: number[] = [];
  let cursor: string | null = null;
  let first: ApiResponse | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const sep = path.includes('?') ? '&' : '?';
    const res: ApiResponse = await api.call('GET', `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { as });
    first ??= res;
    if (res.status !== 200) return { status: res.status, ids: [], total: -1, body: res.body };
    ids.push(...res.body.items.map((i: { id: number }) => i.id));
    cursor = res.body.nextCursor;
    if (!cursor) break;
  }
  return { status: 200, ids, total: first!.body.total, body: first!.body };
}

// Database snapshots -------------------------------------------------------------

export interface TableState { count: number; maxUpdatedAt: string | null; digest: string }
export type DbSnapshot = Record<string, TableState>;

const snapshotSql = new WeakMap<pg.Pool, { full: string; quick: string }>();

/**
 * One statement that summarises every table of the public schema: row count,
 * newest updated_at and (unless `quick`) a digest of the whole content.
 */
async function buildSnapshotSql(pool: pg.Pool): Promise<{ full: string; quick: string }> {
  const { rows } = await pool.query(
    `SELECT t.table_name,
            EXISTS (SELECT 1 FROM information_schema.columns c
                     WHERE c.table_schema = 'public' AND c.table_name = t.table_name AND c.column_name = 'updated_at') AS has_updated
       FROM information_schema.tables t
      WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'
      ORDER BY t.table_name`,
  );
  const build = (digest: boolean) => rows.map((r) => {
    const t = `"${r.table_name.replace(/"/g, '""')}"`;
    const lit = `'${r.table_name.replace(/'/g, "''")}'`;
    return `SELECT ${lit} AS name, count(*)::int AS count, ${r.has_updated ? 'max(x.updated_at)::text' : 'NULL::text'} AS max_updated_at,
                   ${digest ? "md5(coalesce(string_agg(md5(x::text), '' ORDER BY md5(x::text)), ''))" : "''"} AS digest
              FROM ${t} x`;
  }).join('\nUNION ALL\n');
  return { full: build(true), quick: build(false) };
}

/**
 * Every table's row count, max(updated_at) and content digest. `quick` skips
 * the digest (about a third of the cost) for checks after every single request;
 * compare quick snapshots only with quick ones.
 */
export async function snapshotDb(pool: pg.Pool, opts: { quick?: boolean } = {}): Promise<DbSnapshot> {
  let sql = snapshotSql.get(pool);
  if (!sql) {
    sql = await buildSnapshotSql(pool);
    snapshotSql.set(pool, sql);
  }
  const { rows } = await pool.query(opts.quick ? sql.quick : sql.full);
  return Object.fromEntries(rows.map((r) => [r.name, { count: r.count, maxUpdatedAt: r.max_updated_at, digest: r.digest }]));
}

/**
 * A cheap "has anything been written?" probe: the cluster's next transaction
 * id moves only when some transaction wrote (or tried to). It can move for
 * reasons of its own (autovacuum), so a moved marker is only a hint: callers
 * confirm with a snapshot (see `assertNoWrites`).
 */
export async function writeMarker(pool: pg.Pool): Promise<string> {
  return (await pool.query('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS x')).rows[0].x;
}

/**
 * Per-request "nothing written" check that costs one tiny query when nothing
 * was written: compares the write marker, and only when it moved compares a
 * quick snapshot (counts, max(updated_at)) with the baseline.
 */
export class NoWriteGuard {
  private constructor(private pool: pg.Pool, private marker: string, private baseline: DbSnapshot) {}

  static async start(pool: pg.Pool): Promise<NoWriteGuard> {
    return new NoWriteGuard(pool, await writeMarker(pool), await snapshotDb(pool, { quick: true }));
  }

  /** The tables that changed since start, or [] (also when the marker moved for someone else's reasons). */
  async changes(): Promise<string[]> {
    const now = await writeMarker(this.pool);
    if (now === this.marker) return [];
    const diff = diffSnapshots(this.baseline, await snapshotDb(this.pool, { quick: true }));
    if (diff.length === 0) this.marker = now;
    return diff;
  }
}

/** What changed between two snapshots, one line per table; empty when nothing did. */
export function diffSnapshots(before: DbSnapshot, after: DbSnapshot): string[] {
  const out: string[] = [];
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[name];
    const b = after[name];
    if (!a || !b) { out.push(`${name}: table ${a ? 'dropped' : 'created'}`); continue; }
    if (a.count !== b.count) out.push(`${name}: ${a.count} → ${b.count} rows`);
    else if (a.maxUpdatedAt !== b.maxUpdatedAt) out.push(`${name}: max(updated_at) ${a.maxUpdatedAt} → ${b.maxUpdatedAt}`);
    else if (a.digest !== b.digest) out.push(`${name}: content changed`);
  }
  return out;
}

export async function expectUnchanged(pool: pg.Pool, before: DbSnapshot, what = 'the database'): Promise<void> {
  const diff = diffSnapshots(before, await snapshotDb(pool));
  expect(diff, `${what} changed: ${diff.join('; ')}`).to.deep.equal([]);
}

/** One row as jsonb (all columns), or null. */
export async function rowState(pool: pg.Pool, table: string, id: number): Promise<unknown> {
  const { rows } = await pool.query(`SELECT to_jsonb(t) AS row FROM "${table}" t WHERE t.id = $1`, [id]);
  return rows[0]?.row ?? null;
}

// The demo organisation ----------------------------------------------------------

export interface DemoUser { id: number; userid: string; role: string; departmentId: number | null; departmentPath: string | null }

export async function demoUsers(pool: pg.Pool): Promise<Record<string, DemoUser>> {
  const { rows } = await pool.query(
    `SELECT u.id, u.wecom_userid, u.role, u.department_id, d.path FROM users u LEFT JOIN departments d ON d.id = u.department_id`);
  return Object.fromEntries(rows.map((r) => [r.wecom_userid, {
    id: r.id, userid: r.wecom_userid, role: r.role, departmentId: r.department_id, departmentPath: r.path,
  }]));
}

/** Nothing on Object.prototype that was not there before: a prototype-pollution canary. */
export function prototypeKeys(): string[] {
  return [Object.prototype, Array.prototype, Function.prototype].flatMap((p) => Object.getOwnPropertyNames(p)).sort();
}
