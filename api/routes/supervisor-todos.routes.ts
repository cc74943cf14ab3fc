import { ListSupervisorTodosQuery, SupervisorTodoSchema } from '../../core/actions/action-schemas.js';
import { listSupervisorTodos, markSupervisorTodoDone } from '../../core/actions/supervisor-todos.js';
import { IdParams } from '../../core/resources/schemas.js';
import { defineRoute, type RouteKit } from '../route-kit.js';
import { pageOf } from './page-schema.js';

/** 主管待办: the caller's own to-dos from the action flow (提交未通过、待核验、逾期督办) and marking them done. */
export function registerSupervisorTodoRoutes(kit: RouteKit): void {
  const tags = ['supervisor-todos'];
  defineRoute(kit, {
    method: 'get', path: '/api/supervisor-todos', operationId: 'listSupervisorTodos', tags,
    summary: '我的待办（只列给自己的；默认未完成，可按日期、类型筛选）',
    query: ListSupervisorTodosQuery, response: pageOf(SupervisorTodoSchema),
    handler: ({ db, actor, query }) => listSupervisorTodos(db, actor, query),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/supervisor-todos/{id}/done', operationId: 'markSupervisorTodoDone', tags, status: 200,
    summary: '标记待办已完成（只能处理给自己的待办；重复标记不改变完成时间）',
    params: IdParams, response: SupervisorTodoSchema,
    handler: ({ db, actor, params, deps }) => markSupervisorTodoDone(db, actor, params.id, deps.now()),
  });
}
