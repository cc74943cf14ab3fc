/**
 * A field whose options come from elsewhere (`.meta({ optionsFrom })`: the
 * action types, keyword libraries, pipeline stages, the settings themselves,
 * talk-track packs)
 * stores a code; the 变更记录 and change notices name it instead. The same
 * sources the H5 form loads its pickers from (miniprogram/…/option-sources.ts).
 *
 *   const form = await withOptionLabels(db, formOf(def)); // fields with optionsFrom get `labels`
 *   describeDiff(form, diff)                              // ['事项类型：客户拜访 → 报价单生成']
 */
import type { Db } from '../db/pool.js';
import type { FieldSchema } from './diff.js';
import { loadedDefinitions } from './registry.js';

type Stage = { key: string; name: string; subStages?: Stage[] };

const SOURCES: Record<string, (db: Db) => Promise<Array<[string, string]>>> = {
  'action-definitions': async (db) => (await db.query('SELECT code, name FROM action_definitions WHERE active')).rows.map((r) => [r.code, r.name]),
  'keyword-libraries': async (db) => (await db.query('SELECT code, name FROM keyword_libraries')).rows.map((r) => [r.code, r.name]),
  settings: async () => loadedDefinitions().map((d) => [d.key, d.label]),
  // a pack is named by its title (what a signal rule stores), so the title is its own label
  'talk-tracks': async (db) => (await db.query('SELECT title FROM talk_track_packs ORDER BY title')).rows.map((r) => [r.title, r.title]),
  'pipeline-stages': async (db) => (await pipelineStages(db)).flatMap((s) => [[s.key, s.name] as [string, string]]),
  'pipeline-sub-stages': async (db) => (await pipelineStages(db))
    .flatMap((s) => (s.subStages ?? []).map((u) => [u.key, `${s.name} · ${u.name}`] as [string, string])),
};

async function pipelineStages(db: Db): Promise<Stage[]> {
  const { rows } = await db.query(`SELECT definition FROM pipelines ORDER BY is_default DESC, id`);
  return rows.flatMap((r) => (r.definition?.stages ?? []) as Stage[]);
}

function sourcesIn(schema: unknown, found = new Set<string>()): Set<string> {
  if (schema && typeof schema === 'object') {
    const from = (schema as FieldSchema).optionsFrom;
    if (typeof from === 'string') found.add(from);
    for (const v of Object.values(schema)) sourcesIn(v, found);
  }
  return found;
}

function labelled(schema: unknown, labels: Map<string, Record<string, string>>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => labelled(s, labels));
  if (!schema || typeof schema !== 'object') return schema;
  const out = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, labelled(v, labels)])) as FieldSchema;
  const from = out.optionsFrom;
  if (typeof from === 'string' && !out.labels && labels.has(from)) out.labels = labels.get(from);
  return out;
}

/** The form with `labels` filled in on every field that takes its options from elsewhere (the first name wins for a code). */
export async function withOptionLabels(db: Db, form: FieldSchema): Promise<FieldSchema> {
  const wanted = [...sourcesIn(form)].filter((s) => SOURCES[s]);
  if (!wanted.length) return form;
  const labels = new Map<string, Record<string, string>>();
  for (const source of wanted) {
    const pairs = await SOURCES[source](db);
    labels.set(source, Object.fromEntries(pairs.reverse()));
  }
  return labelled(form, labels) as FieldSchema;
}
