/**
 * Keyword libraries (客户痛点、协同堵点 …) that 'voice.keywords.min' counts in
 * voice transcripts. A PUT replaces the word list: trimmed, deduplicated in
 * first-seen order, 1–20 characters each.
 *
 *   await putKeywordLibrary(tx, admin, 'pain_points', { words: ['价格偏高', '账期'] });
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { assertMayChangeConfig, assertMayReadConfig, recordConfigChange } from './change-log.js';

export const LibraryCodeParams = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, '编码只能包含小写字母、数字和下划线'),
});

const Word = z.string().trim()
  .refine((w) => w.length > 0, '关键词不能为空')
  .refine((w) => [...w].length <= 20, '关键词不能超过20个字');

export const PutKeywordLibrarySchema = z.strictObject({
  /** Required when creating a library; kept when omitted. */
  name: z.string().trim().min(1).max(50).optional(),
  words: z.array(Word).max(2000, '关键词不能超过2000个').transform((ws) => [...new Set(ws)]),
});
export type PutKeywordLibrary = z.output<typeof PutKeywordLibrarySchema>;

export const KeywordLibrarySchema = z.object({
  code: z.string(),
  name: z.string(),
  words: z.array(z.string()),
  updatedAt: z.string(),
});
export type KeywordLibrary = z.infer<typeof KeywordLibrarySchema>;

const toLibrary = (r: any): KeywordLibrary => ({ code: r.code, name: r.name, words: r.words, updatedAt: r.updated_at.toISOString() });

export async function listKeywordLibraries(db: Db, actor: Actor): Promise<{ items: KeywordLibrary[] }> {
  assertMayReadConfig(actor);
  const { rows } = await db.query('SELECT * FROM keyword_libraries ORDER BY code');
  return { items: rows.map(toLibrary) };
}

export async function getKeywordLibraryOrThrow(db: Db, actor: Actor, code: string): Promise<KeywordLibrary> {
  assertMayReadConfig(actor);
  const { rows } = await db.query('SELECT * FROM keyword_libraries WHERE code = $1', [code]);
  if (!rows[0]) throw new AppError('CONFIG_NOT_FOUND', { type: 'keyword_library', code }, `关键词库「${code}」不存在`);
  return toLibrary(rows[0]);
}

export async function putKeywordLibrary(db: Db, actor: Actor, code: string, input: PutKeywordLibrary): Promise<KeywordLibrary> {
  assertMayChangeConfig(actor);
  const { rows: [before] } = await db.query('SELECT * FROM keyword_libraries WHERE code = $1 FOR UPDATE', [code]);
  if (!before) {
    assertMayChangeConfig(actor, true);
    if (!input.name) throw new AppError('VALIDATION_FAILED', [{ path: 'body.name', message: '新建关键词库需要填写名称' }]);
  }
  const name = input.name ?? before.name;
  if (before && before.name === name && JSON.stringify(before.words) === JSON.stringify(input.words)) return toLibrary(before);
  const { rows } = await db.query(
    `INSERT INTO keyword_libraries (code, name, words) VALUES ($1, $2, $3)
     ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, words = EXCLUDED.words, updated_at = now() RETURNING *`,
    [code, name, input.words],
  );
  await recordConfigChange(db, actor, {
    entityType: 'keyword_library', entityId: 0, code,
    before: before ? { name: before.name, words: before.words } : null,
    after: { name, words: input.words },
  });
  return toLibrary(rows[0]);
}

/** A library's words (empty when there is no such library). */
export async function keywordLibrary(db: Db, code: string): Promise<string[]> {
  const { rows: [r] } = await db.query('SELECT words FROM keyword_libraries WHERE code = $1', [code]);
  return r?.words ?? [];
}
