import { expect } from 'chai';
import fc from 'fast-check';
import type pg from 'pg';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type ApiResponse, type TestApi } from '../../support/api-harness.js';
import {
  deref, exampleFor, expectError, expectUnchanged, fillPath, loadOpenApiOffline, objectBranches, operations,
  NoWriteGuard, parametersOf, prototypeKeys, requestBodySchema, snapshotDb, type DbSnapshot, type JsonSchema, type OpenApiDoc,
  type Operation,
} from '../../support/matrix-helpers.js';

/**
 * Property-based junk input against every write the API documents: whatever a
 * client sends, the answer is a 4xx `{ error: { code, message } }`, never a
 * 5xx, and not one row changes. Operations come from `/openapi.json`, so new
 * routes are covered the day they are added. The hostile bodies (issue #23):
 * nesting far past the depth limit, also inside free-form values; sizes past
 * the limit; wrong types; unstorable unicode; dates outside the years a field
 * declares (`x-years`). An operation that records its attempts even when it
 * refuses them (`x-records-attempts`: sign-in; a share link's public page) may
 * add at most one row per request instead of none.
 */
const doc = loadOpenApiOffline();
const WRITES = operations(doc).filter((o) => ['post', 'patch', 'put'].includes(o.method));
const READS_WITH_QUERY = operations(doc).filter((o) => o.method === 'get' && parametersOf(doc, o).some((p) => p.in === 'query'));
const ACTORS = ['director.wang', 'admin.lin'] as const;
const NUM_RUNS = 30;

// Schema-driven junk ------------------------------------------------------------------

type Kind = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** The JSON kinds a schema accepts, or 'any' when it does not say. */
function kindsOf(d: OpenApiDoc, schema: JsonSchema | undefined): Set<Kind> | 'any' {
  const s = deref(d, schema);
  if (!s) return 'any';
  const out = new Set<Kind>();
  if (s.nullable) out.add('null');
  const alts: JsonSchema[] | undefined = s.oneOf ?? s.anyOf;
  if (alts) {
    for (const a of alts) {
      const k = kindsOf(d, a);
      if (k === 'any') {
        if (!deref(d, a)?.nullable) return 'any';
        continue;
      }
      k.forEach((x) => out.add(x));
    }
    return out;
  }
  if (s.enum?.includes(null)) out.add('null');
  if (!s.type) return out.size > 0 && Object.keys(s).every((k) => k === 'nullable') ? out : 'any';
  out.add(s.type);
  if (s.type === 'integer') out.add('number'); // an integer is also a JSON number; a fractional one is caught below
  return out;
}

const NUMBERISH_STRINGS = ['1', '0', '-1', '1e3', 'NaN', 'Infinity', '0x10', '１２', 'true', 'null', ''];

/** Values that a property with this schema must refuse. null when the schema accepts anything. */
function wrongValues(d: OpenApiDoc, schema: JsonSchema | undefined): fc.Arbitrary<unknown> | null {
  const k = kindsOf(d, schema);
  if (k === 'any') return null;
  const s = deref(d, schema)!;
  const opts: fc.Arbitrary<unknown>[] = [];
  if (!k.has('string')) opts.push(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...NUMBERISH_STRINGS, '😀', '__proto__')));
  if (!k.has('number')) opts.push(fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(-1, 0, 1e308)));
  if (!k.has('boolean')) opts.push(fc.boolean());
  if (!k.has('null')) opts.push(fc.constant(null));
  if (!k.has('object')) opts.push(fc.oneof(fc.constant({}), fc.object({ maxDepth: 2, maxKeys: 3 })));
  if (!k.has('array')) opts.push(fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 4 }));
  // the right kind, but outside the declared constraints
  if (!s.oneOf && !s.anyOf) {
    if (s.type === 'integer') opts.push(fc.constantFrom(1.5, -0.5, 2 ** 53 + 2));
    if ((s.type === 'integer' || s.type === 'number') && typeof s.minimum === 'number') {
      opts.push(fc.constantFrom(s.exclusiveMinimum ? s.minimum : s.minimum - 1, s.minimum - 1000));
    }
    if ((s.type === 'integer' || s.type === 'number') && typeof s.maximum === 'number') opts.push(fc.constant(s.maximum * 2 + 1));
    if (s.type === 'string') {
      if (s.enum) {
        const allowed = new Set(s.enum);
        opts.push(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...s.enum.filter((v: unknown) => typeof v === 'string')
          .map((v: string) => v.toUpperCase() + ' '))).filter((v) => !allowed.has(v)));
      }
      if (typeof s.maxLength === 'number') {
        opts.push(fc.constantFrom('x'.repeat(s.maxLength + 1), '汉'.repeat(s.maxLength + 1), 'y'.repeat(Math.max(s.maxLength * 50, 100_000))));
      }
      if ((s.minLength ?? 0) >= 1) opts.push(fc.constant(''));
      if (s.format === 'date-time') opts.push(fc.constantFrom('not-a-date', '2026-13-45T99:00:00Z', '2026-01-01', '1e3'));
      if (s.format === 'date') opts.push(fc.constantFrom('yesterday', '2026/01/01', '20260101', '2026-13-01', '2026-01-01T00:00:00Z'));
      if (typeof s.pattern === 'string') {
        const re = new RegExp(s.pattern, 'u');
        opts.push(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('-x', ' ', 'a b', '中文', '\n', '../../etc/passwd'))
          // schemas trim first: a value that matches once trimmed is not junk
          .filter((v) => !re.test(v) && !re.test(v.trim())));
      }
    }
  }
  return fc.oneof(...opts);
}

/** A deeply nested JSON text, built as text so no serializer recursion is involved. */
const deepText = (depth: number, kind: 'array' | 'object') =>
  kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/**
 * JSON text of `base` with `key` appended as raw text: keys like __proto__
 * arrive as own properties, and a declared key given twice takes the last value.
 */
function withRawKey(base: Record<string, unknown>, key: string, valueText: string): string {
  const head = JSON.stringify(base).slice(0, -1);
  return `${head}${head === '{' ? '' : ','}${JSON.stringify(key)}:${valueText}}`;
}

/** Percent-encodes the UTF-8 bytes of any string (encodeURIComponent throws on lone surrogates). */
const pct = (s: string) => [...Buffer.from(s, 'utf8')]
  .map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) && b < 0x80 ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`)).join('');

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface Junk { label: string; text: string }

interface BodyModel { branches: JsonSchema[]; bases: Record<string, unknown>[]; declared: Set<string> }

/** Junk JSON bodies for one operation, each refused whatever the rest of the request says. */
function junkBodies(model: BodyModel): fc.Arbitrary<Junk> {
  const { branches, bases, declared } = model;
  const arbs: fc.Arbitrary<Junk>[] = [
    // not an object at all
    fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string({ maxLength: 30 }), fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 5 }), fc.constantFrom(...NUMBERISH_STRINGS))
      .map((v) => ({ label: 'not an object', text: JSON.stringify(v) })),
    // anything, as long as it is not an object made only of declared properties
    fc.anything({ maxDepth: 3, maxKeys: 5 })
      .filter((v) => v !== undefined && (!isPlainObject(v) || Object.keys(v).some((key) => !declared.has(key))))
      .map((v) => ({ label: 'fc.anything()', text: JSON.stringify(v) ?? 'null' })),
    // a whole body nested thousands deep
    fc.tuple(fc.integer({ min: 100, max: 5000 }), fc.constantFrom('array' as const, 'object' as const))
      .map(([n, kind]) => ({ label: `nested ${n} deep`, text: deepText(n, kind) })),
  ];
  branches.forEach((branch, i) => {
    const base = bases[i];
    const props = Object.entries<JsonSchema>(branch.properties ?? {});
    // one declared property of the wrong type or out of range, the rest valid
    const wrong = props.map(([key, schema]) => ({ key, arb: wrongValues(doc, schema) })).filter((p) => p.arb !== null);
    if (wrong.length > 0) {
      arbs.push(fc.oneof(...wrong.map(({ key, arb }) => arb!.map((v) => ({
        label: `${key} = ${JSON.stringify(v)?.slice(0, 60)}`, text: JSON.stringify({ ...base, [key]: v }) ?? 'null',
      })))));
    }
    // an undeclared key: prototype pollution attempts, mass assignment, look-alikes
    const extra = ['__proto__', 'constructor', 'prototype', 'id', 'role', 'isAdmin', 'createdAt', 'updatedAt', 'version',
      'createdBy', 'deletedAt', 'ownerName', ' name', 'NAME', 'name\u0000'].filter((key) => !(branch.properties ?? {})[key]);
    arbs.push(fc.tuple(fc.constantFrom(...extra), fc.oneof(
      fc.constant('{"polluted":"yes","isAdmin":true}'), fc.constant('{"toString":1}'),
      fc.anything({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null'),
    )).map(([key, value]) => ({ label: `extra key ${JSON.stringify(key)}`, text: withRawKey(base, key, value) })));
    // nesting past the limit in any declared property: the value itself, or inside it where it is an object
    // (a report's free-form fields once took a 20,000-deep array and failed as a 500)
    if (props.length > 0) {
      arbs.push(fc.tuple(fc.constantFrom(...props), fc.integer({ min: 33, max: 20_000 })).map(([[key, schema], n]) => {
        const k = kindsOf(doc, schema);
        const inner = k !== 'any' && k.has('object') ? `{"k":${deepText(n, 'array')}}` : deepText(n, 'array');
        return { label: `${key} nested ${n} deep`, text: withRawKey(base, key, inner) };
      }));
    }
    // text that cannot be stored, in any property that takes text
    const texts = props.filter(([, schema]) => { const k = kindsOf(doc, schema); return k === 'any' || k.has('string'); });
    if (texts.length > 0) {
      arbs.push(fc.tuple(fc.constantFrom(...texts.map(([key]) => key)), fc.constantFrom('a\u0000b', '\u0000', '\uD800', 'x\uDFFF\uD800y'))
        .map(([key, v]) => ({ label: `${key} = ${JSON.stringify(v)}`, text: JSON.stringify({ ...base, [key]: v }) })));
    }
    // a date outside the years its field declares, at any depth the schema names it
    const dates = datePaths(branch);
    if (dates.length > 0) {
      arbs.push(fc.tuple(fc.constantFrom(...dates), fc.nat()).map(([d, pick]) => {
        const years = [0, 1, d.years[0] - 1, d.years[1] + 1, 9999];
        const y = String(years[pick % years.length]).padStart(4, '0');
        const value = d.format === 'date' ? `${y}-06-15` : `${y}-06-15T10:00:00+08:00`;
        return { label: `${d.path.join('.')} = ${value}`, text: JSON.stringify(withValueAt(base, branch, d.path, value)) };
      }));
    }
  });
  return fc.oneof(...arbs);
}

interface DatePath { path: string[]; format: 'date' | 'date-time'; years: [number, number] }

/** Every date field of a body, with its declared years: top level and one object (or array of objects) down. */
function datePaths(schema: JsonSchema, prefix: string[] = [], depth = 0): DatePath[] {
  const out: DatePath[] = [];
  for (const [key, raw] of Object.entries<JsonSchema>(schema.properties ?? {})) {
    const alts = [deref(doc, raw), ...((deref(doc, raw)?.anyOf ?? deref(doc, raw)?.oneOf ?? []) as JsonSchema[]).map((a) => deref(doc, a))];
    const dated = alts.find((a) => a?.format === 'date' || a?.format === 'date-time');
    if (dated) out.push({ path: [...prefix, key], format: dated.format, years: dated['x-years'] ?? [2000, 2200] });
    else if (depth === 0) {
      const s = deref(doc, raw);
      const inner = s?.type === 'array' ? deref(doc, s.items) : s;
      if (inner?.properties) out.push(...datePaths(inner, [...prefix, key, ...(s?.type === 'array' ? ['0'] : [])], 1));
    }
  }
  return out;
}

/** `base` with `value` at `path`, filling in a valid example for each level it passes. */
function withValueAt(base: Record<string, unknown>, schema: JsonSchema, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(base);
  let here: any = copy;
  let s: JsonSchema | undefined = schema;
  path.forEach((key, i) => {
    if (i === path.length - 1) { here[key] = value; return; }
    const next: JsonSchema | undefined = Array.isArray(here) ? deref(doc, s?.items) : deref(doc, s?.properties?.[key]);
    if (here[key] === undefined || here[key] === null) here[key] = next?.type === 'array' ? [] : exampleFor(doc, next) ?? {};
    here = here[key];
    s = next;
  });
  return copy;
}

/** Strings of the right type that are odd: they may be stored, but must never cause a 5xx. */
const oddStrings = fc.oneof(
  fc.constantFrom(
    '😀🎉👍🏽', '\u202Eevil\u202C', 'a\u200Bb', 'e\u0301', '\u0000', 'a\u0000b', '\uD800', 'x\uDFFF\uD800y',
    "'; DROP TABLE customers; --", '%_\\', '<script>alert(1)</script>', '${7*7}', '{{7*7}}', '\r\n\t',
    '　全角空格　', '𠀀𪚥', '\uFEFF', '\\u0000', 'null', '__proto__', 'ä'.normalize('NFD'),
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
);

// The suite ------------------------------------------------------------------------------

describe('junk input', function () {
  this.timeout(120_000);
  let pool: pg.Pool;
  let api: TestApi;
  let ids: Record<string, number>;
  let validPathValue: Record<string, string>;

  before(async () => {
    ({ pool } = await freshDatabase(6));
    api = await startTestApi({ pool });
    for (const a of ACTORS) await api.tokenFor(a);
    const one = async (sql: string) => (await pool.query(sql)).rows[0]?.id as number;
    // leads are not in the demo seed; one waits in 华东's pool
    await pool.query(`INSERT INTO leads (title, company, department_id, created_by)
      SELECT '垃圾输入测试线索', '测试公司', d.id, u.id FROM departments d, users u WHERE d.name = '华东区' AND u.wecom_userid = 'mgr.li'`);
    ids = {
      customerId: await one(`SELECT min(id) AS id FROM customers`),
      assigneeId: await one(`SELECT id FROM users WHERE wecom_userid = 'rep.zhao'`),
      ownerId: await one(`SELECT id FROM users WHERE wecom_userid = 'rep.zhao'`),
      departmentId: await one(`SELECT id FROM departments WHERE name = '华东区'`),
      region: await one(`SELECT id FROM departments WHERE name = '华东区'`),
      productLineId: await one(`SELECT min(id) AS id FROM product_lines`),
      pipelineId: await one(`SELECT min(id) AS id FROM pipelines`),
    };
    // a real value for each operation's path parameter, so a junk body is the only thing wrong
    validPathValue = {};
    for (const op of operations(doc)) {
      const param = /\{(\w+)\}/.exec(op.path)?.[1];
      if (!param || op.path in validPathValue) continue;
      validPathValue[op.path] = await discoverPathValue(op.path, param);
    }
    const live = await api.call('GET', '/openapi.json');
    expect(live.body, 'tests are generated from the same document the API serves').to.deep.equal(doc);
  });
  after(() => api.close());

  /** The first item of the collection the path belongs to, else the table's first row, else a plausible constant. */
  async function discoverPathValue(path: string, param: string): Promise<string> {
    const collection = path.slice(0, path.indexOf('/{'));
    const res = await api.call('GET', collection, { as: 'director.wang' });
    const first = res.status === 200 ? (res.body?.items?.[0] ?? res.body) : undefined;
    if (first && (typeof first[param] === 'string' || typeof first[param] === 'number')) return String(first[param]);
    const table = collection.split('/')[2]?.replaceAll('-', '_');
    const hasId = (await pool.query(
      `SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 AND column_name = 'id'`, [table])).rows[0];
    if (param === 'id' && hasId) {
      const id = (await pool.query(`SELECT min(id) AS id FROM "${table}"`)).rows[0].id;
      if (id) return String(id);
    }
    return ({ year: String(new Date().getFullYear()), customerType: 'ka', code: 'visit' } as Record<string, string>)[param] ?? '1';
  }

  async function send(as: string, method: string, path: string, body: string | Buffer | undefined, headers: Record<string, string> = {}): Promise<ApiResponse> {
    const res = await fetch(api.baseUrl + path, {
      method, body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body), redirect: 'manual',
      headers: { Authorization: `Bearer ${await api.tokenFor(as)}`, ...headers },
    });
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { /* keep text */ }
    return { status: res.status, body: parsed, headers: res.headers };
  }
  const sendJson = (as: string, op: Operation, path: string, text: string, headers: Record<string, string> = {}) =>
    send(as, op.method.toUpperCase(), path, text, { 'Content-Type': 'application/json', ...headers });

  /** A request that must be refused: a 4xx error envelope, no table changed, no polluted prototype. */
  async function expectRefused(res: ApiResponse, guard: NoWriteGuard, protoBefore: string[], what: string) {
    expect(res.status, `${what} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 300)}`).to.be.within(400, 499);
    expectError(res);
    const diff = await guard.changes();
    expect(diff, `${what} wrote: ${diff.join('; ')}`).to.deep.equal([]);
    expect(prototypeKeys(), `${what} polluted a prototype`).to.deep.equal(protoBefore);
    expect(({} as Record<string, unknown>).polluted, `${what} polluted Object.prototype`).to.equal(undefined);
  }

  /**
   * Runs `check` (which sends requests that must all be refused) between a
   * full snapshot (every row's content) before and after; each request is also
   * checked on its own (write marker, then counts and updated_at).
   */
  async function refusedWithoutWrites(
    check: (expectRefusedHere: (res: ApiResponse, what: string) => Promise<void>) => Promise<void>,
  ): Promise<void> {
    const full = await snapshotDb(pool);
    const guard = await NoWriteGuard.start(pool);
    const proto = prototypeKeys();
    await check((res, what) => expectRefused(res, guard, proto, what));
    await expectUnchanged(pool, full, 'the database (every row)');
  }

  function pathFor(op: Operation, value?: string): string {
    return fillPath(op.path, Object.fromEntries([...op.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], value ?? validPathValue[op.path] ?? '1'])));
  }

  function bodyModel(op: Operation): BodyModel | null {
    const schema = requestBodySchema(doc, op);
    if (!schema) return null;
    const branches = objectBranches(doc, schema);
    const bases = branches.map((b) => {
      const base = exampleFor(doc, b, ids) as Record<string, unknown>;
      // a PATCH with nothing required still needs one field to be a valid request
      const first = Object.keys(b.properties ?? {}).find((k) => !['reason', 'expectedVersion'].includes(k));
      if (Object.keys(base).length === 0 && first) base[first] = exampleFor(doc, b.properties[first], ids, first);
      return base;
    });
    const declared = new Set(branches.flatMap((b) => Object.keys(b.properties ?? {})));
    return { branches, bases, declared };
  }

  it('covers every documented write (POST/PATCH/PUT), sign-in included', () => {
    expect(WRITES.map((o) => o.operationId)).to.include.members(['createCustomer', 'updateCustomer', 'devLogin']);
  });

  /**
   * For an operation that records its attempts: every request refused (4xx, error shape), and at
   * most one row added per request (a failed sign-in's log line), none changed.
   */
  async function refusedWithBoundedGrowth(check: (refusedHere: (res: ApiResponse, what: string) => Promise<void>) => Promise<void>): Promise<void> {
    const before = await snapshotDb(pool, { quick: true });
    const proto = prototypeKeys();
    let requests = 0;
    await check(async (res, what) => {
      requests++;
      expect(res.status, `${what} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 300)}`).to.be.within(400, 499);
      expectError(res);
      expect(prototypeKeys(), `${what} polluted a prototype`).to.deep.equal(proto);
    });
    const after = await snapshotDb(pool, { quick: true });
    const grown = Object.keys(after).reduce((n, t) => n + Math.max(0, after[t].count - (before[t]?.count ?? 0)), 0);
    const shrunk = Object.keys(before).filter((t) => (after[t]?.count ?? 0) < before[t].count);
    expect(shrunk, 'rows were removed').to.deep.equal([]);
    expect(grown, `${grown} rows added by ${requests} refused requests`).to.be.at.most(requests);
  }

  for (const op of WRITES) {
    const label = `${op.method.toUpperCase()} ${op.path} (${op.operationId})`;
    const hasPathParams = /\{\w+\}/.test(op.path);
    const hasBody = !!requestBodySchema(doc, op);

    const recordsAttempts = !!op.spec['x-records-attempts'];

    describe(label, () => {
      if (hasBody && recordsAttempts) {
        it(`refuses ${NUM_RUNS} junk JSON bodies with a 4xx error, adding at most one row per attempt (x-records-attempts)`, async () => {
          const model = bodyModel(op)!;
          await refusedWithBoundedGrowth((refused) => fc.assert(fc.asyncProperty(junkBodies(model), fc.constantFrom(...ACTORS), async (junk, as) => {
            const res = await sendJson(as, op, pathFor(op), junk.text);
            await refused(res, `${as} ${label} with ${junk.label}: ${junk.text.slice(0, 120)}`);
          }), { numRuns: NUM_RUNS }));
        });
      } else if (hasBody) {
        it(`refuses ${NUM_RUNS} junk JSON bodies from ${ACTORS.join(' and ')} with a 4xx error and writes nothing`, async () => {
          const model = bodyModel(op)!;
          await refusedWithoutWrites((refused) => fc.assert(fc.asyncProperty(junkBodies(model), fc.constantFrom(...ACTORS), async (junk, as) => {
            const res = await sendJson(as, op, pathFor(op), junk.text);
            await refused(res, `${as} ${label} with ${junk.label}: ${junk.text.slice(0, 120)}`);
          }), { numRuns: NUM_RUNS }));
        });
      }

      if (hasPathParams) {
        it(`refuses junk path ids from ${ACTORS.join(' and ')} with a 4xx error and writes nothing`, async () => {
          const model = bodyModel(op);
          const body = model ? JSON.stringify(model.bases[0]) : '{}';
          // anything but a plain id of an existing row (or a well-formed code, which a PUT may create)
          const junkId = fc.oneof(
            fc.constantFrom('abc', '-1', '0', '99999999999999999999', '1e3', '1.5', ' 1', '1 ', '0x10', '１２', '+1',
              '1;DROP TABLE customers', "1' OR '1'='1", '%00', '\u0000', 'null', 'undefined', 'NaN', 'Infinity',
              '999999999999999', '9007199254740993', '0000000000000000001', '../1', '1/../2', '😀', '[1]', '{"id":1}'),
            fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
          ).filter((s) => (!/^\d{1,15}$/.test(s) || Number(s) > 1e12) && !/^[a-z][a-z0-9_]{0,49}$/.test(s));
          await refusedWithoutWrites((refused) => fc.assert(fc.asyncProperty(junkId, fc.constantFrom(...ACTORS), async (id, as) => {
            const res = await sendJson(as, op, pathFor(op, id), body);
            await refused(res, `${as} ${label} with id ${JSON.stringify(id)}`);
          }), { numRuns: 12 }));
        });
      }

      if (hasBody) {
        it(`refuses malformed, mistyped and oversized raw bodies (alternately from ${ACTORS.join(' and ')}) with a 4xx error and writes nothing`, async () => {
          const model = bodyModel(op);
          const base = model?.bases[0] ?? {};
          const baseText = JSON.stringify(base);
          const firstKey = Object.keys(base)[0] ?? 'x';
          const numericKey = model ? Object.entries<JsonSchema>(model.branches[0].properties ?? {})
            .find(([, s]) => ['number', 'integer'].includes(deref(doc, s)?.type))?.[0] : undefined;
          const raws: Array<{ label: string; body: string | Buffer; headers: Record<string, string> }> = [
            { label: 'truncated JSON', body: baseText.slice(0, -3), headers: { 'Content-Type': 'application/json' } },
            { label: 'trailing garbage', body: `${baseText}}`, headers: { 'Content-Type': 'application/json' } },
            { label: 'single quotes', body: baseText.replaceAll('"', "'"), headers: { 'Content-Type': 'application/json' } },
            { label: 'trailing comma', body: `${baseText.slice(0, -1)},}`, headers: { 'Content-Type': 'application/json' } },
            { label: 'a comment', body: `{/* hi */${baseText.slice(1)}`, headers: { 'Content-Type': 'application/json' } },
            { label: 'bare NaN', body: 'NaN', headers: { 'Content-Type': 'application/json' } },
            { label: 'JSON null', body: 'null', headers: { 'Content-Type': 'application/json' } },
            // an empty body reads as {}: junk only where {} is itself refused
            ...(model?.branches.every((b) => (b.required ?? []).length > 0)
              ? [{ label: 'an empty body', body: '', headers: { 'Content-Type': 'application/json' } }] : []),
            { label: 'the body as text/plain', body: baseText, headers: { 'Content-Type': 'text/plain' } },
            { label: 'the body as a form', body: new URLSearchParams(Object.entries(base).map(([k, v]) => [k, String(v)])).toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
            { label: 'multipart', body: '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n', headers: { 'Content-Type': 'multipart/form-data; boundary=b' } },
            { label: 'an unknown charset', body: baseText, headers: { 'Content-Type': 'application/json; charset=klingon' } },
            { label: 'gzip declared, plain sent', body: baseText, headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' } },
            { label: 'an unknown content encoding', body: baseText, headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'zstd-x' } },
            { label: 'invalid UTF-8 in a key', body: Buffer.concat([Buffer.from('{"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(`":1,${baseText.slice(1)}`)]), headers: { 'Content-Type': 'application/json' } },
            { label: 'a duplicate key whose last value is an operator object', body: `${baseText.slice(0, -1)}${baseText === '{}' ? '' : ','}${JSON.stringify(firstKey)}:{"$gt":""}}`, headers: { 'Content-Type': 'application/json' } },
            { label: 'a number beyond double range (1e400)', body: numericKey ? `${baseText.slice(0, -1)},${JSON.stringify(numericKey)}:1e400}` : '{"x":1e400}', headers: { 'Content-Type': 'application/json' } },
            { label: 'a 2 MB body', body: JSON.stringify({ ...base, [firstKey]: 'z'.repeat(2 * 1024 * 1024) }), headers: { 'Content-Type': 'application/json' } },
          ];
          await refusedWithoutWrites(async (refused) => {
            for (const [i, raw] of raws.entries()) {
              const as = ACTORS[i % ACTORS.length];
              const res = await send(as, op.method.toUpperCase(), pathFor(op), raw.body, raw.headers);
              await refused(res, `${as} ${label} with ${raw.label}`);
            }
          });
        });
      }

      const otherBody = !hasBody && op.spec.requestBody ? Object.keys(op.spec.requestBody.content ?? {}) : [];
      if (otherBody.length > 0) {
        it(`never answers junk ${otherBody.join('/')} bodies with a 5xx`, async () => {
          for (const as of ACTORS) {
            for (const [body, type] of [['', otherBody[0]], [Buffer.from([0, 1, 2, 0xff, 0xfe]), otherBody[0]], ['{"a":', 'application/json'], ['x', 'text/plain']] as const) {
              const res = await send(as, op.method.toUpperCase(), pathFor(op), body, { 'Content-Type': type });
              expect(res.status, `${as} ${label} ${type} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 200)}`).to.be.below(500);
              if (res.status >= 400) expectError(res);
            }
          }
        });
      }

      if (hasBody) {
        it('never answers odd but well-typed text (emoji, NUL, lone surrogates, RTL, SQL) from director.wang with a 5xx', async function () {
          this.timeout(240_000); // these requests are valid and do real work (the bot console parses every message)
          const model = bodyModel(op)!;
          const base = model.bases[0];
          const textProps = Object.entries<JsonSchema>(model.branches[0].properties ?? {}).filter(([, s]) => {
            const d = deref(doc, s);
            return d?.type === 'string' && !d.enum && !d.format && !d.pattern;
          });
          if (textProps.length === 0) return;
          const proto = prototypeKeys();
          await fc.assert(fc.asyncProperty(fc.constantFrom(...textProps), oddStrings, async ([key, s], value) => {
            const max = deref(doc, s)?.maxLength ?? 200;
            const body = { ...base, [key]: `${value}`.slice(0, max) };
            const guard = await NoWriteGuard.start(pool);
            const res = await sendJson('director.wang', op, pathFor(op), JSON.stringify(body));
            const what = `${label} with ${key} = ${JSON.stringify(body[key])}`;
            expect(res.status, `${what} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 300)}`).to.be.below(500);
            // a failed sign-in is logged by design (x-records-attempts): its refusal is checked, not its silence
            if (res.status >= 400 && recordsAttempts) expectError(res);
            else if (res.status >= 400) await expectRefused(res, guard, proto, what);
            else expect(res.body, what).to.be.an('object');
          }), {
            numRuns: 10,
            // always tried: astral characters at odd and even offsets, so any truncation by UTF-16 code units splits a pair
            examples: textProps.slice(0, 3).flatMap((p) =>
              [`a${'𠀀'.repeat(40)}`, '𠀀'.repeat(40), `a${'😀'.repeat(40)}`].map((v): [typeof p, string] => [p, v])),
          });
        });
      }
    });
  }

  // Reads: cursors ---------------------------------------------------------------------

  const LISTS = READS_WITH_QUERY.filter((o) => parametersOf(doc, o).some((p) => p.in === 'query' && p.name === 'cursor'));
  const sortsOf = (op: Operation): string[] =>
    deref(doc, parametersOf(doc, op).find((p) => p.in === 'query' && p.name === 'sort')?.schema)?.enum ?? [];

  /** The first of ACTORS allowed to read the list (some are admins' only). */
  async function readerOf(op: Operation): Promise<string> {
    for (const as of ACTORS) if ((await send(as, 'GET', pathFor(op), undefined)).status === 200) return as;
    throw new Error(`none of ${ACTORS.join(', ')} may read ${op.path}`);
  }

  for (const op of LISTS) {
    it(`GET ${op.path} (${op.operationId}) answers crafted cursors (wrong-typed sort keys) with 200 or 400, never a 5xx`, async () => {
      const sorts = sortsOf(op);
      const as = await readerOf(op);
      const cursor = fc.tuple(
        fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(),
          fc.constant(null), fc.constantFrom('2026-01-01 00:00:00+08', 'not-a-date', '1e400', '-1', '', 'NaN')),
        fc.oneof(fc.integer({ min: -5, max: 1e6 }), fc.constant(2 ** 53 - 1)),
      ).map((t) => Buffer.from(JSON.stringify(t)).toString('base64url'));
      await fc.assert(fc.asyncProperty(cursor, fc.constantFrom(undefined, ...sorts), fc.constantFrom('asc', 'desc'), async (c, sort, order) => {
        const path = `${pathFor(op)}?cursor=${c}&order=${order}${sort ? `&sort=${sort}` : ''}`;
        const res = await send(as, 'GET', path, undefined);
        expect(res.status, `GET ${path} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 200)}`).to.be.oneOf([200, 400]);
        if (res.status === 400) expectError(res, 400, 'VALIDATION_FAILED');
      }), { numRuns: 12 });
    });

    if (sortsOf(op).length > 1) {
      it(`GET ${op.path} (${op.operationId}) refuses a real cursor carried over to another sort with 400 or pages on, never a 5xx`, async () => {
        const sorts = sortsOf(op);
        for (const from of sorts) {
          const first = await send('director.wang', 'GET', `${pathFor(op)}?limit=1&sort=${from}`, undefined);
          const c = (first.body as any)?.nextCursor;
          if (first.status !== 200 || !c) continue;
          for (const to of sorts.filter((x) => x !== from)) {
            const res = await send('director.wang', 'GET', `${pathFor(op)}?limit=1&sort=${to}&cursor=${encodeURIComponent(c)}`, undefined);
            expect(res.status, `cursor of sort=${from} used with sort=${to} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 200)}`).to.be.oneOf([200, 400]);
          }
        }
      });
    }
  }

  // Methods ---------------------------------------------------------------------------

  it('answers a method a documented /api path does not have with a JSON error (405), writing nothing', async () => {
    const byPath = new Map<string, Set<string>>();
    for (const o of operations(doc)) byPath.set(o.path, new Set([...(byPath.get(o.path) ?? []), o.method]));
    await refusedWithoutWrites(async (refused) => {
      for (const [path, methods] of byPath) {
        if (!path.startsWith('/api/')) continue;
        const filled = fillPath(path, Object.fromEntries([...path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], validPathValue[path] ?? '1'])));
        for (const m of ['get', 'post', 'put', 'patch', 'delete'].filter((x) => !methods.has(x))) {
          const res = await send('director.wang', m.toUpperCase(), filled, m === 'get' || m === 'delete' ? undefined : '{}', { 'Content-Type': 'application/json' });
          await refused(res, `${m.toUpperCase()} ${filled}`);
        }
      }
    });
  });

  // Reads: junk query strings --------------------------------------------------------------

  for (const op of READS_WITH_QUERY) {
    it(`GET ${op.path} (${op.operationId}) answers junk query strings with 200 or a 4xx error, never a 5xx, and writes nothing`, async () => {
      const names = parametersOf(doc, op).filter((p) => p.in === 'query').map((p) => p.name);
      // exports (CSV, XLSX) succeed with a file rather than JSON
      const jsonSuccess = Object.entries<any>(op.spec.responses)
        .some(([status, r]) => /^2/.test(status) && r.content?.['application/json']);
      const junkValue = fc.oneof(
        fc.constantFrom('', '-1', '0', '1e3', 'NaN', '99999999999999999999', '999999999999999', 'true', 'null', '%', '_',
          '\u0000', 'a\u0000b', '\uD800', "'; DROP TABLE customers; --", '😀', 'x'.repeat(1500), '[]', '{}', '../'),
        fc.string({ unit: 'binary', maxLength: 30 }),
        // cursors: base64url JSON of a wrong-typed sort key, or plain junk
        fc.tuple(fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.double({ noNaN: true }), fc.constant(null), fc.boolean(),
          fc.constantFrom('2026-01-01T00:00:00Z', 'not-a-date', '1e400')), fc.oneof(fc.integer(), fc.constant(2 ** 60)))
          .map((t) => Buffer.from(JSON.stringify(t)).toString('base64url')),
      );
      const junkQuery = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...names), fc.constantFrom('__proto__', 'constructor', 'x', 'limit[]')), junkValue), { minLength: 1, maxLength: 4 });
      const full = await snapshotDb(pool);
      const guard = await NoWriteGuard.start(pool);
      const proto = prototypeKeys();
      await fc.assert(fc.asyncProperty(junkQuery, fc.constantFrom(...ACTORS), async (pairs, as) => {
        const qs = pairs.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&');
        const path = `${pathFor(op)}?${qs}`;
        const res = await send(as, 'GET', path, undefined);
        const what = `${as} GET ${path.slice(0, 200)}`;
        expect(res.status, `${what} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 300)}`).to.be.below(500);
        if (res.status >= 400) expectError(res);
        else if (jsonSuccess) expect(res.body, what).to.be.an('object');
        expect(await guard.changes(), `${what} wrote`).to.deep.equal([]);
        expect(prototypeKeys(), `${what} polluted a prototype`).to.deep.equal(proto);
      }), { numRuns: 15 });
      await expectUnchanged(pool, full, 'the database (every row)');
    });
  }
});
