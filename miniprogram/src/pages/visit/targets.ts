/**
 * Where a server failure belongs on the visit form. Rule failures carry a
 * `target` ('attachments:合影', 'fields.nextContactAt', 'checkIn', 'voice',
 * 'orders', 'checklist', 'prerequisite'); request-validation errors carry a
 * `path` ('body.fields.nextContactAt'). Both map to one section key.
 */
import type { RuleFailure } from '../../api/types';
import { ApiError } from '../../api/http';

export type Section = 'checkIn' | 'photos' | 'voice' | 'documents' | 'fields' | 'orders' | 'checklist' | 'top';

/** A failure's section; an attachment failure goes by the kind it is about (a missing document under 文件, not 照片). */
export function sectionOfFailure(f: Pick<RuleFailure, 'target' | 'details'>): Section {
  const kind = f.details?.attachmentKind;
  if (f.target.startsWith('attachments') && kind === 'document') return 'documents';
  if (f.target.startsWith('attachments') && kind === 'voice') return 'voice';
  return sectionOf(f.target);
}

export function sectionOf(target: string): Section {
  if (target === 'checkIn' || target.startsWith('checkIn.')) return 'checkIn';
  if (target.startsWith('attachments')) return 'photos';
  if (target === 'voice' || target === 'transcript') return 'voice';
  if (target.startsWith('fields')) return 'fields';
  if (target === 'orders' || target.startsWith('linkedOrderIds')) return 'orders';
  if (target === 'checklist' || target.startsWith('checklist.')) return 'checklist';
  return 'top';
}

/** A 400/422 that is not a rule rejection, as failures placed the same way. */
export function failuresOfError(e: ApiError): RuleFailure[] {
  if (e.code === 'VALIDATION_FAILED' && Array.isArray(e.details)) {
    return e.details.map((d: { path: string; message: string }) => {
      const target = d.path.replace(/^body\./, '').replace(/^attachmentIds.*/, 'attachments').replace(/^linkedOrderIds.*/, 'orders');
      return { code: e.code, rule: 'request', target, severity: 'error' as const, message: `${e.message}：${d.message}` };
    });
  }
  if (e.code === 'ATTACHMENT_INVALID') {
    return [{ code: e.code, rule: 'request', target: 'attachments', severity: 'error', message: `${e.message}：请删除后重新拍摄上传。` }];
  }
  return [{ code: e.code, rule: 'request', target: 'top', severity: 'error', message: e.message }];
}
