/**
 * Errors are values with a stable English code, an HTTP status and a Chinese
 * message a rep or manager understands. Every adapter (HTTP, bot, jobs) maps
 * an AppError the same way: the code never changes meaning once shipped.
 *
 *   throw new AppError('CUSTOMER_NOT_FOUND', { customerId });
 */
export interface ErrorSpec {
  status: number;
  zh: string;
}

export const ERRORS = {
  VALIDATION_FAILED: { status: 400, zh: '请求内容不符合要求' },
  BODY_TOO_LARGE: { status: 413, zh: '请求内容过大' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '不支持的内容类型' },
  UNAUTHENTICATED: { status: 401, zh: '请先登录' },
  SESSION_EXPIRED: { status: 401, zh: '登录已过期，请重新进入应用' },
  FORBIDDEN: { status: 403, zh: '没有权限执行该操作' },
  NOT_FOUND: { status: 404, zh: '资源不存在' },
  METHOD_NOT_ALLOWED: { status: 405, zh: '该接口不支持此请求方法' },
  USER_NOT_FOUND: { status: 404, zh: '用户不存在或已停用' },
  CUSTOMER_NOT_FOUND: { status: 404, zh: '客户不存在' },
  CONTACT_NOT_FOUND: { status: 404, zh: '联系人不存在' },
  CONTACT_LEFT: { status: 422, zh: '联系人已离职' },
  CONTACT_EVENT_FINAL: { status: 409, zh: '这条联系人变动已计入跟进或之后又有变动，不能撤销' },
  LICENCE_SCAN_NOT_FOUND: { status: 404, zh: '证照识别记录不存在' },
  LICENCE_SCAN_BUSY: { status: 409, zh: '证照还在识别中，请稍候再确认' },
  LICENCE_FILE_UNSUPPORTED: { status: 415, zh: '证照请上传照片（JPG、PNG）或 PDF 扫描件' },
  LEAD_NOT_FOUND: { status: 404, zh: '线索不存在' },
  LEAD_NOT_ACCEPTABLE: { status: 409, zh: '只有已分配、尚未转化或作废的线索可以接收' },
  LEAD_NOT_CONVERTIBLE: { status: 409, zh: '线索已转化或已作废，不能再转为商机' },
  OPPORTUNITY_NOT_FOUND: { status: 404, zh: '商机不存在' },
  ORDER_NOT_FOUND: { status: 404, zh: '订单不存在' },
  STAGE_NOT_FOUND: { status: 422, zh: '目标阶段不存在' },
  DEPARTMENT_NOT_FOUND: { status: 422, zh: '部门不存在' },
  ASSIGNEE_INVALID: { status: 422, zh: '指派对象不是有效的业务员' },
  NO_ASSIGNEE_AVAILABLE: { status: 422, zh: '该团队或区域没有可分配的业务员' },
  REFERENCE_INVALID: { status: 422, zh: '引用的数据不存在或不在你的权限范围内' },
  DUPLICATE: { status: 409, zh: '数据已存在' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, zh: '同一个幂等键不能用于不同的请求内容' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, zh: '相同请求正在处理中，请稍后重试' },
  BOT_UNAVAILABLE: { status: 503, zh: '机器人暂未运行，消息已保存，启动后会回复；稍后可用同一条消息重试查看回复' },
  CONFLICT: { status: 409, zh: '数据已被其他人修改，请刷新后重试' },
  STAGE_CHECKLIST_INCOMPLETE: { status: 422, zh: '当前阶段的检查清单尚未完成' },
  STAGE_SKIP_NOT_ALLOWED: { status: 422, zh: '该阶段不允许跳过' },
  STAGE_SKIP_REASON_REQUIRED: { status: 422, zh: '跳过阶段必须填写原因' },
  DEV_LOGIN_DISABLED: { status: 404, zh: '已配置企业微信，开发登录不可用' },
  OAUTH_CODE_INVALID: { status: 401, zh: '企业微信授权码无效或已使用，请重新打开应用' },
  NOT_A_MEMBER: { status: 403, zh: '你不是本企业的成员或尚未开通使用权限' },
  WECOM_API_ERROR: { status: 502, zh: '企业微信接口暂时不可用，请稍后重试' },
  WECOM_CONTACT_SYNC_FAILED: { status: 502, zh: '企业微信客户同步失败' },
  WECOM_MATCH_DECIDED: { status: 409, zh: '这条企业微信客户已经确认过了' },
  WECOM_ID_TAKEN: { status: 409, zh: '这个企业微信客户已对应到另一位联系人' },
  INTERNAL: { status: 500, zh: '系统繁忙，请稍后再试' },
  // fair use (issue #23): refusals that carry details.retryAfterSeconds, sent as Retry-After
  SIGN_IN_THROTTLED: { status: 429, zh: '登录失败次数过多，请稍后再试' },
  HEAVY_RATE_LIMITED: { status: 429, zh: '导出和图片等耗时操作太频繁，请稍后再试' },
  HEAVY_BUSY: { status: 503, zh: '系统正忙于生成文件，请稍后再试' },
  DEMO_RESET_UNAVAILABLE: { status: 409, zh: '只有演示模式、使用内置数据库时才能重置演示数据' },
  STAGE_UNCHANGED: { status: 422, zh: '商机已经处于该阶段' },
  OPPORTUNITY_CLOSED: { status: 422, zh: '商机已赢单或输单，请先重新打开' },
  CHECKLIST_ITEM_UNKNOWN: { status: 422, zh: '检查项不属于商机当前阶段' },
  PIPELINE_NOT_FOUND: { status: 422, zh: '销售流程不存在' },
  // action flow (core/actions)
  ACTION_NOT_FOUND: { status: 404, zh: '事项不存在' },
  ACTION_DEFINITION_NOT_FOUND: { status: 422, zh: '事项类型不存在或已停用' },
  ACTION_LOCKED: { status: 409, zh: '前置事项尚未核验通过，暂不能办理此事项' },
  ACTION_TRANSITION_INVALID: { status: 409, zh: '当前状态不允许该操作' },
  ACTION_REASON_REQUIRED: { status: 422, zh: '必须填写原因' },
  VISIT_REPORT_REJECTED: { status: 422, zh: '拜访报告未通过校验' },
  ATTACHMENT_INVALID: { status: 422, zh: '附件不存在或不是你上传的' },
  PROCESS_TEMPLATE_NOT_FOUND: { status: 422, zh: '流程模板不存在' },
  PROCESS_NOT_FOUND: { status: 404, zh: '流程不存在' },
  PROCESS_STATUS_INVALID: { status: 409, zh: '流程当前状态不允许该操作' },
  ACTION_REASSIGN_SAME_ASSIGNEE: { status: 422, zh: '该事项已由此人负责，无需转派' },
  ACTION_REASSIGN_TARGET_INACTIVE: { status: 422, zh: '转派对象已停用，不能接收事项' },
  ACTION_REASSIGN_TARGET_NOT_REP: { status: 422, zh: '事项只能转派给业务员' },
  SUPERVISOR_TODO_NOT_FOUND: { status: 404, zh: '待办不存在' },
  // retail store execution (core/retail)
  STORE_NOT_FOUND: { status: 404, zh: '门店不存在或不在你的权限范围内' },
  SCORECARD_PERIOD_IN_FUTURE: { status: 422, zh: '这个周期还没有开始，评分卡只能查看已开始的周或月' },
  SCORECARD_METRIC_NO_DATA: { status: 422, zh: '这项指标本期没有数据，无法据此安排改进' },
  SCORECARD_METRIC_EXCELLENT: { status: 422, zh: '这项指标本期已是“优”，不需要安排改进' },
  PRODUCT_NOT_FOUND: { status: 422, zh: '商品不在商品目录中' },
  CLERK_NOT_IN_STORE: { status: 422, zh: '该店员不属于这家门店' },
  LAUNCH_NOT_FOUND: { status: 404, zh: '新品上架任务不存在或不在你的权限范围内' },
  LAUNCH_EXISTS: { status: 409, zh: '这家门店已有该商品的上架任务' },
  PROMOTION_NOT_FOUND: { status: 404, zh: '促销不存在或不在你的权限范围内' },
  PROMOTION_ENDED: { status: 409, zh: '促销已结束，不能再修改或结束' },
  PROMOTION_STARTED: { status: 409, zh: '促销已开始，门店、商品和开始日期不能再改；可以改名称、费用和结束日期' },
  PROMOTION_NOT_STARTED: { status: 409, zh: '促销还没开始，不能提前结束；可以修改它的日期' },
  SALES_FILE_REFUSED: { status: 422, zh: '销售数据有错误行，未导入任何数据' },
  LAUNCH_STORES_REFUSED: { status: 422, zh: '有门店不能发起这次新品上架，未发起任何上架' },
  LAUNCH_STEP_DONE: { status: 409, zh: '这一步已经完成，无需重复提交' },
  PRODUCT_SKU_TAKEN: { status: 409, zh: '商品编码已被其他商品使用' },
  PRODUCT_BARCODE_TAKEN: { status: 409, zh: '条码已被其他商品使用' },
  SHELF_CODE_TAKEN: { status: 409, zh: '货架位码已被使用' },
  SHELF_POSITION_NOT_FOUND: { status: 404, zh: '货架位不存在或不在你的权限范围内' },
  SHELF_CODE_UNKNOWN: { status: 422, zh: '货架位码无法识别' },
  SHELF_CODE_OTHER_STORE: { status: 422, zh: '货架位码属于其他门店' },
  BARCODE_UNKNOWN: { status: 422, zh: '商品条码不在商品目录中' },
  BARCODE_NOT_LAUNCHED: { status: 422, zh: '商品条码不是本次上架的新品' },
  INVITATION_INVALID: { status: 410, zh: '邀请链接无效或已失效' },
  INVITATION_TAKEN: { status: 409, zh: '邀请链接已被另一位店员使用' },
  CLERK_WECHAT_TAKEN: { status: 409, zh: '这个微信已绑定其他店员' },
  CLERK_NOT_FOUND: { status: 404, zh: '店员不存在或不在你的权限范围内' },
  INSPECTOR_NOT_FOUND: { status: 404, zh: '巡店督导不存在或不在你的管辖范围内' },
  PATROL_NOT_FOUND: { status: 404, zh: '巡店记录不存在或不在你的权限范围内' },
  PATROL_FINISHED: { status: 409, zh: '这次巡店已经结束，不能再修改' },
  PATROL_ITEM_UNKNOWN: { status: 422, zh: '检查表里没有这一项' },
  PATROL_INCOMPLETE: { status: 422, zh: '还有检查项未完成' },
  // the attribution report (core/attribution)
  ATTRIBUTION_FILTER_UNKNOWN: { status: 400, zh: '筛选的业务员、部门或产品线不存在，或不在你的查看范围内' },
  // attachments (core/attachments) and configuration (core/config-admin)
  ATTACHMENT_NOT_FOUND: { status: 404, zh: '附件不存在' },
  SHARE_LINK_NOT_FOUND: { status: 404, zh: '文档链接不存在' },
  SHARE_LINK_GONE: { status: 410, zh: '文档链接已失效' },
  SHARE_DOCUMENT_INVALID: { status: 422, zh: '只能分享这个客户的文档（PDF、Word、Excel 等）' },
  TALK_TRACK_NOT_FOUND: { status: 404, zh: '话术包不存在或未发布' },
  TALK_TRACK_TITLE_TAKEN: { status: 409, zh: '已有同名的话术包' },
  TALK_TRACK_FILE_NOT_FOUND: { status: 404, zh: '话术包里没有这个附件' },
  ATTACHMENT_EMPTY: { status: 400, zh: '上传的文件是空的' },
  ATTACHMENT_TOO_LARGE: { status: 413, zh: '文件过大' },
  ATTACHMENT_TYPE_UNSUPPORTED: { status: 415, zh: '不支持的文件类型' },
  VOICE_UNDECODABLE: { status: 422, zh: '语音无法解码：文件可能已损坏或没有声音，请重新录制后上传' },
  PHOTO_UNDECODABLE: { status: 422, zh: '照片无法读取（文件损坏或不是真正的图片），请重新拍摄后上传' },
  PHOTO_TOO_LARGE: { status: 422, zh: '图片尺寸过大，不是相机拍摄的照片，请上传手机相机拍摄的原图' },
  EVIDENCE_REVIEW_NOT_FOUND: { status: 404, zh: '该提交没有待复核的证据' },
  EVIDENCE_REVIEW_DECIDED: { status: 409, zh: '该提交的证据已由其他主管复核，请刷新后再看' },
  WECOM_NOT_CONFIGURED: { status: 422, zh: '未配置企业微信，无法从企业微信下载素材，请直接上传文件' },
  WECOM_MEDIA_INVALID: { status: 422, zh: '企业微信素材不存在或已过期（素材只保留3天），请重新上传' },
  CONFIG_NOT_FOUND: { status: 404, zh: '配置项不存在' },
  PIPELINE_STAGE_IN_USE: { status: 422, zh: '还有进行中的商机处于要删除的阶段' },
  // settings (core/settings)
  SETTING_NOT_FOUND: { status: 404, zh: '设置项不存在' },
  SETTING_SCOPE_INVALID: { status: 422, zh: '该设置不能在这个范围单独设置' },
  SETTING_VERSION_CONFLICT: { status: 409, zh: '设置已被他人修改，请查看最新内容后再保存' },
  SETTING_VERSION_NOT_FOUND: { status: 404, zh: '该版本不存在' },
  // the WeCom callback (reference §4): refused before anything is stored
  CALLBACK_SIGNATURE_INVALID: { status: 403, zh: '回调签名校验失败' },
  CALLBACK_PAYLOAD_INVALID: { status: 400, zh: '回调内容格式不正确' },
  CALLBACK_RECEIVER_MISMATCH: { status: 403, zh: '回调接收方与本企业不一致' },
  CALLBACK_XML_FORBIDDEN: { status: 400, zh: '回调内容包含不允许的 XML 声明' },
  CALLBACK_PAYLOAD_TOO_LARGE: { status: 413, zh: '回调内容过大' },
  CALLBACK_STALE: { status: 403, zh: '回调时间戳超出允许范围（前后 10 分钟），可能是重放的旧请求' },
  AIBOT_SOCKET_DOWN: { status: 503, zh: '与企业微信智能机器人的长连接暂时断开，消息已保存，重连后处理' },
  AIBOT_REPLY_REFUSED: { status: 502, zh: '企业微信拒绝了智能机器人的回复' },
  AIBOT_MEDIA_INVALID: { status: 422, zh: '智能机器人消息里的图片无法下载或解密（链接只有 5 分钟有效），请重新发送' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, details?: unknown, message?: string) {
    super(message ?? ERRORS[code].zh);
    this.name = 'AppError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = details;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
