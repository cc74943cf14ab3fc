/**
 * Keyword libraries (客户痛点、协同堵点 …) as settings, one per code: the
 * words 'voice.keywords.min' counts in voice transcripts and the obstacle
 * heatmap clusters by. Saved words are trimmed, deduplicated in first-seen
 * order, 1–20 characters each; the library is written through to
 * `keyword_libraries`, which the visit report's single read joins.
 */
import { z } from 'zod';
import type { Db } from '../db/pool.js';
import { DEFAULT_KEYWORD_LIBRARIES, DEFAULT_KEYWORD_LIBRARY_NAMES } from '../flow/defaults.js';
import { defineSetting, ITEM_CODE, itemCodeHint } from '../settings/define.js';

const Word = z.string().trim()
  .refine((w) => w.length > 0, '关键词不能为空')
  .refine((w) => [...w].length <= 20, '关键词不能超过20个字');

export const KeywordLibrarySchema = z.strictObject({
  name: z.string().trim().min(1, '请填写名称').max(50, '名称不能超过50个字').meta({ title: '名称' }),
  words: z.array(Word).max(2000, '关键词不能超过2000个').transform((ws) => [...new Set(ws)])
    .meta({ title: '关键词', description: '每个 1–20 个字；重复的只保留一个' }),
});
export type KeywordLibrary = z.output<typeof KeywordLibrarySchema>;

export const keywordLibrary = defineSetting({
  key: 'keywords.library',
  topic: 'keywords',
  label: '关键词库',
  help: '拜访语音纪要里要数的词（如客户痛点）和日报里归类堵点用的词。修改后，新的拜访报告和下一次热力图即按新词库计算。',
  schema: KeywordLibrarySchema,
  // the template's libraries, as core/seed/install-template.ts installs them
  default: ({ item }) => (DEFAULT_KEYWORD_LIBRARIES[item]
    ? { name: DEFAULT_KEYWORD_LIBRARY_NAMES[item], words: [...DEFAULT_KEYWORD_LIBRARIES[item]] } : undefined),
  items: {
    noun: '关键词库',
    list: async (db: Db) => (await db.query('SELECT code, name FROM keyword_libraries ORDER BY code')).rows
      .map((r) => ({ code: r.code, label: r.name })),
    create: { pattern: ITEM_CODE, hint: itemCodeHint('competitors') },
  },
  apply: async (db, value, { item }) => {
    await db.query(
      `INSERT INTO keyword_libraries (code, name, words) VALUES ($1, $2, $3)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, words = EXCLUDED.words, updated_at = now()`,
      [item, value.name, value.words]);
  },
});
