import { z } from 'zod';

/** Who an alert may go to, resolved per subject by the alert job. */
export const ALERT_RECIPIENTS = ['owner', 'owner_manager', 'manager', 'director', 'compliance', 'admin'] as const;
export const RecipientsSchema = z.array(z.enum(ALERT_RECIPIENTS)).min(1, '至少需要一个接收人').transform((r) => [...new Set(r)]);
