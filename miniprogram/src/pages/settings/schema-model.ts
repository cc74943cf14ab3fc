/**
 * The settings form is generated from the setting's JSON Schema (the server's
 * zod schema, with Chinese `title`, `unit`, `description` and option `labels`).
 * These helpers read that schema: what kind of control a field needs, its
 * range, and a starting value for a new list item.
 */
export interface FieldSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  unit?: string;
  labels?: Record<string, string>;
  /** Show a 0–1 ratio as a percentage. */
  percent?: boolean;
  /** Decimal places a number keeps (default: 0 for integers, else 1) — a ×1.23 must not be saved as 1.2. */
  decimals?: number;
  /** Options come from elsewhere: 'settings', 'action-definitions', 'keyword-libraries'. */
  optionsFrom?: string;
  enum?: string[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
  properties?: Record<string, FieldSchema>;
  required?: string[];
  items?: FieldSchema;
  anyOf?: FieldSchema[];
  oneOf?: FieldSchema[];
}

export type Option = { value: string; label: string };
export type OptionSources = Record<string, Option[]>;

export type Kind =
  | 'object' | 'integer' | 'number' | 'percent' | 'boolean' | 'choice' | 'time' | 'date' | 'text'
  | 'multi-choice' | 'word-list' | 'list' | 'json';

/** An optional/nullable union read as the one real type it wraps. */
export function unwrap(s: FieldSchema | undefined): FieldSchema {
  if (!s) return {};
  const variants = s.anyOf ?? s.oneOf;
  if (!variants) return s;
  const real = variants.filter((v) => v.type !== 'null');
  if (real.length !== 1) return s;
  return { ...real[0], title: real[0].title ?? s.title, description: real[0].description ?? s.description, unit: real[0].unit ?? s.unit, labels: real[0].labels ?? s.labels };
}

export function kindOf(raw: FieldSchema): Kind {
  const s = unwrap(raw);
  if (s.type === 'object' && s.properties) return 'object';
  if (s.type === 'integer') return s.percent ? 'percent' : 'integer';
  if (s.type === 'number') return s.percent ? 'percent' : 'number';
  if (s.type === 'boolean') return 'boolean';
  if (s.type === 'string') {
    if (s.enum || s.optionsFrom) return 'choice';
    // HH:MM, as core's schemas write it: ^([01]\d|2[0-3]):[0-5]\d$
    if (s.pattern?.includes('[01]\\d|2[0-3]')) return 'time';
    if (s.format === 'date') return 'date';
    return 'text';
  }
  if (s.type === 'array') {
    const item = unwrap(s.items);
    if (item.type === 'string' && (item.enum || item.optionsFrom)) return 'multi-choice';
    if (item.type === 'string') return 'word-list';
    if (item.type === 'object') return 'list';
  }
  return 'json';
}

export function optionsOf(raw: FieldSchema, sources: OptionSources): Option[] {
  const s = unwrap(raw);
  const item = s.type === 'array' ? unwrap(s.items) : s;
  if (item.optionsFrom) return sources[item.optionsFrom] ?? [];
  return (item.enum ?? []).map((v) => ({ value: v, label: item.labels?.[v] ?? s.labels?.[v] ?? v }));
}

/** The range a number control allows, in the unit it shows (percent: ×100). */
export function rangeOf(raw: FieldSchema): { min: number; max: number; step: number; decimals: number } {
  const s = unwrap(raw);
  const scale = s.percent ? 100 : 1;
  const min = (s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (s.type === 'integer' ? 1 : 0.1) : 0)) * scale;
  const max = (s.maximum ?? 100_000) * scale;
  const decimals = s.type === 'integer' || s.percent ? 0 : s.decimals ?? 1;
  return { min, max, step: decimals === 0 ? 1 : decimals === 1 ? 0.5 : 10 ** -decimals, decimals };
}

/** A starting value for a new field or list item: its default, else the smallest valid value. */
export function initialValue(raw: FieldSchema): unknown {
  const s = unwrap(raw);
  if (s.default !== undefined) return JSON.parse(JSON.stringify(s.default));
  switch (kindOf(s)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) if (s.required?.includes(k)) out[k] = initialValue(v);
      return out;
    }
    case 'integer': case 'number': case 'percent': return s.minimum ?? 0;
    case 'boolean': return false;
    case 'choice': return s.enum?.[0] ?? '';
    case 'time': return '09:00';
    case 'multi-choice': case 'word-list': case 'list': return [];
    default: return '';
  }
}

/** Server problems for the field at `path` ('days', 'rules.0.min'): messages under body.value.<path>. */
export function problemsAt(details: unknown, path: string, exact = true): string[] {
  if (!Array.isArray(details)) return [];
  const want = path ? `body.value.${path}` : 'body.value';
  return details
    .filter((d: { path?: string }) => typeof d.path === 'string' && (d.path === want || (!exact && d.path.startsWith(`${want}.`))))
    .map((d: { message: string }) => d.message);
}
