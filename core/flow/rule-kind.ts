/**
 * One vocabulary for every kind of rule the product enforces. There are three
 * families, each one folder with one file per kind (`<kind>.rule.ts`) and a
 * registry (`index.ts`) keyed by kind, so forgetting a kind is a compile error:
 *
 * | family       | folder              | decides                                   | check(facts, params) returns      |
 * |--------------|---------------------|-------------------------------------------|-----------------------------------|
 * | gate rules   | core/flow/rules/    | what a submission or step must satisfy    | every failure (RuleFailure[])     |
 * | alert rules  | core/alerts/rules/  | what the detection jobs warn about        | the alert for a candidate, or null|
 * | signal rules | core/scoring/rules/ | what moves a win score                    | the signal for a subject, or null |
 *
 * Every kind has the same shape: a `kind` code, a Chinese `label` admins see,
 * a zod `schema` for the params an admin sets (validated wherever params
 * enter: settings, rules JSON, jobs), and one PURE `check` — no database,
 * no clock, no WeCom: the facts it needs are loaded before (by one query, or
 * by SQL that only selects candidates) and passed in, so a rule's tests are
 * plain function calls.
 *
 *   export const silenceRule = defineAlertRule({
 *     kind: 'silence', label: '客户沉默', schema: SilenceParamsSchema,
 *     check: ({ row, now }, { days }) => ({ dedupeKey: `silence:${row.customerId}:…`, severity: …, title: … }),
 *   });
 *
 * A new kind is a new file, a line in its family's registry, and its tests.
 */
import type { z } from 'zod';

export interface RuleKindDefinition<K extends string, S extends z.ZodObject, Facts, Outcome> {
  kind: K;
  /** What admins and cards call the kind, e.g. '客户沉默', '附件数量'. */
  label: string;
  /** The params an admin sets; `kind` and the family's common keys are added by the registry. */
  schema: S;
  /** Pure: the outcome for these facts under these params. */
  check(facts: Facts, params: z.output<S>): Outcome;
}

export type ParsedParams<P> = { ok: true; params: P } | { ok: false; issues: Array<{ path: string; message: string }> };

/**
 * A kind's params checked by its schema, the same way in every family:
 * unknown kinds and invalid params come back as issues with paths, never thrown.
 *
 *   const r = parseRuleParams(ALERT_RULES, 'silence', { days: 10, recipients: ['owner'] });
 */
export function parseRuleParams(
  registry: Readonly<Record<string, { schema: z.ZodObject }>>, kind: string, params: unknown, path = 'params',
): ParsedParams<Record<string, unknown>> {
  const rule = Object.hasOwn(registry, kind) ? registry[kind] : undefined;
  if (!rule) return { ok: false, issues: [{ path: 'kind', message: `未知的规则类型「${kind}」，可选：${Object.keys(registry).join('、') || '（无）'}` }] };
  const r = rule.schema.safeParse(params);
  if (r.success) return { ok: true, params: r.data as Record<string, unknown> };
  return { ok: false, issues: r.error.issues.map((i) => ({ path: [path, ...i.path.map(String)].join('.'), message: i.message })) };
}
