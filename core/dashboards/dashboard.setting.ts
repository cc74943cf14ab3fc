/**
 * The dashboards' colour bands (水位线 and health: green, amber, red) and the
 * customer-profile key fields with their weights, as settings. Dashboards of
 * a past month read the bands in force when it ended. Changing a band
 * previews which teams' badges change colour this month.
 */
import { z } from 'zod';
import { WHOLE_COMPANY } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { defineSetting, type PreviewResult } from '../settings/define.js';
import { readSetting } from '../settings/read.js';
import { METRICS, METRIC_KEYS } from './metrics.js';
import { MetricQuery } from './schemas.js';
import { getMetricBreakdown } from './service.js';
import {
  DEFAULT_DASHBOARD_SETTINGS, ProfileFieldsSchema, STATUS_LABELS, statusOf, THRESHOLD_METRICS, ThresholdSchema,
  type DashboardSettings, type Threshold, type ThresholdMetric,
} from './settings.js';

const metricOf = (t: ThresholdMetric) => METRIC_KEYS.find((k) => METRICS[k].thresholdKey === t)!;

export const ThresholdsSchema = z.strictObject(Object.fromEntries(THRESHOLD_METRICS.map((t) => [t, ThresholdSchema.meta({
  title: METRICS[metricOf(t)].name,
  description: METRICS[metricOf(t)].higherIsBetter ? '越高越好：达到健康下限为绿色，低于预警线为红色，之间为黄色' : '越低越好：不超过健康上限为绿色，高于预警线为红色',
})])) as Record<ThresholdMetric, typeof ThresholdSchema>);
export type Thresholds = Record<ThresholdMetric, Threshold>;

// the whole company, as a director sees it: the preview compares every team
const EVERYONE = WHOLE_COMPANY;

async function previewBands(db: Db, c: { before: Thresholds; after: Thresholds; now: Date }): Promise<PreviewResult> {
  const changed = THRESHOLD_METRICS.filter((t) => JSON.stringify(c.before[t]) !== JSON.stringify(c.after[t]));
  const lines: string[] = [];
  let badges = 0;
  for (const t of changed) {
    const metric = metricOf(t);
    const r = await getMetricBreakdown(db, EVERYONE, metric, MetricQuery.parse({ groupBy: 'department' }), c.now);
    for (const row of [{ label: '全公司', value: r.value, display: r.display }, ...r.rows]) {
      const [was, will] = [statusOf(c.before[t], row.value), statusOf(c.after[t], row.value)];
      if (was === will || !was || !will) continue;
      badges++;
      lines.push(`${row.label} · ${METRICS[metric].name} ${row.display}：${STATUS_LABELS[was]} → ${STATUS_LABELS[will]}`);
    }
  }
  return { summary: `本月按新阈值有 ${badges} 个团队徽标会改变颜色（涉及 ${changed.length} 个指标）。`, lines: lines.slice(0, 20) };
}

export const dashboardBands = defineSetting({
  key: 'dashboards.thresholds',
  topic: 'dashboards',
  label: '看板水位线与健康度阈值',
  help: '每个指标什么值算健康（绿）、关注（黄）、预警（红）。过去月份的看板按当时生效的阈值着色。',
  schema: ThresholdsSchema,
  default: DEFAULT_DASHBOARD_SETTINGS.thresholds,
  preview: previewBands,
  notify: { roles: ['manager', 'director'] },
});

export const profileFields = defineSetting({
  key: 'dashboards.profile-fields',
  topic: 'dashboards',
  label: '客户资料关键字段',
  help: '客户资料完整度按这些字段及其权重计算。',
  schema: ProfileFieldsSchema,
  default: { fields: DEFAULT_DASHBOARD_SETTINGS.profileFields },
});

/** Bands and profile fields in force now, or at `at` (a past period reads those of its time). */
export async function loadDashboardSettings(db: Db, at?: Date): Promise<DashboardSettings> {
  const thresholds = await readSetting(db, dashboardBands, { at });
  const { fields } = await readSetting(db, profileFields, { at });
  return { thresholds, profileFields: fields };
}
