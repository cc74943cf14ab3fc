/**
 * What a share page keeps about who opened it, and no more: the network
 * prefix (IPv4 /24, IPv6 /48 — the street, not the house) and a device
 * fingerprint hashed from the user agent, the languages and that prefix. The
 * page itself says so (share-page.ts).
 *
 *   visitorOf('203.0.113.77', 'Mozilla/5.0 …', 'zh-CN') // { ipPrefix: '203.0.113.0/24', fingerprint: '9f…' }
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';

export interface Visitor {
  ipPrefix: string;
  fingerprint: string;
}

export function ipPrefixOf(ip: string): string {
  const plain = ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
  const family = isIP(plain);
  if (family === 4) return `${plain.split('.').slice(0, 3).join('.')}.0/24`;
  if (family === 6) return `${expandIpv6(plain).slice(0, 3).join(':')}::/48`;
  return 'unknown';
}

/** The eight 16-bit groups of an IPv6 address, '::' filled in, leading zeros dropped. */
function expandIpv6(ip: string): string[] {
  const [head, tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => (parseInt(g, 16) || 0).toString(16));
}

export function visitorOf(ip: string, userAgent: string, acceptLanguage: string): Visitor {
  const ipPrefix = ipPrefixOf(ip);
  const fingerprint = createHash('sha256').update(`${userAgent.slice(0, 300)}\n${acceptLanguage.slice(0, 100)}\n${ipPrefix}`)
    .digest('hex').slice(0, 16);
  return { ipPrefix, fingerprint };
}
