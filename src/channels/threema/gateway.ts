/**
 * HTTP client for the Threema Gateway (message API). The base URL comes from the channel
 * settings so tests run against a local emulator. Expected failures are `GatewayError`s with a
 * `problem` the channel maps to one catalogue line each.
 *
 * Retries: idempotent requests (lookups, blob upload/download) are retried with bounded
 * exponential back-off on network errors and 500. `send_e2e` has no idempotency key, so it is
 * retried only when the request certainly never reached the Gateway (connection refused, name
 * not resolved) or the Gateway answered 500 (rejected, not stored); any other network failure
 * while sending is reported as possibly delivered and never repeated automatically.
 */
import { readBounded, serviceFetch } from "../transport.js";
import { fromHex, toHex } from "./crypto.js";
import { BOX_LIMIT_BYTES } from "./message.js";

/**
 * The most read of an answer other than a blob: the Gateway answers a message id, an ID, a key,
 * a list of capabilities or a number, all a few dozen bytes. Anything longer is not the Gateway's.
 */
export const ANSWER_LIMIT_BYTES = 64 * 1024;

export const DEFAULT_API_URL = "https://msgapi.threema.ch";

export type GatewayProblem = "badRequest" | "auth" | "credits" | "notFound" | "tooLarge" | "server" | "status" | "network" | "answer";

export class GatewayError extends Error {
  constructor(
    readonly problem: GatewayProblem,
    /** What was asked: `send_e2e`, `pubkeys`, `upload_blob`, … (never the URL: it holds the secret). */
    readonly endpoint: string,
    readonly status?: number,
    /** Only for send_e2e: the Gateway may have accepted the message although we saw no answer. */
    readonly maybeDelivered = false,
    options?: ErrorOptions,
  ) {
    super(`Threema Gateway ${endpoint}: ${problem}${status === undefined ? "" : ` (HTTP ${status})`}`, options);
    this.name = "GatewayError";
  }
}

const STATUS_PROBLEM: Readonly<Record<number, GatewayProblem>> = {
  400: "badRequest",
  401: "auth",
  402: "credits",
  404: "notFound",
  413: "tooLarge",
  500: "server",
};

export interface RetryPolicy {
  /** Attempts in total, including the first. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8000 };

export interface GatewayOptions {
  readonly apiUrl?: string;
  readonly gatewayId: string;
  readonly secret: string;
  readonly retry?: RetryPolicy;
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Network errors that prove the request was never sent. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);

function networkCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e instanceof Error; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    e = e.cause;
  }
  return undefined;
}

export class Gateway {
  readonly apiUrl: string;
  readonly gatewayId: string;
  private readonly secret: string;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: GatewayOptions) {
    this.apiUrl = (options.apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, "");
    this.gatewayId = options.gatewayId;
    this.secret = options.secret;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The recipient's public key (64 hex digits) as the Gateway's directory has it. */
  async publicKey(threemaId: string): Promise<string> {
    const text = (await this.get("pubkeys", `/pubkeys/${encodeURIComponent(threemaId)}`)).trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(text)) throw new GatewayError("answer", "pubkeys");
    return text;
  }

  /** What the recipient's app can receive, e.g. `text`, `image`, `video`, `file`. */
  async capabilities(threemaId: string): Promise<string[]> {
    const text = await this.get("capabilities", `/capabilities/${encodeURIComponent(threemaId)}`);
    return text
      .split(",")
      .map((c) => c.trim().toLowerCase())
      .filter((c) => c.length > 0);
  }

  async credits(): Promise<number> {
    const text = (await this.get("credits", "/credits")).trim();
    if (!/^\d+$/.test(text)) throw new GatewayError("answer", "credits");
    return Number(text);
  }

  async lookupPhoneHash(hash: string): Promise<string> {
    return (await this.get("lookup", `/lookup/phone_hash/${encodeURIComponent(hash)}`)).trim();
  }

  async lookupEmailHash(hash: string): Promise<string> {
    return (await this.get("lookup", `/lookup/email_hash/${encodeURIComponent(hash)}`)).trim();
  }

  /** Send one end-to-end encrypted message; returns the Gateway's message id (16 hex digits). */
  async sendE2e(to: string, nonce: Uint8Array, box: Uint8Array): Promise<string> {
    // The Gateway would answer 413; saying so without a request costs no credit.
    if (box.length > BOX_LIMIT_BYTES) throw new GatewayError("tooLarge", "send_e2e");
    const body = new URLSearchParams({ from: this.gatewayId, to, nonce: toHex(nonce), box: toHex(box), secret: this.secret });
    const text = await this.request("send_e2e", "/send_e2e", { method: "POST", body }, false);
    const id = text.trim().toLowerCase();
    if (!/^[0-9a-f]{16}$/.test(id)) throw new GatewayError("answer", "send_e2e", undefined, true);
    return id;
  }

  /** Upload an encrypted blob; returns its blob id (32 hex digits). */
  async uploadBlob(data: Uint8Array): Promise<string> {
    const text = await this.request(
      "upload_blob",
      `/upload_blob?${this.auth()}`,
      () => {
        const form = new FormData();
        form.append("blob", new Blob([new Uint8Array(data)], { type: "application/octet-stream" }), "blob");
        return { method: "POST", body: form };
      },
      true,
    );
    const id = text.trim().toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(id)) throw new GatewayError("answer", "upload_blob");
    return id;
  }

  /**
   * Download an (encrypted) blob. One larger than `maxBytes` is refused with problem "tooLarge"
   * as soon as that is known, without reading the rest.
   */
  async downloadBlob(blobId: string, maxBytes = Number.POSITIVE_INFINITY): Promise<Uint8Array> {
    fromHex(blobId, 16);
    const response = await this.fetchWithRetry("blobs", `/blobs/${blobId}?${this.auth()}`, () => ({ method: "GET" }), true);
    const declared = Number(response.headers.get("content-length") ?? Number.NaN);
    if (declared > maxBytes) {
      await response.body?.cancel();
      throw new GatewayError("tooLarge", "blobs");
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = response.body?.getReader();
    for (let next = await reader?.read(); reader !== undefined && next !== undefined && !next.done; next = await reader.read()) {
      total += next.value.length;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new GatewayError("tooLarge", "blobs");
      }
      chunks.push(next.value);
    }
    return new Uint8Array(Buffer.concat(chunks));
  }

  private auth(): string {
    return new URLSearchParams({ from: this.gatewayId, secret: this.secret }).toString();
  }

  private get(endpoint: string, path: string): Promise<string> {
    return this.request(endpoint, `${path}?${this.auth()}`, { method: "GET" }, true);
  }

  private async request(endpoint: string, path: string, init: RequestInit | (() => RequestInit), idempotent: boolean): Promise<string> {
    const response = await this.fetchWithRetry(endpoint, path, typeof init === "function" ? init : () => init, idempotent);
    let text: string | undefined;
    try {
      text = await readBounded(response, ANSWER_LIMIT_BYTES);
    } catch (error) {
      throw new GatewayError("network", endpoint, undefined, !idempotent, { cause: error });
    }
    // Cut off: a message may have been sent all the same.
    if (text === undefined) throw new GatewayError("answer", endpoint, undefined, !idempotent);
    return text;
  }

  private async fetchWithRetry(endpoint: string, path: string, init: () => RequestInit, idempotent: boolean): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.retry.attempts;
      let response: Response;
      try {
        response = await serviceFetch(this.apiUrl + path, init(), this.timeoutMs);
      } catch (error) {
        const code = networkCode(error);
        const notSent = code !== undefined && NOT_SENT.has(code);
        if (!idempotent && !notSent) throw new GatewayError("network", endpoint, undefined, true, { cause: error });
        if (last) throw new GatewayError("network", endpoint, undefined, false, { cause: error });
        await this.backoff(attempt);
        continue;
      }
      if (response.ok) return response;
      await response.body?.cancel();
      const problem = STATUS_PROBLEM[response.status] ?? "status";
      if (problem === "server" && !last) {
        await this.backoff(attempt);
        continue;
      }
      throw new GatewayError(problem, endpoint, response.status);
    }
  }

  private backoff(attempt: number): Promise<void> {
    const delay = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    // Up to 25 % jitter so that several deliveries do not retry in lockstep.
    return this.sleep(delay * (1 + Math.random() * 0.25));
  }
}
