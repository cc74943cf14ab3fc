import type { ErrorSpec } from '../errors.js';

/**
 * Stable codes for rejected WeCom callbacks (§4). Same shape as core/errors'
 * ERRORS so the HTTP boundary can map both alike; kept here until the lead
 * folds them into the shared table.
 *
 *   throw new WecomCallbackError('CALLBACK_SIGNATURE_INVALID');
 */
export const WECOM_CALLBACK_ERRORS = {
  CALLBACK_SIGNATURE_INVALID: { status: 403, zh: '回调签名校验失败' },
  CALLBACK_PAYLOAD_INVALID: { status: 400, zh: '回调内容格式不正确' },
  CALLBACK_RECEIVER_MISMATCH: { status: 403, zh: '回调接收方与本企业不一致' },
  CALLBACK_XML_FORBIDDEN: { status: 400, zh: '回调内容包含不允许的 XML 声明' },
  CALLBACK_PAYLOAD_TOO_LARGE: { status: 413, zh: '回调内容过大' },
} as const satisfies Record<string, ErrorSpec>;

export type WecomCallbackErrorCode = keyof typeof WECOM_CALLBACK_ERRORS;

export class WecomCallbackError extends Error {
  readonly code: WecomCallbackErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: WecomCallbackErrorCode, details?: unknown) {
    super(WECOM_CALLBACK_ERRORS[code].zh);
    this.name = 'WecomCallbackError';
    this.code = code;
    this.status = WECOM_CALLBACK_ERRORS[code].status;
    this.details = details;
  }
}

export function isWecomCallbackError(err: unknown): err is WecomCallbackError {
  return err instanceof WecomCallbackError;
}
