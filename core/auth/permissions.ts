import { AppError } from '../errors.js';
import type { Actor, Role } from './actor.js';

/**
 * Who may do what, as one table. Row scope (which records) is separate: see
 * `scope.ts`. A missing verb means 403.
 */
export type Resource =
  | 'customers' | 'contacts' | 'leads' | 'opportunities' | 'orders'
  | 'actions' | 'escalations' | 'config' | 'org' | 'outbox'
  /** Stores, catalogue and shelf launches (core/retail); row scope is retail's own (core/retail/store-scope.ts). */
  | 'retail'
  /** 结果归因 (core/attribution): managers' and the director's report. */
  | 'attribution';
export type Verb = 'read' | 'create' | 'update' | 'assign';

const BUSINESS: Verb[] = ['read', 'create', 'update'];
const TABLE: Record<Role, Partial<Record<Resource, Verb[]>>> = {
  rep: {
    customers: BUSINESS, contacts: BUSINESS, leads: BUSINESS, opportunities: BUSINESS,
    orders: BUSINESS, actions: BUSINESS, config: ['read'], org: ['read'], outbox: ['read'], retail: ['read', 'create'],
  },
  manager: {
    customers: BUSINESS, contacts: BUSINESS, leads: [...BUSINESS, 'assign'], opportunities: BUSINESS,
    orders: BUSINESS, actions: [...BUSINESS, 'assign'], escalations: ['read', 'update'],
    config: ['read'], org: ['read'], outbox: ['read'], retail: ['read', 'create'], attribution: ['read'],
  },
  director: {
    customers: BUSINESS, contacts: BUSINESS, leads: [...BUSINESS, 'assign'], opportunities: BUSINESS,
    orders: BUSINESS, actions: [...BUSINESS, 'assign'], escalations: ['read', 'update'],
    config: ['read'], org: ['read'], outbox: ['read'], retail: ['read', 'create'], attribution: ['read'],
  },
  // Compliance is copied on escalations and reads them; it does not work the pipeline.
  compliance: { escalations: ['read'], config: ['read'], org: ['read'], outbox: ['read'] },
  // Admins configure the system and may read everything to do so, but do not sell.
  admin: {
    customers: ['read'], contacts: ['read'], leads: ['read'], opportunities: ['read'], orders: ['read'],
    actions: ['read'], escalations: ['read'], config: ['read', 'update', 'create'], org: ['read', 'update'],
    outbox: ['read'], retail: ['read'],
  },
  // A store's clerk works the launch steps assigned to them (and uploads their photos); nothing of the brand's pipeline.
  clerk: { actions: BUSINESS, retail: ['read', 'update'], config: ['read'] },
  // A patrol inspector reads the stores on their route and works what is assigned to them.
  inspector: { actions: BUSINESS, retail: ['read'], config: ['read'] },
};

export function can(actor: Pick<Actor, 'role'>, resource: Resource, verb: Verb): boolean {
  return TABLE[actor.role][resource]?.includes(verb) ?? false;
}

export function assertCan(actor: Pick<Actor, 'role'>, resource: Resource, verb: Verb): void {
  if (!can(actor, resource, verb)) throw new AppError('FORBIDDEN', { resource, verb });
}
