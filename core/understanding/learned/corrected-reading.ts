/**
 * What a correction says the words meant, in the learned reader's families: right after the bot read
 * "杨娟对我们印象深刻" as 支持 by itself, "不对，她是反对的" says 'stance:反对'. Pure; the bot undoes the
 * wrong reading, applies this one to the words first said, and keeps them as the organisation's example.
 *
 *   correctedReading('不对，她是反对的')   // 'stance:反对'
 *   correctedReading('不是离职，是调岗')   // 'change:transferred'
 *   correctedReading('不对，是下周四')     // null: not a reading of the learned families
 */
import { ATTITUDE_LABELS, BUYING_ROLE_LABELS, BUYING_ROLE_OPTIONS } from '../../flow/buying-centre.js';
import { detectAttitude, detectRole } from '../decision-chain.js';
import { parseCorrection } from '../intents.js';

/** A personnel change named by its kind alone, as a correction names it (是调岗, 是离职了). */
const CHANGE_KIND_WORDS: Array<[string, RegExp]> = [
  ['transferred', /调岗|调走|调到|调去|转岗|换岗|换部门|换科室|调动/],
  ['left', /离职|辞职|走人|退休|不干了|走了/],
  ['joined', /新来|新任|接替|接任/],
];

export function correctedReading(text: string): string | null {
  const { isCorrection, rest, focus } = parseCorrection(text);
  if (!isCorrection || !rest) return null;
  for (const words of [focus, rest]) {
    const change = CHANGE_KIND_WORDS.find(([, re]) => re.test(words));
    if (change) return `change:${change[0]}`;
    const role = detectRole(words, BUYING_ROLE_OPTIONS);
    if (role) return `role:${BUYING_ROLE_LABELS[role.role]}`;
    const attitude = detectAttitude(words);
    if (attitude) return `stance:${ATTITUDE_LABELS[attitude]}`;
  }
  return null;
}
