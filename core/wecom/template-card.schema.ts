import { z } from 'zod';

/**
 * template_card as sent in message/send and update_template_card (§2.2).
 * WeCom rejects or silently mangles cards beyond these limits, so we refuse
 * them before they reach the outbox. Text limits marked "≈" in the reference
 * are enforced as house limits: builders truncate, the schema guards.
 *
 *   const card = templateCardSchema.parse(buildWarningButtonCard(...));
 */

const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');
const maxBytes = (max: number) =>
  z.string().refine((s) => byteLength(s) <= max, { message: `不能超过 ${max} 字节` });

// Only http(s) links open inside WeCom; anything else is a silent dead button.
const httpUrl = z.string().max(2048).regex(/^https?:\/\//i, { message: '链接必须以 http(s):// 开头' });

/** task_id: `[0-9A-Za-z_\-@]`, ≤128 B, unique per app forever. */
export const TASK_ID_PATTERN = /^[0-9A-Za-z_\-@]{1,128}$/;
export const taskIdSchema = z.string().regex(TASK_ID_PATTERN, { message: 'task_id 只能包含字母数字 _-@，且不超过128字节' });

export const TITLE_MAX_CHARS = 36;
export const SUB_TITLE_MAX_CHARS = 160;
export const BUTTON_TEXT_MAX_CHARS = 10;

const sourceSchema = z.object({
  icon_url: httpUrl.optional(),
  desc: z.string().optional(),
  desc_color: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional(),
});

const actionMenuSchema = z.object({
  desc: z.string(),
  action_list: z.array(z.object({ text: z.string().min(1), key: maxBytes(1024).pipe(z.string().min(1)) })).min(1).max(3),
});

const titleDescSchema = z.object({
  title: z.string().max(TITLE_MAX_CHARS).optional(),
  desc: z.string().optional(),
});

const quoteAreaSchema = z.object({
  type: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
  url: httpUrl.optional(),
  appid: z.string().optional(),
  pagepath: z.string().optional(),
  title: z.string().optional(),
  quote_text: z.string().optional(),
});

const horizontalItemSchema = z
  .object({
    keyname: z.string().min(1),
    value: z.string().optional(),
    type: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional(),
    url: httpUrl.optional(),
    media_id: z.string().optional(),
    userid: z.string().optional(),
  })
  .refine((h) => h.type !== 1 || !!h.url, { message: 'type=1 需要 url', path: ['url'] })
  .refine((h) => h.type !== 2 || !!h.media_id, { message: 'type=2 需要 media_id', path: ['media_id'] })
  .refine((h) => h.type !== 3 || !!h.userid, { message: 'type=3 需要 userid', path: ['userid'] });

const jumpSchema = z
  .object({
    type: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
    title: z.string().min(1),
    url: httpUrl.optional(),
    appid: z.string().optional(),
    pagepath: z.string().optional(),
  })
  .refine((j) => j.type !== 1 || !!j.url, { message: 'type=1 需要 url', path: ['url'] })
  .refine((j) => j.type !== 2 || !!j.appid, { message: 'type=2 需要 appid', path: ['appid'] });

export const cardActionSchema = z
  .object({
    type: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    url: httpUrl.optional(),
    appid: z.string().optional(),
    pagepath: z.string().optional(),
  })
  .refine((a) => a.type !== 1 || !!a.url, { message: 'type=1 需要 url', path: ['url'] })
  .refine((a) => a.type !== 2 || !!a.appid, { message: 'type=2 需要 appid', path: ['appid'] });

const optionSchema = z.object({ id: z.string().min(1), text: z.string().min(1), is_checked: z.boolean().optional() });
const submitButtonSchema = z.object({ text: z.string().min(1), key: maxBytes(1024).pipe(z.string().min(1)) });

const buttonSchema = z
  .object({
    type: z.union([z.literal(0), z.literal(1)]).optional(),
    text: z.string().min(1).max(BUTTON_TEXT_MAX_CHARS),
    style: z.number().int().min(1).max(4).optional(),
    key: maxBytes(1024).optional(),
    url: httpUrl.optional(),
  })
  .refine((b) => b.type === 1 || !!b.key, { message: '回调按钮需要 key', path: ['key'] })
  .refine((b) => b.type !== 1 || !!b.url, { message: '跳转按钮需要 url', path: ['url'] });

const selectSchema = z.object({
  question_key: z.string().min(1),
  title: z.string().optional(),
  selected_id: z.string().optional(),
  option_list: z.array(optionSchema).min(1).max(10),
});

const common = {
  source: sourceSchema.optional(),
  action_menu: actionMenuSchema.optional(),
  task_id: taskIdSchema.optional(),
  main_title: titleDescSchema.optional(),
  emphasis_content: titleDescSchema.optional(),
  quote_area: quoteAreaSchema.optional(),
  sub_title_text: z.string().max(SUB_TITLE_MAX_CHARS).optional(),
  horizontal_content_list: z.array(horizontalItemSchema).max(6).optional(),
  jump_list: z.array(jumpSchema).max(3).optional(),
  card_action: cardActionSchema.optional(),
  // Only in update_template_card: greys every button with this text (§2.3).
  replace_text: z.string().optional(),
};
const requiredMainTitle = titleDescSchema.refine((t) => !!t.title, { message: '需要 main_title.title', path: ['title'] });

const textNotice = z
  .object({ ...common, card_type: z.literal('text_notice'), card_action: cardActionSchema })
  .refine((c) => !!c.main_title?.title || !!c.sub_title_text, {
    message: 'text_notice 需要 main_title.title 或 sub_title_text',
    path: ['main_title'],
  });

const newsNotice = z
  .object({
    ...common,
    card_type: z.literal('news_notice'),
    main_title: requiredMainTitle,
    card_action: cardActionSchema,
    card_image: z.object({ url: httpUrl, aspect_ratio: z.number().min(1.3).max(2.25).optional() }).optional(),
    image_text_area: z
      .object({ type: z.number().int().optional(), url: httpUrl.optional(), title: z.string().optional(), desc: z.string().optional(), image_url: httpUrl })
      .optional(),
    vertical_content_list: z.array(z.object({ title: z.string().min(1), desc: z.string().optional() })).max(4).optional(),
  })
  .refine((c) => !!c.card_image || !!c.image_text_area, { message: 'news_notice 需要 card_image 或 image_text_area', path: ['card_image'] });

const buttonInteraction = z
  .object({
    ...common,
    card_type: z.literal('button_interaction'),
    main_title: requiredMainTitle,
    task_id: taskIdSchema,
    button_list: z.array(buttonSchema).min(1).max(6),
    button_selection: selectSchema.optional(),
  })
  .refine((c) => uniqueKeys(c.button_list.filter((b) => b.type !== 1).map((b) => b.key)), {
    message: '按钮 key 不能重复',
    path: ['button_list'],
  });

const voteInteraction = z.object({
  ...common,
  card_type: z.literal('vote_interaction'),
  main_title: requiredMainTitle,
  task_id: taskIdSchema,
  checkbox: z.object({
    question_key: z.string().min(1),
    mode: z.union([z.literal(0), z.literal(1)]).optional(),
    disable: z.boolean().optional(),
    option_list: z.array(optionSchema).min(1).max(20),
  }),
  submit_button: submitButtonSchema,
});

const multipleInteraction = z.object({
  ...common,
  card_type: z.literal('multiple_interaction'),
  main_title: requiredMainTitle,
  task_id: taskIdSchema,
  select_list: z.array(selectSchema).min(1).max(3),
  submit_button: submitButtonSchema,
});

function uniqueKeys(keys: Array<string | undefined>): boolean {
  return new Set(keys).size === keys.length;
}

export const templateCardSchema = z
  .discriminatedUnion('card_type', [textNotice, newsNotice, buttonInteraction, voteInteraction, multipleInteraction])
  // action_menu makes the card updatable, and WeCom addresses updates by task_id.
  .refine((c) => !c.action_menu || !!c.task_id, { message: '设置 action_menu 时必须提供 task_id', path: ['task_id'] });

export type TemplateCard = z.input<typeof templateCardSchema>;
export type TemplateCardType = TemplateCard['card_type'];

/** Card types whose send returns a response_code and whose clicks call back (§2.1). */
export function isInteractiveCard(card: TemplateCard): boolean {
  return card.card_type !== 'text_notice' && card.card_type !== 'news_notice';
}

/** Human-readable issues, e.g. `button_list: Too big` — for WecomRequestInvalidError. */
export function describeZodIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || '(card)'}: ${i.message}`);
}
