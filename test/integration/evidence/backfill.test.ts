import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type pg from 'pg';
import { LocalDiskStorage } from '../../../core/attachments/storage.js';
import { backfillEvidence } from '../../../core/evidence/backfill.js';
import { logger } from '../../../core/logger.js';
import { cameraPhoto } from '../../support/camera-photo.js';
import { freshDatabase } from '../../support/database.js';
import { tempDataDir } from '../attachments/support/http.js';

const AUDIO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/evidence/audio');

describe('evidence backfill for photos and memos uploaded before the checks existed', () => {
  let pool: pg.Pool;
  let data: ReturnType<typeof tempDataDir>;
  let storage: LocalDiskStorage;
  const read = async (sha: string) => ((await storage.exists(sha)) ? readFile(storage.pathOf(sha)) : null);

  /** An attachment row as an upload before this change left it: bytes in storage, no facts. */
  async function oldUpload(userid: string, bytes: Buffer, store = true, kind: 'photo' | 'voice' = 'photo'): Promise<number> {
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (store) await storage.put(sha, bytes);
    const { rows } = await pool.query(
      `INSERT INTO attachments (sha256, kind, mime, size, tags, uploaded_by, created_at)
       SELECT $1, $4, $5, $2, '{门头照}', u.id, now() - interval '30 days' FROM users u WHERE u.wecom_userid = $3 RETURNING id`,
      [sha, bytes.length, userid, kind, kind === 'photo' ? 'image/jpeg' : 'audio/amr']);
    return rows[0].id;
  }

  before(async () => {
    ({ pool } = await freshDatabase());
    data = tempDataDir();
    storage = new LocalDiskStorage(data.dir);
  });
  after(() => data.remove());

  it('analyses old photos oldest first, finds the copy of an earlier one, and records what it could not read', async () => {
    const original = await cameraPhoto({ scene: 31, width: 640, height: 480 });
    const first = await oldUpload('rep.zhao', original);
    const copy = await oldUpload('rep.qian', await sharp(original).resize(500).jpeg({ quality: 65 }).toBuffer());
    const dummy = await oldUpload('rep.sun', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]));
    const lost = await oldUpload('rep.sun', await cameraPhoto(), false);

    const r = await backfillEvidence(pool, read, { max: 100, logger });
    expect(r).to.deep.include({ analysed: 2, unreadable: 1, missingFile: 1, remaining: 0 });
    const facts = async (id: number) => (await pool.query('SELECT facts FROM attachment_evidence WHERE attachment_id = $1', [id])).rows[0].facts;
    expect((await facts(first)).similar).to.deep.equal([]);
    expect((await facts(copy)).similar.map((s: any) => [s.attachmentId, s.uploadedBy.name])).to.deep.equal([[first, '赵磊']]);
    expect(await facts(dummy)).to.deep.include({ unreadable: 'PHOTO_UNDECODABLE', hashed: false });
    expect(await facts(lost)).to.deep.include({ unreadable: 'FILE_MISSING' });
  });

  it('hears old voice memos as an upload would: speech, silence, a copy of an earlier memo, and one that does not decode', async () => {
    const memo = (name: string) => readFileSync(path.join(AUDIO, name));
    const spoken = await oldUpload('rep.sun', memo('h-d0-r3-0.ogg'), true, 'voice');
    const quiet = await oldUpload('rep.zhao', memo('s-silent-recording-silent.amr'), true, 'voice');
    const copy = await oldUpload('rep.qian', memo('s-colleague-memo-reencoded-copy.ogg'), true, 'voice');
    const broken = await oldUpload('rep.qian', Buffer.from('#!AMR\n' + 'x'.repeat(64)), true, 'voice');

    const r = await backfillEvidence(pool, read, { max: 100, logger });
    expect(r).to.deep.include({ analysed: 3, unreadable: 1, remaining: 0 });
    const facts = async (id: number) => (await pool.query('SELECT facts FROM attachment_evidence WHERE attachment_id = $1', [id])).rows[0].facts;
    expect((await facts(spoken)).speechMs).to.be.above(10_000);
    expect((await facts(quiet)).speechMs).to.be.below(2_000);
    expect((await facts(copy)).similar.map((s: any) => [s.attachmentId, s.uploadedBy.name])).to.deep.equal([[spoken, '孙浩']]);
    expect(await facts(broken)).to.deep.equal({ kind: 'voice_unreadable', unreadable: 'VOICE_UNDECODABLE' });
  });

  it('does nothing the second time', async () => {
    const r = await backfillEvidence(pool, read, { max: 100, logger });
    expect(r).to.deep.include({ analysed: 0, unreadable: 0, missingFile: 0, remaining: 0 });
  });
});
