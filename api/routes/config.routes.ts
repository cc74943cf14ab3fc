import { z } from 'zod';
import {
  ActionDefinitionEntrySchema, ActionDefinitionListSchema, DefinitionCodeParams, getActionDefinitionOrThrow,
  listActionDefinitions, updateActionDefinition,
} from '../../core/config-admin/action-definitions.js';
import {
  AlertRuleCodeParams, AlertRuleSchema, listAlertRules, patchAlertRule, PatchAlertRuleSchema,
} from '../../core/config-admin/alert-rules.js';
import { DryRunBodySchema, DryRunResultSchema, dryRunRules } from '../../core/config-admin/dry-run.js';
import {
  getHolidayYear, HolidaysQuery, HolidayYearParams, HolidayYearSchema, PutHolidaysSchema, replaceHolidayYear,
} from '../../core/config-admin/holidays.js';
import {
  getKeywordLibraryOrThrow, KeywordLibrarySchema, LibraryCodeParams, listKeywordLibraries, putKeywordLibrary,
  PutKeywordLibrarySchema,
} from '../../core/config-admin/keyword-libraries.js';
import {
  getPipelineOrThrow, listPipelines, PipelineCodeParams, PipelineConfigSchema, updatePipeline,
} from '../../core/config-admin/pipelines.js';
import { ActionDefinitionSchema } from '../../core/flow/action-definition.js';
import { PipelineSchema } from '../../core/flow/pipeline.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

const items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/**
 * Settings (系统配置): everyone signed in reads them, only admins change them;
 * every change is a 'config.updated' event with a before/after summary.
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
    method: 'put', path: '/api/action-definitions/{code}', operationId: 'updateActionDefinition', tags,
    summary: '修改事项类型（规则、时限、升级策略）：新增一个版本并设为生效，旧版本保留',
    params: DefinitionCodeParams, body: ActionDefinitionSchema, response: ActionDefinitionEntrySchema,
    handler: ({ db, actor, params, body }) => updateActionDefinition(db, actor, params.code, body),
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
  defineRoute(kit, {
    method: 'put', path: '/api/pipelines/{code}', operationId: 'updatePipeline', tags,
    summary: '修改销售流程；有进行中商机的阶段不能删除',
    params: PipelineCodeParams, body: PipelineSchema, response: PipelineConfigSchema,
    handler: ({ db, actor, params, body }) => updatePipeline(db, actor, params.code, body),
  });
}

function registerLibraryAndCalendarRoutes(kit: RouteKit): void {
  const tags = ['config'];
  defineRoute(kit, {
    method: 'get', path: '/api/keyword-libraries', operationId: 'listKeywordLibraries', tags, summary: '关键词库列表',
    response: items(KeywordLibrarySchema),
    handler: ({ db, actor }) => listKeywordLibraries(db, actor),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/keyword-libraries/{code}', operationId: 'getKeywordLibrary', tags, summary: '关键词库',
    params: LibraryCodeParams, response: KeywordLibrarySchema,
    handler: ({ db, actor, params }) => getKeywordLibraryOrThrow(db, actor, params.code),
  });
  defineRoute(kit, {
    method: 'put', path: '/api/keyword-libraries/{code}', operationId: 'updateKeywordLibrary', tags,
    summary: '替换关键词库的词（去空格、去重，每个1–20字）；不存在时新建',
    params: LibraryCodeParams, body: PutKeywordLibrarySchema, response: KeywordLibrarySchema,
    handler: ({ db, actor, params, body }) => putKeywordLibrary(db, actor, params.code, body),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/holidays', operationId: 'getHolidays', tags, summary: '节假日与调休上班日（默认今年）',
    query: HolidaysQuery, response: HolidayYearSchema,
    handler: ({ db, actor, query, deps }) => getHolidayYear(db, actor, query.year, deps.now()),
  });
  defineRoute(kit, {
    method: 'put', path: '/api/holidays/{year}', operationId: 'updateHolidays', tags,
    summary: '整体替换某一年的节假日与调休上班日',
    params: HolidayYearParams, body: PutHolidaysSchema, response: HolidayYearSchema,
    handler: ({ db, actor, params, body }) => replaceHolidayYear(db, actor, params.year, body.days),
  });
}

function registerStandardAndAlertRoutes(kit: RouteKit): void {
  const tags = ['config'];
  defineRoute(kit, {
    method: 'get', path: '/api/alert-rules', operationId: 'listAlertRules', tags, summary: '预警规则',
    response: items(AlertRuleSchema),
    handler: ({ db, actor }) => listAlertRules(db, actor),
  });
  defineRoute(kit, {
    method: 'patch', path: '/api/alert-rules/{code}', operationId: 'updateAlertRule', tags,
    summary: '修改预警规则（阈值、时间窗、接收人、启停）',
    params: AlertRuleCodeParams, body: PatchAlertRuleSchema, response: AlertRuleSchema,
    handler: ({ db, actor, params, body }) => patchAlertRule(db, actor, params.code, body),
  });
}
