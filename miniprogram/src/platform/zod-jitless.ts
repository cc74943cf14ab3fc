/**
 * zod compiles object schemas with `new Function` when it may, and merely
 * probing for that is a violation of the app's Content-Security-Policy
 * (script-src without 'unsafe-eval'). Jitless, it validates without eval. This
 * is what `z.config({ jitless: true })` writes, set without pulling zod into
 * the entry chunk; it must run before any page's schema is first used.
 */
const g = globalThis as { __zod_globalConfig?: Record<string, unknown> };
g.__zod_globalConfig = Object.assign(g.__zod_globalConfig ?? {}, { jitless: true });
