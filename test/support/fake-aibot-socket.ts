/**
 * WeCom's side of the 智能机器人 long connection (reference §9 B), on loopback: the frames
 * `{cmd, headers: {req_id}, body}` of WecomTeam/aibot-node-sdk, `aibot_subscribe` checked against
 * the bot's id and secret, every frame of the bot's acknowledged `{headers: {req_id}, errcode, errmsg}`.
 * Callbacks are delivered to the subscribed connection; one that has no finished answer when the
 * connection drops is delivered again (new req_id, same msgid) once the bot subscribes again, and
 * callbacks sent while no connection is subscribed wait for one — as a server that keeps what it
 * could not hand over.
 *
 *   const wecom = await startFakeAibotSocket({ botId: 'bot1', secret: 's' });
 *   const reqId = wecom.deliver(textBody);   // → the bot answers with aibot_respond_msg frames
 *   wecom.drop();                            // the link dies; the bot reconnects
 */
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';

export interface ReceivedFrame {
  cmd: string;
  headers: { req_id: string };
  body?: any;
  /** Which subscription (1, 2, …) it came on. */
  connection: number;
}

interface Callback {
  reqId: string;
  cmd: string;
  body: any;
  answered: boolean;
}

export interface FakeAibotSocket {
  url: string;
  /** Every frame the bot sent, in order (subscriptions and pings included). */
  received: ReceivedFrame[];
  /** Subscriptions accepted so far. */
  subscriptions: number;
  /** Delivers a message (or event) callback; returns its req_id. */
  deliver(body: object, cmd?: 'aibot_msg_callback' | 'aibot_event_callback'): string;
  /** Kills the subscribed connection without a closing handshake. */
  drop(): void;
  /** While false, pings are not acknowledged (a link that silently died). */
  answerPings: boolean;
  /** A frame for which this returns true kills the connection instead of being acknowledged (an answer lost in a drop). */
  dropOn: ((frame: ReceivedFrame) => boolean) | null;
  /** Resolves when `test(received)` holds, checking on every frame. */
  until(test: (received: ReceivedFrame[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const reqId = (prefix: string) => `${prefix}_${Date.now()}_${randomBytes(4).toString('hex')}`;

export async function startFakeAibotSocket(o: { botId: string; secret: string }): Promise<FakeAibotSocket> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const port = (server.address() as { port: number }).port;
  let current: WebSocket | null = null;
  let connections = 0;
  const callbacks: Callback[] = [];
  const waiters: Array<() => void> = [];

  const send = (ws: WebSocket, frame: object) => ws.send(JSON.stringify(frame));
  const push = (c: Callback) => {
    if (current) send(current, { cmd: c.cmd, headers: { req_id: c.reqId }, body: c.body });
  };

  const fake: FakeAibotSocket = {
    url: `ws://127.0.0.1:${port}`,
    received: [],
    subscriptions: 0,
    answerPings: true,
    dropOn: null,
    deliver(body, cmd = 'aibot_msg_callback') {
      const c: Callback = { reqId: reqId(cmd), cmd, body, answered: false };
      callbacks.push(c);
      push(c);
      return c.reqId;
    },
    drop() {
      current?.terminate();
      current = null;
    },
    until(test, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the fake WeCom never saw it; frames: ${JSON.stringify(fake.received.map((f) => f.cmd))}`)), timeoutMs);
        const check = () => {
          if (!test(fake.received)) return false;
          clearTimeout(timer);
          resolve();
          return true;
        };
        if (check()) return;
        const w = () => { if (!check()) waiters.push(w); };
        waiters.push(w);
      });
    },
    async close() {
      for (const ws of server.clients) ws.terminate();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  server.on('connection', (ws) => {
    const n = ++connections;
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      fake.received.push({ ...frame, connection: n });
      queueMicrotask(() => { for (const w of waiters.splice(0)) w(); });
      if (fake.dropOn?.(fake.received.at(-1)!)) {
        fake.dropOn = null;
        fake.drop();
        return;
      }
      const ack = (errcode = 0, errmsg = 'ok') => send(ws, { headers: { req_id: frame.headers.req_id }, errcode, errmsg });
      if (frame.cmd === 'aibot_subscribe') {
        if (frame.body?.bot_id !== o.botId || frame.body?.secret !== o.secret) {
          ack(40001, 'invalid secret');
          return;
        }
        ack();
        current = ws;
        fake.subscriptions++;
        // what could not be handed over: unanswered callbacks again, under new req_ids
        for (const c of callbacks.filter((x) => !x.answered)) {
          c.reqId = reqId(c.cmd);
          push(c);
        }
      } else if (frame.cmd === 'ping') {
        if (fake.answerPings) ack();
      } else {
        ack();
        const answered = callbacks.find((c) => c.reqId === frame.headers.req_id);
        if (answered && (frame.cmd !== 'aibot_respond_msg' || frame.body?.stream?.finish !== false)) answered.answered = true;
      }
    });
    ws.on('close', () => {
      if (current === ws) current = null;
    });
  });
  return fake;
}
