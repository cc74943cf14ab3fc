/**
 * 'fields.required': form fields that must be filled, with light typing:
 * 'datetime_future' must lie after facts.now (a "next contact" in the past is
 * the classic way to fake a follow-up), 'date' must be a real day, 'enum' must
 * be one of the options.
 */
import { z } from 'zod';
import { chineseDateTime, parseBusinessDateTime } from '../time.js';
import type { RuleFailure } from '../types.js';
import { defineGateRule, failure, quoteList } from './rule-definition.js';

const fieldSchema = z
  .strictObject({
    key: z.string().min(1).meta({ title: '编码' }),
    label: z.string().min(1).meta({ title: '名称' }),
    type: z.enum(['text', 'datetime_future', 'date', 'enum']).optional(),
    options: z.array(z.string().min(1)).min(1).optional(),
  })
  .refine((f) => f.type !== 'enum' || f.options !== undefined, {
    message: '选项类型（enum）的字段必须提供 options',
    path: ['options'],
  });
type Field = z.output<typeof fieldSchema>;

const schema = z.strictObject({ fields: z.array(fieldSchema).min(1).meta({ title: '必填字段' }) });

function isBlank(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string') return v.trim() === '';
  return Array.isArray(v) && v.length === 0;
}

function fieldFailure(f: Field, code: string, message: string, details?: Record<string, unknown>): RuleFailure {
  return failure('fields.required', { code, target: `fields.${f.key}`, message, details: { key: f.key, ...details } });
}

function checkTyped(f: Field, value: unknown, now: Date): RuleFailure | null {
  if (f.type === 'datetime_future' || f.type === 'date') {
    const d = parseBusinessDateTime(value);
    if (!d) return fieldFailure(f, 'FIELD_INVALID_DATE', `「${f.label}」不是有效的时间，请重新选择。`);
    if (f.type === 'datetime_future' && d.getTime() <= now.getTime()) {
      return fieldFailure(f, 'FIELD_NOT_FUTURE',
        `「${f.label}」必须晚于现在（${chineseDateTime(now)}），当前填的是 ${chineseDateTime(d)}。请选择一个未来的时间。`,
        { value: d.toISOString() });
    }
    return null;
  }
  if (f.type === 'enum') {
    const values = Array.isArray(value) ? value : [value];
    if (values.every((v) => f.options!.includes(String(v)))) return null;
    return fieldFailure(f, 'FIELD_OPTION_INVALID', `「${f.label}」只能选择：${quoteList(f.options!)}。`, { value });
  }
  return null;
}

export const fieldsRequiredRule = defineGateRule({
  kind: 'fields.required',
  label: '必填字段',
  schema,
  check(facts, { fields }) {
    const failures: RuleFailure[] = [];
    for (const f of fields) {
      const value = facts.report.fields[f.key];
      const bad = isBlank(value)
        ? fieldFailure(f, 'FIELD_REQUIRED', `请填写「${f.label}」。`)
        : checkTyped(f, value, facts.now);
      if (bad) failures.push(bad);
    }
    return failures;
  },
});
