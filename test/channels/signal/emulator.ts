/**
 * A local stand-in for `signal-cli daemon --http` that checks what it receives.
 *
 * Behaviour follows AsamK/signal-cli (man/signal-cli-jsonrpc.5.adoc, man/signal-cli.1.adoc,
 * src/main/java/org/asamk/signal/http/HttpServerHandler.java, jsonrpc/SignalJsonRpcCommandHandler.java,
 * util/SendMessageResultUtils.java, json/JsonSendMessageResult.java):
 * - `POST /api/v1/rpc` only, `Content-Type: application/json` (else 405 / 415), Host header
 *   naming the bound address (else 421); JSON-RPC errors travel with HTTP 200.
 * - `GET /api/v1/check` answers 200 with an empty body.
 * - `send` answers `{timestamp, results:[{recipientAddress, type, token?, retryAfterSeconds?}]}`;
 *   when no recipient succeeded, it answers a JSON-RPC error instead: -4 when all failures are
 *   untrusted identities, -5 when all are rate limits, else -1, with `data.response` holding the
 *   results.
 * - `listAccounts` exists only in multi-account mode (daemon started without `-a`).
 *
 * Beyond signal-cli, it is strict on purpose: the envelope must be exactly JSON-RPC 2.0, the
 * `send` params may hold only what nachklang is meant to send, and every attachment must be a
 * canonical base64 data URI with a file name whose content is the *processed* media: a decodable
 * image of the declared type with no metadata (sharp + exiftool), or audio of the declared type
 * with no tags (ffprobe). Anything else is recorded in `violations` and answered with -32602.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { randomUUID } from "node:crypto";
import sharp, { type Metadata } from "sharp";

const run = promisify(execFile);

export type SendResultType =
  | "SUCCESS"
  | "NETWORK_FAILURE"
  | "UNREGISTERED_FAILURE"
  | "IDENTITY_FAILURE"
  | "RATE_LIMIT_FAILURE"
  | "INVALID_PRE_KEY_FAILURE";

/** What the emulator does with the next `send` call. */
export type PlannedAnswer =
  | { readonly type: SendResultType; readonly retryAfterSeconds?: number; readonly token?: string }
  | { readonly error: number; readonly message: string }
  /** Read the request, then drop the connection without an answer. */
  | { readonly drop: true }
  | { readonly httpStatus: number };

export interface ReceivedAttachment {
  readonly mime: string;
  readonly filename: string;
  readonly bytes: Buffer;
  /** What the media check found (format, dimensions or duration). */
  readonly probe: string;
}

export interface ReceivedSend {
  readonly account: string | undefined;
  readonly recipient: readonly string[];
  readonly message: string | undefined;
  readonly attachments: readonly ReceivedAttachment[];
}

/** A message a client sends to the practice's account (the receiving side). */
export interface IncomingSignal {
  readonly text?: string;
  readonly attachments?: readonly { readonly mime: string; readonly filename: string; readonly data: Buffer }[];
  /** When the Signal server received it (default: its own clock). */
  readonly serverReceivedTimestamp?: number;
  /** The client's profile name, as signal-cli reports it in `sourceName`. */
  readonly sourceName?: string;
  /** Sent in a group rather than directly. */
  readonly group?: boolean;
}

/** A read receipt the practice sent, as checked by the emulator. */
export interface SentReceipt {
  readonly recipient: string;
  readonly targetTimestamps: readonly number[];
  readonly type: string;
}

export interface EmulatorOptions {
  /** Accounts linked in this signal-cli (multi-account mode). */
  readonly accounts?: readonly string[];
  /** Started with `-a ACCOUNT`: one account, no `listAccounts`. */
  readonly singleAccount?: boolean;
  readonly version?: string;
}

const SEND_PARAMS = new Set(["account", "recipient", "message", "attachments"]);
const E164 = /^\+[1-9]\d{6,14}$/;
const USERNAME = /^u:[A-Za-z0-9_]{3,32}\.\d{2,10}$/;
const DATA_URI = /^data:([a-z]+\/[a-z0-9.+-]+);filename=([^;,]+);base64,([A-Za-z0-9+/]*={0,2})$/;

/** Tags exiftool may report for a clean image: structure only, nothing about who or where. */
const IMAGE_GROUPS_ALLOWED = new Set(["ExifTool", "System", "File", "JFIF", "PNG-pHYs", "PNG-sRGB", "ICC-header", "ICC_Profile", "ICC-meas", "ICC-view"]);
const PNG_TAGS_ALLOWED = new Set(["ImageWidth", "ImageHeight", "BitDepth", "ColorType", "Compression", "Filter", "Interlace", "Gamma", "SRGBRendering"]);
const COMPOSITE_ALLOWED = new Set(["ImageSize", "Megapixels"]);
/** Container and stream tags ffprobe may report for clean audio: technical only. */
const AUDIO_TAGS_ALLOWED = new Set(["encoder", "major_brand", "minor_version", "compatible_brands", "handler_name", "vendor_id", "language"]);

const IMAGE_FORMATS: Record<string, string> = { "image/jpeg": "jpeg", "image/png": "png", "image/webp": "webp" };
const AUDIO_FORMATS: Record<string, RegExp> = {
  "audio/ogg": /(^|,)ogg(,|$)/,
  "audio/opus": /(^|,)ogg(,|$)/,
  "audio/mp4": /(^|,)mp4(,|$)/,
  "audio/aac": /(^|,)(mp4|aac)(,|$)/,
  "audio/mpeg": /(^|,)mp3(,|$)/,
};

class Rejection extends Error {}

export class SignalCliEmulator {
  readonly sends: ReceivedSend[] = [];
  /** Everything the emulator found wrong in what it received; a passing test expects none. */
  readonly violations: string[] = [];
  /** Every JSON-RPC method called, in order. */
  readonly calls: string[] = [];
  private readonly plan: PlannedAnswer[] = [];
  /** What `receive` hands out next: envelopes of messages clients sent (manual receive mode). */
  private readonly waiting: unknown[] = [];
  /** Answers `receive` gives instead of the waiting envelopes (to test malformed answers). */
  private readonly receivePlan: unknown[] = [];
  /** Attachments signal-cli has downloaded, by id: who sent each, and its bytes. */
  private readonly attachmentFiles = new Map<string, { sender: string; data: Buffer }>();
  /** Message timestamps handed out by `receive`, per sender: what a receipt may name. */
  readonly delivered = new Map<string, number[]>();
  readonly receipts: SentReceipt[] = [];
  private readonly sockets = new Set<Socket>();
  private timestamp = 1_700_000_000_000;

  private constructor(
    private readonly server: Server,
    private readonly options: EmulatorOptions,
  ) {}

  static async start(options: EmulatorOptions = {}): Promise<SignalCliEmulator> {
    const server = createServer();
    const emulator = new SignalCliEmulator(server, options);
    server.on("request", (req: IncomingMessage, res: ServerResponse) => void emulator.handle(req, res));
    server.on("connection", (socket) => {
      emulator.sockets.add(socket);
      socket.on("close", () => emulator.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return emulator;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Queue answers for the next `send` calls; when the queue is empty, sends succeed. */
  answer(...answers: PlannedAnswer[]): this {
    this.plan.push(...answers);
    return this;
  }

  // --- the receiving side ---

  /**
   * A message from `from` (E.164) to the practice, queued for the next `receive` as signal-cli
   * reports it (JsonMessageEnvelope, JsonDataMessage, JsonAttachment). Returns its timestamp.
   */
  clientMessage(from: string, message: IncomingSignal): number {
    const timestamp = ++this.timestamp;
    const attachments = (message.attachments ?? []).map((a) => {
      const id = `${randomUUID().replace(/-/g, "").slice(0, 20)}.${a.filename.split(".").pop() ?? "bin"}`;
      this.attachmentFiles.set(id, { sender: from, data: a.data });
      return { contentType: a.mime, filename: a.filename, id, size: a.data.length, width: null, height: null, caption: null, uploadTimestamp: timestamp };
    });
    this.waiting.push({
      account: this.options.accounts?.[0] ?? null,
      envelope: {
        source: from,
        sourceNumber: from,
        sourceUuid: "7ccae375-cd51-4c82-8b1e-7be3280aa485",
        sourceName: message.sourceName ?? null,
        sourceDevice: 1,
        timestamp,
        serverReceivedTimestamp: message.serverReceivedTimestamp ?? Date.now(),
        serverDeliveredTimestamp: Date.now(),
        dataMessage: {
          timestamp,
          message: message.text ?? null,
          expiresInSeconds: 0,
          viewOnce: false,
          ...(attachments.length === 0 ? {} : { attachments }),
          ...(message.group === true ? { groupInfo: { groupId: "Z3JvdXA=", groupName: "g", revision: 1, type: "DELIVER" } } : {}),
        },
      },
    });
    return timestamp;
  }

  /** Something else signal-cli may hand out: a typing message from `from`. */
  clientTyping(from: string): void {
    this.waiting.push({ account: null, envelope: { source: from, sourceNumber: from, timestamp: ++this.timestamp, typingMessage: { action: "STARTED", timestamp: this.timestamp } } });
  }

  /** The next `receive` answers exactly `result` (a malformed answer). */
  answerReceive(result: unknown): this {
    this.receivePlan.push(result);
    return this;
  }

  /** Take the waiting envelopes out as `receive` would hand them out (to build answers around them). */
  takeWaiting(): unknown[] {
    return this.waiting.splice(0).map((item) => {
      this.markDelivered(item);
      return item;
    });
  }

  private markDelivered(item: unknown): void {
    const envelope = (item as { envelope?: { sourceNumber?: string; timestamp?: number; dataMessage?: unknown } }).envelope;
    if (envelope?.dataMessage !== undefined && envelope.sourceNumber !== undefined && envelope.timestamp !== undefined) {
      this.delivered.set(envelope.sourceNumber, [...(this.delivered.get(envelope.sourceNumber) ?? []), envelope.timestamp]);
    }
  }

  /** Envelopes still waiting for `receive`. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const path = (req.url ?? "").split("?")[0];
    const host = req.headers.host;
    if (host !== `127.0.0.1:${this.port}` && host !== `localhost:${this.port}`) return this.status(res, 421);
    if (path === "/api/v1/check") {
      if (req.method !== "GET") return this.status(res, 405);
      return this.status(res, 200);
    }
    if (path !== "/api/v1/rpc") return this.status(res, 404);
    if (req.method !== "POST") return this.status(res, 405);
    if (!(req.headers["content-type"] ?? "").startsWith("application/json")) {
      this.violations.push(`content-type ${req.headers["content-type"]}`);
      return this.status(res, 415);
    }

    let request: unknown;
    try {
      request = JSON.parse(body);
    } catch {
      this.violations.push("body is not JSON");
      return this.json(res, { jsonrpc: "2.0", error: { code: -32700, message: "Parse error", data: null }, id: null });
    }
    const envelope = this.checkEnvelope(request);
    if (typeof envelope === "string") {
      this.violations.push(envelope);
      return this.json(res, { jsonrpc: "2.0", error: { code: -32600, message: envelope, data: null }, id: null });
    }
    const { id, method, params } = envelope;
    this.calls.push(method);
    const reply = (result: unknown) => this.json(res, { jsonrpc: "2.0", result, id });
    const error = (code: number, message: string, data: unknown = null) => this.json(res, { jsonrpc: "2.0", error: { code, message, data }, id });

    switch (method) {
      case "version":
        return reply({ version: this.options.version ?? "0.14.6" });
      case "listAccounts":
        if (this.options.singleAccount === true) return error(-32601, "Method not implemented");
        return reply((this.options.accounts ?? []).map((number) => ({ number })));
      case "listDevices":
        return reply([{ id: 1, name: null, createdTimestamp: 1, lastSeenTimestamp: 2 }]);
      case "send":
        return this.send(params, req, res, reply, error);
      case "receive":
        return this.receive(params, reply, error);
      case "getAttachment":
        return this.getAttachment(params, reply, error);
      case "sendReceipt":
        return this.sendReceipt(params, reply, error);
      default:
        return error(-32601, "Method not implemented");
    }
  }

  private checkEnvelope(request: unknown): { id: string | number; method: string; params: Record<string, unknown> | undefined } | string {
    if (typeof request !== "object" || request === null || Array.isArray(request)) return "request is not an object";
    const r = request as Record<string, unknown>;
    for (const key of Object.keys(r)) if (!["jsonrpc", "method", "params", "id"].includes(key)) return `unknown envelope member ${key}`;
    if (r.jsonrpc !== "2.0") return "jsonrpc must be \"2.0\"";
    if (typeof r.method !== "string" || r.method.length === 0) return "method field must be set";
    // nachklang always expects an answer: notifications (no id) are a bug on its side.
    if (typeof r.id !== "string" && typeof r.id !== "number") return "id must be a string or number";
    if (r.params !== undefined && (typeof r.params !== "object" || r.params === null || Array.isArray(r.params))) return "params must be an object";
    return { id: r.id, method: r.method, params: r.params as Record<string, unknown> | undefined };
  }

  private async send(
    params: Record<string, unknown> | undefined,
    req: IncomingMessage,
    res: ServerResponse,
    reply: (result: unknown) => void,
    error: (code: number, message: string, data?: unknown) => void,
  ): Promise<void> {
    let received: ReceivedSend;
    try {
      received = await this.checkSend(params);
    } catch (e) {
      if (!(e instanceof Rejection)) throw e;
      this.violations.push(e.message);
      return error(-32602, e.message);
    }
    if (this.options.singleAccount !== true && !(this.options.accounts ?? []).includes(received.account ?? "")) {
      return error(-32602, "Specified account does not exist");
    }
    this.sends.push(received);
    const planned = this.plan.shift() ?? { type: "SUCCESS" };
    if ("drop" in planned) {
      req.socket.destroy();
      return;
    }
    if ("httpStatus" in planned) return this.status(res, planned.httpStatus);
    if ("error" in planned) return error(planned.error, planned.message);
    const recipient = received.recipient[0] ?? "";
    const result: Record<string, unknown> = {
      recipientAddress: {
        uuid: "5b7d3f2e-0d4c-4e4a-9a55-3c8f2b1d6e10",
        number: recipient.startsWith("u:") ? null : recipient,
        username: recipient.startsWith("u:") ? recipient.slice(2) : null,
      },
      type: planned.type,
    };
    if (planned.token !== undefined) result.token = planned.token;
    if (planned.retryAfterSeconds !== undefined) result.retryAfterSeconds = planned.retryAfterSeconds;
    const response = { timestamp: ++this.timestamp, results: [result] };
    if (planned.type === "SUCCESS") return reply(response);
    // As SendMessageResultUtils.outputResult: no success → an error carrying the results.
    const code = planned.type === "IDENTITY_FAILURE" ? -4 : planned.type === "RATE_LIMIT_FAILURE" ? -5 : -1;
    const message =
      code === -4 ? "Failed to send message due to untrusted identities" : code === -5 ? "Failed to send message due to rate limiting" : "Failed to send message";
    return error(code, message, { response });
  }

  private checkAccount(params: Record<string, unknown> | undefined): string | undefined {
    const account = params?.account;
    if (this.options.singleAccount === true) return undefined;
    if (typeof account !== "string" || !(this.options.accounts ?? []).includes(account)) return "Specified account does not exist";
    return undefined;
  }

  private receive(params: Record<string, unknown> | undefined, reply: (result: unknown) => void, error: (code: number, message: string) => void): void {
    for (const key of Object.keys(params ?? {})) {
      // --send-read-receipts would tell every client "read" on arrival: exactly what must not happen.
      if (!["account", "timeout", "maxMessages"].includes(key)) {
        this.violations.push(`receive: unexpected param ${key}`);
        return error(-32602, `unexpected param ${key}`);
      }
    }
    const wrongAccount = this.checkAccount(params);
    if (wrongAccount !== undefined) return error(-32602, wrongAccount);
    if (this.receivePlan.length > 0) return reply(this.receivePlan.shift());
    const max = typeof params?.maxMessages === "number" && params.maxMessages >= 0 ? params.maxMessages : Number.POSITIVE_INFINITY;
    const handed = this.waiting.splice(0, Math.min(max, this.waiting.length));
    for (const item of handed) this.markDelivered(item);
    return reply(handed);
  }

  private getAttachment(params: Record<string, unknown> | undefined, reply: (result: unknown) => void, error: (code: number, message: string) => void): void {
    const wrongAccount = this.checkAccount(params);
    if (wrongAccount !== undefined) return error(-32602, wrongAccount);
    const id = params?.id;
    const recipient = params?.recipient;
    const file = typeof id === "string" ? this.attachmentFiles.get(id) : undefined;
    if (file === undefined) return error(-1, `Could not find attachment with ID: ${String(id)}`);
    if (recipient !== file.sender) {
      this.violations.push(`getAttachment: recipient ${String(recipient)} did not send attachment ${String(id)}`);
      return error(-1, "wrong recipient");
    }
    return reply({ data: file.data.toString("base64") });
  }

  private sendReceipt(params: Record<string, unknown> | undefined, reply: (result: unknown) => void, error: (code: number, message: string) => void): void {
    for (const key of Object.keys(params ?? {})) {
      if (!["account", "recipient", "targetTimestamp", "type"].includes(key)) {
        this.violations.push(`sendReceipt: unexpected param ${key}`);
        return error(-32602, `unexpected param ${key}`);
      }
    }
    const wrongAccount = this.checkAccount(params);
    if (wrongAccount !== undefined) return error(-32602, wrongAccount);
    const recipient = params?.recipient;
    const raw = params?.targetTimestamp;
    const timestamps = Array.isArray(raw) ? raw : [raw];
    const type = params?.type ?? "read";
    const problem =
      typeof recipient !== "string" || !E164.test(recipient)
        ? "sendReceipt: recipient must be one E.164 number"
        : !timestamps.every((t) => typeof t === "number" && Number.isInteger(t)) || timestamps.length === 0
          ? "sendReceipt: targetTimestamp must be integers"
          : type !== "read" && type !== "viewed"
            ? `sendReceipt: unknown receipt type ${JSON.stringify(type)}`
            : timestamps.some((t) => !(this.delivered.get(recipient) ?? []).includes(t as number))
              ? "sendReceipt: names a message this sender never sent"
              : undefined;
    if (problem !== undefined) {
      this.violations.push(problem);
      return error(-32602, problem);
    }
    this.receipts.push({ recipient: recipient as string, targetTimestamps: timestamps as number[], type: type as string });
    return reply({ timestamp: ++this.timestamp, results: [{ recipientAddress: { uuid: null, number: recipient, username: null }, type: "SUCCESS" }] });
  }

  private async checkSend(params: Record<string, unknown> | undefined): Promise<ReceivedSend> {
    if (params === undefined) throw new Rejection("send without params");
    for (const key of Object.keys(params)) if (!SEND_PARAMS.has(key)) throw new Rejection(`send: unexpected param ${key}`);
    const { account, recipient, message, attachments } = params;
    if (account !== undefined && (typeof account !== "string" || !E164.test(account))) throw new Rejection("send: account must be an E.164 number");
    if (!Array.isArray(recipient) || recipient.length !== 1) throw new Rejection("send: recipient must be an array of one");
    for (const r of recipient) {
      if (typeof r !== "string" || !(E164.test(r) || USERNAME.test(r))) throw new Rejection("send: recipient must be E.164 or u:username");
    }
    if (message !== undefined && typeof message !== "string") throw new Rejection("send: message must be a string");
    if (attachments !== undefined && (!Array.isArray(attachments) || attachments.length === 0)) throw new Rejection("send: attachments must be a non-empty array");
    const list = (attachments ?? []) as unknown[];
    if ((message ?? "") === "" && list.length === 0) throw new Rejection("Sending empty message is not allowed");
    const decoded: ReceivedAttachment[] = [];
    for (const a of list) decoded.push(await this.checkAttachment(a));
    return { account, recipient: recipient as string[], message, attachments: decoded };
  }

  private async checkAttachment(value: unknown): Promise<ReceivedAttachment> {
    if (typeof value !== "string") throw new Rejection("attachment is not a string");
    const match = DATA_URI.exec(value);
    if (match === null) throw new Rejection(`attachment is not data:MIME;filename=NAME;base64,DATA: ${value.slice(0, 60)}`);
    const [, mime = "", rawName = "", data = ""] = match;
    let filename: string;
    try {
      filename = decodeURIComponent(rawName);
    } catch {
      throw new Rejection(`attachment file name is not URL encoded: ${rawName}`);
    }
    if (filename.length === 0 || /[/\\]/.test(filename)) throw new Rejection(`attachment file name ${filename} is not a plain name`);
    const bytes = Buffer.from(data, "base64");
    if (bytes.toString("base64") !== data) throw new Rejection(`${filename}: base64 is not canonical`);
    if (bytes.length === 0) throw new Rejection(`${filename}: empty`);
    let probe: string;
    if (mime.startsWith("image/")) probe = await this.checkImage(filename, mime, bytes);
    else if (mime.startsWith("audio/")) probe = await this.checkAudio(filename, mime, bytes);
    else probe = `${bytes.length} bytes`;
    return { mime, filename, bytes, probe };
  }

  private async withFile<T>(filename: string, bytes: Buffer, use: (path: string) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(join(tmpdir(), "signal-emulator-"));
    try {
      const path = join(dir, filename.replace(/[^A-Za-z0-9._-]/g, "_"));
      await writeFile(path, bytes);
      return await use(path);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async checkImage(filename: string, mime: string, bytes: Buffer): Promise<string> {
    const expected = IMAGE_FORMATS[mime];
    if (expected === undefined) throw new Rejection(`${filename}: unexpected image type ${mime}`);
    let meta: Metadata;
    try {
      meta = await sharp(bytes).metadata();
      await sharp(bytes).raw().toBuffer();
    } catch (e) {
      throw new Rejection(`${filename}: not a decodable image (${String(e)})`);
    }
    if (meta.format !== expected) throw new Rejection(`${filename}: declared ${mime} but is ${meta.format}`);
    if (meta.exif !== undefined || meta.xmp !== undefined || meta.iptc !== undefined) throw new Rejection(`${filename}: carries EXIF/XMP/IPTC`);
    if (meta.orientation !== undefined && meta.orientation !== 1) throw new Rejection(`${filename}: not upright (orientation ${meta.orientation})`);
    const tags = await this.withFile(filename, bytes, async (path) => {
      const { stdout } = await run("exiftool", ["-j", "-a", "-G1", path]);
      return (JSON.parse(stdout) as Record<string, unknown>[])[0] ?? {};
    });
    const found = Object.keys(tags).filter((key) => {
      if (key === "SourceFile") return false;
      const [group = "", name = ""] = key.split(":");
      if (group === "File") return name === "Comment";
      if (group === "PNG") return !PNG_TAGS_ALLOWED.has(name);
      if (group === "Composite") return !COMPOSITE_ALLOWED.has(name);
      return !IMAGE_GROUPS_ALLOWED.has(group);
    });
    if (found.length > 0) throw new Rejection(`${filename}: metadata left: ${found.join(", ")}`);
    return `${meta.format} ${meta.width}x${meta.height}`;
  }

  private async checkAudio(filename: string, mime: string, bytes: Buffer): Promise<string> {
    const format = AUDIO_FORMATS[mime];
    if (format === undefined) throw new Rejection(`${filename}: unexpected audio type ${mime}`);
    const info = await this.withFile(filename, bytes, async (path) => {
      try {
        const { stdout } = await run("ffprobe", ["-v", "error", "-show_format", "-show_streams", "-of", "json", path]);
        return JSON.parse(stdout) as {
          format?: { format_name?: string; duration?: string; tags?: Record<string, string> };
          streams?: { codec_type?: string; codec_name?: string; tags?: Record<string, string> }[];
        };
      } catch (e) {
        throw new Rejection(`${filename}: not readable audio (${String(e).slice(0, 200)})`);
      }
    });
    const streams = info.streams ?? [];
    if (streams.length !== 1 || streams[0]?.codec_type !== "audio") throw new Rejection(`${filename}: expected exactly one audio stream (no cover art)`);
    if (!format.test(info.format?.format_name ?? "")) throw new Rejection(`${filename}: declared ${mime} but is ${info.format?.format_name}`);
    const duration = Number(info.format?.duration ?? "0");
    if (!(duration > 0)) throw new Rejection(`${filename}: no duration`);
    const tags = [...Object.keys(info.format?.tags ?? {}), ...streams.flatMap((s) => Object.keys(s.tags ?? {}))];
    const found = tags.filter((t) => !AUDIO_TAGS_ALLOWED.has(t.toLowerCase()));
    if (found.length > 0) throw new Rejection(`${filename}: tags left: ${found.join(", ")}`);
    return `${streams[0]?.codec_name} ${duration.toFixed(1)} s`;
  }

  private status(res: ServerResponse, code: number): void {
    res.writeHead(code, { "content-length": "0" }).end();
  }

  private json(res: ServerResponse, value: unknown): void {
    const body = JSON.stringify(value);
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
  }
}
