/**
 * The heatmap as an image, rendered on the server: ECharts server-side
 * rendering to SVG (no DOM, no canvas), then resvg to PNG for places that
 * cannot show SVG (WeCom chat, Excel).
 *
 * Chinese text needs a CJK font, and a production host may have none (resvg
 * then drops every glyph it cannot find). So the PNG uses only the font we
 * ship: Noto Sans Hans (GB 2312 + Latin, OFL) from the npm package
 * @embedpdf/fonts-sc, regular and bold. The SVG names it first and common
 * CJK families after it, for browsers that show the SVG as is.
 *
 *   const svg = renderHeatmapSvg(heatmap);
 *   const { png, width, height } = renderPng(svg);   // or svgToPng(svg) for the bytes only
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import { chineseDayRange } from '../flow/time.js';
import { logger } from '../logger.js';
import type { Heatmap } from './heatmap.js';

/** What the picture, its card and its file are called: the week by its days (「12月1日—12月7日」), not an ISO week. */
export const heatmapTitle = (h: Pick<Heatmap, 'from' | 'to'>): string => `跨部门协同堵点热力图 ${chineseDayRange(h.from, h.to)}`;

/** The family name inside the shipped OTF files (name ID 16). */
export const CJK_FONT_FAMILY = 'Noto Sans S Chinese';
const FONT = `'${CJK_FONT_FAMILY}', 'Noto Sans SC', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif`;
/** PNG width for chat: sharp on phones, far below WeCom's 10 MB image limit. */
export const HEATMAP_PNG_WIDTH = 1200;

export function renderHeatmapSvg(h: Heatmap, size: { width?: number; height?: number } = {}): string {
  const rows = h.departments;
  const cols = h.topics;
  const width = size.width ?? Math.max(720, 180 + cols.length * 96);
  const height = size.height ?? Math.max(360, 170 + rows.length * 44);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    const rowIndex = new Map(rows.map((d, i) => [d.id, i]));
    const colIndex = new Map(cols.map((t, i) => [t.key, i]));
    const data = h.cells
      .filter((c) => rowIndex.has(c.departmentId) && colIndex.has(c.topicKey))
      .map((c) => [colIndex.get(c.topicKey)!, rowIndex.get(c.departmentId)!, c.count]);
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: FONT },
      title: {
        text: heatmapTitle(h),
        subtext: `日报 ${h.reportCount} 篇，写明障碍 ${h.withObstacles} 篇 · 数值 = 提及该堵点的日报篇数`,
        left: 'center', textStyle: { fontFamily: FONT, fontSize: 18 }, subtextStyle: { fontFamily: FONT, fontSize: 12 },
      },
      grid: { left: 150, right: 30, top: 80, bottom: 90 },
      xAxis: {
        type: 'category', data: cols.map((t) => wrap(t.label)), splitArea: { show: true },
        axisLabel: { fontFamily: FONT, fontSize: 11, lineHeight: 15, interval: 0 },
      },
      yAxis: {
        type: 'category', data: rows.map((d) => d.name), splitArea: { show: true }, inverse: true,
        axisLabel: { fontFamily: FONT, fontSize: 12 },
      },
      visualMap: {
        min: 0, max: Math.max(1, h.max), calculable: false, orient: 'horizontal', left: 'center', bottom: 8,
        itemHeight: 160, text: ['多', '少'], textStyle: { fontFamily: FONT }, inRange: { color: ['#fff7ec', '#fdbb84', '#e34a33', '#b30000'] },
      },
      series: [{
        type: 'heatmap', data, label: { show: true, fontFamily: FONT },
        emphasis: { itemStyle: { shadowBlur: 6, shadowColor: 'rgba(0,0,0,0.3)' } },
      }],
      graphic: cols.length === 0 ? [{
        type: 'text', left: 'center', top: 'middle', style: { text: '本周暂无日报障碍数据', fontSize: 16, fill: '#888', font: `16px ${FONT}` },
      }] : [],
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

function wrap(label: string): string {
  // long topic names on two lines under their column
  const parts = label.split(' / ');
  return parts.length > 2 ? `${parts.slice(0, 2).join(' / ')}\n${parts.slice(2).join(' / ')}` : label;
}

export function svgToPng(svg: string, width = HEATMAP_PNG_WIDTH): Buffer {
  return renderPng(svg, width).png;
}

/** The SVG as a PNG `width` pixels wide (height follows the aspect ratio), white background. */
export function renderPng(svg: string, width = HEATMAP_PNG_WIDTH): { png: Buffer; width: number; height: number } {
  const image = new Resvg(svg, { fitTo: { mode: 'width', value: width }, background: '#ffffff', font: fontOptions() }).render();
  return { png: Buffer.from(image.asPng()), width: image.width, height: image.height };
}

let shipped: string[] | null | undefined;

/** The OTF files of @embedpdf/fonts-sc, or null when the package is missing (logged once). */
export function shippedCjkFontFiles(): string[] | null {
  if (shipped !== undefined) return shipped;
  try {
    // the package exports only its JS entry; the fonts sit in ../fonts next to dist/
    const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
    const dir = path.join(path.dirname(entry), '..', 'fonts');
    const files = ['NotoSansHans-Regular.otf', 'NotoSansHans-Bold.otf'].map((f) => path.join(dir, f));
    shipped = files.every((f) => existsSync(f)) ? files : null;
  } catch {
    shipped = null;
  }
  if (!shipped) logger.warn('CJK font package @embedpdf/fonts-sc not found: heatmap PNGs fall back to system fonts (Chinese may be missing)');
  return shipped;
}

function fontOptions(): ResvgRenderOptions['font'] {
  const files = shippedCjkFontFiles();
  // system fonts are not loaded when ours are there: the PNG then looks the same on every host
  return files
    ? { loadSystemFonts: false, fontFiles: files, defaultFontFamily: CJK_FONT_FAMILY, sansSerifFamily: CJK_FONT_FAMILY }
    : { loadSystemFonts: true, defaultFontFamily: 'WenQuanYi Micro Hei' };
}
