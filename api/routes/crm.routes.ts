import type { RouteKit } from '../route-kit.js';
import { registerCustomerRoutes } from './customers.routes.js';

/** Core sales resources: customers, contacts, leads, opportunities, orders. */
export function registerCrmRoutes(kit: RouteKit): void {
  registerCustomerRoutes(kit);
}
