/**
 * A local Threema Gateway emulator (message API, end-to-end mode) on 127.0.0.1. Endpoints and
 * answers follow the Gateway API documentation and the official Python SDK's mock server
 * (threema-ch/threema-msgapi-sdk-python tests/conftest.py): send_e2e, upload_blob, blobs,
 * pubkeys, capabilities, credits, lookups; `from`/`secret` checked on every request.
 *
 * It *checks* what it receives: every box is decrypted with the recipient's private key, the
 * type byte and the padding are checked, file message JSON fields are validated, every blob is
 * decrypted with the message's key and must be a valid image (sharp) or audio file (ffprobe),
 * and a photo's thumbnail must be a JPEG of at most 512 px. A message that fails a check is
 * answered with 400 and listed in `violations`, so a test sees it. It charges as the Gateway
 * does: one credit per accepted message and per accepted blob upload (option `credits`, 100 by
 * default), and answers 402 to both when none are left.
 */
import { execFile } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { box, FILE_NONCE, openBox, openSecretbox, publicKeyOf, secretbox, THUMBNAIL_NONCE, toHex, fromHex } from "../../../src/channels/threema/crypto.js";
import { callbackMac } from "../../../src/channels/threema/callback.js";
const MessageType = { text: 0x01, file: 0x17 } as const;
import { phoneHash, emailHash } from "../../../src/channels/threema/lookup.js";

const run = promisify(execFile);

export interface Identity {
  readonly id: string;
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly capabilities: readonly string[];
  readonly phone?: string;
  readonly email?: string;
}

export function makeIdentity(id: string, extra: Partial<Omit<Identity, "id" | "privateKey" | "publicKey">> = {}, privateKey?: Uint8Array): Identity {
  const priv = privateKey ?? new Uint8Array(randomBytes(32));
  return { id, privateKey: priv, publicKey: publicKeyOf(priv), capabilities: ["text", "image", "video", "audio", "file"], ...extra };
}

export interface ReceivedFile {
  readonly fields: Record<string, unknown>;
  readonly content: Uint8Array;
  readonly thumbnail?: Uint8Array;
  readonly thumbnailSize?: { width: number; height: number };
  readonly imageSize?: { width: number; height: number; format: string };
  readonly audio?: { codec: string; duration: number };
}

export interface ReceivedMessage {
  readonly messageId: string;
  readonly from: string;
  readonly to: string;
  readonly type: number;
  readonly paddedLength: number;
  readonly padding: number;
  readonly text?: string;
  readonly file?: ReceivedFile;
  /** A delivery receipt (0x80), decrypted with the recipient's key and checked. */
  readonly receipt?: { readonly status: "received" | "read" | "acknowledged" | "declined"; readonly messageIds: readonly string[] };
}

/** A message from a client's app as the Gateway POSTs it to the callback URL. */
export interface CallbackPost {
  readonly messageId: string;
  readonly fields: Readonly<Record<string, string>>;
  /** The form body, exactly as the Gateway sends it. */
  readonly body: string;
}

export interface ClientFile {
  readonly data: Uint8Array;
  readonly mime: string;
  readonly name: string;
  readonly caption?: string;
}

export type Endpoint = "send_e2e" | "upload_blob" | "blobs" | "pubkeys" | "capabilities" | "credits" | "lookup";

export interface Failure {
  readonly endpoint: Endpoint | "*";
  /** An HTTP status, or "drop" to close the connection without an answer. */
  readonly answer: number | "drop";
  /** How many requests to fail (default: all from now on). */
  remaining?: number;
  /** Let this many matching requests succeed first. */
  after?: number;
}

export class GatewayEmulator {
  readonly gatewayId: string;
  readonly secret: string;
  readonly gateway: Identity;
  readonly identities = new Map<string, Identity>();
  readonly blobs = new Map<string, Uint8Array>();
  readonly received: ReceivedMessage[] = [];
  readonly violations: string[] = [];
  readonly requests: { endpoint: string; status: number | "drop" }[] = [];
  /** Credits left: every accepted message and every accepted blob upload takes one; at 0 both answer 402. */
  credits: number;
  /** Public keys the directory hands out instead of the real one (a key-change scenario). */
  readonly publishedKeys = new Map<string, Uint8Array>();
  private failures: Failure[] = [];
  private server: Server | undefined;
  private port = 0;

  /** Messages clients sent to the Gateway ID (the receiving side), by message id: who sent it. */
  readonly fromClients = new Map<string, string>();

  constructor(options: { gatewayId?: string; secret?: string; gatewayPrivateKey?: Uint8Array; credits?: number } = {}) {
    this.credits = options.credits ?? 100;
    this.gatewayId = options.gatewayId ?? "*NACHKLG";
    this.secret = options.secret ?? "emulator-secret";
    this.gateway = makeIdentity(this.gatewayId, {}, options.gatewayPrivateKey);
    this.identities.set(this.gatewayId, this.gateway);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  addIdentity(identity: Identity): Identity {
    this.identities.set(identity.id, identity);
    return identity;
  }

  fail(failure: Failure): void {
    this.failures.push({ ...failure });
  }

  clearFailures(): void {
    this.failures = [];
  }

  // --- the receiving side: messages from clients' apps, as the Gateway forwards them ---

  /**
   * A message of `type` from the client `from` to the Gateway ID: padded and boxed with the
   * client's private key to the Gateway ID's public key, with a fresh message id and the MAC
   * over the fields (key: the API secret, or `secret` to forge a wrong one).
   */
  callbackFor(from: Identity, type: number, data: Uint8Array, options: { messageId?: string; date?: number; secret?: string; nickname?: string } = {}): CallbackPost {
    const messageId = options.messageId ?? randomBytes(8).toString("hex");
    // Padded as the Threema apps do (PKCS#7 style, 1–255 bytes, at least 32 with the data),
    // written out here rather than with nachklang's own pad(), so a bug there cannot hide.
    const padding = Math.max(1 + (randomBytes(1)[0] ?? 0) % 255, 32 - data.length);
    const plain = new Uint8Array(1 + data.length + padding);
    plain[0] = type;
    plain.set(data, 1);
    plain.fill(padding, 1 + data.length);
    const nonce = new Uint8Array(randomBytes(24));
    const fields: Record<string, string> = {
      from: from.id,
      to: this.gatewayId,
      messageId,
      date: String(options.date ?? Math.floor(Date.now() / 1000)),
      nonce: toHex(nonce),
      box: toHex(box(plain, nonce, this.gateway.publicKey, from.privateKey)),
    };
    const mac = callbackMac(fields as Parameters<typeof callbackMac>[0], options.secret ?? this.secret);
    const form = new URLSearchParams({ ...fields, ...(options.nickname === undefined ? {} : { nickname: options.nickname }), mac });
    this.fromClients.set(messageId, from.id);
    return { messageId, fields: { ...fields, mac }, body: form.toString() };
  }

  /** A text message (0x01) from a client. */
  clientText(from: Identity, text: string, options: { messageId?: string; date?: number; secret?: string } = {}): CallbackPost {
    return this.callbackFor(from, MessageType.text, new TextEncoder().encode(text), options);
  }

  /**
   * A file message (0x17) from a client: the file encrypted with a random key and the file
   * nonce, "uploaded" as a blob the Gateway serves at /blobs/{id}, and described in the JSON.
   */
  clientFile(from: Identity, file: ClientFile, options: { messageId?: string; date?: number } = {}): CallbackPost {
    const key = new Uint8Array(randomBytes(32));
    const blobId = randomBytes(16).toString("hex");
    this.blobs.set(blobId, secretbox(file.data, FILE_NONCE, key));
    const fields = { b: blobId, k: toHex(key), m: file.mime, n: file.name, s: file.data.length, j: 0, i: 0, ...(file.caption === undefined ? {} : { d: file.caption }) };
    return this.callbackFor(from, MessageType.file, new TextEncoder().encode(JSON.stringify(fields)), options);
  }

  /** POST a callback to the practice's endpoint as the Gateway does; resolves with the status. */
  async post(url: string, callback: CallbackPost | string): Promise<number> {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: typeof callback === "string" ? callback : callback.body,
    });
    await response.arrayBuffer();
    return response.status;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.violations.push(`emulator error: ${String(error)}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private injected(endpoint: Endpoint): Failure | undefined {
    for (const f of this.failures) {
      if (f.endpoint !== "*" && f.endpoint !== endpoint) continue;
      if (f.after !== undefined && f.after > 0) {
        f.after--;
        continue;
      }
      if (f.remaining === 0) continue;
      if (f.remaining !== undefined) f.remaining--;
      return f;
    }
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const [, first, second] = url.pathname.split("/");
    const endpoint = (first === "lookup" ? "lookup" : first) as Endpoint;
    const answer = (status: number, text = "") => {
      this.requests.push({ endpoint, status });
      res.writeHead(status, { "content-type": "text/plain" }).end(text);
    };
    const injected = this.injected(endpoint);
    if (injected) {
      if (injected.answer === "drop") {
        this.requests.push({ endpoint, status: "drop" });
        req.socket.destroy();
        return;
      }
      return answer(injected.answer);
    }
    const authorised = (from: string | null, secret: string | null) => from === this.gatewayId && secret === this.secret;

    if (req.method === "POST" && endpoint === "send_e2e") {
      const form = new URLSearchParams(body.toString("utf8"));
      if (!authorised(form.get("from"), form.get("secret"))) return answer(401);
      if (this.credits <= 0) return answer(402);
      const to = form.get("to") ?? "";
      const recipient = this.identities.get(to);
      if (recipient === undefined) return answer(400);
      const nonce = Buffer.from(form.get("nonce") ?? "", "hex");
      const box = Buffer.from(form.get("box") ?? "", "hex");
      if (nonce.length !== 24) return answer(400);
      if (box.length > 4000) return answer(413);
      const problem = await this.checkMessage(recipient, new Uint8Array(nonce), new Uint8Array(box));
      if (typeof problem === "string") {
        this.violations.push(problem);
        return answer(400);
      }
      this.credits--;
      this.received.push(problem);
      return answer(200, problem.messageId);
    }
    if (req.method === "POST" && endpoint === "upload_blob") {
      if (!authorised(url.searchParams.get("from"), url.searchParams.get("secret"))) return answer(401);
      if (this.credits <= 0) return answer(402);
      const request = new Request(url, { method: "POST", headers: { "content-type": req.headers["content-type"] ?? "" }, body });
      const blob = (await request.formData()).get("blob");
      if (!(blob instanceof Blob)) return answer(400);
      const data = new Uint8Array(await blob.arrayBuffer());
      if (data.length === 0) return answer(400);
      if (data.length > 50 * 2 ** 20) return answer(413);
      const id = randomBytes(16).toString("hex");
      this.blobs.set(id, data);
      this.credits--;
      return answer(200, id);
    }
    if (req.method !== "GET") return answer(405);
    if (!authorised(url.searchParams.get("from"), url.searchParams.get("secret"))) return answer(401);
    switch (endpoint) {
      case "blobs": {
        const blob = this.blobs.get(second ?? "");
        if (blob === undefined) return answer(404);
        this.requests.push({ endpoint, status: 200 });
        res.writeHead(200, { "content-type": "application/octet-stream" }).end(blob);
        return;
      }
      case "pubkeys": {
        const identity = this.identities.get(decodeURIComponent(second ?? ""));
        if (identity === undefined) return answer(404);
        return answer(200, toHex(this.publishedKeys.get(identity.id) ?? identity.publicKey));
      }
      case "capabilities": {
        const identity = this.identities.get(decodeURIComponent(second ?? ""));
        if (identity === undefined) return answer(404);
        return answer(200, identity.capabilities.join(","));
      }
      case "credits":
        return answer(200, String(this.credits));
      case "lookup": {
        const [, , kind, hash] = url.pathname.split("/");
        if (!/^[0-9a-f]{64}$/.test(hash ?? "")) return answer(400);
        for (const identity of this.identities.values()) {
          if (kind === "phone_hash" && identity.phone !== undefined && phoneHash(identity.phone) === hash) return answer(200, identity.id);
          if (kind === "email_hash" && identity.email !== undefined && emailHash(identity.email) === hash) return answer(200, identity.id);
        }
        return answer(404);
      }
      default:
        return answer(404);
    }
  }

  /** Decrypt and check one message; a string names what is wrong. */
  private async checkMessage(recipient: Identity, nonce: Uint8Array, box: Uint8Array): Promise<ReceivedMessage | string> {
    let plain: Uint8Array;
    try {
      plain = openBox(box, nonce, this.gateway.publicKey, recipient.privateKey);
    } catch {
      return "box does not decrypt with the recipient's private key and the Gateway ID's public key";
    }
    const padding = plain[plain.length - 1] ?? 0;
    if (padding < 1 || padding > 255 || padding > plain.length - 1) return `bad padding length ${padding}`;
    if (!plain.subarray(plain.length - padding).every((b) => b === padding)) return "padding bytes differ";
    const data = plain.subarray(1, plain.length - padding);
    if (data.length + padding < 32) return `padded data shorter than 32 bytes (${data.length + padding})`;
    const type = plain[0] ?? 0;
    const base = { messageId: randomBytes(8).toString("hex"), from: this.gatewayId, to: recipient.id, type, paddedLength: plain.length, padding };
    if (type === 0x01) {
      let text: string;
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(data);
      } catch {
        return "text is not valid UTF-8";
      }
      if (data.length > 3500) return `text of ${data.length} bytes exceeds 3500`;
      return { ...base, text };
    }
    if (type === 0x17) {
      const file = await this.checkFile(data);
      return typeof file === "string" ? file : { ...base, file };
    }
    if (type === 0x80) {
      const statuses = { 1: "received", 2: "read", 3: "acknowledged", 4: "declined" } as const;
      const status = statuses[data[0] as 1 | 2 | 3 | 4];
      if (status === undefined) return `unknown receipt status ${data[0]}`;
      if (data.length < 9 || (data.length - 1) % 8 !== 0) return `receipt of ${data.length} bytes is not a status and 8-byte ids`;
      const messageIds: string[] = [];
      for (let i = 1; i < data.length; i += 8) messageIds.push(Buffer.from(data.subarray(i, i + 8)).toString("hex"));
      for (const id of messageIds) {
        if (this.fromClients.get(id) !== recipient.id) return `receipt names message ${id}, which ${recipient.id} never sent`;
      }
      return { ...base, receipt: { status, messageIds } };
    }
    return `unexpected message type 0x${type.toString(16)}`;
  }

  private async checkFile(data: Uint8Array): Promise<ReceivedFile | string> {
    let fields: Record<string, unknown>;
    try {
      fields = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data)) as Record<string, unknown>;
    } catch {
      return "file message is not JSON";
    }
    const allowed = new Set(["b", "k", "m", "n", "s", "t", "p", "d", "j", "i", "x", "c"]);
    for (const key of Object.keys(fields)) if (!allowed.has(key)) return `unknown file message field ${key}`;
    const { b, k, m, n, s, t, p, d, j, i, x } = fields;
    if (typeof b !== "string" || !/^[0-9a-f]{32}$/.test(b)) return "b is not a blob id";
    if (typeof k !== "string" || !/^[0-9a-f]{64}$/.test(k)) return "k is not a 32-byte key in hex";
    if (typeof m !== "string" || !/^[a-z]+\/[a-z0-9.+-]+$/.test(m)) return "m is not a MIME type";
    if (typeof n !== "string" || n.length === 0 || n.includes("/")) return "n is not a file name";
    if (typeof s !== "number" || !Number.isInteger(s)) return "s is not a size";
    if (j !== 0 && j !== 1 && j !== 2) return "j is not a rendering type";
    if (i !== (j === 1 ? 1 : 0)) return "i does not match j";
    if (d !== undefined && typeof d !== "string") return "d is not a caption";
    if ((t === undefined) !== (p === undefined)) return "t and p must come together";
    const blob = this.blobs.get(b);
    if (blob === undefined) return `blob ${b} was never uploaded`;
    const key = fromHex(k);
    let content: Uint8Array;
    try {
      content = openSecretbox(blob, FILE_NONCE, key);
    } catch {
      return "blob does not decrypt with k and the file nonce 00…01";
    }
    if (content.length !== s) return `s=${s} but the file has ${content.length} bytes`;
    const result: { -readonly [K in keyof ReceivedFile]: ReceivedFile[K] } = { fields, content };
    const meta = (x ?? {}) as Record<string, unknown>;
    if (m.startsWith("image/")) {
      try {
        const info = await sharp(content).metadata();
        const expected = m === "image/jpeg" ? "jpeg" : m.slice("image/".length);
        if (info.format !== expected) return `m=${m} but the image is ${info.format}`;
        result.imageSize = { width: info.width, height: info.height, format: info.format };
        if (j === 1 && (meta.w !== info.width || meta.h !== info.height)) return "x.w/x.h do not match the image";
      } catch (error) {
        return `blob is not a valid image (${String(error)})`;
      }
    }
    if (m.startsWith("audio/")) {
      const probe = await ffprobe(content);
      if (typeof probe === "string") return probe;
      result.audio = probe;
      if (j === 1 && (typeof meta.d !== "number" || Math.abs(meta.d - probe.duration) > 1)) return `x.d=${String(meta.d)} but the audio lasts ${probe.duration} s`;
    }
    if (t !== undefined) {
      if (typeof t !== "string" || !/^[0-9a-f]{32}$/.test(t)) return "t is not a blob id";
      if (p !== "image/jpeg" && p !== "image/png") return "p is not a thumbnail MIME type";
      const thumbBlob = this.blobs.get(t);
      if (thumbBlob === undefined) return `thumbnail blob ${t} was never uploaded`;
      let thumb: Uint8Array;
      try {
        thumb = openSecretbox(thumbBlob, THUMBNAIL_NONCE, key);
      } catch {
        return "thumbnail does not decrypt with k and the thumbnail nonce 00…02";
      }
      try {
        const info = await sharp(thumb).metadata();
        if (info.format !== (p === "image/jpeg" ? "jpeg" : "png")) return "thumbnail format does not match p";
        if (Math.max(info.width, info.height) > 512) return "thumbnail larger than 512 px";
        result.thumbnail = thumb;
        result.thumbnailSize = { width: info.width, height: info.height };
      } catch (error) {
        return `thumbnail is not a valid image (${String(error)})`;
      }
    } else if (m.startsWith("image/") && j === 1) {
      return "a media image without thumbnail";
    }
    return result;
  }
}

async function ffprobe(content: Uint8Array): Promise<{ codec: string; duration: number } | string> {
  const dir = await mkdtemp(join(tmpdir(), "threema-emulator-"));
  try {
    const file = join(dir, "audio");
    await writeFile(file, content);
    const { stdout } = await run("ffprobe", ["-v", "error", "-show_entries", "stream=codec_type,codec_name:format=duration", "-of", "json", file]);
    const info = JSON.parse(stdout) as { streams?: { codec_type?: string; codec_name?: string }[]; format?: { duration?: string } };
    const audio = info.streams?.find((st) => st.codec_type === "audio");
    if (audio === undefined) return "blob has no audio stream";
    return { codec: audio.codec_name ?? "?", duration: Number(info.format?.duration ?? NaN) };
  } catch (error) {
    return `blob is not valid audio (${String(error).split("\n")[0]})`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
