/** What each gate rule kind is called on the settings screens. */
export const RULE_KIND_LABELS: Record<string, string> = {
  'attachments.min': '附件数量', 'fields.required': '必填字段', 'orders.linked': '关联订单', 'geofence.within_km': '签到范围',
  'voice.keywords.min': '语音关键词', 'photo.captured_within': '照片拍摄时间', 'checklist.complete': '检查项', 'prerequisite.verified': '前置事项',
  'photo.located': '照片拍摄地点', 'photo.unique': '照片不重复', 'photo.camera': '照片来自相机', 'checkin.plausible': '签到可信',
  'voice.speech': '语音真实有声', 'followup.evidence': '跟进有凭证',
};
