/**
 * 'photo.camera': a visit photo comes from a camera. EXIF Software naming an
 * editing or beauty app (Photoshop, 美图秀秀, 醒图, Snapseed …) is a finding;
 * so is a picture exactly a phone screen's size (or a PNG) without camera
 * make/model — a screenshot. A photo WeCom's media store delivered without
 * EXIF is not called a screenshot: WeCom strips EXIF from compressed uploads
 * (photo.captured_within reports that, with its source).
 */
import { z } from 'zod';
import { photoName, photosOf, targetOf } from '../evidence/files.js';
import { editingSoftwareOf, isPhoneScreenSize } from '../evidence/screens.js';
import type { ReportAttachment, RuleFailure } from '../types.js';
import { defineGateRule, failure } from './rule-definition.js';

const schema = z.strictObject({
  tags: z.array(z.string().min(1)).min(1).optional().meta({ title: '照片标签' }),
});

const RULE = 'photo.camera';

function isScreenshot(a: ReportAttachment): boolean {
  const p = a.photo!;
  if (p.fromWecom || p.make || p.model) return false;
  return isPhoneScreenSize(p.width, p.height) || a.mime === 'image/png';
}

function checkPhoto(a: ReportAttachment): RuleFailure[] {
  const p = a.photo;
  if (!p) return [];
  const out: RuleFailure[] = [];
  const editor = editingSoftwareOf(p.software);
  if (editor) {
    out.push(failure(RULE, {
      code: 'PHOTO_EDITED',
      target: targetOf(a),
      message: `「${photoName(a)}」经过「${editor}」编辑，请上传相机直接拍摄、未经修图的原图。`,
      details: { attachmentId: a.id, software: p.software, editor },
    }));
  }
  if (isScreenshot(a)) {
    out.push(failure(RULE, {
      code: 'PHOTO_SCREENSHOT',
      target: targetOf(a),
      message: `「${photoName(a)}」是手机截图（${p.width}×${p.height}，没有相机信息），不能作为现场照片，请在现场用相机拍摄。`,
      details: { attachmentId: a.id, width: p.width, height: p.height },
    }));
  }
  return out;
}

export const photoCameraRule = defineGateRule({
  kind: RULE,
  label: '照片来自相机',
  schema,
  defaultMode: 'review',
  check(facts, p) {
    return photosOf(facts, p.tags).flatMap(checkPhoto);
  },
});
