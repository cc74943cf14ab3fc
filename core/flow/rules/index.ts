/**
 * The rule registry and the JSON shape admins store per action definition:
 * `{ kind, ...params, id?, severity?, mode? }`. GATE_RULES is keyed by GateRuleKind, so adding
 * a kind to types.ts without a rule file is a compile error.
 *
 *   const parsed = parseRuleSet(json);
 *   if (parsed.ok) evaluateRules(facts, parsed.rules);
 */
import { z } from 'zod';
import type { GateRuleKind } from '../types.js';
import { attachmentsMinRule } from './attachments-min.rule.js';
import { checkinPlausibleRule } from './checkin-plausible.rule.js';
import { checklistCompleteRule } from './checklist-complete.rule.js';
import { fieldsRequiredRule } from './fields-required.rule.js';
import { geofenceWithinKmRule } from './geofence-within-km.rule.js';
import { followupEvidenceRule } from './followup-evidence.rule.js';
import { ordersLinkedRule } from './orders-linked.rule.js';
import { photoCameraRule } from './photo-camera.rule.js';
import { photoCapturedWithinRule } from './photo-captured-within.rule.js';
import { photoLocatedRule } from './photo-located.rule.js';
import { photoUniqueRule } from './photo-unique.rule.js';
import { prerequisiteVerifiedRule } from './prerequisite-verified.rule.js';
import { RULE_MODES, type GateRuleDefinition } from './rule-definition.js';
import { voiceKeywordsMinRule } from './voice-keywords-min.rule.js';
import { voiceSpeechRule } from './voice-speech.rule.js';

export type { GateRuleDefinition } from './rule-definition.js';

export const GATE_RULES = {
  'attachments.min': attachmentsMinRule,
  'fields.required': fieldsRequiredRule,
  'orders.linked': ordersLinkedRule,
  'geofence.within_km': geofenceWithinKmRule,
  'voice.keywords.min': voiceKeywordsMinRule,
  'photo.captured_within': photoCapturedWithinRule,
  'checklist.complete': checklistCompleteRule,
  'prerequisite.verified': prerequisiteVerifiedRule,
  'photo.located': photoLocatedRule,
  'photo.unique': photoUniqueRule,
  'photo.camera': photoCameraRule,
  'checkin.plausible': checkinPlausibleRule,
  'voice.speech': voiceSpeechRule,
  'followup.evidence': followupEvidenceRule,
} satisfies { [K in GateRuleKind]: GateRuleDefinition<K, z.ZodObject> };

const common = {
  id: z.string().min(1).optional().meta({ title: '规则编号' }),
  /** 'warning' demotes every failure of the rule; 'error' keeps each check's own severity. */
  severity: z.enum(['error', 'warning']).optional().meta({ title: '未满足时', labels: { error: '不通过', warning: '仅提醒' } }),
  /** block / review / off (rule-definition.ts RULE_MODES); wins over `severity` when both are given. */
  mode: z.enum(RULE_MODES).optional().meta({ title: '核验方式', labels: { block: '拦截', review: '转主管复核', off: '关闭' } }),
};

type ConfigShape<K extends GateRuleKind, S extends z.ZodObject> = S['shape'] & { kind: z.ZodLiteral<K> } & typeof common;

function configOf<K extends GateRuleKind, S extends z.ZodObject>(rule: GateRuleDefinition<K, S>): z.ZodObject<ConfigShape<K, S>, z.core.$strict> {
  const clash = ['kind', 'id', 'severity', 'mode'].filter((k) => k in rule.schema.shape);
  if (clash.length > 0) throw new Error(`rule ${rule.kind}: params may not be named ${clash.join(', ')}`);
  // the cast restates what extend() builds; TS cannot follow extend() through a generic S
  return rule.schema.extend({ kind: z.literal(rule.kind), ...common }) as never;
}

export const RuleConfigSchema = z.discriminatedUnion(
  'kind',
  [
    configOf(GATE_RULES['attachments.min']),
    configOf(GATE_RULES['fields.required']),
    configOf(GATE_RULES['orders.linked']),
    configOf(GATE_RULES['geofence.within_km']),
    configOf(GATE_RULES['voice.keywords.min']),
    configOf(GATE_RULES['photo.captured_within']),
    configOf(GATE_RULES['checklist.complete']),
    configOf(GATE_RULES['prerequisite.verified']),
    configOf(GATE_RULES['photo.located']),
    configOf(GATE_RULES['photo.unique']),
    configOf(GATE_RULES['photo.camera']),
    configOf(GATE_RULES['checkin.plausible']),
    configOf(GATE_RULES['voice.speech']),
    configOf(GATE_RULES['followup.evidence']),
  ],
  { error: (iss) => (iss.code === 'invalid_union' ? `未知的规则类型，可选：${Object.keys(GATE_RULES).join('、')}` : undefined) },
);
export type GateRuleConfig = z.output<typeof RuleConfigSchema>;
export type GateRuleConfigOf<K extends GateRuleKind> = Extract<GateRuleConfig, { kind: K }>;

// the union above must cover exactly GateRuleKind; this line stops compiling otherwise
const _everyKindConfigurable: [GateRuleKind] extends [GateRuleConfig['kind']] ? true : never = true;
void _everyKindConfigurable;

export const RuleSetSchema = z.array(RuleConfigSchema);

export interface RuleSetIssue {
  /** e.g. 'rules[0].min'; 'rules' for the set itself. */
  path: string;
  message: string;
}

export type ParsedRuleSet = { ok: true; rules: GateRuleConfig[] } | { ok: false; issues: RuleSetIssue[] };

const zhErrors = z.locales.zhCN().localeError;

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : `${acc}.${String(seg)}`), 'rules');
}

/**
 * Validates a rule set from admin JSON (string or already-parsed), with
 * Chinese messages. Zod is scoped to this call so other modules keep their locale.
 */
export function parseRuleSet(json: unknown): ParsedRuleSet {
  let data = json;
  if (typeof json === 'string') {
    try {
      data = JSON.parse(json);
    } catch {
      return { ok: false, issues: [{ path: 'rules', message: '规则配置不是合法的 JSON' }] };
    }
  }
  const r = RuleSetSchema.safeParse(data, { error: zhErrors });
  if (r.success) return { ok: true, rules: r.data };
  return { ok: false, issues: r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })) };
}
