/**
 * The Signal channel. Signal has no official sending API; nachklang talks to signal-cli, linked
 * as a secondary device of the practice phone and running `signal-cli daemon --http HOST:PORT`,
 * through its JSON-RPC 2.0 endpoint `POST /api/v1/rpc` (and `GET /api/v1/check` for health).
 *
 * Facts used here (AsamK/signal-cli, man/signal-cli-jsonrpc.5.adoc, man/signal-cli.1.adoc and
 * the JSON-RPC handler): `send` takes `recipient` (array of E.164 numbers or `u:username`),
 * `message` and `attachments` (`data:MIME;filename=NAME;base64,DATA`, parameter values URL
 * encoded) and, in multi-account mode, `account`. It answers `{timestamp, results}` where each
 * result has a `type` (SUCCESS, NETWORK_FAILURE, UNREGISTERED_FAILURE, IDENTITY_FAILURE,
 * RATE_LIMIT_FAILURE, INVALID_PRE_KEY_FAILURE), `retryAfterSeconds` for rate limits and a
 * challenge `token` when a captcha is required. When no recipient succeeded, signal-cli answers
 * with a JSON-RPC error instead (-4 only untrusted identities, -5 only rate limits, -1 otherwise)
 * whose `data.response` carries the same `{timestamp, results}`. Further codes: -3 I/O error,
 * -6 captcha rejected, -32603 internal error (also thrown for I/O failures while sending).
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import * as z from "../zod.js";
import type { Channel, ChannelProfile, ChannelType, Delivery, DeliveryPlan, DeliveryResult, FollowUpShape, HealthReport, PlanTarget } from "./contract.js";
import { ExitCode, UserError } from "../errors.js";
import { isSafeServiceUrl, readBounded, refuseSecretsInUrl, requireCertificateChecks, serviceFetch, UNSAFE_URL } from "./transport.js";
import type { MessageKey, MessageParams } from "../messages/index.js";
import { createSignalInbox } from "./signal/inbox.js";
import { oneLine, scrub } from "./signal/text.js";

/** E.164: a plus, a non-zero digit, at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;
/** A Signal username as signal-cli takes it in `recipient`: `u:` and `nickname.discriminator`. */
export const SIGNAL_USERNAME = /^u:[A-Za-z0-9_]{3,32}\.\d{2,10}$/;

export const DEFAULT_RPC_URL = "http://127.0.0.1:8080";

const settings = z
  .object({
    /** The practice phone's number, the account signal-cli is linked to. */
    account: z.string().regex(E164),
    /** Base address of `signal-cli daemon --http`, without the `/api/v1/...` path. */
    rpcUrl: z.url({ protocol: /^https?$/ }).refine(isSafeServiceUrl, UNSAFE_URL),
  })
  .strict();
export type SignalSettings = z.infer<typeof settings>;

/** How hard to try. Only failures where nothing can have reached the client are retried. */
export interface SignalTuning {
  /** Attempts in all for one delivery (network failures and an unreachable daemon only). */
  readonly attempts: number;
  /** Pause before attempt n+1, in milliseconds (the last value repeats). */
  readonly delaysMs: readonly number[];
  /** How long to wait for the daemon's answer to `send` (uploads can take a while). */
  readonly timeoutMs: number;
}

export const DEFAULT_SIGNAL_TUNING: SignalTuning = { attempts: 3, delaysMs: [2_000, 10_000], timeoutMs: 180_000 };

/** Strip a trailing slash or an `/api/v1/rpc` path so settings hold the daemon's base address. */
export function normaliseRpcUrl(url: string): string {
  return url.replace(/\/+$/, "").replace(/\/api\/v1\/rpc$/, "");
}

// --- JSON-RPC over HTTP ---

import type { RpcOutcome } from "./signal/rpc.js";

/** Error codes of the connection itself: the request never left this machine. */
const NOT_CONNECTED = new Set(["bad port", "ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  // fetch refuses some ports outright ("bad port") without connecting.
  if (error instanceof Error && error.cause instanceof Error && error.cause.message === "bad port") return "bad port";
  return undefined;
}

/** A short reason for a failed request: the system error code, else the innermost message. */
function errorText(error: unknown): string {
  const code = errorCode(error);
  if (code !== undefined) return code;
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(error);
}

const responseSchema = z.union([
  z.object({ jsonrpc: z.literal("2.0"), id: z.union([z.string(), z.number(), z.null()]), result: z.unknown() }).strict(),
  z
    .object({
      jsonrpc: z.literal("2.0"),
      id: z.union([z.string(), z.number(), z.null()]),
      error: z.object({ code: z.number().int(), message: z.string(), data: z.unknown().optional() }),
    })
    .strict(),
]);

/**
 * The most nachklang reads of one answer from signal-cli (attachments excepted: see
 * `attachmentAnswerLimit` in signal/inbox.ts). Real answers are small: a send result is a few
 * hundred bytes, and a `receive` batch of 20 messages carries their texts (Signal sends text over
 * 2000 bytes as an attachment) and attachment listings, well under 1 MiB. 4 MiB leaves room for
 * that many times over; anything longer comes from something that is not a working signal-cli,
 * and reading it whole could fill the memory of this computer.
 */
export const RPC_ANSWER_LIMIT_BYTES = 4 * 1024 * 1024;

let requestCounter = 0;

/** What a failed request or read is called in an outcome: `timeout` for our own deadline. */
const failureName = (error: unknown) => (error instanceof Error && error.name === "TimeoutError" ? "timeout" : errorText(error));

/**
 * One JSON-RPC call. An answer longer than `maxBytes` is not read further and comes back as
 * `tooLarge`.
 */
export async function callRpc(
  baseUrl: string,
  method: string,
  params: Record<string, unknown> | undefined,
  timeoutMs: number,
  maxBytes: number = RPC_ANSWER_LIMIT_BYTES,
): Promise<RpcOutcome> {
  const id = `nachklang-${process.pid}-${++requestCounter}`;
  const body = JSON.stringify(params === undefined ? { jsonrpc: "2.0", method, id } : { jsonrpc: "2.0", method, params, id });
  let response: Response;
  try {
    response = await serviceFetch(`${baseUrl}/api/v1/rpc`, { method: "POST", headers: { "content-type": "application/json" }, body }, timeoutMs);
  } catch (error) {
    const code = errorCode(error);
    if (code !== undefined && NOT_CONNECTED.has(code)) return { kind: "unreachable", detail: code };
    return { kind: "uncertain", detail: failureName(error) };
  }
  let text: string | undefined;
  try {
    text = await readBounded(response, maxBytes);
  } catch (error) {
    return { kind: "uncertain", detail: failureName(error) };
  }
  if (text === undefined) return { kind: "tooLarge", limitBytes: maxBytes };
  // A redirect was not followed (serviceFetch), so nothing ran; 4xx: refused before anything ran.
  if (response.status >= 300 && response.status < 500) return { kind: "rejected", detail: `HTTP ${response.status}` };
  if (response.status !== 200) return { kind: "uncertain", detail: `HTTP ${response.status}` };
  let parsed: z.infer<typeof responseSchema>;
  try {
    parsed = responseSchema.parse(JSON.parse(text));
  } catch {
    return { kind: "uncertain", detail: "not a JSON-RPC 2.0 answer" };
  }
  if ("error" in parsed) {
    // Errors about the request itself may carry a null id (JSON-RPC 2.0, section 5).
    if (parsed.id !== id && parsed.id !== null) return { kind: "uncertain", detail: "answer to another request" };
    return { kind: "error", code: parsed.error.code, message: parsed.error.message, data: parsed.error.data };
  }
  if (parsed.id !== id) return { kind: "uncertain", detail: "answer to another request" };
  return { kind: "result", result: parsed.result };
}

// --- send results ---

const RESULT_TYPES = [
  "SUCCESS",
  "NETWORK_FAILURE",
  "UNREGISTERED_FAILURE",
  "IDENTITY_FAILURE",
  "RATE_LIMIT_FAILURE",
  "INVALID_PRE_KEY_FAILURE",
] as const;

const sendResultSchema = z.object({
  timestamp: z.number().int(),
  results: z.array(
    z.object({
      recipientAddress: z.unknown().optional(),
      groupId: z.string().optional(),
      type: z.enum(RESULT_TYPES),
      token: z.string().nullish(),
      retryAfterSeconds: z.number().nullish(),
    }),
  ),
});
type SendResults = z.infer<typeof sendResultSchema>;

/** What one `send` call came to. `retry` marks the only outcomes that are retried in place. */
type Verdict = { readonly sent: true; readonly timestamp: number } | { readonly sent: false; readonly result: DeliveryResult; readonly retry: boolean };

/** Failures that waiting cannot heal: the number is not on Signal, the safety number changed. */
const PERMANENT: ReadonlySet<MessageKey> = new Set(["signal.unregistered", "signal.identityChanged"]);

function failed(reason: MessageKey, params: MessageParams, retryable: boolean, retry = false): Verdict {
  return { sent: false, result: { status: "failed", reason, params, retryable, ...(PERMANENT.has(reason) ? { permanent: true } : {}) }, retry };
}

function fromResults(results: SendResults, base: MessageParams): Verdict {
  if (results.results.some((r) => r.type === "SUCCESS")) return { sent: true, timestamp: results.timestamp };
  const first = results.results[0];
  if (first === undefined) return failed("signal.uncertain", { ...base, detail: "no result for the recipient" }, false);
  switch (first.type) {
    case "NETWORK_FAILURE":
      // signal-cli could not hand the message to the Signal server; Signal's own apps retry
      // these too. Nothing reached the client, so trying again cannot duplicate anything.
      return failed("signal.networkFailure", base, true, true);
    case "UNREGISTERED_FAILURE":
      return failed("signal.unregistered", base, true);
    case "IDENTITY_FAILURE":
      return failed("signal.identityChanged", base, true);
    case "INVALID_PRE_KEY_FAILURE":
      return failed("signal.invalidPreKey", base, true);
    case "RATE_LIMIT_FAILURE": {
      const seconds = first.retryAfterSeconds ?? undefined;
      if (typeof first.token === "string" && first.token.length > 0) {
        if (seconds === undefined) return failed("signal.captchaRequiredNoTime", { ...base, token: first.token }, true);
        return failed("signal.captchaRequired", { ...base, token: first.token, seconds }, true);
      }
      if (seconds === undefined) return failed("signal.rateLimitedNoTime", base, true);
      return failed("signal.rateLimited", { ...base, seconds, minutes: Math.ceil(seconds / 60) }, true);
    }
    default:
      return failed("signal.uncertain", { ...base, detail: first.type }, false);
  }
}

function fromError(error: Extract<RpcOutcome, { kind: "error" }>, base: MessageParams): Verdict {
  const response = (error.data as { response?: unknown } | null | undefined)?.response;
  const results = sendResultSchema.safeParse(response);
  if (results.success && results.data.results.length > 0) return fromResults(results.data, base);
  const detail = scrub(error.message);
  switch (error.code) {
    case -4:
      return failed("signal.identityChanged", base, true);
    case -5:
      return failed("signal.rateLimitedNoTime", base, true);
    case -6:
      return failed("signal.captchaRejected", base, true);
    case -1:
      // Thrown before anything was sent: bad number, not registered, group problems.
      if (/not registered/i.test(error.message)) return failed("signal.unregistered", base, true);
      return failed("signal.refused", { ...base, detail }, true);
    case -32602:
      if (/account/i.test(error.message)) return failed("signal.accountMissing", base, true);
      return failed("signal.protocolError", { ...base, detail }, true);
    case -32700:
    case -32600:
    case -32601:
      // The request was refused before any command ran.
      return failed("signal.protocolError", { ...base, detail }, true);
    case -32603:
      // Also thrown for I/O failures in the middle of sending; only the missing-prekey case is
      // known to happen before anything left signal-cli.
      if (/no prekeys available/i.test(error.message)) return failed("signal.invalidPreKey", base, true);
      return failed("signal.uncertain", { ...base, detail }, false);
    default:
      return failed("signal.uncertain", { ...base, detail: `${error.code}: ${detail}` }, false);
  }
}

// --- attachments ---

/** An attachment as signal-cli takes it: `data:MIME;filename=NAME;base64,DATA` (RFC 2397). */
export function dataUri(mime: string, filename: string, data: Uint8Array): string {
  // Parameters after the MIME type would be read as data URI parameters: keep only type/subtype.
  const type = mime.split(";")[0]?.trim() ?? "application/octet-stream";
  return `data:${type};filename=${encodeURIComponent(filename)};base64,${Buffer.from(data).toString("base64")}`;
}

/** The one part of a Signal delivery, as recorded in `DeliveryProgress`. */
const PART = "message";

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** What practitioners weigh when they choose Signal (channels compare, consent texts). */
const profile: ChannelProfile = {
  type: "signal",
  label: { de: "Signal", en: "Signal" },
  inSentence: { de: "Signal", en: "Signal" },
  endToEnd: true,
  phoneNumberRequired: true,
  readsAddressBook: {
    de: "nur wenn erlaubt, zur Kontaktsuche (Nummern werden in einer geschützten Enklave abgeglichen)",
    en: "only if allowed, for contact discovery (numbers are matched inside a protected enclave)",
  },
  provider: { de: "Signal Technology Foundation, eine gemeinnützige Stiftung", en: "Signal Technology Foundation, a non-profit foundation" },
  basedIn: { de: "USA", en: "USA" },
  clientCost: { de: "kostenlos", en: "free" },
  clientInstalls: { de: "Signal-App", en: "Signal app" },
  automatic: true,
  metadata: {
    de: "Signal kennt die Telefonnummern beider Seiten, wann ein Konto angelegt wurde und wann es zuletzt verbunden war; wer wem schreibt, verbirgt Signal weitgehend („Sealed Sender“)",
    en: "Signal knows both phone numbers, when an account was created and when it last connected; it largely hides who writes to whom ('sealed sender')",
  },
  recommended: true,
};

/** Signal's attachment limit (100 MiB per file). */
const ATTACHMENT_LIMIT_BYTES = 100 * 1024 * 1024;

/** One message with every item attached; refused when an item is larger than Signal takes. */
function signalPlan(shape: FollowUpShape, { alias }: PlanTarget): DeliveryPlan {
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  const big = shape.items.find((i) => i.size > ATTACHMENT_LIMIT_BYTES);
  const refuse = big === undefined ? {} : { refuse: { key: "signal.attachmentTooLarge" as const, params: { alias, file: big.name, size: mb(big.size), limit: mb(ATTACHMENT_LIMIT_BYTES) } } };
  return { messages: 1, ...refuse };
}

/** Build the Signal channel type with the given retry tuning (tests shorten the pauses). */
export function makeSignalChannelType(tuning: SignalTuning = DEFAULT_SIGNAL_TUNING): ChannelType<SignalSettings> {
  const type: ChannelType<SignalSettings> = {
    type: "signal",
    address: "phone",
    // signal-cli sends text over 2000 bytes as a long-text attachment; Signal apps show up to
    // 64 KiB of it.
    textLimitBytes: 64 * 1024,
    // A message in flight when the process died may have gone out.
    repeatHarmless: false,
    handsOverBundle: false,
    profile,
    settings,
    secrets: [],
    options: ["account", "rpcUrl"],
    plan: (_settings, shape, to) => signalPlan(shape, to),
    describe: (s) => ({ account: s.account, rpcUrl: s.rpcUrl }),
    async configure(options, current) {
      await Promise.resolve();
      const given = typeof options.account === "string" ? options.account : current?.account;
      if (given === undefined || given.length === 0) throw new UserError(ExitCode.usage, "signal.accountRequired");
      const account = given.replace(/[\s()/-]/g, "");
      if (!E164.test(account)) throw new UserError(ExitCode.usage, "signal.badAccount", { account: given });
      const raw = typeof options.rpcUrl === "string" ? options.rpcUrl : (current?.rpcUrl ?? DEFAULT_RPC_URL);
      refuseSecretsInUrl(raw, "signal-cli");
      const rpcUrl = normaliseRpcUrl(raw);
      if (!z.url({ protocol: /^https?$/ }).safeParse(rpcUrl).success) throw new UserError(ExitCode.usage, "signal.badRpcUrl", { url: raw });
      if (!isSafeServiceUrl(rpcUrl)) throw new UserError(ExitCode.usage, "channel.insecureUrl", { url: raw, channel: "signal-cli" });
      return { settings: { account, rpcUrl }, secretFiles: {} };
    },
    create(context): Channel {
      const { account, rpcUrl } = context.settings;
      const base = normaliseRpcUrl(rpcUrl);
      if (base.startsWith("https:")) requireCertificateChecks(context.name);

      async function check(): Promise<HealthReport> {
        const lines: HealthReport["lines"][number][] = [];
        const fail = (key: MessageKey, params: MessageParams): HealthReport => ({ ok: false, lines: [...lines, { key, params, ok: false }] });
        try {
          const response = await serviceFetch(`${base}/api/v1/check`, {}, 10_000);
          // signal-cli answers with an empty body.
          if ((await readBounded(response, 64 * 1024)) === undefined) return fail("signal.protocolError", { url: base, detail: "check: answer too large" });
          if (response.status !== 200) return fail("signal.protocolError", { url: base, detail: `check: HTTP ${response.status}` });
        } catch (error) {
          return fail("signal.daemonUnreachable", { url: base, reason: errorText(error) });
        }
        const version = await callRpc(base, "version", undefined, 10_000);
        if (version.kind !== "result") return fail("signal.protocolError", { url: base, detail: `version: ${describeOutcome(version)}` });
        const v = (version.result as { version?: unknown } | null)?.version;
        lines.push({ key: "signal.daemonUp", params: { version: typeof v === "string" ? oneLine(v, 40) : "?", url: base }, ok: true });

        const accounts = await callRpc(base, "listAccounts", undefined, 10_000);
        if (accounts.kind === "result") {
          const list = z.array(z.object({ number: z.string().nullish() }).loose()).safeParse(accounts.result);
          if (!list.success) return fail("signal.protocolError", { url: base, detail: "listAccounts" });
          if (!list.data.some((a) => a.number === account)) return fail("signal.accountMissing", { url: base, account });
          lines.push({ key: "signal.accountLinked", params: { account }, ok: true });
          return { ok: true, lines };
        }
        if (accounts.kind === "error" && accounts.code === -32601) {
          // Started with `-a ACCOUNT`: listAccounts exists only in multi-account mode. A harmless
          // account command shows the account works, though not which number it is.
          const devices = await callRpc(base, "listDevices", undefined, 10_000);
          if (devices.kind !== "result") return fail("signal.protocolError", { url: base, detail: `listDevices: ${describeOutcome(devices)}` });
          lines.push({ key: "signal.singleAccount", params: { account }, ok: true });
          return { ok: true, lines };
        }
        return fail("signal.protocolError", { url: base, detail: `listAccounts: ${describeOutcome(accounts)}` });
      }

      async function deliver(delivery: Delivery): Promise<DeliveryResult> {
        const { alias, address } = delivery.recipient;
        const params: MessageParams = { alias, account, url: base };
        // Signal takes the whole follow-up in one message: once accepted, never send it again.
        const already = delivery.progress.done.get(PART);
        if (already !== undefined) return { status: "sent", ids: [already] };
        if (address === null || !(E164.test(address) || SIGNAL_USERNAME.test(address))) {
          return { status: "failed", reason: "signal.noAddress", params: { alias }, retryable: true };
        }
        const attachments: string[] = [];
        for (const { item, file } of delivery.followUp.items) {
          try {
            attachments.push(dataUri(item.mime, basename(item.path), await readFile(file)));
          } catch (error) {
            return { status: "failed", reason: "signal.unreadableItem", params: { alias, file: basename(item.path), reason: errorText(error) }, retryable: true };
          }
        }
        // Markdown in the message (notes, templates) in the markup Signal's users know: *bold*, _italic_.
        // (Loaded here, not at the top: every command that merely names a channel loads this file.)
        const { markdownToMessenger } = await import("../markdown/index.js");
        const message = markdownToMessenger(delivery.followUp.manifest.message);
        const sendParams: Record<string, unknown> = { account, recipient: [address] };
        if (message.length > 0 || attachments.length === 0) sendParams.message = message;
        if (attachments.length > 0) sendParams.attachments = attachments;

        let last: DeliveryResult = { status: "failed", reason: "signal.daemonUnreachable", params: { ...params, reason: "-" }, retryable: true };
        for (let attempt = 1; attempt <= tuning.attempts; attempt++) {
          if (attempt > 1) await sleep(tuning.delaysMs[Math.min(attempt - 2, tuning.delaysMs.length - 1)] ?? 0);
          const verdict = judge(await callRpc(base, "send", sendParams, tuning.timeoutMs), params);
          if (verdict.sent) {
            await delivery.progress.record(PART, String(verdict.timestamp));
            return { status: "sent", ids: [String(verdict.timestamp)] };
          }
          if (!verdict.retry) return verdict.result;
          last = verdict.result;
        }
        if (last.status === "failed" && last.reason === "signal.networkFailure") {
          return { ...last, params: { ...last.params, attempts: tuning.attempts } };
        }
        return last;
      }

      const inbox = createSignalInbox({ base, account, call: (method, params, timeoutMs, maxBytes) => callRpc(base, method, params, timeoutMs, maxBytes), judge });
      return { name: context.name, type: "signal", check, deliver, inbox };
    },
  };
  return type;
}

function describeOutcome(outcome: RpcOutcome): string {
  switch (outcome.kind) {
    case "result":
      return "ok";
    case "error":
      return `${outcome.code}: ${scrub(outcome.message)}`;
    case "tooLarge":
      return tooLargeDetail(outcome.limitBytes);
    default:
      return outcome.detail;
  }
}

function judge(outcome: RpcOutcome, params: MessageParams): Verdict {
  switch (outcome.kind) {
    case "result": {
      const results = sendResultSchema.safeParse(outcome.result);
      // The daemon answered but not in the documented shape: it may well have sent.
      if (!results.success) return failed("signal.uncertain", { ...params, detail: "unexpected send result" }, false);
      return fromResults(results.data, params);
    }
    case "error":
      return fromError(outcome, params);
    case "unreachable":
      return failed("signal.daemonUnreachable", { ...params, reason: outcome.detail }, true, true);
    case "rejected":
      return failed("signal.protocolError", { ...params, detail: outcome.detail }, true);
    case "uncertain":
      return failed("signal.uncertain", { ...params, detail: outcome.detail }, false);
    case "tooLarge":
      return failed("signal.uncertain", { ...params, detail: tooLargeDetail(outcome.limitBytes) }, false);
  }
}

/** The detail for an answer cut off at `limitBytes` (part of a longer, translated line). */
export function tooLargeDetail(limitBytes: number): string {
  return `answer over ${Math.round(limitBytes / 1024 / 1024)} MiB, not read`;
}

export const signalChannel: ChannelType<SignalSettings> = makeSignalChannelType();
