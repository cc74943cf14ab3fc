/**
 * A demo photo uploaded as someone: a picture of its own (scene.ts, drawn
 * from `seed`), stamped with its capture time and the phone's camera, checked
 * and stored like an upload. The retail demo's patrols and 整改 use it.
 *
 *   const id = await uploadScenePhoto(ctx, inspector, { seed: 42, at, uniqueId: 'PATROL3:42', tags: ['巡店'] });
 */
import sharp from 'sharp';
import { insertAttachment, storeFile } from '../../attachments/attachments.js';
import { checkFile } from '../../attachments/receive.js';
import type { Actor } from '../../auth/actor.js';
import type { SeedContext } from '../seed-module.js';
import { stampJpeg } from './exif-jpeg.js';
import { sceneSvg } from './scene.js';

const CAMERA: [string, string] = ['HUAWEI', 'Mate 60'];

export async function uploadScenePhoto(
  ctx: SeedContext, actor: Actor, p: { seed: number; at: Date; uniqueId: string; tags: string[] },
): Promise<number> {
  const base = await sharp(sceneSvg(p.seed, 640, 480)).jpeg({ quality: 80 }).toBuffer();
  const data = stampJpeg(base, { at: p.at, camera: CAMERA, uniqueId: p.uniqueId });
  const stored = await storeFile(ctx.storage!, checkFile(data));
  return (await insertAttachment(ctx.pool, actor, stored, { tags: p.tags, source: 'upload' })).id;
}
