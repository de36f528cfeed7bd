/**
 * The Threema Gateway callback endpoint behind `nachklang inbox serve`: the Gateway POSTs each
 * incoming message (form fields from, to, messageId, date, nonce, box, nickname, mac) and
 * retries until it gets 200. So 200 is answered only once the callback is sealed and on disk;
 * a repeated messageId is answered 200 and not stored again; a full disk is answered 503 so the
 * Gateway tries again later.
 *
 * It runs without the practice keys: callbacks are sealed to the practice's public recipient,
 * and decrypted only when the practitioner reads. It checks what it can without keys (form,
 * sizes, our Gateway ID). The MAC needs the API secret: when `verify` is given (the secret read
 * once at start, `--check-mac`), a wrong MAC is refused at the door; otherwise the callback is
 * stored unverified and its MAC is checked before anything of it is shown.
 *
 * Every problem is one log event without content or sender; the server keeps serving.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readCallbackForm } from "../channels/threema/callback.js";
import type { Clock } from "../delivery/clock.js";
import type { InboxStore } from "./store.js";

/** Largest callback body: a Threema box is at most a few KiB; hex doubles it. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

/**
 * Most envelopes waiting to be decoded before `serve` answers 503 (the Gateway retries later).
 * Without `--check-mac` anyone who finds the path can post well-formed callbacks; this bounds
 * what they can put on the disk (about 90 KB each, some 180 MB) far above a practice's few
 * messages a day and a burst of a thousand (`npm run bench inbox`).
 */
export const DEFAULT_MAX_PENDING = 2000;

/**
 * Connections held at once; more are closed as they arrive. The Gateway posts one callback at a
 * time per message and the bench uses 16; each open connection may buffer a body up to the limit.
 */
export const DEFAULT_MAX_CONNECTIONS = 64;

/** Time a connection has to send its headers, and its whole request (milliseconds). */
export const DEFAULT_TIMEOUTS = { headers: 10_000, request: 30_000 } as const;

export type ServeEvent =
  | { readonly kind: "refused"; readonly status: number; readonly reason: "tooLarge" | "type" | "fields" | "format" | "wrongGateway" | "mac" }
  | { readonly kind: "full"; readonly status: 503; readonly pending: number; readonly max: number }
  | { readonly kind: "storeFailed"; readonly status: number; readonly reason: "noSpace" | "error"; readonly code: string };

export interface CallbackServerOptions {
  readonly store: InboxStore;
  /** The configured channel the callbacks belong to (kept with each envelope). */
  readonly channel: string;
  readonly gatewayId: string;
  /** The URL path the Gateway POSTs to, e.g. `/threema`. */
  readonly path: string;
  readonly bodyLimit?: number;
  /** Envelopes waiting to be decoded at most (DEFAULT_MAX_PENDING). */
  readonly maxPending?: number;
  /** Connections held at once (DEFAULT_MAX_CONNECTIONS). */
  readonly maxConnections?: number;
  /** Time to send the headers and the whole request, in ms (DEFAULT_TIMEOUTS); tests shorten them. */
  readonly timeouts?: { readonly headers: number; readonly request: number };
  /** The MAC check with the channel's API secret; absent: store unverified, check when reading. */
  readonly verify?: (body: string) => boolean;
  readonly now: Clock;
  readonly log: (event: ServeEvent) => void;
}

class TooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (declared > limit) throw new TooLarge();
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > limit) throw new TooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function answer(res: ServerResponse, status: number, close = false): void {
  res.writeHead(status, { "content-length": "0", ...(close ? { connection: "close" } : {}) }).end();
}

export function createCallbackServer(options: CallbackServerOptions): Server {
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
  // Counted on disk at the first callback and whenever the cap is reached (another process may
  // have decoded some since); counted up here for each one stored in between.
  let pending: number | undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== options.path) return answer(res, 404);
    if (req.method !== "POST") return answer(res, 405);
    const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
    if (type !== "application/x-www-form-urlencoded") {
      options.log({ kind: "refused", status: 415, reason: "type" });
      return answer(res, 415, true);
    }
    let body: string;
    try {
      body = await readBody(req, limit);
    } catch (error) {
      if (!(error instanceof TooLarge)) throw error;
      options.log({ kind: "refused", status: 413, reason: "tooLarge" });
      // The rest of the body is not read: the connection ends with the answer.
      return answer(res, 413, true);
    }
    const read = readCallbackForm(body);
    if (!read.ok) {
      options.log({ kind: "refused", status: 400, reason: read.problem });
      return answer(res, 400);
    }
    if (read.form.to !== options.gatewayId) {
      options.log({ kind: "refused", status: 400, reason: "wrongGateway" });
      return answer(res, 400);
    }
    if (options.verify !== undefined && !options.verify(body)) {
      options.log({ kind: "refused", status: 401, reason: "mac" });
      return answer(res, 401);
    }
    try {
      if (pending === undefined || pending >= maxPending) pending = await options.store.pendingCount();
      if (pending >= maxPending) {
        options.log({ kind: "full", status: 503, pending, max: maxPending });
        return answer(res, 503);
      }
      await options.store.put({
        channel: options.channel,
        channelType: "threema",
        received: options.now().toISOString(),
        native: `${read.form.to}:${read.form.messageId}`,
        body: new TextEncoder().encode(body),
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unknown";
      const noSpace = code === "ENOSPC" || code === "EDQUOT";
      options.log({ kind: "storeFailed", status: noSpace ? 503 : 500, reason: noSpace ? "noSpace" : "error", code });
      // Not stored: the Gateway retries a non-200 answer later.
      return answer(res, noSpace ? 503 : 500);
    }
    // A callback the Gateway repeats is stored again, and recognised when it is decoded.
    pending++;
    answer(res, 200);
  }

  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  // Node checks both timeouts only every `connectionsCheckingInterval` (30 s by default), so a
  // stalled client kept its connection up to a minute. Checking at a tenth of the headers time
  // (at most once a second) ends it close to the stated time.
  const server = createServer({
    headersTimeout: timeouts.headers,
    requestTimeout: timeouts.request,
    connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(timeouts.headers / 10))),
  }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log({ kind: "storeFailed", status: 500, reason: "error", code: error instanceof Error ? error.name : "unknown" });
      if (!res.headersSent) answer(res, 500, true);
      else res.destroy();
    });
  });
  // Many idle or slow connections cannot use up the process's files and memory.
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  return server;
}
