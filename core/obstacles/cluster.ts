/**
 * Groups recurring obstacles into topics by keyword co-occurrence. Pure: it
 * takes each report's terms (terms.ts) and returns topics with their reports.
 *
 *   1. Candidate terms: in at least `minSupport` reports and at most
 *      `maxDocShare` of them (too common to tell topics apart).
 *   2. Co-occurrence of candidate pairs within a report; association is the
 *      Jaccard index co(a,b) / (df(a) + df(b) − co(a,b)).
 *   3. Greedy leader clustering, most frequent term first: a term joins the
 *      topic it is most associated with (≥ minJaccard with some member and
 *      ≥ minJaccard/2 with the topic's leader, which keeps topics from
 *      chaining), else it leads a new topic.
 *   4. A report mentions every topic one of its candidate terms belongs to.
 *      A topic is named by its 2–3 most frequent keywords; its key is its
 *      leader, stable for a given week.
 *
 *   const { topics } = clusterObstacles([{ id: 1, terms: ['耗材编码', '医保备案'] }, …]);
 */

export interface ObstacleDoc {
  id: number;
  terms: string[];
}

export interface ObstacleTopic {
  key: string;
  label: string;
  /** Most frequent first. */
  keywords: string[];
  /** Reports mentioning the topic, ascending. */
  docIds: number[];
}

export interface ClusterOptions {
  /** Minimum reports a term must appear in (default: max(2, 0.1% of the reports)). */
  minSupport?: number;
  maxDocShare?: number;
  minJaccard?: number;
  /** Terms per report considered for pairs (the most frequent ones). */
  maxTermsPerDoc?: number;
  maxKeywordsPerTopic?: number;
  /**
   * Whether a one-keyword topic is kept. Default: all. The heatmap keeps only
   * known obstacle terms, so a customer's name or a filler word repeated across
   * reports (co-occurring with nothing in particular) is not a 堵点.
   */
  keepSingleton?: (term: string) => boolean;
}

export interface ClusterResult {
  topics: ObstacleTopic[];
  /** Reports with at least one term. */
  clustered: number;
  /** Candidate terms after the support filters. */
  vocabulary: number;
}

export function clusterObstacles(docs: ObstacleDoc[], options: ClusterOptions = {}): ClusterResult {
  const n = docs.length;
  const minSupport = options.minSupport ?? Math.max(2, Math.ceil(n * 0.001));
  const maxDocShare = options.maxDocShare ?? 0.5;
  const minJaccard = options.minJaccard ?? 0.2;
  const maxTerms = options.maxTermsPerDoc ?? 8;
  const maxKeywords = options.maxKeywordsPerTopic ?? 8;

  // 1. document frequency → candidate vocabulary (ids by df desc, then term)
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set(d.terms)) df.set(t, (df.get(t) ?? 0) + 1);
  const maxDf = Math.max(minSupport, Math.floor(n * maxDocShare));
  const vocab = [...df.entries()].filter(([, c]) => c >= minSupport && c <= maxDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([t]) => t);
  const idOf = new Map(vocab.map((t, i) => [t, i]));
  const V = vocab.length;
  const dfv = vocab.map((t) => df.get(t)!);

  // 2. each report's candidate ids (lower id = more frequent), pair counts
  const docTerms: Int32Array[] = docs.map((d) => {
    const ids = [...new Set(d.terms)].map((t) => idOf.get(t)).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
    return Int32Array.from(ids.slice(0, maxTerms));
  });
  const co = new Map<number, number>();
  for (const ids of docTerms) {
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const k = ids[i] * V + ids[j];
        co.set(k, (co.get(k) ?? 0) + 1);
      }
    }
  }
  const jaccard = (a: number, b: number): number => {
    const k = a < b ? a * V + b : b * V + a;
    const c = co.get(k) ?? 0;
    return c === 0 ? 0 : c / (dfv[a] + dfv[b] - c);
  };
  // neighbours per term, so joining a topic looks only at terms it co-occurs with
  const neighbours: number[][] = Array.from({ length: V }, () => []);
  for (const k of co.keys()) {
    const a = Math.floor(k / V);
    const b = k % V;
    neighbours[a].push(b);
    neighbours[b].push(a);
  }

  // 3. greedy leader clustering
  const topicOf = new Int32Array(V).fill(-1);
  const topics: Array<{ leader: number; members: number[] }> = [];
  for (let t = 0; t < V; t++) {
    let best = -1;
    let bestScore = 0;
    for (const m of neighbours[t]) {
      const tp = topicOf[m];
      if (tp < 0) continue;
      const s = jaccard(t, m);
      if (s >= minJaccard && s > bestScore && jaccard(t, topics[tp].leader) >= minJaccard / 2) {
        best = tp;
        bestScore = s;
      }
    }
    if (best >= 0) {
      topicOf[t] = best;
      topics[best].members.push(t);
    } else {
      topicOf[t] = topics.length;
      topics.push({ leader: t, members: [t] });
    }
  }

  // 4. reports per topic
  const docsOf: number[][] = topics.map(() => []);
  let clustered = 0; // reports with a candidate term (before dropping singletons)
  docs.forEach((d, i) => {
    const seen = new Set<number>();
    for (const t of docTerms[i]) seen.add(topicOf[t]);
    // terms beyond maxTerms still mark their topic
    for (const term of d.terms) {
      const id = idOf.get(term);
      if (id !== undefined) seen.add(topicOf[id]);
    }
    if (seen.size) clustered++;
    for (const tp of seen) docsOf[tp].push(d.id);
  });

  const keep = options.keepSingleton ?? (() => true);
  const out: ObstacleTopic[] = topics.map((tp, i) => {
    const keywords = tp.members.map((m) => vocab[m]).slice(0, maxKeywords);
    return { key: vocab[tp.leader], label: keywords.slice(0, 3).join(' / '), keywords, docIds: docsOf[i].sort((a, b) => a - b) };
  }).filter((t) => t.keywords.length > 1 || keep(t.key)).sort((a, b) => b.docIds.length - a.docIds.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { topics: out, clustered, vocabulary: V };
}
