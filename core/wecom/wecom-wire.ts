import { z } from 'zod';
import { describeZodIssues, templateCardSchema } from './template-card.schema.js';
import type {
  ExternalContactOfMember,
  OAuthIdentity,
  SendResult,
  UpdateTemplateCardInput,
  UploadedMedia,
  WecomDepartment,
  WecomMessage,
  WecomUser,
} from './wecom-client.js';
import { WecomRequestInvalidError } from './wecom-errors.js';

/**
 * Wire formats of the qyapi endpoints we call: request bodies built from our
 * types, and response shapes mapped back to camelCase. Responses are parsed
 * loosely (unknown fields dropped, optional fields tolerated) because WeCom
 * adds fields over time and withdraws others from newer apps (§6), and a new
 * field must never break message delivery.
 */

export const tokenResponse = z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive() });
export const ticketResponse = z.object({ ticket: z.string().min(1), expires_in: z.number().int().positive() });

export const sendResponse = z.object({
  msgid: z.string().optional(),
  invaliduser: z.string().optional(),
  invalidparty: z.string().optional(),
  invalidtag: z.string().optional(),
  unlicenseduser: z.string().optional(),
  response_code: z.string().optional(),
});

/** media/upload: `created_at` is a string of epoch seconds (§5); tolerate a number too. */
export const uploadMediaResponse = z.object({
  media_id: z.string().min(1),
  type: z.string().optional(),
  created_at: z.union([z.string(), z.number()]).optional(),
});

export function toUploadedMedia(body: z.infer<typeof uploadMediaResponse>, requestedType: string): UploadedMedia {
  const seconds = Number(body.created_at);
  return {
    mediaId: body.media_id,
    type: body.type ?? requestedType,
    createdAt: body.created_at !== undefined && Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : null,
  };
}

export const updateCardResponse = z.object({ invaliduser: z.union([z.string(), z.array(z.string())]).optional() });

export const userInfoResponse = z.object({
  userid: z.string().optional(),
  user_ticket: z.string().optional(),
  openid: z.string().optional(),
  external_userid: z.string().optional(),
});

const userResponse = z.object({
  userid: z.string(),
  name: z.string().optional(),
  department: z.array(z.number()).optional(),
  main_department: z.number().optional(),
  position: z.string().optional(),
  is_leader_in_dept: z.array(z.number()).optional(),
  direct_leader: z.array(z.string()).optional(),
  status: z.number().optional(),
  mobile: z.string().optional(),
  email: z.string().optional(),
  avatar: z.string().optional(),
});
export const singleUserResponse = userResponse;
export const userListResponse = z.object({ userlist: z.array(userResponse).default([]) });

export const departmentListResponse = z.object({
  department: z
    .array(
      z.object({
        id: z.number(),
        name: z.string().optional(),
        parentid: z.number().optional(),
        order: z.number().optional(),
        department_leader: z.array(z.string()).optional(),
      }),
    )
    .default([]),
});

export const externalContactsByUserResponse = z.object({
  external_contact_list: z.array(z.object({
    external_contact: z.object({
      external_userid: z.string().min(1),
      name: z.string().default(''),
      type: z.number().default(1),
      corp_name: z.string().optional(),
      corp_full_name: z.string().optional(),
    }),
    follow_info: z.object({
      userid: z.string().min(1),
      remark: z.string().optional(),
      remark_mobiles: z.array(z.string()).default([]),
      remark_corp_name: z.string().optional(),
    }),
  })).default([]),
  next_cursor: z.string().default(''),
});

export function toExternalContacts(body: z.infer<typeof externalContactsByUserResponse>): ExternalContactOfMember[] {
  const orNull = (s: string | undefined) => (s && s.trim() ? s.trim() : null);
  return body.external_contact_list.map(({ external_contact: c, follow_info: f }) => ({
    externalUserid: c.external_userid, name: c.name, type: c.type, corpName: orNull(c.corp_name), corpFullName: orNull(c.corp_full_name),
    followUserid: f.userid, remark: orNull(f.remark), remarkMobiles: f.remark_mobiles.map((m) => m.trim()).filter(Boolean),
    remarkCorpName: orNull(f.remark_corp_name),
  }));
}

// "a|b" on the wire; "" or absent means none.
export function splitPipe(value: string | string[] | undefined): string[] {
  if (Array.isArray(value)) return value;
  return value ? value.split('|').filter(Boolean) : [];
}

export function toSendResult(body: z.infer<typeof sendResponse>): SendResult {
  return {
    msgid: body.msgid ?? '',
    invalidUsers: splitPipe(body.invaliduser),
    invalidParties: splitPipe(body.invalidparty),
    invalidTags: splitPipe(body.invalidtag),
    unlicensedUsers: splitPipe(body.unlicenseduser),
    ...(body.response_code ? { responseCode: body.response_code } : {}),
  };
}

export function toOAuthIdentity(body: z.infer<typeof userInfoResponse>): OAuthIdentity | null {
  if (body.userid) return { userid: body.userid, ...(body.user_ticket ? { userTicket: body.user_ticket } : {}) };
  if (body.openid) return { openid: body.openid, ...(body.external_userid ? { externalUserid: body.external_userid } : {}) };
  return null;
}

export function toWecomUser(u: z.infer<typeof userResponse>): WecomUser {
  return {
    userid: u.userid,
    name: u.name ?? u.userid,
    departmentIds: u.department ?? [],
    ...(u.main_department !== undefined ? { mainDepartment: u.main_department } : {}),
    ...(u.position ? { position: u.position } : {}),
    isLeaderInDept: u.is_leader_in_dept ?? [],
    directLeader: u.direct_leader ?? [],
    status: u.status ?? 1,
    ...(u.mobile ? { mobile: u.mobile } : {}),
    ...(u.email ? { email: u.email } : {}),
    ...(u.avatar ? { avatar: u.avatar } : {}),
  };
}

export function toWecomDepartments(body: z.infer<typeof departmentListResponse>): WecomDepartment[] {
  return body.department.map((d) => ({
    id: d.id,
    name: d.name ?? String(d.id),
    parentId: d.parentid ?? 0,
    order: d.order ?? 0,
    departmentLeader: d.department_leader ?? [],
  }));
}

/** filename from `attachment; filename="a.jpg"` or RFC 5987 `filename*=UTF-8''%E5%9B%BE.jpg`. */
export function filenameFromDisposition(header: unknown): string | undefined {
  if (typeof header !== 'string' || !header) return undefined;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // Malformed percent-encoding: fall through to the plain form.
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header)?.[1].trim();
  // Raw UTF-8 bytes in a header reach us as latin1 characters; undo that.
  if (!plain) return undefined;
  const utf8 = /[\u0080-\u00ff]/.test(plain) ? Buffer.from(plain, 'latin1').toString('utf8') : plain;
  return utf8.includes('\ufffd') ? plain : utf8;
}

/** Our array-shaped recipients → WeCom's "a|b" strings; agentid is always ours, never the caller's. */
export function toWireMessage(msg: WecomMessage, agentId: number): Record<string, unknown> {
  const { touser, toparty, totag, enable_duplicate_check, ...rest } = msg;
  return {
    ...rest,
    ...(touser ? { touser: touser === '@all' ? '@all' : touser.join('|') } : {}),
    ...(toparty?.length ? { toparty: toparty.join('|') } : {}),
    ...(totag?.length ? { totag: totag.join('|') } : {}),
    ...(enable_duplicate_check !== undefined ? { enable_duplicate_check: enable_duplicate_check ? 1 : 0 } : {}),
    agentid: agentId,
  };
}

/** update_template_card body; refuses inputs WeCom would reject (limits per §2.3). */
export function toWireCardUpdate(input: UpdateTemplateCardInput, agentId: number): Record<string, unknown> {
  const issues: string[] = [];
  if (!input.responseCode) issues.push('response_code 不能为空');
  if ((input.userids?.length ?? 0) > 1000) issues.push('userids 不能超过1000个');
  if ((input.partyids?.length ?? 0) > 100 || (input.tagids?.length ?? 0) > 100) issues.push('partyids/tagids 不能超过100个');
  if (!input.atall && !input.userids?.length && !input.partyids?.length && !input.tagids?.length) issues.push('至少需要一个更新对象');
  if (!input.templateCard && !input.replaceName) issues.push('replace_name 不能为空');
  const card = input.templateCard ? templateCardSchema.safeParse(input.templateCard) : null;
  if (card && !card.success) issues.push(...describeZodIssues(card.error));
  if (issues.length) throw new WecomRequestInvalidError('template card update', issues);
  return {
    userids: input.userids ?? [],
    partyids: input.partyids ?? [],
    tagids: input.tagids ?? [],
    atall: input.atall ? 1 : 0,
    agentid: agentId,
    response_code: input.responseCode,
    ...(input.templateCard ? { template_card: input.templateCard } : { button: { replace_name: input.replaceName } }),
  };
}

/** errcode ≠ 0 inside a body that should have been a file (media/get answers errors with HTTP 200). */
export function errcodeInBody(buffer: Buffer): { errcode: number; errmsg: string } | null {
  try {
    const body = JSON.parse(buffer.toString('utf8')) as { errcode?: unknown; errmsg?: unknown };
    return typeof body.errcode === 'number' && body.errcode !== 0 ? { errcode: body.errcode, errmsg: String(body.errmsg ?? '') } : null;
  } catch {
    return null;
  }
}
