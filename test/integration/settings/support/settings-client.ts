import type { ApiResponse, TestApi } from '../../../support/api-harness.js';

export interface Scope { departmentId?: number; customerType?: string }

const query = (scope: Scope = {}) => new URLSearchParams(Object.entries(scope).map(([k, v]) => [k, String(v)])).toString();

/**
 * The settings operations as tests call them. `save` sends the version it
 * read (as the screens do) unless told which one to send.
 */
export function settingsClient(api: TestApi) {
  const get = (as: string, id: string, scope: Scope = {}) => api.call('GET', `/api/settings/${id}?${query(scope)}`, { as });
  return {
    get,
    value: async (as: string, id: string, scope: Scope = {}) => (await get(as, id, scope)).body.value,
    async save(as: string, id: string, value: unknown, o: { scope?: Scope; comment?: string; expectedVersion?: number } = {}): Promise<ApiResponse> {
      const expectedVersion = o.expectedVersion ?? (await get('admin.lin', id, o.scope)).body.own?.version ?? 0;
      return api.call('PUT', `/api/settings/${id}`, { as, body: { scope: o.scope ?? {}, expectedVersion, value, ...(o.comment ? { comment: o.comment } : {}) } });
    },
    preview: (as: string, id: string, value: unknown, scope: Scope = {}) =>
      api.call('POST', `/api/settings/${id}/preview`, { as, body: { scope, value } }),
    versions: (as: string, id: string, scope: Scope = {}) => api.call('GET', `/api/settings/${id}/versions?${query(scope)}`, { as }),
  };
}
