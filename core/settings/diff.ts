/**
 * What changed between two values of a setting, leaf by leaf, and the same in
 * Chinese for the 变更记录 page and change notices, labelled from the
 * schema's `.meta({ title, unit, labels })`:
 *
 *   diffValues({ minAttachments: 1 }, { minAttachments: 2 }) // [{ path: ['minAttachments'], before: 1, after: 2 }]
 *   describeDiff(formSchema, diff)                           // ['附件下限：1 个 → 2 个']
 *
 * Word lists are summarised as added/removed (a 2,000-word library must not
 * be copied into every version's diff); lists of objects of the same length
 * are compared item by item, otherwise by their sizes.
 */
export interface DiffEntry {
  path: Array<string | number>;
  before?: unknown;
  after?: unknown;
  added?: string[];
  removed?: string[];
  /** Lists of objects whose length changed: the sizes. */
  beforeCount?: number;
  afterCount?: number;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** JSON with object keys sorted, so jsonb's key order does not read as a change. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (isPlainObject(x)
    ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]]))
    : x)) ?? 'null';
}

export const sameValue = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);

export function diffValues(before: unknown, after: unknown, path: Array<string | number> = []): DiffEntry[] {
  if (sameValue(before ?? null, after ?? null)) return [];
  if ((isPlainObject(before) || before == null) && (isPlainObject(after) || after == null) && (isPlainObject(before) || isPlainObject(after))) {
    const b = (before ?? {}) as Record<string, unknown>;
    const a = (after ?? {}) as Record<string, unknown>;
    return [...new Set([...Object.keys(b), ...Object.keys(a)])].flatMap((k) => diffValues(b[k], a[k], [...path, k]));
  }
  if (isStringList(before) && isStringList(after)) {
    const [bs, as] = [new Set(before), new Set(after)];
    return [{ path, added: after.filter((x) => !bs.has(x)), removed: before.filter((x) => !as.has(x)) }];
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    if (before.length !== after.length) return [{ path, beforeCount: before.length, afterCount: after.length }];
    return before.flatMap((x, i) => diffValues(x, after[i], [...path, i]));
  }
  return [{ path, before: before ?? null, after: after ?? null }];
}

/** The part of a JSON schema (z.toJSONSchema output) that describes one field. */
export type FieldSchema = {
  title?: string;
  unit?: string;
  labels?: Record<string, string>;
  type?: string | string[];
  properties?: Record<string, FieldSchema>;
  items?: FieldSchema;
  anyOf?: FieldSchema[];
  oneOf?: FieldSchema[];
  [k: string]: unknown;
};

/** The schema of the field at `path`, through optional/nullable unions and, in a union of objects, the variant that has the field. */
export function fieldAt(schema: FieldSchema | undefined, path: ReadonlyArray<string | number>): FieldSchema | undefined {
  let s = schema;
  for (const seg of path) {
    if (typeof seg === 'string') s = (s?.anyOf ?? s?.oneOf)?.find((v) => v.properties?.[seg]) ?? s;
    s = unwrap(s);
    s = typeof seg === 'number' ? s?.items : s?.properties?.[seg] ?? s?.additionalProperties as FieldSchema | undefined;
  }
  return s;
}

function unwrap(s: FieldSchema | undefined): FieldSchema | undefined {
  const variants = s?.anyOf ?? s?.oneOf;
  if (!variants) return s;
  const real = variants.find((v) => v.type !== 'null' && (v.properties || v.items)) ?? variants.find((v) => v.type !== 'null');
  return real ? { ...real, title: real.title ?? s!.title, unit: real.unit ?? s!.unit, labels: real.labels ?? s!.labels } : s;
}

/** '附件下限' or '规则 第2项 · 最少数量'. */
export function labelOf(schema: FieldSchema | undefined, path: ReadonlyArray<string | number>): string {
  return path.map((seg, i) => {
    if (typeof seg === 'number') return `第${seg + 1}项`;
    return unwrap(fieldAt(schema, path.slice(0, i + 1)))?.title ?? seg;
  }).join(' · ');
}

export function formatValue(v: unknown, field?: FieldSchema): string {
  const f = unwrap(field);
  if (v === null || v === undefined) return '未设置';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'number') return f?.unit ? `${v} ${f.unit}` : String(v);
  if (typeof v === 'string') return f?.labels?.[v] ?? v;
  if (Array.isArray(v)) return v.length === 0 ? '无' : v.map((x) => formatValue(x, f?.items)).join('、');
  return JSON.stringify(v);
}

export function describeDiff(schema: FieldSchema | undefined, diff: readonly DiffEntry[]): string[] {
  return diff.map((d) => {
    const label = labelOf(schema, d.path) || '整体';
    if (d.added || d.removed) {
      const item = fieldAt(schema, d.path)?.items;
      const parts = [
        d.added?.length ? `新增 ${d.added.map((x) => formatValue(x, item)).join('、')}` : '',
        d.removed?.length ? `删除 ${d.removed.map((x) => formatValue(x, item)).join('、')}` : '',
      ].filter(Boolean);
      return `${label}：${parts.join('；') || '调整了顺序'}`;
    }
    if (d.beforeCount !== undefined) return `${label}：${d.beforeCount} 项 → ${d.afterCount} 项`;
    const field = fieldAt(schema, d.path);
    return `${label}：${formatValue(d.before, field)} → ${formatValue(d.after, field)}`;
  });
}
