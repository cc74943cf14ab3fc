/**
 * The learned reader's teacher: the public utterance table
 * (test/fixtures/understanding/utterances.tsv), each line labelled with the
 * family of what it says. Only the public table — the held-out table and the
 * blind batches measure the model and are never read here.
 *
 *   labelOf(['stance=孙丽:反对'])              // 'stance:反对'
 *   labelOf(['change=left:刘伟', 'date=…'])   // 'change:left'
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ContactRef } from '../decision-chain.js';
import type { AskedContext } from './features.js';

export const PUBLIC_TABLE_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/understanding/utterances.tsv');

/** The table's moment, which its dates are read against: Wednesday 2026-12-09 10:00 in Shanghai. */
export const TABLE_NOW = new Date('2026-12-09T10:00:00+08:00');

/** The table's customer, a county hospital's buying centre, whose names its lines use. */
export const TABLE_CONTACTS: ContactRef[] = [
  { id: 1, name: '刘伟', department: '采购部', title: '采购经理', buyingRole: 'buyer' },
  { id: 2, name: '张杰', department: '设备科', title: '设备科主任', buyingRole: 'influencer' },
  { id: 3, name: '刘敏', department: '财务部', title: '财务总监', buyingRole: 'gatekeeper' },
  { id: 4, name: '王建国', department: '院办', title: '副院长', buyingRole: 'decider' },
  { id: 5, name: '陈静', department: '骨科', title: '护士长', buyingRole: 'user' },
  { id: 6, name: '赵磊', department: '信息科', title: '信息科工程师', buyingRole: null },
  { id: 7, name: '黄海涛', department: '检验科', title: '检验科主任', buyingRole: null },
  { id: 8, name: '孙丽', department: '药剂科', title: '药剂科主任', buyingRole: null },
  { id: 9, name: '周芳', department: '采购部', title: '采购专员', buyingRole: null },
  { id: 10, name: '马强', department: '设备科', title: '工程师', buyingRole: null },
  { id: 11, name: '吴秀兰', department: '院办', title: '院长秘书', buyingRole: null },
  { id: 12, name: '李明', department: '骨科', title: '骨科主任', buyingRole: null },
  { id: 13, name: '李娜', department: '骨科', title: '主治医生', buyingRole: null },
];

export interface TableLine {
  line: number;
  group: string;
  context: AskedContext;
  text: string;
  expected: string[];
}

export function parseUtteranceTable(tsv: string): TableLine[] {
  return tsv.split('\n').flatMap((raw, i) => {
    if (!raw.trim() || raw.startsWith('#')) return [];
    const [group, context, text, expected] = raw.split('\t');
    if (!group || !context || text === undefined || !expected) throw new Error(`utterances.tsv:${i + 1}: needs 4 tab-separated columns`);
    return [{ line: i + 1, group, context: context as AskedContext, text, expected: expected.trim().split(/\s+/) }];
  });
}

/**
 * The family a line's expectation says, most telling first: a command, a yes/no, a personnel change, a role,
 * a stance, a date, report content (pain points, obstacle terms), or nothing. Null for lines whose answer is a
 * question back (ask): that is the router's call, not a family.
 */
export function labelOf(expected: readonly string[]): string | null {
  const first = (prefix: string) => expected.find((e) => e.startsWith(prefix));
  if (expected.includes('ask')) return null;
  const cmd = first('cmd=');
  if (cmd) return `cmd:${cmd.slice(4)}`;
  if (expected.includes('yes')) return 'yes';
  if (expected.includes('no')) return 'no';
  const change = first('change=');
  if (change) return `change:${change.slice(7).split(':')[0]}`;
  const role = first('role=');
  if (role) return `role:${role.split(':').pop()}`;
  const stance = first('stance=');
  if (stance) return `stance:${stance.split(':').pop()}`;
  if (first('date=')) return 'date';
  if (expected.some((e) => e.startsWith('pain=') || e.startsWith('term='))) return 'content';
  return 'none';
}

/** The public table's lines that teach a family. */
export function publicTrainingLines(file = PUBLIC_TABLE_PATH): Array<TableLine & { label: string }> {
  return parseUtteranceTable(readFileSync(file, 'utf8')).flatMap((l) => {
    const label = labelOf(l.expected);
    return label ? [{ ...l, label }] : [];
  });
}
