/**
 * Settings forms validate on the server (its zod schemas are the authority;
 * the app does not repeat them). A 400 VALIDATION_FAILED carries
 * `details: [{ path: 'body.rules.0.km', message }]`; `errorsAt('rules.0')`
 * gives the messages for everything under that part of the form.
 */
import { ApiError } from '../../api/http';

export function errorsAt(err: unknown, prefix: string): string[] {
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return [];
  const want = `body.${prefix}`;
  return err.details
    .filter((d: { path?: string }) => typeof d.path === 'string' && (d.path === want || d.path.startsWith(`${want}.`)))
    .map((d: { path: string; message: string }) => {
      const rest = d.path.slice(want.length + 1);
      return rest ? `${rest}：${d.message}` : d.message;
    });
}

/** The message for the whole form: the server's, plus any detail no field claimed. */
export function generalError(err: unknown, claimed: string[]): string[] {
  if (!err) return [];
  if (!(err instanceof ApiError)) return [String(err)];
  if (!Array.isArray(err.details)) return [err.message];
  const rest = err.details.filter((d: { path?: string }) => !claimed.some((p) => d.path?.startsWith(`body.${p}`)));
  return [err.message, ...rest.map((d: { path: string; message: string }) => `${d.path.replace(/^body\./, '')}：${d.message}`)];
}
