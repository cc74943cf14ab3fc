import type { RouteKit } from '../route-kit.js';
import { registerContactRoutes } from './contacts.routes.js';
import { registerCustomerRoutes } from './customers.routes.js';
import { registerLeadRoutes } from './leads.routes.js';
import { registerOpportunityRoutes } from './opportunities.routes.js';
import { registerOrderRoutes } from './orders.routes.js';
import { registerFulfilmentRoutes } from './fulfilment.routes.js';
import { registerLicenceRoutes } from './licences.routes.js';
import { registerProfileRoutes } from './profile.routes.js';

/** Core sales resources: customers, contacts, leads, opportunities, orders. */
export function registerCrmRoutes(kit: RouteKit): void {
  registerCustomerRoutes(kit);
  registerContactRoutes(kit);
  registerLeadRoutes(kit);
  registerOpportunityRoutes(kit);
  registerOrderRoutes(kit);
  registerProfileRoutes(kit);
  registerLicenceRoutes(kit);
  registerFulfilmentRoutes(kit);
}
