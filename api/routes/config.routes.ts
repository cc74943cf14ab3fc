import { z } from 'zod';
import {
  ActionDefinitionEntrySchema, ActionDefinitionListSchema, DefinitionCodeParams, getActionDefinitionOrThrow,
  listActionDefinitions,
} from '../../core/config-admin/action-definitions.js';
import { AlertRuleSchema, listAlertRules } from '../../core/config-admin/alert-rules.js';
import { DryRunBodySchema, DryRunResultSchema, dryRunRules } from '../../core/config-admin/dry-run.js';
import { getHolidayYear, HolidaysQuery, HolidayYearViewSchema } from '../../core/config-admin/holidays.js';
import {
  getKeywordLibraryOrThrow, KeywordLibraryViewSchema, LibraryCodeParams, listKeywordLibraries,
} from '../../core/config-admin/keyword-libraries.js';
import {
  getPipelineOrThrow, listPipelines, PipelineCodeParams, PipelineConfigSchema,
} from '../../core/config-admin/pipelines.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

const items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/**
 * Configuration as the product's screens read it (everyone signed in):
 * action types, pipelines, keyword libraries, holidays, alert rules. They are
 * changed through the one settings mechanism (settings.routes.ts); the rule
 * dry-run here is the detailed preview of an action type's rules.
 */
export function registerConfigRoutes(kit: RouteKit): void {
  registerActionDefinitionRoutes(kit);
  registerPipelineRoutes(kit);
  registerLibraryAndCalendarRoutes(kit);
  registerStandardAndAlertRoutes(kit);
}

function registerActionDefinitionRoutes(kit: RouteKit): void {
  const tags = ['config'];
  defineRoute(kit, {
    method: 'get', path: '/api/action-definitions', operationId: 'listActionDefinitions', tags,
    summary: '事项类型：当前生效版本及历史版本',
    response: ActionDefinitionListSchema,
    handler: ({ db, actor }) => listActionDefinitions(db, actor),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/action-definitions/{code}', operationId: 'getActionDefinition', tags,
    summary: '一个事项类型的当前版本及历史版本',
    params: DefinitionCodeParams, response: ActionDefinitionEntrySchema,
    handler: ({ db, actor, params }) => getActionDefinitionOrThrow(db, actor, params.code),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/action-definitions/{code}/dry-run', operationId: 'dryRunRule', tags, status: 200,
    summary: '规则试运行：若这组规则在过去 N 天生效，哪些提交会被拒绝、原因是什么（不写入任何数据）',
    params: DefinitionCodeParams, body: DryRunBodySchema, response: DryRunResultSchema,
    handler: ({ db, actor, params, body, deps }) => dryRunRules(db, actor, params.code, body, deps.now()),
  });
}

function registerPipelineRoutes(kit: RouteKit): void {
  const tags = ['config'];
  defineRoute(kit, {
    method: 'get', path: '/api/pipelines', operationId: 'listPipelines', tags, summary: '销售流程列表',
    response: items(PipelineConfigSchema),
    handler: ({ db, actor }) => listPipelines(db, actor),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/pipelines/{code}', operationId: 'getPipeline', tags, summary: '销售流程（阶段、子阶段、检查清单）',
    params: PipelineCodeParams, response: PipelineConfigSchema,
    handler: ({ db, actor, params }) => getPipelineOrThrow(db, actor, params.code),
  });
}

function registerLibraryAndCalendarRoutes(kit: RouteKit): void {
  const tags = ['config'];
  defineRoute(kit, {
    method: 'get', path: '/api/keyword-libraries', operationId: 'listKeywordLibraries', tags, summary: '关键词库列表',
    response: items(KeywordLibraryViewSchema),
    handler: ({ db, actor }) => listKeywordLibraries(db, actor),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/keyword-libraries/{code}', operationId: 'getKeywordLibrary', tags, summary: '关键词库',
    params: LibraryCodeParams, response: KeywordLibraryViewSchema,
    handler: ({ db, actor, params }) => getKeywordLibraryOrThrow(db, actor, params.code),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/holidays', operationId: 'getHolidays', tags, summary: '节假日与调休上班日（默认今年）',
    query: HolidaysQuery, response: HolidayYearViewSchema,
    handler: ({ db, actor, query, deps }) => getHolidayYear(db, actor, query.year, deps.now()),
  });
}

function registerStandardAndAlertRoutes(kit: RouteKit): void {
  const tags = ['config'];
  defineRoute(kit, {
    method: 'get', path: '/api/alert-rules', operationId: 'listAlertRules', tags, summary: '预警规则',
    response: items(AlertRuleSchema),
    handler: ({ db, actor }) => listAlertRules(db, actor),
  });
}
