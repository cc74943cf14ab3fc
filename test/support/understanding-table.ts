/**
 * The public utterance table (test/fixtures/understanding/utterances.tsv) and
 * how a case is scored: core/understanding reads the text in its context, the
 * reading is written as tokens (cmd=my_tasks, date=2026-12-10 15:00,
 * role=刘伟:决策者 …), and the case passes when every expected token is read
 * and no other decisive token (a command, a date, a role, a stance, a change,
 * a question back, "none") is. Used by the unit test and by
 * `npm run bench -- understanding`, so both count the same way.
 *
 *   const { cases } = loadUtteranceTable();
 *   const r = scoreCase(cases[0]);   // { pass, got, missing, extra }
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ATTITUDE_LABELS, BUYING_ROLE_LABELS } from '../../core/flow/buying-centre.js';
import { DEFAULT_OBSTACLE_KEYWORDS, DEFAULT_PAIN_POINT_KEYWORDS } from '../../core/flow/defaults.js';
import { formatShanghai } from '../../core/flow/time.js';
import { prepareObstacleDictionary, termsOf } from '../../core/obstacles/terms.js';
import { chainStatements, isSureMatch, type ContactRef, type PersonMention } from '../../core/understanding/decision-chain.js';
import { DEFAULT_OBSTACLE_TOPICS, phrasingsOf } from '../../core/understanding/topics/obstacle-topics.setting.js';
import { topicMatcherFor } from '../../core/flow/topic-phrasings.js';
import { topicGuesserFor } from '../../core/understanding/topics/read-topics.js';
import { DEFAULT_UNDERSTANDING_FIELDS, understand, type UnderstandContext } from '../../core/understanding/understand.js';
import { parseUtteranceTable, TABLE_CONTACTS as CONTACTS, TABLE_NOW, type TableLine } from '../../core/understanding/learned/training-set.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const TABLE_PATH = path.join(HERE, '../fixtures/understanding/utterances.tsv');

export { CONTACTS, TABLE_NOW };

export type UtteranceCase = TableLine;
export { parseUtteranceTable };

export function loadUtteranceTable(file = TABLE_PATH): { cases: UtteranceCase[] } {
  return { cases: parseUtteranceTable(readFileSync(file, 'utf8')) };
}

/** Tokens that say what the message IS: read exactly, nothing more. The others (pain, term, correction) must be among what is read. */
const DECISIVE = /^(cmd|date|role|stance|change|stage|ask|none|yes|no)\b/;

let prepared = false;
const TOPICS = { ...DEFAULT_OBSTACLE_TOPICS, phrasings: phrasingsOf(DEFAULT_OBSTACLE_TOPICS) };
const matchPainPoints = topicMatcherFor(DEFAULT_PAIN_POINT_KEYWORDS, TOPICS.phrasings);
const guesser = topicGuesserFor(DEFAULT_PAIN_POINT_KEYWORDS, TOPICS);
const guessTopic = (text: string) => guesser(text, { now: TABLE_NOW, contacts: CONTACTS });

function contextOf(c: UtteranceCase): UnderstandContext {
  return {
    now: TABLE_NOW, contacts: CONTACTS, fields: DEFAULT_UNDERSTANDING_FIELDS, photoTags: ['门头照', '合影', '陈列照'], matchPainPoints, guessTopic,
    ...(c.context === 'next' ? { pendingSlot: 'fields.nextContactAt' } : {}),
    ...(c.context === 'role' ? { pendingSlot: 'fields.decisionRole' } : {}),
    ...(c.context === 'fixed' ? { lastFilled: 'fields.nextContactAt' } : {}),
    ...(c.context === 'yesno' ? { awaitingYesNo: true } : {}),
  };
}

/** How the bot would treat the person: recorded (name), asked about (?mention), offered to create (+name), nobody (-). */
export function whoToken(p: PersonMention | null | undefined): string {
  if (!p) return '-';
  if (isSureMatch(p)) return p.candidates[0].name;
  if (p.match === 'none' && p.fullName) return `+${p.fullName}`;
  if (p.candidates.length > 0) return `?${p.mention}`;
  return `+${p.fullName ?? p.mention}`;
}

/** What core/understanding reads from one case, as tokens. */
export function readTokens(c: UtteranceCase): string[] {
  if (!prepared) { prepareObstacleDictionary([...DEFAULT_PAIN_POINT_KEYWORDS, ...DEFAULT_OBSTACLE_KEYWORDS]); prepared = true; }
  const ctx = contextOf(c);
  const u = understand(c.text, ctx);
  const best = u.intent.best;
  if (u.intent.clarify) return ['ask'];
  if (best?.kind === 'command') return [`cmd=${best.command}`];
  if (best?.kind === 'yes' || best?.kind === 'no') return [best.kind];
  if (best?.kind === 'noise') return ['none'];
  const out: string[] = [];
  const next = u.slots.fields.find((f) => f.key === 'nextContactAt');
  if (next) out.push(`date=${formatShanghai(new Date(next.value)).replace(' ', 'T')}`);
  const label = u.slots.fields.find((f) => f.key === 'decisionRole')?.value
    ?? (u.slots.role ? BUYING_ROLE_LABELS[u.slots.role.role] : null);
  if (label) out.push(`role=${whoToken(u.slots.person)}:${label}`);
  for (const s of u.slots.otherRoles ?? []) out.push(`role=${whoToken(s.person)}:${BUYING_ROLE_LABELS[s.role.role]}`);
  if (!label) {
    for (const s of chainStatements(c.text, CONTACTS, []).filter((x) => !x.role && x.attitude)) {
      out.push(`stance=${whoToken(s.person)}:${ATTITUDE_LABELS[s.attitude!]}`);
    }
    // a stance the learned reader named, its person found by contact resolution
    const learned = u.slots.attitude && u.slots.person ? `stance=${whoToken(u.slots.person)}:${ATTITUDE_LABELS[u.slots.attitude]}` : null;
    if (learned && !out.includes(learned)) out.push(learned);
  }
  for (const ch of u.changes) {
    const replaced = ch.kind === 'joined' && ch.replaces ? `<${whoToken(ch.replaces)}` : '';
    out.push(`change=${ch.kind}:${whoToken(ch.person)}${replaced}${ch.dateSaid ? `@${ch.occurredLabel ? '~' : ''}${ch.occurredOn}` : ''}`);
  }
  // a time said loosely (这两天, 节后): the day is asked, with the days it may mean
  if (u.slots.vagueDate && !next) out.push('ask');
  if (u.slots.correction) out.push('correction');
  for (const p of u.slots.painPoints) out.push(`pain=${p}`);
  for (const t of termsOf(c.text)) out.push(`term=${t}`);
  if (!out.some((t) => DECISIVE.test(t) || t.startsWith('pain='))) out.push('none');
  return out;
}

export interface CaseResult {
  case: UtteranceCase;
  pass: boolean;
  got: string[];
  missing: string[];
  extra: string[];
}

export function scoreCase(c: UtteranceCase): CaseResult {
  const got = readTokens(c);
  const missing = c.expected.filter((e) => (e.startsWith('!') ? got.includes(e.slice(1)) : !got.includes(e)));
  const extra = got.filter((g) => DECISIVE.test(g) && !c.expected.includes(g));
  return { case: c, pass: missing.length === 0 && extra.length === 0, got, missing, extra };
}

export interface TableScore {
  total: number;
  passed: number;
  byGroup: Record<string, { total: number; passed: number }>;
  failures: CaseResult[];
}

export function scoreTable(cases: readonly UtteranceCase[]): TableScore {
  const byGroup: TableScore['byGroup'] = {};
  const failures: CaseResult[] = [];
  let passed = 0;
  for (const c of cases) {
    const r = scoreCase(c);
    const g = (byGroup[c.group] ??= { total: 0, passed: 0 });
    g.total++;
    if (r.pass) { g.passed++; passed++; } else failures.push(r);
  }
  return { total: cases.length, passed, byGroup, failures };
}

export function describeFailure(r: CaseResult): string {
  return `line ${r.case.line} [${r.case.group}/${r.case.context}] “${r.case.text}”: expected ${r.case.expected.join(' ')}; read ${r.got.join(' ')}`;
}
