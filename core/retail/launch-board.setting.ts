/**
 * The numbers the 新品上架看板 judges launches by: how close to its deadline
 * an unfinished step counts as 即将逾期, and where the on-time rate turns from
 * 健康 to 关注 to 预警. The deadlines themselves are the 新品上架 process
 * template's (working days from the launch date), edited there.
 */
import { z } from 'zod';
import { WHOLE_COMPANY, type Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { defineSetting, type PreviewResult, type SettingContext } from '../settings/define.js';
import { wholeBetween } from '../settings/fields.js';
import { readSetting } from '../settings/read.js';
import { buildLaunchBoard, type LaunchBoard, type LaunchBoardQuery } from './launch-board.js';
import { boardStoresTable, listBoardStores, type BoardStoresFilter, type BoardStoresPage, type BoardStoresQuery } from './launch-board-stores.js';

export const launchBoardSchema = z.strictObject({
  dueSoonHours: wholeBetween(1, 168, { title: '即将逾期提前量', unit: '小时', description: '未完成的步骤离截止不到这么多小时，看板标为“即将逾期”' }),
  onTimeGood: wholeBetween(0, 100, { title: '按时完成率·健康（不低于）', unit: '%' }),
  onTimeWarn: wholeBetween(0, 100, { title: '按时完成率·预警（低于）', unit: '%', description: '介于两者之间为“关注”' }),
}).superRefine((v, ctx) => {
  if (v.onTimeGood <= v.onTimeWarn) ctx.addIssue({ code: 'custom', path: ['onTimeGood'], message: '“健康”的下限应高于“预警”线' });
});
export type LaunchBoardSettings = z.output<typeof launchBoardSchema>;

export const launchBoardSettings = defineSetting({
  key: 'retail.launch-board',
  topic: 'retail',
  label: '新品上架看板',
  help: '新品上架各步骤离截止多近算“即将逾期”，以及按时完成率什么值算健康、关注、预警。',
  schema: launchBoardSchema,
  default: { dueSoonHours: 24, onTimeGood: 90, onTimeWarn: 70 },
  preview: previewLaunchBoard,
});

/** The whole company's board today: which regions' colours and how many 即将逾期 steps the change would move. */
async function previewLaunchBoard(db: Db, c: SettingContext & { before: LaunchBoardSettings; after: LaunchBoardSettings }): Promise<PreviewResult> {
  const [before, after] = await Promise.all([c.before, c.after].map((s) => buildLaunchBoard(db, WHOLE_COMPANY, {}, c.now, s)));
  const lines: string[] = [];
  for (const [i, launch] of after.launches.entries()) {
    for (const [j, region] of launch.regions.entries()) {
      const was = before.launches[i]?.regions[j];
      if (was && was.onTime.statusLabel !== region.onTime.statusLabel) {
        lines.push(`${launch.product.name} · ${region.name} 按时完成率 ${region.onTime.display}：${was.onTime.statusLabel ?? '—'} → ${region.onTime.statusLabel ?? '—'}`);
      }
    }
  }
  const soon = (b: LaunchBoard) => b.launches.reduce((n, l) => n + l.total.dueSoon, 0);
  return {
    summary: `按新设置，${lines.length} 个区域的按时完成率颜色会改变；即将逾期的步骤 ${soon(before)} → ${soon(after)} 个。`,
    lines: lines.slice(0, 20),
  };
}

/** The board for the actor, judged by the setting in force. */
export async function launchBoard(db: Db, actor: Actor, q: LaunchBoardQuery, now: Date): Promise<LaunchBoard> {
  return buildLaunchBoard(db, actor, q, now, await readSetting(db, launchBoardSettings));
}

/** A page of the board's stores, judged by the setting in force. */
export async function launchBoardStores(db: Db, actor: Actor, q: BoardStoresQuery, now: Date): Promise<BoardStoresPage> {
  return listBoardStores(db, actor, q, now, await readSetting(db, launchBoardSettings));
}

/** Every store of the board under the filters, as the export's table. */
export async function launchBoardStoresTable(db: Db, actor: Actor, q: BoardStoresFilter, now: Date) {
  return boardStoresTable(db, actor, q, now, await readSetting(db, launchBoardSettings));
}
