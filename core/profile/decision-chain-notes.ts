/**
 * Decision-chain facts a rep said while writing a report ("黄主任拍板"), noted
 * with the draft and written to the customer's contacts once the report is
 * filed — by the bot's 提交, or by the scheduled filing (core/actions/
 * scheduled-submission.ts). Each note is applied on its own: one contact that
 * cannot be updated does not keep the others back.
 *
 *   const said = await applyDecisionChainNotes(db, actor, notes, now); // ['已把联系人黄敏标记为“决策者”。']
 */
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { isAppError } from '../errors.js';
import { ATTITUDE_LABELS, BUYING_ROLE_LABELS, LEGACY_ROLE_CODES, type Attitude, type BuyingRole } from '../flow/buying-centre.js';
import { updateContact } from '../resources/contacts.js';
import { translatePgError } from '../db/pool.js';

export interface ContactUpdate {
  contactId: number;
  name: string;
  /** Absent when only a stance was said ("李明很支持我们"). */
  buyingRole?: BuyingRole;
  attitude?: Attitude;
  isCoach?: boolean;
  /** Written by versions before the six roles (decision_maker …); read through LEGACY_ROLE_CODES. */
  decisionRole?: string;
}

/** The contact fields a note sets; one noted before the six roles is read through its old code. */
function contactChange(u: ContactUpdate): { buyingRole?: BuyingRole; attitude?: Attitude; isCoach?: boolean } {
  const legacy = !u.buyingRole && u.decisionRole ? LEGACY_ROLE_CODES[u.decisionRole] : undefined;
  const role = u.buyingRole ?? legacy?.role ?? undefined;
  const attitude = u.attitude ?? legacy?.attitude;
  const isCoach = u.isCoach ?? legacy?.isCoach;
  return { ...(role ? { buyingRole: role } : {}), ...(attitude ? { attitude } : {}), ...(isCoach ? { isCoach } : {}) };
}

/** Writes each note to its contact (under a savepoint: a refusal undoes only that one); the sentences to tell the rep. */
export async function applyDecisionChainNotes(db: Db, actor: Actor, notes: readonly ContactUpdate[], now: Date): Promise<string[]> {
  const said: string[] = [];
  for (const u of notes) {
    const change = contactChange(u);
    if (!change.buyingRole && !change.attitude) continue;
    await db.query('SAVEPOINT decision_chain_note');
    try {
      await updateContact(db, actor, u.contactId, change, { source: 'bot', now });
      await db.query('RELEASE SAVEPOINT decision_chain_note');
      const stance = change.attitude ? `，态度${ATTITUDE_LABELS[change.attitude]}` : '';
      said.push(change.buyingRole
        ? `已把联系人${u.name}标记为“${BUYING_ROLE_LABELS[change.buyingRole]}${change.isCoach ? '（内线）' : ''}”${stance}。`
        : `已把联系人${u.name}的态度记为“${ATTITUDE_LABELS[change.attitude!]}”。`);
    } catch (err) {
      await db.query('ROLLBACK TO SAVEPOINT decision_chain_note');
      const e = translatePgError(err);
      if (!isAppError(e)) throw err;
      said.push(`联系人${u.name}的决策链信息没能更新：${e.message}`);
    }
  }
  return said;
}
