import { createHash, randomBytes } from 'node:crypto';

/**
 * JS-SDK config signature (§7): sha1 of
 * `jsapi_ticket=T&noncestr=N&timestamp=TS&url=U` with this fixed key order
 * and raw (un-encoded) values. Same format for corp and agent tickets.
 *
 *   signJsApi({ ticket, url: 'https://h5.example.com/visit?id=1#/photo', nonceStr, timestamp })
 */
export interface JsApiSignInput {
  ticket: string;
  url: string;
  nonceStr: string;
  timestamp: number | string;
}

export interface JsApiSignature {
  timestamp: number;
  nonceStr: string;
  signature: string;
}

/** Lower-case hex SHA-1. The `#…` part is stripped: the page signs `location.href.split('#')[0]` (40093 otherwise). */
export function signJsApi(input: JsApiSignInput): string {
  const url = stripFragment(input.url);
  const plain = `jsapi_ticket=${input.ticket}&noncestr=${input.nonceStr}&timestamp=${input.timestamp}&url=${url}`;
  return createHash('sha1').update(plain, 'utf8').digest('hex');
}

/** Fresh nonce + timestamp + signature, the shape `getConfigSignature` must resolve to. */
export function createJsApiSignature(ticket: string, url: string, now: number = Date.now()): JsApiSignature {
  const timestamp = Math.floor(now / 1000);
  const nonceStr = randomNonce(16);
  return { timestamp, nonceStr, signature: signJsApi({ ticket, url, nonceStr, timestamp }) };
}

export function stripFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// Alphanumeric only: the nonce travels unescaped inside the signed string and the JS config.
function randomNonce(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}
