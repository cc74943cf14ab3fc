/**
 * One setting at one scope, as every settings screen edits it: load its value
 * and form, keep an editable copy, preview, save with the version it was
 * loaded at (a newer one answers 409 and the screen offers to reload), clear
 * the scope's own value. Custom editors (pipelines, process templates …) use
 * the same so versions, permissions and notices are the same everywhere.
 *
 *   const s = useSetting(() => 'followup.standard', () => ({ customerType: 'store' }));
 *   await s.save('门店须两张照片');
 */
import { computed, ref, shallowRef, watch } from 'vue';
import { api, ApiError } from '../../api/http';
import type { FieldSchema } from './schema-model';

export interface ScopeView { departmentId: number | null; customerType: string | null; name: string }
export interface SettingDetail {
  id: string; key: string; item: string; label: string; itemLabel: string | null; help: string;
  topic: string; topicLabel: string; editor: string | null; hasPreview: boolean;
  scopes: { department: boolean; customerType: 'none' | 'optional' | 'required' };
  canEdit: { organisation: boolean; departments: 'any' | 'own' | 'none' };
  scope: ScopeView;
  value: any;
  source: { kind: 'own' | 'inherited' | 'default'; scopeName: string; version: number };
  own: { version: number; hasValue: boolean; updatedAt: string | null; updatedBy: { id: number; name: string } | null; comment: string | null };
  editable: boolean; clearable: boolean;
  form: FieldSchema;
  overrides: Array<{ scope: ScopeView; version: number; updatedAt: string }>;
  editableDepartments: Array<{ id: number; name: string; path: string }>;
  notified?: number;
  isNew?: boolean;
}
export interface PreviewResult { available: boolean; summary: string; lines: string[] }
export interface Scope { departmentId?: number | null; customerType?: string | null }

export const CUSTOMER_TYPES: Record<string, string> = { ka: 'KA连锁', hospital: '医院', store: '门店', dealer: '经销商' };

const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

export function scopeQuery(s: Scope): Record<string, string | number | undefined> {
  return { departmentId: s.departmentId ?? undefined, customerType: s.customerType ?? undefined };
}

export function useSetting(id: () => string, scope: () => Scope, opts: { create?: boolean } = {}) {
  const detail = shallowRef<SettingDetail | null>(null);
  const draft = ref<any>(null);
  const loadError = shallowRef<unknown>(null);
  const saveError = shallowRef<unknown>(null);
  const preview = shallowRef<PreviewResult | null>(null);
  const previewOf = ref('');
  const busy = ref<'' | 'load' | 'save' | 'preview'>('');

  async function load(): Promise<void> {
    busy.value = 'load';
    loadError.value = null;
    saveError.value = null;
    preview.value = null;
    try {
      detail.value = await api.get<SettingDetail>(`/api/settings/${encodeURIComponent(id())}`, { query: { ...scopeQuery(scope()), ...(opts.create ? { create: '1' } : {}) } });
      draft.value = clone(detail.value.value);
    } catch (e) {
      loadError.value = e;
    } finally {
      busy.value = '';
    }
  }

  const changed = computed(() => !!detail.value && JSON.stringify(draft.value) !== JSON.stringify(detail.value.value));
  const previewFresh = computed(() => !!preview.value && previewOf.value === JSON.stringify(draft.value));
  /** A 409: someone saved in between; the message names them and the version. */
  const conflict = computed(() => (saveError.value instanceof ApiError && saveError.value.code === 'SETTING_VERSION_CONFLICT' ? saveError.value : null));
  const problems = computed(() => (saveError.value instanceof ApiError && saveError.value.code === 'VALIDATION_FAILED' ? saveError.value.details : undefined));

  async function write(value: unknown, comment: string): Promise<SettingDetail | null> {
    busy.value = 'save';
    saveError.value = null;
    try {
      const body = { scope: scope(), expectedVersion: detail.value!.own.version, value, ...(comment.trim() ? { comment: comment.trim() } : {}) };
      detail.value = await api.put<SettingDetail>(`/api/settings/${encodeURIComponent(id())}`, body);
      draft.value = clone(detail.value.value);
      preview.value = null;
      return detail.value;
    } catch (e) {
      saveError.value = e;
      return null;
    } finally {
      busy.value = '';
    }
  }

  async function runPreview(): Promise<void> {
    busy.value = 'preview';
    saveError.value = null;
    try {
      preview.value = await api.post<PreviewResult>(`/api/settings/${encodeURIComponent(id())}/preview`, { scope: scope(), value: draft.value });
      previewOf.value = JSON.stringify(draft.value);
    } catch (e) {
      saveError.value = e;
    } finally {
      busy.value = '';
    }
  }

  watch([id, () => JSON.stringify(scope())], () => { void load(); }, { immediate: true });
  return {
    detail, draft, loadError, saveError, preview, previewFresh, busy, changed, conflict, problems, load, runPreview,
    save: (comment: string) => write(draft.value, comment),
    clear: (comment: string) => write(null, comment),
    reset: () => { draft.value = clone(detail.value?.value); saveError.value = null; },
  };
}

/** '3月5日 10:20' from an ISO instant, in the phone's time zone. */
export function whenText(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Custom editors where a generated form does not serve (pipelines, process templates …); everything else opens the generated one. */
export function settingLink(s: { id: string; editor: string | null; scopes: { customerType: string } }) {
  const query: Record<string, string> = s.scopes.customerType === 'required' ? { customerType: 'ka' } : {};
  return { path: s.editor ? `/settings/${s.editor}/${encodeURIComponent(s.id)}` : `/settings/s/${encodeURIComponent(s.id)}`, query };
}
