import {
  PreviewResultSchema, PreviewSettingSchema, RestoreSettingSchema, ScopeQuery, SettingDetailSchema, SettingIdParams,
  SettingListSchema, SettingVersionDetailSchema, SettingVersionListSchema, SettingVersionParams, UpdateSettingSchema, VersionsQuery,
} from '../../core/settings/schemas.js';
import { getSetting, getSettingVersion, listSettings, listSettingVersions } from '../../core/settings/service.js';
import { previewSetting, restoreSetting, updateSetting } from '../../core/settings/write.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

/**
 * The one settings mechanism (core/settings): every registered setting is
 * read, edited, previewed, versioned and restored through these routes.
 * Everyone signed in reads; who writes where is the 'settings.permissions' setting.
 */
export function registerSettingsRoutes(kit: RouteKit): void {
  const tags = ['settings'];
  const writeDeps = () => ({ now: kit.deps.now(), publicUrl: kit.deps.config.publicUrl });
  defineRoute(kit, {
    method: 'get', path: '/api/settings', operationId: 'listSettings', tags,
    summary: '全部设置项（按主题），以及当前用户能在哪一级修改',
    response: SettingListSchema,
    handler: ({ db, actor }) => listSettings(db, actor),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/settings/{id}', operationId: 'getSetting', tags,
    summary: '一个设置项在某范围（全公司、部门、客户类型）生效的值、来源、表单定义；at 读取过去某时刻生效的值',
    params: SettingIdParams, query: ScopeQuery, response: SettingDetailSchema,
    handler: ({ db, actor, params, query }) => getSetting(db, actor, params.id, query),
  });
  defineRoute(kit, {
    method: 'put', path: '/api/settings/{id}', operationId: 'updateSetting', tags,
    summary: '修改设置：指定范围与编辑时的版本号（已被他人修改时返回 409 及当前版本）；value 为 null 时清除本级设置、沿用上级',
    params: SettingIdParams, body: UpdateSettingSchema, response: SettingDetailSchema,
    handler: ({ db, actor, params, body }) => updateSetting(db, actor, params.id, body, writeDeps()),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/settings/{id}/preview', operationId: 'previewSetting', tags, status: 200,
    summary: '保存前预览：这次修改会改变哪些结果（不写入任何数据）',
    params: SettingIdParams, body: PreviewSettingSchema, response: PreviewResultSchema,
    handler: ({ db, actor, params, body }) => previewSetting(db, actor, params.id, body, kit.deps.now()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/settings/{id}/versions', operationId: 'listSettingVersions', tags,
    summary: '变更记录：某范围的每个版本（谁、何时、为何、改了什么）',
    params: SettingIdParams, query: VersionsQuery, response: SettingVersionListSchema,
    handler: ({ db, actor, params, query }) => listSettingVersions(db, actor, params.id, query),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/settings/{id}/versions/{version}', operationId: 'getSettingVersion', tags,
    summary: '查看某个历史版本的完整内容',
    params: SettingVersionParams, query: VersionsQuery, response: SettingVersionDetailSchema,
    handler: ({ db, actor, params, query }) => getSettingVersion(db, actor, params.id, params.version, query),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/settings/{id}/restore', operationId: 'restoreSetting', tags, status: 200,
    summary: '恢复到某个历史版本（作为新版本保存，历史不变）',
    params: SettingIdParams, body: RestoreSettingSchema, response: SettingDetailSchema,
    handler: ({ db, actor, params, body }) => restoreSetting(db, actor, params.id, body, writeDeps()),
  });
}
