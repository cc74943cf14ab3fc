import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHeavyRunner } from '../core/heavy/heavy-runner.js';
import { StartupError } from '../core/startup-error.js';
import type { Part, System } from '../core/system.js';
import { createApp } from './app.js';

/** Starts the HTTP API and the H5 app's static files on PORT. */
export async function startApi(sys: System): Promise<Part> {
  const heavy = createHeavyRunner(sys.config, sys.logger);
  const app = createApp({ ...sys, heavy });
  const server = http.createServer(app.callback());
  // WeCom's callback deadline is 5 s; a slow client must not hold sockets forever
  server.requestTimeout = 30_000;
  await listen(server, sys.config.PORT, sys.config.HOST);
  const port = (server.address() as AddressInfo).port;
  return {
    name: 'api',
    url: `http://localhost:${port}`,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await heavy.close();
    },
  };
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(new StartupError('APP_PORT_TAKEN',
          `端口 ${port} 已被占用（可能动作流已在运行，或其他程序在用它）：请设置 PORT=其他空闲端口（如 PORT=${port + 1}）后重试，或先停止占用它的程序`, { cause: err }));
      } else if (err.code === 'EACCES') {
        reject(new StartupError('APP_PORT_TAKEN', `没有权限监听端口 ${port}（1024 以下的端口需要管理员权限）：请设置 PORT=3000 等大于 1024 的端口`, { cause: err }));
      } else {
        reject(err);
      }
    });
    server.listen(port, host, resolve);
  });
}
