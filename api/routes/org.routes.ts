import { z } from 'zod';
import { listDepartments, listUsers, DepartmentSchema, UserSchema } from '../../core/resources/org.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

export function registerOrgRoutes(kit: RouteKit): void {
  const tags = ['org'];
  defineRoute(kit, {
    method: 'get', path: '/api/departments', operationId: 'listDepartments', tags, summary: '部门树',
    response: z.object({ items: z.array(DepartmentSchema) }),
    handler: async ({ db, actor }) => ({ items: await listDepartments(db, actor) }),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/users', operationId: 'listUsers', tags, summary: '成员（在职）',
    query: z.object({ role: z.enum(['rep', 'manager', 'director', 'compliance', 'admin']).optional() }).strict(),
    response: z.object({ items: z.array(UserSchema) }),
    handler: async ({ db, actor, query }) => ({ items: await listUsers(db, actor, query) }),
  });
}
