/**
 * The evidence finding codes: stable forever (reports, dashboards and the
 * review queue key on them), each with its default weight in the trust score
 * (admins change the weights in 证据核验阈值, per customer type where needed) and
 * the Chinese name managers see on a badge.
 *
 * | code | rule | weight | means |
 * |---|---|---|---|
 * | PHOTO_STALE | photo.captured_within | 30 | EXIF capture time far from the check-in |
 * | PHOTO_NO_CAPTURE_TIME | photo.captured_within | 25 (10 when WeCom stripped it) | no EXIF capture time |
 * | PHOTO_GPS_MISMATCH | photo.located | 40 | EXIF GPS far from the check-in |
 * | PHOTO_REUSED | photo.unique | 60 | the same picture as an earlier photo (another rep or customer, or no fresh capture time) |
 * | PHOTO_EDITED | photo.camera | 40 | EXIF Software names an editing app |
 * | PHOTO_SCREENSHOT | photo.camera | 50 | phone-screen dimensions and no camera EXIF |
 * | CHECKIN_TELEPORT | checkin.plausible | 50 | faster than possible from the previous check-in |
 * | CHECKIN_MOCK_SUSPECT | checkin.plausible | 40 | coordinates reused exactly, accuracy 0 or always the same |
 * | CHECKIN_CLOCK_SKEW | checkin.plausible | 30 | times later than the server's clock, or far earlier without offline queueing |
 * | VOICE_TOO_SHORT | voice.speech | 25 | shorter than the minimum, read from the file |
 * | VOICE_SILENT | voice.speech | 50 | too little speech in it |
 * | VOICE_REUSED | voice.speech | 60 | the same recording as an earlier memo |
 * | TRANSCRIPT_IMPLAUSIBLE | voice.speech | 30 | a platform transcript longer than the speech could produce |
 * | FOLLOWUP_UNSUPPORTED | followup.evidence | 30 | a declared document or decision-chain change with nothing recorded behind it |
 */
export const FINDING_CODES = [
  'PHOTO_STALE', 'PHOTO_NO_CAPTURE_TIME', 'PHOTO_GPS_MISMATCH', 'PHOTO_REUSED', 'PHOTO_EDITED', 'PHOTO_SCREENSHOT',
  'CHECKIN_TELEPORT', 'CHECKIN_MOCK_SUSPECT', 'CHECKIN_CLOCK_SKEW',
  'VOICE_TOO_SHORT', 'VOICE_SILENT', 'VOICE_REUSED', 'TRANSCRIPT_IMPLAUSIBLE',
  'FOLLOWUP_UNSUPPORTED',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export const FINDING_WEIGHTS: Record<FindingCode, number> = {
  PHOTO_STALE: 30,
  PHOTO_NO_CAPTURE_TIME: 25,
  PHOTO_GPS_MISMATCH: 40,
  PHOTO_REUSED: 60,
  PHOTO_EDITED: 40,
  PHOTO_SCREENSHOT: 50,
  CHECKIN_TELEPORT: 50,
  CHECKIN_MOCK_SUSPECT: 40,
  CHECKIN_CLOCK_SKEW: 30,
  VOICE_TOO_SHORT: 25,
  VOICE_SILENT: 50,
  VOICE_REUSED: 60,
  TRANSCRIPT_IMPLAUSIBLE: 30,
  FOLLOWUP_UNSUPPORTED: 30,
};

export const FINDING_LABELS: Record<FindingCode, string> = {
  PHOTO_STALE: '照片非现场拍摄时间',
  PHOTO_NO_CAPTURE_TIME: '照片无拍摄时间',
  PHOTO_GPS_MISMATCH: '照片位置与签到不符',
  PHOTO_REUSED: '照片重复使用',
  PHOTO_EDITED: '照片经过编辑',
  PHOTO_SCREENSHOT: '截图冒充照片',
  CHECKIN_TELEPORT: '签到瞬移',
  CHECKIN_MOCK_SUSPECT: '疑似虚拟定位',
  CHECKIN_CLOCK_SKEW: '时间异常',
  VOICE_TOO_SHORT: '语音过短',
  VOICE_SILENT: '语音无人声',
  VOICE_REUSED: '语音重复使用',
  TRANSCRIPT_IMPLAUSIBLE: '转写文字与语音不符',
  FOLLOWUP_UNSUPPORTED: '跟进证据缺失',
};

export function isFindingCode(code: string): code is FindingCode {
  return (FINDING_CODES as readonly string[]).includes(code);
}
