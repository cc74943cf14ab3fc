/**
 * Command words typed with another character of the same sound, the usual
 * slip of a pinyin keyboard: 我的任物 → 我的任务, 写日保 → 写日报, 看看我的商几
 * → 看看我的商机. Only a slip is fixed: a window that is a word of its own
 * (人物, 帮主) is left as typed.
 *
 *   fixCommandTypos('写日保') // '写日报'
 */
import { pinyin } from 'pinyin-pro';
import { isDictionaryWord } from '../flow/segmenter.js';

/** The words commands are made of (intents.ts, intent-router.ts). */
const COMMAND_WORDS = ['任务', '待办', '商机', '单子', '日报', '拜访', '撤销', '撤回', '跳过', '提交', '取消', '帮助', '菜单', '还差', '哪些', '什么'];

const syllables = (s: string) => pinyin(s, { toneType: 'none', type: 'array' });
const BY_SOUND = new Map(COMMAND_WORDS.map((w) => [syllables(w).join(' '), w]));

export function fixCommandTypos(text: string): string {
  const sounds = syllables(text);
  // pinyin-pro gives one syllable per character for Chinese; anything else (latin, digits) and the text is left alone
  if (sounds.length !== text.length) return text;
  let out = text;
  for (let i = 0; i + 2 <= text.length; i++) {
    const word = BY_SOUND.get(`${sounds[i]} ${sounds[i + 1]}`);
    const typed = text.slice(i, i + 2);
    if (!word || word === typed || isDictionaryWord(typed)) continue;
    out = out.slice(0, i) + word + out.slice(i + 2);
    i++;
  }
  return out;
}
