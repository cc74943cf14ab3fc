/**
 * The buying centre (采购决策链): the ONE role list every part uses — the API,
 * the visit form's field, the relationship graph, the bot. Six roles from
 * Webster & Wind's buying-centre model, an attitude toward us, a 内线（教练）
 * mark for an inside champion, and dated contact events for the changes that
 * reshape the chain (调岗、离职、新任、汇报关系变化).
 *
 *   BUYING_ROLE_LABELS.decider            // '决策者'
 *   buyingRoleFromLabel('采购负责人')      // 'buyer' (a label the visit form used before)
 */

export const BUYING_ROLES = ['initiator', 'user', 'influencer', 'decider', 'buyer', 'gatekeeper'] as const;
export type BuyingRole = (typeof BUYING_ROLES)[number];

export const BUYING_ROLE_LABELS: Record<BuyingRole, string> = {
  initiator: '发起者', user: '使用者', influencer: '影响者', decider: '决策者', buyer: '采购者', gatekeeper: '把关者',
};

/** One line each, shown where a rep picks a role. */
export const BUYING_ROLE_HINTS: Record<BuyingRole, string> = {
  initiator: '提出需求、推动立项的人',
  user: '实际使用产品的科室或部门',
  influencer: '提供技术意见、影响选型的人',
  decider: '最终拍板的人',
  buyer: '负责采购流程、谈判和下单的人',
  gatekeeper: '掌握信息或审批关口的人（财务、院办、秘书）',
};

/** The visit form's options, in the order of the list. */
export const BUYING_ROLE_OPTIONS: string[] = BUYING_ROLES.map((r) => BUYING_ROLE_LABELS[r]);

export const ATTITUDES = ['support', 'neutral', 'oppose'] as const;
export type Attitude = (typeof ATTITUDES)[number];
export const ATTITUDE_LABELS: Record<Attitude, string> = { support: '支持', neutral: '中立', oppose: '反对' };

export const COACH_LABEL = '内线（教练）';

/**
 * Labels the visit form offered before the six roles, and what each becomes.
 * 内部支持者 was a role then; now it is the 内线 mark on an influencer who supports us.
 */
export const LEGACY_ROLE_LABELS: Record<string, { role: BuyingRole; attitude?: Attitude; isCoach?: true }> = {
  决策人: { role: 'decider' },
  采购负责人: { role: 'buyer' },
  使用部门: { role: 'user' },
  技术把关: { role: 'influencer' },
  财务把关: { role: 'gatekeeper' },
  内部支持者: { role: 'influencer', attitude: 'support', isCoach: true },
};

/** The decision_role codes contacts had before the six roles, for state stored then (bot conversations). */
export const LEGACY_ROLE_CODES: Record<string, { role: BuyingRole | null; attitude?: Attitude; isCoach?: true }> = {
  decision_maker: { role: 'decider' },
  influencer: { role: 'influencer' },
  user: { role: 'user' },
  gatekeeper: { role: 'gatekeeper' },
  champion: { role: 'influencer', attitude: 'support', isCoach: true },
  unknown: { role: null },
};

/** A role from its label: one of the six, or a label the form used before. */
export function buyingRoleFromLabel(label: string): BuyingRole | null {
  const t = label.trim();
  const role = BUYING_ROLES.find((r) => BUYING_ROLE_LABELS[r] === t);
  return role ?? LEGACY_ROLE_LABELS[t]?.role ?? null;
}

/**
 * What changed in the chain. The first two are recorded by edits in the app
 * (adding a contact, changing their role/attitude/内线); the next four are
 * the events a rep reports, each dated when it happened; 'first_known' is what
 * a contact written before this history (or by a generator) was when first
 * known, so the chain can be read as it stood at any moment.
 */
export const CONTACT_EVENT_KINDS = ['added', 'role_changed', 'transferred', 'left', 'joined', 'reporting_changed', 'first_known'] as const;
export type ContactEventKind = (typeof CONTACT_EVENT_KINDS)[number];
export const CONTACT_EVENT_LABELS: Record<ContactEventKind, string> = {
  added: '新增联系人', role_changed: '角色/态度变化', transferred: '调岗', left: '离职', joined: '新任', reporting_changed: '汇报关系变化',
  first_known: '最初记录',
};
