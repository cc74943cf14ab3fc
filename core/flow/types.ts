/**
 * Domain types of the action engine. Everything here is a plain object so
 * facts can be loaded once by a service, handed to pure functions, logged and
 * replayed in tests. Nothing in `core/flow` touches the database or WeCom.
 */
import type { EvidenceContext, FollowUpClaims, PhotoEvidence, VoiceEvidence } from './evidence/types.js';

export const ACTION_STATUSES = [
  'dispatched',
  'in_progress',
  'submitted',
  'verified',
  'archived',
  'rejected',
  'overdue',
  'escalated',
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export type CoordSystem = 'wgs84' | 'gcj02';

export const CUSTOMER_TYPES = ['ka', 'hospital', 'store', 'dealer'] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];

export const CUSTOMER_TYPE_LABELS: Record<CustomerType, string> = {
  ka: 'KA连锁',
  hospital: '医院',
  store: '门店',
  dealer: '经销商',
};

export type AttachmentKind = 'photo' | 'voice' | 'document';

export const GATE_RULE_KINDS = [
  'attachments.min',
  'fields.required',
  'orders.linked',
  'geofence.within_km',
  'voice.keywords.min',
  'photo.captured_within',
  'checklist.complete',
  'prerequisite.verified',
  'photo.located',
  'photo.unique',
  'photo.camera',
  'checkin.plausible',
  'voice.speech',
  'followup.evidence',
] as const;
export type GateRuleKind = (typeof GATE_RULE_KINDS)[number];

export type Severity = 'error' | 'warning';

/** Roles a notification or escalation is addressed to; services resolve them to WeCom userids. */
export const NOTIFY_ROLES = ['assignee', 'assigner', 'manager', 'director', 'compliance', 'admin'] as const;
export type NotifyRole = (typeof NOTIFY_ROLES)[number];

/**
 * One reason a report cannot (error) or should not (warning) be accepted.
 * `code` is stable English for programs; `message` is Chinese for the rep and
 * says both what is missing and what to do about it.
 */
export interface RuleFailure {
  code: string;
  rule: GateRuleKind;
  /** Config id of the rule that produced it, when the rule set names its rules. */
  ruleId?: string;
  message: string;
  /** Part of the report concerned: 'attachments', 'attachments:合影', 'fields.nextContactAt', 'checkIn', 'voice', 'orders', 'checklist', 'prerequisite'. */
  target: string;
  severity: Severity;
  details?: Record<string, unknown>;
}

export interface GeoPoint {
  lat: number;
  lng: number;
  system: CoordSystem;
}

export interface ReportAttachment {
  id: number;
  kind: AttachmentKind;
  tags: string[];
  /** EXIF capture time (see exif.ts); null when the file carried none. */
  capturedAt: Date | null;
  mime?: string;
  /** What core/evidence read from a photo at upload; absent until analysed (the backfill job catches up). */
  photo?: PhotoEvidence;
  /** What core/evidence read from a voice memo at upload; absent until analysed. */
  voice?: VoiceEvidence;
}

export interface CheckIn {
  lat: number;
  lng: number;
  coordSystem: CoordSystem;
  at: Date;
  /** Metres, as the phone declared it. */
  accuracy?: number | null;
}

/** Who wrote the transcript: a platform's speech recognition (checked against the audio) or the rep (declared). */
export type TranscriptSource = 'wecom' | 'bot' | 'typed';

export interface VisitReport {
  fields: Record<string, unknown>;
  attachments: ReportAttachment[];
  checkIn?: CheckIn;
  /** Speech-to-text of the voice memo(s). */
  transcript?: string;
  /** Unset: typed or dictated by the rep (手工填写), which never counts as verified. */
  transcriptSource?: TranscriptSource;
  /** When the phone's offline queue took the report (declared), so a late arrival is explained. */
  queuedAt?: Date;
  linkedOrderIds: number[];
  checklist?: Record<string, boolean>;
  visitWindow?: { start: Date; end: Date };
}

export interface FactsCustomer {
  id: number;
  name: string;
  type: CustomerType;
  lat: number | null;
  lng: number | null;
  /** The system the stored coordinates are in (map pickers in China give GCJ-02). */
  coordSystem: CoordSystem;
}

export interface PrerequisiteAction {
  definitionCode: string;
  actionId: number;
  status: ActionStatus;
}

/** Everything a rule may look at, loaded once before evaluation. */
export interface VisitFacts {
  now: Date;
  customer: FactsCustomer;
  report: VisitReport;
  /** The customer's orders, newest first. */
  recentOrderIds: number[];
  /** Actions this one depends on (any status); rules decide what counts. */
  satisfiedPrerequisites: PrerequisiteAction[];
  /** Keyword libraries by name, e.g. `pain_points`. */
  keywordLibraries: Record<string, string[]>;
  /** How reps say a library's words in other words, by library and word (痛点话题的说法); absent: the words alone. */
  keywordPhrasings?: Record<string, Record<string, string[]>>;
  /** Thresholds and the check-in history the evidence rules read; without it they use the defaults and no history. */
  evidence?: EvidenceContext;
  /** A follow-up's claims and what backs them (followup.evidence). */
  followUp?: FollowUpClaims;
}

/** Result of `evaluateRules`: ok means no error-severity failure. */
export interface RuleEvaluation {
  ok: boolean;
  failures: RuleFailure[];
}
