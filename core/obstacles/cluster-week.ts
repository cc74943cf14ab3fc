/**
 * A week's 今日关键障碍 texts → topics: segmentation (with the keyword
 * libraries' words kept whole) and co-occurrence clustering. A function of
 * its input alone, so the API runs it in a heavy-work thread (core/heavy task
 * 'obstacles.cluster') and a job may run it where it is.
 */
import { clusterObstacles, type ClusterOptions, type ObstacleTopic } from './cluster.js';
import { topicMatcherFor, type TopicPhrasings } from '../flow/topic-phrasings.js';
import { isKnownTerm, isNoObstacle, prepareObstacleDictionary, termsOfMany } from './terms.js';

/** `topics`: the 客户痛点 words and their phrasings (痛点话题的说法): a report saying 太贵了 meets one saying 价格偏高 on 价格偏高. */
export interface WeekTexts { words: string[]; reports: Array<{ id: number; obstacles: string }>; topics?: { words: string[]; phrasings: TopicPhrasings } }
export interface WeekTopics { topics: ObstacleTopic[]; withObstacles: number }
/** How a week is clustered: in this thread (clusterWeek), or handed to a worker. */
export type ClusterWeek = (input: WeekTexts) => Promise<WeekTopics>;

/** Clusters a set of reports (segmentation + co-occurrence topics). */
export function clusterReports(reports: WeekTexts['reports'], options?: ClusterOptions, topics?: WeekTexts['topics']): WeekTopics {
  const said = reports.filter((r) => !isNoObstacle(r.obstacles));
  const terms = termsOfMany(said.map((r) => r.obstacles));
  const named = topics ? topicMatcherFor(topics.words, topics.phrasings) : null;
  const docs = said.map((r, i) => ({ id: r.id, terms: named ? [...new Set([...terms[i], ...named(r.obstacles)])] : terms[i] }));
  return { topics: clusterObstacles(docs, { keepSingleton: isKnownTerm, ...options }).topics, withObstacles: said.length };
}

export function clusterWeek({ words, reports, topics }: WeekTexts): WeekTopics {
  prepareObstacleDictionary(words);
  return clusterReports(reports, undefined, topics);
}

export const clusterWeekHere: ClusterWeek = async (input) => clusterWeek(input);
