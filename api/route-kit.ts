import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type pg from 'pg';
import { z, type ZodType } from 'zod';
import type { Actor } from '../core/auth/actor.js';
import { withTransaction } from '../core/db/pool.js';
import type { CoreDeps } from '../core/deps.js';
import { AppError } from '../core/errors.js';
import { heavyFairUse } from '../core/heavy/fair-use.setting.js';
import type { HeavyRunner } from '../core/heavy/heavy-runner.js';
import { runIdempotent, requestHash, type IdempotencyRequest } from '../core/resources/idempotency.js';
import { readSetting } from '../core/settings/read.js';
import { requireActor } from './middleware/authenticate.js';

/**
 * One declaration per endpoint: the same zod schemas validate the request and
 * generate `/openapi.json`, so the document cannot drift from the code.
 *
 *   defineRoute(kit, { method: 'get', path: '/api/customers/{id}', operationId: 'getCustomer',
 *     params: IdParams, response: CustomerSchema, handler: ({ db, actor, params }) => … });
 */
export type Db = pg.Pool | pg.PoolClient;

export interface HandlerInput<P, Q, B> {
  ctx: Context;
  deps: CoreDeps;
  actor: Actor;
  /** The pool for reads; for writes, the request's transaction (the pool with `ownStatement`). */
  db: Db;
  /** With `ownStatement`: the request's Idempotency-Key, for the handler to store its response with its write. */
  idempotency?: IdempotencyRequest | null;
  params: P;
  query: Q;
  body: B;
  /** Heavy operations only: renders in a worker thread, once per distinct input (core/heavy). */
  render: HeavyRunner['render'];
}

export interface RouteSpec<P, Q, B> {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  operationId: string;
  summary: string;
  tags: string[];
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  /** Creates accept `Idempotency-Key`: a retry returns the first result. */
  idempotent?: boolean;
  /**
   * The handler writes in ONE statement of its own (no transaction around it, two round
   * trips fewer) and stores the Idempotency-Key response in it; a hot path's choice.
   */
  ownStatement?: boolean;
  status?: number;
  response: ZodType;
  /**
   * A public operation that records attempts even when it refuses them (sign-in failures
   * for the throttle; a share page's visits): the hostile-input sweep checks it for bounded
   * row growth instead of no writes at all. Documented as `x-records-attempts`.
   */
  recordsAttempts?: boolean;
  /**
   * The operation renders something expensive: an export, an image; an import's parse, OCR, a
   * model's training as they arrive. Declaring it is all it takes:
   * - each member may run a few at once and a few a minute (the setting 耗时操作限额, admins edit
   *   it), past which they get 429 HEAVY_RATE_LIMITED in Chinese with Retry-After (others are not slowed);
   * - the handler's `render(task, input)` runs a named task of core/heavy/tasks.ts in a worker
   *   thread, off the request thread, and caches its result by the input's hash (rendered once
   *   per input);
   * - /openapi.json marks it `x-heavy` (the fair-use tests and bench find heavy operations there).
   *
   *   defineFileRoute(kit, { path: '/api/x.png', heavy: true, …,
   *     handler: async (ctx, { actor, query, render }) => { ctx.body = await render('x.png', await loadX(actor, query)); } });
   */
  heavy?: boolean;
  handler: (input: HandlerInput<P, Q, B>) => Promise<unknown>;
}

export interface RouteKit {
  router: Router;
  registry: OpenAPIRegistry;
  deps: CoreDeps;
  heavy: HeavyRunner;
}

export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
}).openapi('Error');

/** The error envelope documented per status, for operations registered by hand (bytes in or out). */
export function errorResponses(extra: Record<number, string> = {}) {
  const json = { 'application/json': { schema: ErrorResponse } };
  const base: Record<number, string> = { 400: '请求格式错误', 401: '未登录', 403: '无权限', 422: '业务校验未通过', ...extra };
  return Object.fromEntries(Object.entries(base).map(([status, description]) => [status, { description, content: json }]));
}

/**
 * The errors an operation declared with the route kit documents: the common
 * ones, 404 when a path id names a record (unknown or outside the caller's
 * scope), 429 when it is heavy; `extra` adds or words its own.
 */
export function routeErrorResponses(spec: { path: string; heavy?: boolean }, extra: Record<number, string> = {}) {
  const own: Record<number, string> = {};
  if (/\{\w+\}/.test(spec.path)) own[404] = '不存在或不在权限范围内';
  if (spec.heavy) own[429] = '耗时操作超出每人的次数或并发上限（Retry-After 给出等待秒数）';
  return errorResponses({ ...own, ...extra });
}

/**
 * A handler's answer with its own status, for refusals that must still commit
 * their bookkeeping (e.g. a rejected visit report records the attempt and the
 * supervisor's to-do, then answers 422). An error status (≥ 400) releases the
 * Idempotency-Key, as a thrown error would, so the corrected retry can reuse it.
 *
 *   return new HandlerResponse(422, { error: { code, message, details } });
 */
export class HandlerResponse {
  constructor(readonly status: number, readonly body: unknown, readonly replayed = false) {}
}

const IdempotencyKey = z.string().min(8).max(200).regex(/^[\w\-:.]+$/, '幂等键只能包含字母、数字和 -_:.');

export function defineRoute<P = undefined, Q = undefined, B = undefined>(kit: RouteKit, spec: RouteSpec<P, Q, B>): void {
  register(kit.registry, spec);
  const koaPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
  const gate = heavyGate(kit, spec);
  kit.router[spec.method](spec.operationId, koaPath, async (ctx: Context) => {
    const actor = requireActor(ctx);
    const params = parse(spec.params, ctx.params, 'params');
    const query = parse(spec.query, ctx.query, 'query');
    const body = spec.body ? parse(spec.body, await readJsonBody(ctx), 'body') : (undefined as B);
    await gate(actor, (render) => answer(ctx, { ctx, deps: kit.deps, actor, params, query, body, render }));
  });

  async function answer(ctx: Context, input: Omit<HandlerInput<P, Q, B>, 'db'>): Promise<void> {
    const { actor, params, body } = input;
    const status = spec.status ?? (spec.method === 'post' ? 201 : 200);
    if (spec.method === 'get') {
      ctx.body = await spec.handler({ ...input, db: kit.deps.pool });
      return;
    }
    const keyHeader = ctx.get('Idempotency-Key');
    const idempotency = spec.idempotent && keyHeader ? {
      userId: actor.id, key: parse(IdempotencyKey, keyHeader, 'headers.Idempotency-Key'), operation: spec.operationId,
      requestHash: requestHash({ params, body }),
    } : null;
    const out = spec.ownStatement ? await spec.handler({ ...input, db: kit.deps.pool, idempotency })
      : idempotency ? await idempotently(kit, idempotency, status, (tx) => spec.handler({ ...input, db: tx }))
        : await withTransaction(kit.deps.pool, (tx) => spec.handler({ ...input, db: tx }));
    ctx.body = out instanceof HandlerResponse ? out.body : out;
    ctx.status = out instanceof HandlerResponse ? out.status : status;
    if (out instanceof HandlerResponse && out.replayed) ctx.set('Idempotent-Replayed', 'true');
  }
}

type Gate = (actor: Actor, run: (render: HeavyRunner['render']) => Promise<void>) => Promise<void>;

/**
 * How a route's handler runs, as its spec declares: a heavy one within the
 * member's fair use (429 past it) and with the worker's `render`; any other
 * with a `render` that refuses, so heavy work cannot slip onto the request
 * thread undeclared.
 */
export function heavyGate(kit: RouteKit, spec: { heavy?: boolean; operationId: string }): Gate {
  if (!spec.heavy) {
    const refuse = () => Promise.reject(new Error(`${spec.operationId} renders but is not declared heavy`));
    return (_actor, run) => run(refuse);
  }
  return async (actor, run) => {
    const release = await kit.heavy.admit(actor.id, await readSetting(kit.deps.pool, heavyFairUse));
    try {
      await run(kit.heavy.render);
    } finally {
      release();
    }
  };
}

/** The handler in runIdempotent's transaction; an error status releases the key, as a thrown error would. */
async function idempotently(
  kit: RouteKit, k: IdempotencyRequest, status: number, handler: (tx: pg.PoolClient) => Promise<unknown>,
): Promise<HandlerResponse> {
  const result = await runIdempotent(kit.deps.pool, k, async (tx) => {
    const out = await handler(tx);
    if (!(out instanceof HandlerResponse)) return { status, body: out };
    if (out.status >= 400) await tx.query('DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2', [k.userId, k.key]);
    return { status: out.status, body: out.body };
  });
  return new HandlerResponse(result.status, result.body, result.replayed);
}

/**
 * A route reachable without a session (sign-in, health). Same validation and
 * OpenAPI registration as `defineRoute`; the handler decides the response.
 */
export function definePublicRoute<Q = undefined, B = undefined>(
  kit: RouteKit,
  spec: Omit<RouteSpec<undefined, Q, B>, 'handler' | 'params' | 'idempotent'> & {
    handler: (input: { ctx: Context; deps: CoreDeps; query: Q; body: B }) => Promise<unknown>;
  },
): void {
  register(kit.registry, { ...spec, status: spec.status ?? 200, handler: async () => undefined }, true);
  kit.router[spec.method](spec.operationId, spec.path, async (ctx: Context) => {
    const query = parse(spec.query, ctx.query, 'query');
    const body = spec.body ? parse(spec.body, await readJsonBody(ctx), 'body') : (undefined as B);
    ctx.status = spec.status ?? 200;
    const result = await spec.handler({ ctx, deps: kit.deps, query, body });
    if (result !== undefined) ctx.body = result;
  });
}

const parseJson = bodyParser({ enableTypes: ['json'], jsonLimit: '1mb', encoding: 'utf-8' });

/**
 * The request's JSON body, read here by the routes that declare one and by no
 * one else: a route that reads its raw body itself (the WeCom callback, file
 * uploads) gets an untouched stream whatever Content-Type a client claims. A
 * parser in front of every route once consumed a JSON-typed callback's stream,
 * and the callback's own reader then waited for an end that had already passed.
 *
 *   const body = parse(Schema, await readJsonBody(ctx), 'body');
 */
export async function readJsonBody(ctx: Context): Promise<unknown> {
  assertJsonBody(ctx);
  await parseJson(ctx as any, async () => undefined);
  const body = (ctx.request as any).body;
  if (nestedDeeperThan(body, MAX_JSON_DEPTH)) {
    throw new AppError('VALIDATION_FAILED', [{ path: 'body', message: `嵌套层数过多（最多 ${MAX_JSON_DEPTH} 层）` }]);
  }
  return body;
}

/**
 * How deep a JSON body may nest. Real ones stay under 10 (a rule definition's
 * conditions); a 20,000-deep array inside a report's fields once passed
 * validation and failed as a 500 when JSON.stringify ran out of stack.
 */
export const MAX_JSON_DEPTH = 32;

/** Walked with a stack of its own, so no depth can overflow this check either. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const todo: Array<[unknown, number]> = [[value, 1]];
  while (todo.length > 0) {
    const [v, depth] = todo.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(v)) if (child !== null && typeof child === 'object') todo.push([child, depth + 1]);
  }
  return false;
}

/**
 * A request body must be UTF-8 JSON. The body parser reads only JSON and
 * decodes everything as UTF-8, so any other type would arrive as `{}` and any
 * other charset (a GBK client) as mojibake: refuse both instead.
 */
function assertJsonBody(ctx: Context): void {
  const type = ctx.request.is('application/json', '+json');
  const charset = ctx.request.charset;
  if (type === false || (type && charset && !/^utf-?8$/i.test(charset))) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', { expected: 'application/json; charset=utf-8' });
  }
}

/**
 * NUL characters and lone UTF-16 surrogates parse fine as JSON but cannot be
 * stored (PostgreSQL text refuses NUL, jsonb refuses lone surrogates), so they
 * are refused here rather than failing as a 500 deep in SQL.
 */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path to the first string (or key) in `value` that cannot be stored, or null. */
function findUnstorable(value: unknown, path: string[] = [], depth = 0): string[] | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : null;
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  for (const [k, v] of Object.entries(value)) {
    if (UNSTORABLE.test(k)) return [...path, k];
    const found = findUnstorable(v, [...path, k], depth + 1);
    if (found) return found;
  }
  return null;
}

/** Validates one part of a request (params, query, body): 400 VALIDATION_FAILED with every issue's path. */
export function parse<T>(schema: ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const bad = findUnstorable(value);
  if (bad) {
    throw new AppError('VALIDATION_FAILED', [{ path: [where, ...bad].join('.'), message: '包含无法保存的字符（空字符或不成对的代理项）' }]);
  }
  const r = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (r.success) return r.data;
  throw new AppError('VALIDATION_FAILED', r.error.issues.map((i) => ({
    path: [where, ...i.path.map(String)].join('.'),
    message: i.message,
  })));
}

function register<P, Q, B>(registry: OpenAPIRegistry, spec: RouteSpec<P, Q, B>, isPublic = false): void {
  const status = String(spec.status ?? (spec.method === 'post' ? 201 : 200));
  registry.registerPath({
    method: spec.method,
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    tags: spec.tags,
    security: isPublic ? [] : [{ session: [] }],
    ...(spec.recordsAttempts ? { 'x-records-attempts': true } : {}),
    ...(spec.heavy ? { 'x-heavy': true } : {}),
    request: {
      params: spec.params as any,
      query: spec.query as any,
      headers: spec.idempotent ? z.object({ 'Idempotency-Key': IdempotencyKey.optional() }) : undefined,
      body: spec.body ? { content: { 'application/json': { schema: spec.body as ZodType } } } : undefined,
    },
    responses: {
      [status]: { description: '成功', content: { 'application/json': { schema: spec.response } } },
      ...routeErrorResponses(spec),
    },
  });
}
