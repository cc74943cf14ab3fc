import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import Router from '@koa/router';
import Koa from 'koa';
import type { ConsoleBot } from '../core/inbound/console-bridge.js';
import type { InboundBus } from '../core/inbound/inbound-signal.js';
import type { CoreDeps } from '../core/deps.js';
import { createHeavyRunner, type HeavyRunner } from '../core/heavy/heavy-runner.js';
import type { WecomClient } from '../core/wecom/wecom-client.js';
import { authenticate } from './middleware/authenticate.js';
import { clientAddress } from './middleware/client-address.js';
import { errorHandler } from './middleware/error-handler.js';
import { securityHeaders } from './middleware/security-headers.js';
import { serveH5 } from './middleware/serve-h5.js';
import type { RouteKit } from './route-kit.js';
import { registerActionRoutes } from './routes/actions.routes.js';
import { registerAlertRoutes } from './routes/alerts.routes.js';
import { registerAttachmentRoutes } from './routes/attachments.routes.js';
import { registerAuthRoutes } from './routes/auth.routes.js';
import { registerConfigRoutes } from './routes/config.routes.js';
import { registerCrmRoutes } from './routes/crm.routes.js';
import { registerDailyReportRoutes } from './routes/daily-reports.routes.js';
import { registerDashboardRoutes } from './routes/dashboards.routes.js';
import { registerEvidenceRoutes } from './routes/evidence.routes.js';
import { registerVisitAssistRoutes } from './routes/visit-assist.routes.js';
import { registerHealthRoutes } from './routes/health.routes.js';
import { registerOrgRoutes } from './routes/org.routes.js';
import { registerRetailRoutes } from './routes/retail.routes.js';
import { registerSessionRoutes } from './routes/sessions.routes.js';
import { registerUnderstandingRoutes } from './routes/understanding.routes.js';
import { registerAttributionRoutes } from './routes/attribution.routes.js';
import { registerScoreRoutes } from './routes/scores.routes.js';
import { registerSettingsRoutes } from './routes/settings.routes.js';
import { registerShareLinkRoutes } from './routes/share-links.routes.js';
import { registerSharePageRoutes } from './routes/share-pages.routes.js';
import { registerDemoRoutes } from './routes/demo.routes.js';
import { registerSupervisorTodoRoutes } from './routes/supervisor-todos.routes.js';
import { registerTalkTrackRoutes } from './routes/talk-tracks.routes.js';
import { registerWecomJssdkRoutes } from './routes/wecom-jssdk.routes.js';
import { registerBotRoutes } from './routes/wecom-callback.routes.js';
import { registerAibotRoutes } from './routes/wecom-aibot.routes.js';
import { registerWecomContactRoutes } from './routes/wecom-contacts.routes.js';

export interface ApiDeps extends CoreDeps {
  /** The logging twin in demo mode (messages stay in the outbox, sign-in is by userid). */
  wecom: WecomClient;
  /** The bot, when it runs in this process (main.ts): the H5 chat is answered in the request; else through the inbox. */
  consoleBot?: ConsoleBot | null;
  /** …and hears of WeCom callbacks without a NOTIFY. */
  inboundBus?: InboundBus | null;
  /** Worker threads, cache and fair use of heavy operations; created here when not given (then idle workers just exit). */
  heavy?: HeavyRunner;
}

/**
 * Builds the Koa app without listening, so tests drive it directly.
 *
 *   const app = createApp(deps); http.createServer(app.callback()).listen(3000);
 */
export function createApp(deps: ApiDeps): Koa {
  // X-Forwarded-* is believed only as TRUST_PROXY says (clientAddress), never by Koa itself
  const app = new Koa({ proxy: false });
  app.keys = [deps.config.sessionSecret];
  // errors after the answer started (a streamed file): a player that stops listening midway is normal, anything else is logged
  app.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'ERR_STREAM_PREMATURE_CLOSE' || err.code === 'ECONNRESET' || err.code === 'EPIPE') return;
    deps.logger.error({ err }, 'response stream failed');
  });
  const router = new Router();
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'af_session' });
  const kit: RouteKit = { router, registry, deps, heavy: deps.heavy ?? createHeavyRunner(deps.config, deps.logger) };

  registerHealthRoutes(kit);
  registerAuthRoutes(kit, deps.wecom);
  registerOrgRoutes(kit);
  registerSessionRoutes(kit);
  registerUnderstandingRoutes(kit);
  registerCrmRoutes(kit);
  registerAttachmentRoutes(kit, deps.wecom);
  registerConfigRoutes(kit);
  registerSettingsRoutes(kit);
  registerDemoRoutes(kit);
  registerActionRoutes(kit);
  registerEvidenceRoutes(kit);
  registerVisitAssistRoutes(kit);
  registerSupervisorTodoRoutes(kit);
  registerAlertRoutes(kit, deps.wecom);
  registerWecomJssdkRoutes(kit, deps.wecom);
  registerWecomContactRoutes(kit, deps.wecom);
  registerBotRoutes(kit, deps);
  registerAibotRoutes(kit, deps);
  registerDailyReportRoutes(kit);
  registerDashboardRoutes(kit);
  registerShareLinkRoutes(kit);
  // in demo mode there is no WeCom to ask who opened a page
  registerSharePageRoutes(kit, deps.config.demoMode ? null : deps.wecom);
  registerScoreRoutes(kit);
  registerRetailRoutes(kit);
  registerTalkTrackRoutes(kit);
  registerAttributionRoutes(kit);

  const openapi = new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: { title: 'ActionFlow 动作流 API', version: '1.0.0', description: '销售动作流管理系统接口' },
    servers: [{ url: deps.config.publicUrl }],
  });
  router.get('/openapi.json', (ctx) => { ctx.body = openapi; });

  app.use(clientAddress(deps.config.TRUST_PROXY));
  app.use(securityHeaders({ https: deps.config.publicUrl.startsWith('https://') }));
  app.use(errorHandler(deps.logger));
  app.use(authenticate(deps));
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use(serveH5());
  return app;
}
