/**
 * Keyword libraries (客户痛点、协同堵点 …) as the rule editor and the screens
 * read them. They are edited as the 'keywords.library' setting
 * (keyword-library.setting.ts), which writes them through to this table.
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { assertCan } from '../auth/permissions.js';
import { ITEM_CODE, itemCodeHint } from '../settings/define.js';

export const LibraryCodeParams = z.object({
  code: z.string().regex(ITEM_CODE, itemCodeHint('pain_points')),
});

export const KeywordLibraryViewSchema = z.object({
  code: z.string(),
  name: z.string(),
  words: z.array(z.string()),
  updatedAt: z.string(),
});
export type KeywordLibraryView = z.infer<typeof KeywordLibraryViewSchema>;

const toLibrary = (r: any): KeywordLibraryView => ({ code: r.code, name: r.name, words: r.words, updatedAt: r.updated_at.toISOString() });

export async function listKeywordLibraries(db: Db, actor: Actor): Promise<{ items: KeywordLibraryView[] }> {
  assertCan(actor, 'config', 'read');
  const { rows } = await db.query('SELECT * FROM keyword_libraries ORDER BY code');
  return { items: rows.map(toLibrary) };
}

export async function getKeywordLibraryOrThrow(db: Db, actor: Actor, code: string): Promise<KeywordLibraryView> {
  assertCan(actor, 'config', 'read');
  const { rows } = await db.query('SELECT * FROM keyword_libraries WHERE code = $1', [code]);
  if (!rows[0]) throw new AppError('CONFIG_NOT_FOUND', { type: 'keyword_library', code }, `关键词库「${code}」不存在`);
  return toLibrary(rows[0]);
}

/** A library's words (empty when there is no such library). */
export async function keywordLibrary(db: Db, code: string): Promise<string[]> {
  const { rows: [r] } = await db.query('SELECT words FROM keyword_libraries WHERE code = $1', [code]);
  return r?.words ?? [];
}
