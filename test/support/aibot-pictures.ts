/**
 * WeCom's picture store for the 智能机器人, on loopback: a picture is served encrypted as WeCom
 * serves it (AES-256-CBC, IV = the key's first 16 bytes, PKCS#7 to a multiple of 32), under a url
 * that works for a limited time — the url a message's `image.url` carries.
 *
 *   const host = await startPictureHost();
 *   const url = host.serve(jpeg, `${encodingAESKey}=`);   // the URL-callback mode's key
 */
import { createCipheriv } from 'node:crypto';
import http from 'node:http';

export function encryptAibotFile(plain: Buffer, aesKeyBase64: string): Buffer {
  const key = Buffer.from(aesKeyBase64, 'base64');
  const pad = 32 - (plain.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]);
}

export interface PictureHost {
  /** Serves the picture encrypted with the key; its url. */
  serve(picture: Buffer, aesKeyBase64: string): string;
  /** A url that has expired (WeCom answers 403). */
  expired(): string;
  close(): Promise<void>;
}

export async function startPictureHost(): Promise<PictureHost> {
  const files = new Map<string, Buffer>();
  const server = http.createServer((req, res) => {
    const body = files.get(req.url ?? '');
    if (!body) {
      res.writeHead(403).end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  let n = 0;
  return {
    serve(picture, key) {
      const path = `/aibot/pic-${++n}?sign=q-sign-time`;
      files.set(path, encryptAibotFile(picture, key));
      return base + path;
    },
    expired: () => `${base}/aibot/expired-${++n}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
