/**
 * The organisation's learned reader: the public table's model, retrained with
 * what the organisation's reps answered when the bot asked how to read them
 * (org-examples.ts), read with the thresholds of the setting 机器人理解的把握.
 *
 * - Words answered before are read at once as answered: the same phrasing —
 *   people, dates and numbers aside — is not asked again (the "memory").
 *   "都不是" is remembered too: those words are then read as nothing.
 * - Similar phrasing is read by the model once it is retrained on the examples:
 *   nightly (jobs/understanding-retrain.job.ts) and on an admin's 立即重新训练.
 *   Each retraining is timed and cross-validated and kept in understanding_trainings.
 *
 * One organisation per database; a process keeps its copy and checks that it is
 * current before reading (refreshOrgReader: at most every REFRESH_MS, at once
 * after a change made in this process), so the bot, the API and the jobs agree.
 *
 *   await refreshOrgReader(db);                 // before routing a message
 *   readForOrganisation('黄敏已经不干这行了', { now, contacts, asked: '-' });
 */
import type { Db } from '../../db/pool.js';
import { readSetting } from '../../settings/read.js';
import { crossValidate } from './cross-validation.js';
import { featuresOf, withPlaceholders, type AskedContext, type FeatureContext } from './features.js';
import { DEFAULT_THRESHOLDS, publicExamples, readWith, trainReader, warmUpLearnedReader, type LearnedReading, type LearnedThresholds } from './reader.js';
import type { Example, SoftmaxModel } from './softmax.js';
import { learnedReaderThresholds } from './thresholds.setting.js';

/** How often a process looks whether another process changed the examples, the model or the thresholds. */
export const REFRESH_MS = 5_000;
/**
 * How many times an answered example counts in training beside the ~900 public lines: once would be
 * outvoted by the table's phrasing, and the rep answered exactly this question.
 */
export const EXAMPLE_WEIGHT = 3;

interface OrgState {
  stamp: string;
  memory: Map<string, string>;
  /** The reps' answers to 这是不是『…』的问题: the words → the topic, or 'none' (都不是). */
  topics: Map<string, string>;
  thresholds: LearnedThresholds;
  /** Retrained model and the training it came from; null until the first retraining (the public model reads). */
  model: SoftmaxModel | null;
  training: number;
}

let state: OrgState = { stamp: '', memory: new Map(), topics: new Map(), thresholds: DEFAULT_THRESHOLDS, model: null, training: 0 };
const checked = new WeakMap<object, number>();
/** Bumped by every change made in this process, so the next refresh reads it whatever the clock says. */
let generation = 0;
const seen = new WeakMap<object, number>();
const stampSeen = new WeakMap<object, string>();

/** The words as remembered: the placeholder pattern without spacing or punctuation, and what was being asked. */
export function memoryKey(pattern: string, asked: AskedContext): string {
  return `${asked}|${pattern.replace(/[\s，,。．.！!？?；;、：:~～…"“”'‘’]+/g, '')}`;
}

export function patternOf(text: string, ctx: FeatureContext): string {
  return withPlaceholders(text, ctx);
}

/** Tells this process's readers that the examples, the model or the thresholds changed. */
export function orgReaderChanged(): void {
  generation++;
}

async function stampOf(db: Db): Promise<string> {
  const { rows: [r] } = await db.query(
    `SELECT current_database() AS db,
            (SELECT coalesce(max(changed_at)::text, '') FROM understanding_examples) AS examples,
            (SELECT coalesce(max(id), 0) FROM understanding_trainings) AS training,
            (SELECT coalesce(max(id), 0) FROM setting_versions WHERE key = $1) AS setting`, [learnedReaderThresholds.key]);
  return `${r.db}|${r.examples}|${r.training}|${r.setting}`;
}

interface ActiveExample { pattern: string; asked: AskedContext; label: string }

/** An answer to the topic reader's question: kept beside the reading examples, never a family the reader learns. */
export const TOPIC_LABEL = 'topic:';

/** The active examples: the reading families the reader learns, and the topic answers remembered beside them. */
async function activeExamples(db: Db): Promise<{ readings: ActiveExample[]; topics: ActiveExample[] }> {
  const { rows } = await db.query('SELECT pattern, asked, label FROM understanding_examples WHERE removed_at IS NULL ORDER BY id');
  const all = rows as ActiveExample[];
  return { readings: all.filter((e) => !e.label.startsWith(TOPIC_LABEL)), topics: all.filter((e) => e.label.startsWith(TOPIC_LABEL)) };
}

/** Training examples from the organisation's answers, each counted EXAMPLE_WEIGHT times. */
function asTraining(examples: readonly ActiveExample[], now: Date): Example[] {
  return examples.flatMap((e) => {
    const features = featuresOf(e.pattern, { now, contacts: [], asked: e.asked });
    return Array.from({ length: EXAMPLE_WEIGHT }, () => ({ label: e.label, features }));
  });
}

function memoryOf(examples: readonly ActiveExample[]): Map<string, string> {
  // the latest answer for the same words wins
  return new Map(examples.map((e) => [memoryKey(e.pattern, e.asked), e.label]));
}

/**
 * Brings this process's copy up to date with the database when it may have changed. `settingsStamp`: the
 * stamp of settings that include 机器人理解的把握 (core/settings/stamp.ts), when the caller read one — a
 * new one is a change made anywhere, read at once.
 */
export async function refreshOrgReader(db: Db, now = new Date(), settingsStamp?: string): Promise<void> {
  const last = checked.get(db) ?? 0;
  const settingsSame = settingsStamp === undefined || settingsStamp === stampSeen.get(db);
  if (seen.get(db) === generation && Date.now() - last < REFRESH_MS && settingsSame) return;
  checked.set(db, Date.now());
  seen.set(db, generation);
  if (settingsStamp !== undefined) stampSeen.set(db, settingsStamp);
  const stamp = await stampOf(db);
  if (stamp === state.stamp) return;
  // one after another: the bot reads on its turn's one connection
  const { readings: examples, topics } = await activeExamples(db);
  const thresholds = await readSetting(db, learnedReaderThresholds);
  const { rows: [run] } = await db.query('SELECT id FROM understanding_trainings ORDER BY id DESC LIMIT 1');
  const training = run ? Number(run.id) : 0;
  // another process retrained: the same examples give the same model here (training is deterministic)
  const model = training === 0 ? null : training === state.training && state.model ? state.model : trainWith(examples, now);
  state = { stamp, memory: memoryOf(examples), topics: memoryOf(topics), thresholds: asFractions(thresholds), model, training };
}

function trainWith(examples: readonly ActiveExample[], now: Date): SoftmaxModel {
  return trainReader([...publicExamples(), ...asTraining(examples, now)]);
}

export function asFractions(t: { confidencePct: number; marginPct: number; askFloorPct: number }): LearnedThresholds {
  return { confidence: t.confidencePct / 100, margin: t.marginPct / 100, askFloor: t.askFloorPct / 100 };
}

/** The thresholds in force in this process (as last refreshed). */
export function currentThresholds(): LearnedThresholds {
  return state.thresholds;
}

/** The model reading now: the organisation's retrained one, else the public table's. */
export function currentModel(): SoftmaxModel {
  return state.model ?? warmUpLearnedReader().model;
}

/**
 * How the organisation's reader reads the words: as answered before when the same phrasing was answered,
 * else by its model and thresholds.
 */
export function readForOrganisation(text: string, ctx: FeatureContext): LearnedReading {
  const remembered = state.memory.size > 0 ? state.memory.get(memoryKey(patternOf(text, ctx), ctx.asked ?? '-')) : undefined;
  if (remembered) {
    return { label: remembered, p: 1, second: null, verdict: remembered === 'none' ? 'none' : 'act', why: [{ feature: '同样的说法已由业务员回答过', weight: 1 }] };
  }
  return readWith(currentModel(), text, ctx, state.thresholds);
}

/**
 * The topic a rep gave these words when the topic reader asked (这是不是『价格偏高』的问题？ 是): the same phrasing is
 * filed under it without asking again, and 都不是 is remembered as no topic. Undefined when never answered.
 */
export function rememberedTopic(text: string, ctx: FeatureContext): string | null | undefined {
  const label = state.topics.size > 0 ? state.topics.get(memoryKey(patternOf(text, ctx), '-')) : undefined;
  return label === undefined ? undefined : label === `${TOPIC_LABEL}none` ? null : label.slice(TOPIC_LABEL.length);
}

export interface TrainingRun {
  id: number;
  trainedAt: string;
  trigger: 'nightly' | 'on_demand';
  publicLines: number;
  examples: number;
  trainMs: number;
  cvMs: number;
  /** 10-fold cross-validation over the public lines and the examples together (fractions). */
  cvAccuracy: number;
  cvActed: number;
  cvActedRight: number;
  cvAsked: number;
}

/**
 * Retrains the organisation's reader from the public table and its active examples, cross-validates it,
 * records the run and makes it the model of this process (others pick it up on their next refresh).
 */
export async function retrainOrgReader(db: Db, o: { now: Date; trigger: TrainingRun['trigger']; by?: number | null }): Promise<TrainingRun> {
  const { readings: examples } = await activeExamples(db);
  const publicLines = publicExamples();
  const t0 = performance.now();
  const all = [...publicLines, ...asTraining(examples, o.now)];
  const model = trainReader(all);
  const trainMs = Math.round(performance.now() - t0);
  const t1 = performance.now();
  // each example once in the cross-validation: its copies in one fold would read themselves
  const cv = crossValidate(10, [...publicLines, ...examples.map((e) => ({ label: e.label, features: featuresOf(e.pattern, { now: o.now, contacts: [], asked: e.asked }) }))]);
  const cvMs = Math.round(performance.now() - t1);
  const { rows: [r] } = await db.query(
    `INSERT INTO understanding_trainings (trained_at, trigger, by_user, public_lines, examples, train_ms, cv_ms, cv_accuracy, cv_acted, cv_acted_right, cv_asked)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
    [o.now, o.trigger, o.by ?? null, publicLines.length, examples.length, trainMs, cvMs, cv.accuracy, cv.acted.share, cv.acted.accuracy, cv.asked.share]);
  state = { ...state, model, training: Number(r.id), stamp: '' };
  orgReaderChanged();
  return {
    id: Number(r.id), trainedAt: o.now.toISOString(), trigger: o.trigger, publicLines: publicLines.length, examples: examples.length,
    trainMs, cvMs, cvAccuracy: cv.accuracy, cvActed: cv.acted.share, cvActedRight: cv.acted.accuracy, cvAsked: cv.asked.share,
  };
}

export async function listTrainings(db: Db, limit = 10): Promise<TrainingRun[]> {
  const { rows } = await db.query(
    `SELECT id, trained_at, trigger, public_lines, examples, train_ms, cv_ms, cv_accuracy, cv_acted, cv_acted_right, cv_asked
       FROM understanding_trainings ORDER BY id DESC LIMIT $1`, [limit]);
  return rows.map((r) => ({
    id: Number(r.id), trainedAt: (r.trained_at as Date).toISOString(), trigger: r.trigger, publicLines: r.public_lines, examples: r.examples,
    trainMs: r.train_ms, cvMs: r.cv_ms, cvAccuracy: r.cv_accuracy, cvActed: r.cv_acted, cvActedRight: r.cv_acted_right, cvAsked: r.cv_asked,
  }));
}
