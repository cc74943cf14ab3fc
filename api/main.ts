import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Part, System } from '../core/system.js';
import { DEMO_USERS } from '../core/seed/demo-org.data.js';
import { createApp } from './app.js';

/** Starts the HTTP API and the H5 app's static files on PORT. */
export async function startApi(sys: System): Promise<Part> {
  const app = createApp(sys);
  const server = http.createServer(app.callback());
  // WeCom's callback deadline is 5 s; a slow client must not hold sockets forever
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(sys.config.PORT, sys.config.HOST, resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;
  if (sys.config.demoMode) {
    sys.logger.info(
      { url, signIn: `POST ${url}/api/auth/dev-login {"userid":"rep.zhao"}`, demoUsers: DEMO_USERS.map((u) => u.userid).join(', ') },
      `演示模式：打开 ${url} ，用演示账号登录（如 rep.zhao / mgr.li / director.wang / admin.lin）`,
    );
  } else {
    sys.logger.info({ url, publicUrl: sys.config.publicUrl }, `请在企业微信中打开应用（${sys.config.publicUrl}），通过网页授权登录`);
  }
  return {
    name: 'api',
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
