import { expect } from 'chai';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import {
  deref, expectError, fillPath, loadOpenApiOffline, objectBranches, operations, parametersOf, requestBodySchema,
  type OpenApiDoc,
} from '../../support/matrix-helpers.js';

/**
 * `/openapi.json` is generated from the same zod schemas that validate requests
 * (api/route-kit.ts); these tests hold the document to the conventions the
 * H5 app and scripts rely on.
 */
const offline = loadOpenApiOffline();

/**
 * Reachable without a session, by design: health checks, sign-in and sign-out,
 * and WeCom's message callbacks, the app's and the 智能机器人's (authenticated by their msg_signature instead).
 */
const PUBLIC_OPERATIONS = new Set([
  'healthz', 'readyz', 'logout', 'devLogin', 'wecomOAuthStart', 'wecomOAuthCallback', 'wecomCallbackVerify', 'wecomCallback',
  'wecomAibotVerify', 'wecomAibotCallback',
]);

const REQUIRED_OPERATIONS = [
  'devLogin', 'me', 'listCustomers', 'getCustomer', 'createCustomer', 'listLeads', 'assignLead',
  'listOpportunities', 'moveOpportunityStage', 'listOrders',
];

// a store's clerk opens a store-bound invitation link before having any session (core/retail/invitations.ts)
for (const id of ['describeInvitation', 'acceptInvitation']) PUBLIC_OPERATIONS.add(id);

describe('the OpenAPI document', () => {
  let api: TestApi;
  let doc: OpenApiDoc;

  before(async () => {
    api = await startTestApi({ pool: (await freshDatabase(4)).pool });
    const res = await api.call('GET', '/openapi.json');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^application\/json/);
    doc = res.body;
  });
  after(() => api.close());

  it('is served by the running API exactly as the routes generate it', () => {
    expect(doc).to.deep.equal(offline);
  });

  it('has the OpenAPI 3 shape: version, info, paths with operations and responses', () => {
    expect(doc.openapi).to.match(/^3\.\d+\.\d+$/);
    expect(doc.info.title).to.be.a('string').and.not.equal('');
    expect(doc.info.version).to.be.a('string').and.not.equal('');
    expect(doc.paths).to.be.an('object');
    const ops = operations(doc);
    expect(ops.length).to.be.greaterThan(10);
    for (const op of ops) {
      const where = `${op.method.toUpperCase()} ${op.path}`;
      expect(op.path, where).to.match(/^\//);
      expect(op.operationId, where).to.be.a('string').and.match(/^[a-z][A-Za-z0-9]*$/);
      expect(op.spec.summary, where).to.be.a('string').and.not.equal('');
      expect(op.spec.responses, where).to.be.an('object').and.not.empty;
      for (const [status, r] of Object.entries<any>(op.spec.responses)) {
        expect(status, where).to.match(/^[1-5]\d\d$/);
        expect(r.description, `${where} ${status}`).to.be.a('string').and.not.equal('');
      }
      const success = Object.keys(op.spec.responses).filter((s) => /^[23]/.test(s));
      expect(success, `${where} declares one success response`).to.have.length(1);
    }
  });

  it('declares every path template parameter as a required path parameter', () => {
    for (const op of operations(doc)) {
      const inTemplate = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = parametersOf(doc, op).filter((p) => p.in === 'path');
      expect(declared.map((p) => p.name).sort(), `${op.operationId} path parameters`).to.deep.equal(inTemplate);
      for (const p of declared) expect(p.required, `${op.operationId} ${p.name}`).to.equal(true);
    }
  });

  it('gives every operation a unique operationId', () => {
    const ids = operations(doc).map((o) => o.operationId);
    const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(dupes, 'duplicated operationIds').to.deep.equal([]);
  });

  for (const id of REQUIRED_OPERATIONS) {
    it(`documents operation ${id}`, () => {
      expect(operations(doc).map((o) => o.operationId)).to.include(id);
    });
  }

  it('defines the session security scheme (cookie af_session; Bearer is accepted too)', () => {
    expect(doc.components?.securitySchemes?.session).to.deep.include({ type: 'apiKey', in: 'cookie', name: 'af_session' });
  });

  it('requires the session on every operation except sign-in, sign-out and health checks', () => {
    for (const op of operations(doc)) {
      if (PUBLIC_OPERATIONS.has(op.operationId)) {
        expect(op.spec.security ?? [], `${op.operationId} is public`).to.deep.equal([]);
      } else {
        expect(op.spec.security, `${op.operationId} requires a session`).to.deep.equal([{ session: [] }]);
        expect(Object.keys(op.spec.responses), `${op.operationId} documents 401 and 403`).to.include.members(['401', '403']);
      }
    }
  });

  it('answers 401 UNAUTHENTICATED on every secured operation called without a session', async () => {
    const secured = operations(doc).filter((o) => !PUBLIC_OPERATIONS.has(o.operationId));
    expect(secured.length).to.be.greaterThan(5);
    for (const op of secured) {
      const path = fillPath(op.path, Object.fromEntries([...op.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], '1'])));
      const res = await api.call(op.method.toUpperCase(), path, op.method === 'get' ? {} : { body: {} });
      expectError(res, 401, 'UNAUTHENTICATED');
    }
  });

  it('declares the optional Idempotency-Key header on every POST that creates (answers 201)', () => {
    const creates = operations(doc).filter((o) => o.method === 'post' && !PUBLIC_OPERATIONS.has(o.operationId)
      && ('201' in o.spec.responses || /^create[A-Z]/.test(o.operationId)));
    expect(creates.map((o) => o.operationId)).to.include.members(['createCustomer', 'createLead', 'createOpportunity', 'createOrder']);
    for (const op of creates) {
      const header = parametersOf(doc, op).find((p) => p.in === 'header' && p.name === 'Idempotency-Key');
      expect(header, `${op.operationId} declares Idempotency-Key`).to.not.equal(undefined);
      expect(header!.required ?? false, `${op.operationId}: the key is optional`).to.equal(false);
      expect(deref(doc, header!.schema)).to.include({ type: 'string' });
    }
  });

  it('documents the error envelope for 400, 401, 403 and 422 on every secured operation', () => {
    for (const op of operations(doc).filter((o) => !PUBLIC_OPERATIONS.has(o.operationId))) {
      for (const status of ['400', '401', '403', '422']) {
        const schema = deref(doc, op.spec.responses[status]?.content?.['application/json']?.schema);
        expect(schema, `${op.operationId} ${status}`).to.not.equal(undefined);
        expect(schema!.properties?.error?.required, `${op.operationId} ${status}`).to.include.members(['code', 'message']);
      }
    }
  });

  it('documents 404 on every operation addressed by a path id (unknown and out-of-scope records)', () => {
    for (const op of operations(doc).filter((o) => /\{\w+\}/.test(o.path))) {
      expect(Object.keys(op.spec.responses), op.operationId).to.include('404');
    }
  });

  it('makes every JSON request body strict (unknown properties are refused, not silently dropped)', () => {
    const withBody = operations(doc).filter((o) => o.spec.requestBody?.content?.['application/json']);
    expect(withBody.length).to.be.greaterThan(3);
    for (const op of withBody) {
      const branches = objectBranches(doc, requestBodySchema(doc, op));
      expect(branches.length, `${op.operationId} has an object body`).to.be.greaterThan(0);
      for (const b of branches) expect(b.additionalProperties, `${op.operationId} body is strict`).to.equal(false);
    }
  });

  it('documents the success status the public routes really answer with', async () => {
    const calls: Record<string, { method: string; path: string; body?: unknown }> = {
      healthz: { method: 'GET', path: '/healthz' },
      readyz: { method: 'GET', path: '/readyz' },
      devLogin: { method: 'POST', path: '/api/auth/dev-login', body: { userid: 'rep.zhao' } },
      logout: { method: 'POST', path: '/api/auth/logout' },
    };
    for (const op of operations(doc).filter((o) => calls[o.operationId])) {
      const c = calls[op.operationId];
      const res = await api.call(c.method, c.path, c.body ? { body: c.body } : {});
      const documented = Object.keys(op.spec.responses).filter((s) => /^2/.test(s));
      expect(documented, `${op.operationId} answered ${res.status}`).to.deep.equal([String(res.status)]);
    }
  });

  it('types path ids as digit strings, so junk ids fail validation instead of reaching SQL', () => {
    for (const op of operations(doc)) {
      for (const p of parametersOf(doc, op).filter((x) => x.in === 'path' && x.name === 'id')) {
        expect(deref(doc, p.schema), op.operationId).to.include({ type: 'string' }).and.have.property('pattern');
      }
    }
  });
});
