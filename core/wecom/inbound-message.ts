import { z } from 'zod';

/**
 * Decrypted callback payloads (§4.6) → one discriminated `InboundMessage`.
 * Every value arrives as a string (the XML parser never coerces), so 64-bit
 * MsgIds and leading zeros survive. Unknown message/event types become
 * `kind: 'unsupported'` rather than an error: WeCom retries failed callbacks
 * 3 times, and a new event type must not look like an outage.
 *
 *   const msg = toInboundMessage(parsedXml);
 *   if (await seen(msg.dedupeKey)) return; // WeCom retries within 5 s
 */

const s = z.string();
const digits = z.string().regex(/^\d+$/);

const baseSchema = z.object({
  ToUserName: s,
  FromUserName: s.min(1),
  CreateTime: digits,
  MsgType: s.min(1),
  AgentID: s.optional(),
  MsgId: s.optional(),
  Event: s.optional(),
  EventKey: s.optional(),
  TaskId: s.optional(),
});

const textSchema = z.object({ Content: s, MsgId: s.min(1) });
const imageSchema = z.object({ PicUrl: s, MediaId: s.min(1), MsgId: s.min(1) });
const voiceSchema = z.object({ MediaId: s.min(1), Format: s.optional(), MsgId: s.min(1) });
const locationSchema = z.object({ Location_X: s, Location_Y: s, Scale: s.optional(), Label: s.optional(), AppType: s.optional() });
const locationEventSchema = z.object({ Latitude: s, Longitude: s, Precision: s.optional() });

// Empty elements parse as '' (or whitespace); filled ones as objects with array children.
const optionIdsSchema = z.union([z.object({ OptionId: z.array(s).optional() }), s]);
const opitonIdsSchema = z.union([z.object({ OpitonId: z.array(s).optional() }), s]);
const selectedItemSchema = z.object({ QuestionKey: s, OptionIds: optionIdsSchema.optional(), OpitonIds: opitonIdsSchema.optional() });
const cardEventSchema = z.object({
  EventKey: s.default(''),
  TaskId: s.min(1),
  CardType: s.optional(),
  ResponseCode: s.optional(),
  SelectedItems: z.union([z.object({ SelectedItem: z.array(selectedItemSchema).optional() }), s]).optional(),
});

interface InboundBase {
  /** ToUserName: our CorpID. */
  corpId: string;
  /** FromUserName: the member's userid. */
  fromUserId: string;
  /** CreateTime in epoch seconds. */
  createTime: number;
  agentId?: string;
  /** Idempotency key for the callback inbox: `msg:<MsgId>` or `evt:<from>:<time>:<event>:<key>:<task>`. */
  dedupeKey: string;
  /** Parsed XML as received, for audit and for fields we do not model yet. */
  raw: Record<string, unknown>;
}

export interface CardSelection {
  questionKey: string;
  optionIds: string[];
}

/** The type-specific half of an InboundMessage. */
export type InboundPayload =
  | { kind: 'text'; msgId: string; content: string }
  | { kind: 'image'; msgId: string; picUrl: string; mediaId: string }
  | { kind: 'voice'; msgId: string; mediaId: string; format: string }
  | { kind: 'location'; msgId?: string; latitude: number; longitude: number; scale?: number; label: string }
  | { kind: 'enter_agent'; eventKey: string }
  | { kind: 'location_report'; latitude: number; longitude: number; precision?: number }
  | { kind: 'click' | 'view'; eventKey: string }
  | {
      kind: 'template_card_event' | 'template_card_menu_event';
      eventKey: string;
      taskId: string;
      cardType?: string;
      /** Fresh per click, single use: pass to updateTemplateCard or reply passively. */
      responseCode?: string;
      selectedItems: CardSelection[];
    }
  | { kind: 'unsupported'; msgType: string; event?: string };

export type InboundMessage = InboundBase & InboundPayload;

export type InboundKind = InboundMessage['kind'];

/** Throws z.ZodError when a known type misses required fields. */
export function toInboundMessage(raw: Record<string, unknown>): InboundMessage {
  const b = baseSchema.parse(raw);
  const base: InboundBase = {
    corpId: b.ToUserName,
    fromUserId: b.FromUserName,
    createTime: Number(b.CreateTime),
    ...(b.AgentID ? { agentId: b.AgentID } : {}),
    dedupeKey: b.MsgId ? `msg:${b.MsgId}` : eventKey(b),
    raw,
  };
  if (b.MsgType === 'event') return { ...base, ...toEvent(b.Event ?? '', raw) };
  switch (b.MsgType) {
    case 'text': {
      const m = textSchema.parse(raw);
      return { ...base, kind: 'text', msgId: m.MsgId, content: m.Content };
    }
    case 'image': {
      const m = imageSchema.parse(raw);
      return { ...base, kind: 'image', msgId: m.MsgId, picUrl: m.PicUrl, mediaId: m.MediaId };
    }
    case 'voice': {
      const m = voiceSchema.parse(raw);
      return { ...base, kind: 'voice', msgId: m.MsgId, mediaId: m.MediaId, format: m.Format ?? 'amr' };
    }
    case 'location': {
      const m = locationSchema.parse(raw);
      const scale = optionalNumber(m.Scale);
      return {
        ...base,
        kind: 'location',
        ...(b.MsgId ? { msgId: b.MsgId } : {}),
        latitude: toNumber(m.Location_X, 'Location_X'),
        longitude: toNumber(m.Location_Y, 'Location_Y'),
        ...(scale !== undefined ? { scale } : {}),
        label: m.Label ?? '',
      };
    }
    default:
      return { ...base, kind: 'unsupported', msgType: b.MsgType };
  }
}

function toEvent(event: string, raw: Record<string, unknown>): InboundPayload {
  const eventKeyValue = typeof raw.EventKey === 'string' ? raw.EventKey : '';
  switch (event.toLowerCase()) {
    case 'enter_agent':
      return { kind: 'enter_agent', eventKey: eventKeyValue };
    case 'location': {
      const m = locationEventSchema.parse(raw);
      const precision = optionalNumber(m.Precision);
      return {
        kind: 'location_report',
        latitude: toNumber(m.Latitude, 'Latitude'),
        longitude: toNumber(m.Longitude, 'Longitude'),
        ...(precision !== undefined ? { precision } : {}),
      };
    }
    case 'click':
    case 'view':
      return { kind: event.toLowerCase() as 'click' | 'view', eventKey: eventKeyValue };
    case 'template_card_event':
    case 'template_card_menu_event': {
      const m = cardEventSchema.parse(raw);
      return {
        kind: event.toLowerCase() as 'template_card_event' | 'template_card_menu_event',
        eventKey: m.EventKey,
        taskId: m.TaskId,
        ...(m.CardType ? { cardType: m.CardType } : {}),
        ...(m.ResponseCode ? { responseCode: m.ResponseCode } : {}),
        selectedItems: toSelections(m.SelectedItems),
      };
    }
    default:
      return { kind: 'unsupported', msgType: 'event', event };
  }
}

// SKIT spells the nodes OpitonIds/OpitonId, others OptionIds/OptionId (§11.3): accept both.
function toSelections(items: z.infer<typeof cardEventSchema>['SelectedItems']): CardSelection[] {
  if (!items || typeof items === 'string') return [];
  return (items.SelectedItem ?? []).map((item) => {
    const a = typeof item.OptionIds === 'object' ? (item.OptionIds.OptionId ?? []) : [];
    const b = typeof item.OpitonIds === 'object' ? (item.OpitonIds.OpitonId ?? []) : [];
    return { questionKey: item.QuestionKey, optionIds: [...a, ...b] };
  });
}

// WeCom only documents FromUserName+CreateTime; Event/EventKey/TaskId keep two clicks in one second apart.
function eventKey(b: z.infer<typeof baseSchema>): string {
  const parts = [b.FromUserName, b.CreateTime, b.Event ?? b.MsgType, b.EventKey ?? '', b.TaskId ?? ''];
  return `evt:${parts.map(encodeURIComponent).join(':')}`;
}

function toNumber(value: string, field: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new z.ZodError([{ code: 'custom', path: [field], message: '不是有效数字', input: value }]);
  return n;
}

function optionalNumber(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
