import { z } from 'zod';
import {
  listDepartments, listUsers, updateUserBinding, DepartmentSchema, UpdateUserSchema, UserBindingSchema, UserListItemSchema,
} from '../../core/resources/org.js';
import { RoleSchema } from '../../core/auth/actor.js';
import { IdParams } from '../../core/resources/schemas.js';
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
    query: z.object({ role: RoleSchema.optional() }).strict(),
    response: z.object({ items: z.array(UserListItemSchema) }),
    handler: async ({ db, actor, query }) => ({ items: await listUsers(db, actor, query) }),
  });
  defineRoute(kit, {
    method: 'patch', path: '/api/users/{id}', operationId: 'updateUser', tags,
    summary: '绑定成员的 wechaty 联系人（管理员）：该联系人发来的消息按此成员处理；null 解除绑定',
    params: IdParams, body: UpdateUserSchema, response: UserBindingSchema,
    handler: ({ db, actor, params, body }) => updateUserBinding(db, actor, params.id, body),
  });
}
