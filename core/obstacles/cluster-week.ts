/**
 * A week's 今日关键障碍 texts → topics: segmentation (with the keyword
 * libraries' words kept whole) and co-occurrence clustering. A function of
 * its input alone, so the API runs it in a heavy-work thread (core/heavy task
 * 'obstacles.cluster') and a job may run it where it is.
 */
import { clusterObstacles, type ClusterOptions, type ObstacleTopic } from './cluster.js';
import { isKnownTerm, isNoObstacle, prepareObstacleDictionary, termsOfMany } from './terms.js';

export interface WeekTexts { words: string[]; reports: Array<{ id: number; obstacles: string }> }
export interface WeekTopics { topics: ObstacleTopic[]; withObstacles: number }
/** How a week is clustered: in this thread (clusterWeek), or handed to a worker. */
export type ClusterWeek = (input: WeekTexts) => Promise<WeekTopics>;

/** Clusters a set of reports (segmentation + co-occurrence topics). */
export function clusterReports(reports: WeekTexts['reports'], options?: ClusterOptions): WeekTopics {
  const said = reports.filter((r) => !isNoObstacle(r.obstacles));
  const terms = termsOfMany(said.map((r) => r.obstacles));
  const docs = said.map((r, i) => ({ id: r.id, terms: terms[i] }));
  return { topics: clusterObstacles(docs, { keepSingleton: isKnownTerm, ...options }).topics, withObstacles: said.length };
}

export function clusterWeek({ words, reports }: WeekTexts): WeekTopics {
  prepareObstacleDictionary(words);
  return clusterReports(reports);
}

export const clusterWeekHere: ClusterWeek = async (input) => clusterWeek(input);
