/**
 * 证照 through the bot: "华联的营业执照" (or 许可证) makes the next photo that
 * customer's licence; the photo is queued for OCR like an upload in the app,
 * and the rep gets a card when the fields are read, to check and confirm them
 * in the app (confirming each field is done on a screen, not in a chat).
 */
import { isAppError } from '../../core/errors.js';
import { requestLicenceScan } from '../../core/profile/licence/licence-scans.js';
import { customersOf } from '../../core/resources/customers.js';
import { loadActionRow } from '../../core/actions/action-repo.js';
import { recordAttachment, type PreparedMedia } from '../engine/media.js';
import { mentionedCustomers } from '../engine/pick-action.js';
import { guarded, say, type Turn } from '../engine/turn.js';
import type { BotMessage } from '../engine/types.js';

const LICENCE_WORDS = /营业执照|执照|经营许可证|许可证|证照/;

/** Asks for a licence to be read: a short message naming one ("华联的营业执照"), or one saying to read or send it. */
export function isLicenceRequest(text: string): boolean {
  return LICENCE_WORDS.test(text) && (text.length <= 20 || /识别|上传|拍|扫|发给你|录入/.test(text));
}

export async function askForLicence(t: Turn, text: string): Promise<void> {
  const named = mentionedCustomers(text, await customersOf(t.db, t.actor.id));
  let customer = named.length === 1 ? { customerId: named[0].id, customerName: named[0].name } : null;
  if (!customer && named.length === 0 && t.convo.activeActionId) {
    const a = await loadActionRow(t.db, t.convo.activeActionId).catch(() => null);
    if (a) customer = { customerId: a.customerId, customerName: a.customerName };
  }
  if (!customer) {
    say(t, named.length > 1
      ? `是哪个客户的？${named.map((c) => c.name).join('、')}（请带上客户名再说一次）`
      : '是哪个客户的证照？请带上客户名，比如“华联的营业执照”。');
    return;
  }
  t.convo.state.expectLicence = customer;
  say(t, `好的，请把「${customer.customerName}」的营业执照或许可证拍照发给我（拍正、拍全、不要反光），我来识别。`);
}

export async function receiveLicencePhoto(t: Turn, message: Extract<BotMessage, { kind: 'image' }>, prepared?: PreparedMedia): Promise<void> {
  const target = t.convo.state.expectLicence!;
  delete t.convo.state.expectLicence;
  const id = await recordAttachment(t, message, prepared, ['证照'], target.customerId);
  if (id === null) return;
  const scan = await guarded(t, () => requestLicenceScan(t.db, t.actor, target.customerId, id, 'bot'));
  if (isAppError(scan)) {
    say(t, `证照照片已保存，但没能开始识别：${scan.message}`);
    return;
  }
  say(t, `收到「${target.customerName}」的证照照片，正在识别（约需几秒）。识别好了我发卡片给你，点开核对每一项后确认保存。`);
}
