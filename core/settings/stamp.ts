/**
 * Whether some settings changed since a hot path built something from them (a
 * compiled phrasing matcher, a vocabulary): the stamp of their versions, which
 * changes with every version committed under one of the keys, in this
 * database. What is kept per stamp is rebuilt on the first read after a
 * change, and only then.
 *
 *   const stamp = await settingsStamp(db, ['keywords.topic-phrasings', 'keywords.library']);
 *   // or, inside a read the hot path makes anyway:  `${settingsStampSql('$3')} AS settings_stamp`
 */
import type { Db } from '../db/pool.js';

/**
 * SQL for the stamp of the keys in `keysParam` (a text[] parameter). Ids are taken before commit, so a
 * version committing after a later one leaves the newest id as it was: the count still changes
 * (versions are only ever appended). The database's name keeps two databases of one process apart.
 */
export function settingsStampSql(keysParam: string): string {
  return `(SELECT current_database() || ':' || count(*) || ':' || coalesce(max(v.id), 0)
             FROM setting_versions v WHERE v.key = ANY(${keysParam}::text[]))`;
}

export async function settingsStamp(db: Db, keys: readonly string[]): Promise<string> {
  const { rows: [r] } = await db.query(`SELECT ${settingsStampSql('$1')} AS stamp`, [keys]);
  return r.stamp;
}
