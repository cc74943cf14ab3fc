/**
 * State locks: a quote, a sample or a contract cannot be created or submitted
 * before the customer's visit is verified. The lock is the definition's
 * `prerequisite.verified` rules, evaluated by core/flow; this only loads the
 * candidates and, when locked, says which action blocks and what it lacks.
 */
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { describeStatus } from '../flow/action-machine.js';
import { evaluateRules } from '../flow/evaluate-rules.js';
import type { PrerequisiteAction, RuleFailure } from '../flow/types.js';
import { loadActionRow } from './action-repo.js';
import { computeChecklist } from './checklist.js';
import type { StoredDefinition } from './definitions.js';
import { storedDraft } from './drafts.js';
import { loadPrerequisites, prerequisiteCodes, type FactsScope } from './visit-facts.js';

const EMPTY_REPORT = { fields: {}, attachments: [], linkedOrderIds: [] };

/**
 * Throws 409 ACTION_LOCKED naming every blocking prerequisite; returns when
 * none blocks. `loaded`: the candidates, when the caller's read brought them.
 */
export async function assertUnlocked(
  db: Db, def: StoredDefinition, scope: FactsScope, now: Date, loaded?: readonly PrerequisiteAction[],
): Promise<void> {
  const lockRules = def.rules.filter((r) => r.kind === 'prerequisite.verified');
  if (lockRules.length === 0) return;
  const prerequisites = loaded ?? await loadPrerequisites(db, scope, prerequisiteCodes(lockRules));
  const facts = {
    now, report: EMPTY_REPORT, recentOrderIds: [], satisfiedPrerequisites: [...prerequisites], keywordLibraries: {},
    customer: { id: scope.customerId, name: '', type: 'ka' as const, lat: null, lng: null, coordSystem: 'gcj02' as const },
  };
  const { ok, failures } = evaluateRules(facts, lockRules);
  if (ok) return;
  const blocking: Blocker[] = [];
  for (const f of failures) blocking.push(await describeBlocker(db, f, now));
  throw new AppError('ACTION_LOCKED', { definitionCode: def.code, blocking }, blocking.map((b) => b.message).join(' '));
}

interface Blocker {
  definitionCode: string;
  message: string;
  action: { id: number; title: string; status: string; statusLabel: string; assigneeName: string } | null;
  /** What the blocking action still needs, in the rep's words. */
  missing: string[];
}

async function describeBlocker(db: Db, f: RuleFailure, now: Date): Promise<Blocker> {
  const code = String(f.details?.definitionCode ?? '');
  const id = f.details?.blockingActionId;
  if (id === undefined) return { definitionCode: code, message: f.message, action: null, missing: [f.message] };
  const a = await loadActionRow(db, Number(id));
  const action = { id: a.id, title: a.title, status: a.status, statusLabel: describeStatus(a.status), assigneeName: a.assigneeName };
  const message = `${f.message}（「${a.title}」，负责人：${a.assigneeName}）`;
  return { definitionCode: code, message, action, missing: await whatItLacks(db, a, now) };
}

async function whatItLacks(db: Db, a: Awaited<ReturnType<typeof loadActionRow>>, now: Date): Promise<string[]> {
  if (a.status === 'submitted') return ['等待主管核验通过'];
  const { rows } = await db.query(
    `SELECT outcome, failures FROM submissions WHERE action_id = $1 ORDER BY id DESC LIMIT 1`, [a.id]);
  if (rows[0]?.outcome === 'rejected') return (rows[0].failures as RuleFailure[]).filter((f) => f.severity === 'error').map((f) => f.message);
  const draft = await db.query('SELECT payload FROM action_drafts WHERE action_id = $1', [a.id]);
  const items = await computeChecklist(db, a, storedDraft(draft.rows[0]?.payload), now);
  const missing = items.filter((i) => !i.satisfied).flatMap((i) => i.missing.filter((m) => m.severity === 'error').map((m) => m.message));
  if (a.status === 'rejected') missing.unshift('主管已驳回，需按驳回意见修改后重新提交');
  return [...missing, '提交后由主管核验通过'];
}
