/**
 * Response shapes, taken type-only from the server's own zod schemas in
 * core/ (erased at build time: nothing of the server ships to the phone).
 */
export type { ActionView, Requirement, SupervisorTodoView } from '@core/actions/action-schemas';
export type { TodayItem } from '@core/actions/action-queries';
export type { Customer } from '@core/resources/customers';
export type { Contact } from '@core/resources/contacts';
export type { ContactEvent } from '@core/profile/contact-events';
export type { RelationshipGraph } from '@core/profile/relationship-graph';
export type { ProcurementStatus } from '@core/profile/procurement';
export type { CustomerLicence, LicenceScan } from '@core/profile/licence/licence-scans';
export type { Complaint } from '@core/fulfilment/complaints';
export type { Opportunity } from '@core/resources/opportunities';
export type { Lead } from '@core/resources/leads';
export type { ProcessView } from '@core/actions/processes';
export type { Order } from '@core/resources/orders';
export type { Page } from '@core/resources/pagination';
export type { Attachment } from '@core/attachments/attachments';
export type { ActionDefinitionEntry, DefinitionVersion } from '@core/config-admin/action-definitions';
export type { AlertRule } from '@core/config-admin/alert-rules';
export type { DryRunResult, DryRunItem } from '@core/config-admin/dry-run';
export type { DailyReport } from '@core/reports/daily-reports';
export type { HolidayYear } from '@core/config-admin/holidays';
export type { KeywordLibrary } from '@core/config-admin/keyword-libraries';
export type { PipelineConfig } from '@core/config-admin/pipelines';
export type { GateRuleConfig as RuleConfig } from '@core/flow/rules/index';
export type { EvidenceCheck } from '@core/actions/evidence-check';
export type { LiveCheckItem } from '@core/actions/live-checklist';
export type { VisitFieldSuggestions } from '@core/visit-assist/suggest-fields';
export type { EvidenceReviewView, EvidenceReviewItem, EvidenceReviewDetail } from '@core/evidence-reviews/schemas';
export type { RuleFailure, ActionStatus, CoordSystem } from '@core/flow/types';

export type { Role } from '@core/auth/actor';

export interface Me {
  id: number;
  userid: string;
  name: string;
  role: Role;
  roleLabel: string;
  departmentId: number | null;
  managerId: number | null;
  permissions: Record<string, string[]>;
  demoMode: boolean;
}

export interface ChecklistItem {
  ruleId: string | null;
  kind: string;
  label: string;
  satisfied: boolean;
  missing: import('@core/flow/types').RuleFailure[];
}

export interface ActionDetail {
  action: import('@core/actions/action-schemas').ActionView;
  checklist: ChecklistItem[];
  draft: Record<string, any> | null;
  evidence: import('@core/evidence-reviews/schemas').EvidenceReviewView | null;
  lastSubmission: { id: number; outcome: 'accepted' | 'rejected'; failures: import('@core/flow/types').RuleFailure[]; at: string } | null;
  events: Array<{ id: number; at: string; type: string; actorId: number | null; actorName: string | null; data: Record<string, any> }>;
}

export interface UserLite {
  id: number;
  userid: string;
  name: string;
  role: Role;
  departmentId: number | null;
  managerId?: number | null;
}

export type { LaunchPlanView, LaunchView, PatrolRouteView, StoreView } from '@core/retail/retail-schemas';
export type { SalesImportResult, SalesRowError } from '@core/retail/sales-schemas';
export type { EntryAccuracyView } from '@core/retail/entry-accuracy';
export type { PromotionView } from '@core/retail/promotion-schemas';
export type { StoreScorecard } from '@core/retail/scorecard';
export type { LaunchBoard } from '@core/retail/launch-board';
export type { BoardStore, BoardStoresPage } from '@core/retail/launch-board-stores';
export type { ScorecardRecord } from '@core/retail/scorecard-records';
export type { ScorecardRanking, ScorecardRecords } from '@core/retail/scorecard-schemas';
export type { PatrolPlansView } from '@core/retail/patrol-plan-schemas';
export type { PatrolView } from '@core/retail/patrols';
