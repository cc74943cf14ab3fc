/**
 * Options a setting's form takes from elsewhere (a field's `optionsFrom`):
 * the registered settings, the action types, the keyword libraries, the
 * pipelines' stages and sub-stages (named, never by their keys), the talk-track packs. Fetched
 * only when the form asks for them.
 */
import { ref, watch } from 'vue';
import { api } from '../../api/http';
import type { FieldSchema, OptionSources } from './schema-model';

type Stage = { key: string; name: string; subStages?: Stage[] };
const pipelines = async () => (await api.get<{ items: Array<{ name: string; definition: { stages: Stage[] } }> }>('/api/pipelines')).items;
const unique = (xs: Array<{ value: string; label: string }>) => xs.filter((x, i) => xs.findIndex((y) => y.value === x.value) === i);

const LOADERS: Record<string, () => Promise<Array<{ value: string; label: string }>>> = {
  settings: async () => (await api.get<{ items: Array<{ key: string; label: string }> }>('/api/settings')).items
    .filter((s, i, all) => all.findIndex((x) => x.key === s.key) === i).map((s) => ({ value: s.key, label: s.label })),
  'action-definitions': async () => (await api.get<{ items: Array<{ code: string; active: { name: string } | null }> }>('/api/action-definitions')).items
    .filter((d) => d.active).map((d) => ({ value: d.code, label: d.active!.name })),
  'keyword-libraries': async () => (await api.get<{ items: Array<{ code: string; name: string }> }>('/api/keyword-libraries')).items
    .map((l) => ({ value: l.code, label: l.name })),
  'pipeline-stages': async () => unique((await pipelines()).flatMap((p) => p.definition.stages.map((s) => ({ value: s.key, label: s.name })))),
  'talk-tracks': async () => (await api.get<{ items: Array<{ title: string; published: boolean }> }>('/api/talk-tracks')).items
    .map((p) => ({ value: p.title, label: p.published ? p.title : `${p.title}（未发布）` })),
  'pipeline-sub-stages': async () => unique((await pipelines()).flatMap((p) => p.definition.stages
    .flatMap((s) => (s.subStages ?? []).map((u) => ({ value: u.key, label: `${s.name} · ${u.name}` }))))),
};

function sourcesIn(schema: unknown, found = new Set<string>()): Set<string> {
  if (schema && typeof schema === 'object') {
    const from = (schema as FieldSchema).optionsFrom;
    if (from) found.add(from);
    for (const v of Object.values(schema)) sourcesIn(v, found);
  }
  return found;
}

export function useOptionSources(form: () => FieldSchema | undefined) {
  const sources = ref<OptionSources>({});
  watch(form, async (f) => {
    for (const name of sourcesIn(f)) {
      if (sources.value[name] || !LOADERS[name]) continue;
      sources.value = { ...sources.value, [name]: await LOADERS[name]().catch(() => []) };
    }
  }, { immediate: true });
  return sources;
}
