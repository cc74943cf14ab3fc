import { runLicenceExpiry } from '../core/alerts/licence-expiry.js';
import { licenceExpiryDays } from '../core/profile/profile.setting.js';
import { readSetting } from '../core/settings/read.js';
import type { JobSpec } from './registry.js';

/** Daily: licences expiring within the set number of days (rule `licence_expiry`, days from the setting profile.licence-expiry). */
export const licenceExpiryJob: JobSpec = {
  name: 'licence-expiry',
  every: '30 8 * * *',
  run: async (sys) => runLicenceExpiry(sys, (await readSetting(sys.pool, licenceExpiryDays)).daysAhead),
};
