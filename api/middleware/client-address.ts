import { BlockList, isIP } from 'node:net';
import type { Context, Next } from 'koa';
import type { TrustProxy } from '../../core/config.js';

/**
 * The client's address, believing X-Forwarded-For only as far as TRUST_PROXY
 * says: by default not at all (the server may listen on 0.0.0.0, and anyone
 * can send the header); with a hop count, that many proxies in front of us;
 * with a CIDR list, only addresses inside it. The sign-in throttle and the
 * sign-in log read `ctx.ip`, so a forged header must not choose it.
 *
 *   app.use(clientAddress(config.trustProxy));
 */
export function clientAddress(trust: TrustProxy) {
  const isTrusted = trustTest(trust);
  return async (ctx: Context, next: Next) => {
    ctx.request.ip = resolveClientIp(ctx.req.socket.remoteAddress ?? '', ctx.get('X-Forwarded-For'), isTrusted);
    await next();
  };
}

/** Walks from our socket's peer outwards while the hop is trusted; the first untrusted one is the client. */
export function resolveClientIp(peer: string, forwardedFor: string, isTrusted: (addr: string, hop: number) => boolean): string {
  const chain = [peer, ...forwardedFor.split(',').map((s) => s.trim()).filter(Boolean).reverse()].map(plain);
  let i = 0;
  while (i < chain.length - 1 && isIP(chain[i + 1]) && isTrusted(chain[i], i)) i++;
  return chain[i];
}

/** ::ffff:10.0.0.1 is 10.0.0.1 (a dual-stack socket reports IPv4 peers so). */
const plain = (addr: string) => addr.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');

function trustTest(trust: TrustProxy): (addr: string, hop: number) => boolean {
  if (trust.kind === 'none') return () => false;
  if (trust.kind === 'hops') return (_addr, hop) => hop < trust.hops;
  const list = new BlockList();
  for (const { address, prefix, family } of trust.ranges) list.addSubnet(address, prefix, family);
  return (addr) => {
    const family = isIP(addr);
    return family !== 0 && list.check(addr, family === 6 ? 'ipv6' : 'ipv4');
  };
}
