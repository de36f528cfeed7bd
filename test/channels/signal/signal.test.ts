/**
 * The Signal channel against a local signal-cli JSON-RPC emulator (./emulator.ts) that checks
 * the envelope, the `send` params and every attachment (real sharp, exiftool and ffprobe).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Channel, DeliveryResult } from "../../../src/channels/contract.js";
import { channelType } from "../../../src/channels/registry.js";
import { dataUri, makeSignalChannelType, normaliseRpcUrl, type SignalSettings } from "../../../src/channels/signal.js";
import { scrub } from "../../../src/channels/signal/text.js";
import { UserError } from "../../../src/errors.js";
import { LANGS, t, type MessageKey } from "../../../src/messages/index.js";
import { FIXTURES, tempDir } from "../../helpers/cli.js";
import { missing } from "../../helpers/tools.js";
import { item, makeDelivery, processMedia, type ProcessedMedia } from "./delivery.js";
import { SignalCliEmulator, type PlannedAnswer } from "./emulator.js";

const ACCOUNT = "+4930123456";
const CLIENT = "+4915112345678";
const fast = makeSignalChannelType({ attempts: 3, delaysMs: [10, 20], timeoutMs: 10_000 });
const noTools = missing("ffmpeg") || missing("ffprobe") || missing("exiftool");

function channel(url: string, account = ACCOUNT): Channel {
  const settings = fast.settings.parse({ account, rpcUrl: url });
  return fast.create({ name: "signal", settings, secret: () => undefined, home: "/nonexistent" });
}

const CHANNEL_LEVEL = new Set<MessageKey>(["signal.protocolError", "signal.daemonUnreachable", "signal.accountMissing"]);

/** Every failure line must render in both languages with every placeholder filled. */
function expectRenders(result: DeliveryResult): void {
  if (result.status !== "failed") return;
  for (const lang of LANGS) {
    const line = t(lang, result.reason, result.params);
    expect(line, `${lang}: ${line}`).not.toMatch(/\{\w+\}/);
    // Lines about one client name the client by alias; lines about signal-cli itself name its address.
    expect(line).toContain(CHANNEL_LEVEL.has(result.reason) ? "http://127.0.0.1:" : "k042");
  }
  // Failure reasons may be kept in the ledger: never the client's number.
  expect(JSON.stringify(result)).not.toContain(CLIENT.slice(3));
}

describe.skipIf(noTools)("signal channel: deliveries through the emulator", () => {
  let emulator: SignalCliEmulator;
  let dir: string;
  let cleanup: () => Promise<void>;
  let media: ProcessedMedia;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir("nachklang-signal-"));
    media = await processMedia(dir);
    emulator = await SignalCliEmulator.start({ accounts: [ACCOUNT] });
  });
  afterAll(async () => {
    await emulator.stop();
    await cleanup();
  });
  afterEach(() => {
    emulator.sends.length = 0;
    emulator.calls.length = 0;
  });

  it("sends the text and every processed item as data URIs, byte for byte, in one send call", async () => {
    const items = [
      await item(media.photoJpeg, "photo", "image/jpeg"),
      await item(media.photoPng, "photo", "image/png"),
      await item(media.audioOpus, "audio", "audio/ogg"),
      await item(media.audioM4a, "audio", "audio/mp4", "memo; take 2.m4a"),
    ];
    const delivery = await makeDelivery({ dir, address: CLIENT, items });
    const result = await channel(emulator.url).deliver(delivery);

    expect(emulator.violations).toEqual([]);
    expect(result.status).toBe("sent");
    expect(emulator.calls).toEqual(["send"]);
    const [sent] = emulator.sends;
    expect(sent?.account).toBe(ACCOUNT);
    expect(sent?.recipient).toEqual([CLIENT]);
    expect(sent?.message).toBe(delivery.followUp.manifest.message);
    expect(sent?.attachments.map((a) => [a.mime, a.filename])).toEqual([
      ["image/jpeg", "whiteboard.jpg"],
      ["image/png", "flipchart.png"],
      ["audio/ogg", "exercise.ogg"],
      ["audio/mp4", "memo; take 2.m4a"],
    ]);
    for (const [index, { file }] of items.entries()) {
      expect(sent?.attachments[index]?.bytes.equals(await readFile(file))).toBe(true);
    }
    expect(sent?.attachments[0]?.probe).toMatch(/^jpeg 768x1024$/);
    expect(sent?.attachments[2]?.probe).toMatch(/^opus /);
    // The id is the message timestamp signal-cli returned.
    expect(result).toEqual({ status: "sent", ids: [expect.stringMatching(/^17\d{11}$/) as unknown] });
  });

  it("sends to a Signal username and sends an empty text only as attachments", async () => {
    const items = [await item(media.photoJpeg, "photo", "image/jpeg")];
    const result = await channel(emulator.url).deliver(await makeDelivery({ dir, address: "u:client_k.42", items, message: "" }));
    expect(result.status).toBe("sent");
    expect(emulator.sends[0]?.recipient).toEqual(["u:client_k.42"]);
    expect(emulator.sends[0]?.message).toBeUndefined();
    expect(emulator.violations).toEqual([]);
  });

  it("sends a text-only follow-up without attachments", async () => {
    const result = await channel(emulator.url).deliver(await makeDelivery({ dir, address: CLIENT, message: "Gute Woche!" }));
    expect(result.status).toBe("sent");
    expect(emulator.sends[0]).toMatchObject({ message: "Gute Woche!", attachments: [] });
  });

  it("the emulator catches unprocessed media (metadata, wrong type), so the round trip proves something", async () => {
    const before = emulator.violations.length;
    const raw = await channel(emulator.url).deliver(
      await makeDelivery({ dir, address: CLIENT, items: [await item(join(FIXTURES, "whiteboard.jpg"), "photo", "image/jpeg")] }),
    );
    expect(raw.status).toBe("failed");
    expect(emulator.violations.at(-1)).toMatch(/whiteboard\.jpg: (carries EXIF|metadata left)/);
    await channel(emulator.url).deliver(
      await makeDelivery({ dir, address: CLIENT, items: [await item(join(FIXTURES, "exercise.mp3"), "audio", "audio/mpeg")] }),
    );
    expect(emulator.violations.at(-1)).toMatch(/exercise\.mp3: tags left: .*artist/);
    await channel(emulator.url).deliver(await makeDelivery({ dir, address: CLIENT, items: [await item(media.photoJpeg, "photo", "image/png")] }));
    expect(emulator.violations.at(-1)).toMatch(/declared image\/png but is jpeg/);
    expect(emulator.violations.length).toBe(before + 3);
    emulator.violations.length = before;
  });

  const cases: { name: string; answer: PlannedAnswer; reason: MessageKey; retryable: boolean; params?: Record<string, unknown> }[] = [
    { name: "unregistered number", answer: { type: "UNREGISTERED_FAILURE" }, reason: "signal.unregistered", retryable: true },
    { name: "safety number changed", answer: { type: "IDENTITY_FAILURE" }, reason: "signal.identityChanged", retryable: true },
    {
      name: "rate limited with a retry time",
      answer: { type: "RATE_LIMIT_FAILURE", retryAfterSeconds: 3600 },
      reason: "signal.rateLimited",
      retryable: true,
      params: { seconds: 3600, minutes: 60 },
    },
    { name: "rate limited without a retry time", answer: { type: "RATE_LIMIT_FAILURE" }, reason: "signal.rateLimitedNoTime", retryable: true },
    {
      name: "captcha (proof) required",
      answer: { type: "RATE_LIMIT_FAILURE", token: "5b0c3a1e-challenge", retryAfterSeconds: 86400 },
      reason: "signal.captchaRequired",
      retryable: true,
      params: { token: "5b0c3a1e-challenge", seconds: 86400 },
    },
    {
      name: "captcha required without a waiting time",
      answer: { type: "RATE_LIMIT_FAILURE", token: "5b0c3a1e-challenge" },
      reason: "signal.captchaRequiredNoTime",
      retryable: true,
      params: { token: "5b0c3a1e-challenge" },
    },
    { name: "invalid pre-key", answer: { type: "INVALID_PRE_KEY_FAILURE" }, reason: "signal.invalidPreKey", retryable: true },
    { name: "-6 captcha rejected", answer: { error: -6, message: "Captcha rejected" }, reason: "signal.captchaRejected", retryable: true },
    { name: "-4 untrusted key without results", answer: { error: -4, message: "Untrusted" }, reason: "signal.identityChanged", retryable: true },
    { name: "-5 rate limit without results", answer: { error: -5, message: "Rate limit" }, reason: "signal.rateLimitedNoTime", retryable: true },
    {
      name: "-1 user not registered",
      answer: { error: -1, message: `The user ${CLIENT} is not registered.` },
      reason: "signal.unregistered",
      retryable: true,
    },
    {
      name: "-1 other user error (number hidden)",
      answer: { error: -1, message: `Invalid phone number '${CLIENT}': too long` },
      reason: "signal.refused",
      retryable: true,
      params: { detail: "Invalid phone number '…': too long" },
    },
    { name: "-3 I/O error", answer: { error: -3, message: "IO failure" }, reason: "signal.uncertain", retryable: false },
    {
      name: "-32603 no prekeys",
      answer: { error: -32603, message: "Failed to send message: No prekeys available (IOException)" },
      reason: "signal.invalidPreKey",
      retryable: true,
    },
    {
      name: "-32603 other internal error (may have been sent)",
      answer: { error: -32603, message: "Failed to send message: timeout (IOException)" },
      reason: "signal.uncertain",
      retryable: false,
    },
    { name: "-32601 method not found", answer: { error: -32601, message: "Method not implemented" }, reason: "signal.protocolError", retryable: true },
    { name: "connection dropped after the request", answer: { drop: true }, reason: "signal.uncertain", retryable: false },
    { name: "HTTP 500", answer: { httpStatus: 500 }, reason: "signal.uncertain", retryable: false },
    { name: "HTTP 415 (refused before running)", answer: { httpStatus: 415 }, reason: "signal.protocolError", retryable: true },
  ];

  it.each(cases)("maps $name to its line, sends once, retryable=$retryable", async ({ answer, reason, retryable, params }) => {
    emulator.answer(answer);
    const result = await channel(emulator.url).deliver(await makeDelivery({ dir, address: CLIENT }));
    expect(result).toMatchObject({ status: "failed", reason, retryable });
    // Only what waiting cannot heal stops `outbox flush` from trying again.
    expect((result as { permanent?: boolean }).permanent === true).toBe(reason === "signal.unregistered" || reason === "signal.identityChanged");
    if (params !== undefined) expect((result as { params: unknown }).params).toMatchObject(params);
    expect(emulator.sends).toHaveLength(1);
    expectRenders(result);
  });

  it("records the accepted message in the delivery progress and never sends a recorded one again", async () => {
    const recorded: [string, string][] = [];
    const delivery = await makeDelivery({ dir, address: CLIENT });
    const progress = { done: new Map<string, string>(), record: (part: string, id: string) => Promise.resolve(void recorded.push([part, id])) };
    const first = await channel(emulator.url).deliver({ ...delivery, progress });
    expect(first.status).toBe("sent");
    expect(recorded).toEqual([["message", first.status === "sent" ? first.ids[0] : "?"]]);
    const again = await channel(emulator.url).deliver({ ...delivery, progress: { ...progress, done: new Map(recorded) } });
    expect(again).toEqual(first);
    expect(emulator.sends).toHaveLength(1);
  });

  it("records nothing when the outcome is uncertain", async () => {
    const recorded: string[] = [];
    emulator.answer({ drop: true });
    const delivery = await makeDelivery({ dir, address: CLIENT });
    const result = await channel(emulator.url).deliver({ ...delivery, progress: { done: new Map(), record: (part) => Promise.resolve(void recorded.push(part)) } });
    expect(result).toMatchObject({ status: "failed", retryable: false });
    expect(recorded).toEqual([]);
  });

  it("retries network failures, bounded, and succeeds when the network comes back", async () => {
    emulator.answer({ type: "NETWORK_FAILURE" }, { type: "SUCCESS" });
    const result = await channel(emulator.url).deliver(await makeDelivery({ dir, address: CLIENT }));
    expect(result.status).toBe("sent");
    expect(emulator.sends).toHaveLength(2);
  });

  it("gives up after the bounded number of attempts and says so", async () => {
    emulator.answer({ type: "NETWORK_FAILURE" }, { type: "NETWORK_FAILURE" }, { type: "NETWORK_FAILURE" }, { type: "SUCCESS" });
    const result = await channel(emulator.url).deliver(await makeDelivery({ dir, address: CLIENT }));
    expect(result).toMatchObject({ status: "failed", reason: "signal.networkFailure", retryable: true, params: { attempts: 3 } });
    expect(emulator.sends).toHaveLength(3);
    expectRenders(result);
    // The planned success is still queued: it was never asked for.
    const after = await channel(emulator.url).deliver(await makeDelivery({ dir, address: CLIENT }));
    expect(after.status).toBe("sent");
  });

  it("does not retry anything else (one send for a rate limit)", async () => {
    emulator.answer({ type: "RATE_LIMIT_FAILURE", retryAfterSeconds: 5 });
    await channel(emulator.url).deliver(await makeDelivery({ dir, address: CLIENT }));
    expect(emulator.sends).toHaveLength(1);
  });

  it("refuses an account that signal-cli does not have", async () => {
    const result = await channel(emulator.url, "+4930999999").deliver(await makeDelivery({ dir, address: CLIENT }));
    expect(result).toMatchObject({ status: "failed", reason: "signal.accountMissing", retryable: true });
    expectRenders(result);
  });

  it("refuses a client without a Signal address before calling signal-cli", async () => {
    for (const address of [null, "015112345678", "u:x"]) {
      const result = await channel(emulator.url).deliver(await makeDelivery({ dir, address }));
      expect(result).toMatchObject({ status: "failed", reason: "signal.noAddress" });
      expectRenders(result);
    }
    expect(emulator.calls).toEqual([]);
  });

  it("reports an unreadable item without sending", async () => {
    const broken = { ...(await item(media.photoJpeg, "photo", "image/jpeg")), file: join(dir, "gone.jpg") };
    const result = await channel(emulator.url).deliver(await makeDelivery({ dir, address: CLIENT, items: [broken] }));
    expect(result).toMatchObject({ status: "failed", reason: "signal.unreadableItem", retryable: true });
    expect(emulator.calls).toEqual([]);
  });

  it("check(): daemon, version and the configured account", async () => {
    const ok = await channel(emulator.url).check();
    expect(ok.ok).toBe(true);
    expect(ok.lines.map((l) => l.key)).toEqual(["signal.daemonUp", "signal.accountLinked"]);
    expect(emulator.calls).toEqual(["version", "listAccounts"]);
    const other = await channel(emulator.url, "+4930999999").check();
    expect(other.ok).toBe(false);
    expect(other.lines.at(-1)?.key).toBe("signal.accountMissing");
  });
});

describe("signal channel: daemon states", () => {
  it("check() in single-account mode says it cannot confirm the number", async () => {
    const single = await SignalCliEmulator.start({ singleAccount: true });
    try {
      const report = await channel(single.url).check();
      expect(report.ok).toBe(true);
      expect(report.lines.map((l) => l.key)).toEqual(["signal.daemonUp", "signal.singleAccount"]);
      expect(single.calls).toEqual(["version", "listAccounts", "listDevices"]);
    } finally {
      await single.stop();
    }
  });

  it("a stopped daemon: check() and deliver() say it is unreachable; deliver may be retried", async () => {
    const gone = await SignalCliEmulator.start({ accounts: [ACCOUNT] });
    const url = gone.url;
    await gone.stop();
    const report = await channel(url).check();
    expect(report).toMatchObject({ ok: false, lines: [{ key: "signal.daemonUnreachable", ok: false }] });
    const { dir, cleanup } = await tempDir();
    try {
      const result = await channel(url).deliver(await makeDelivery({ dir, address: CLIENT }));
      expect(result).toMatchObject({ status: "failed", reason: "signal.daemonUnreachable", retryable: true, params: { reason: "ECONNREFUSED" } });
      expectRenders(result);
    } finally {
      await cleanup();
    }
  });
});

describe("signal channel: configuration", () => {
  const signal = channelType("signal");

  it("is registered, with a phone address and no secrets", () => {
    expect(signal?.address).toBe("phone");
    expect(signal?.secrets).toEqual([]);
    expect(signal?.profile).toMatchObject({ endToEnd: true, phoneNumberRequired: true, automatic: true });
    expect(signal).toMatchObject({ repeatHarmless: false, handsOverBundle: false });
  });

  it("configure() validates and normalises the options", async () => {
    expect(await signal?.configure({ account: "+49 30 123456", rpcUrl: "http://127.0.0.1:8080/api/v1/rpc/" })).toEqual({
      settings: { account: ACCOUNT, rpcUrl: "http://127.0.0.1:8080" },
      secretFiles: {},
    });
    expect(await signal?.configure({ account: ACCOUNT })).toMatchObject({ settings: { rpcUrl: "http://127.0.0.1:8080" } });
    const key = async (f: () => Promise<unknown>) => {
      try {
        await f();
      } catch (e) {
        return e instanceof UserError ? `${e.key}:${e.code}` : String(e);
      }
      return "no error";
    };
    expect(await key(async () => signal?.configure({ account: "030123456" }))).toBe("signal.badAccount:2");
    expect(await key(async () => signal?.configure({}))).toBe("signal.accountRequired:2");
    expect(await key(async () => signal?.configure({ account: ACCOUNT, rpcUrl: "ftp://host" }))).toBe("signal.badRpcUrl:2");
    expect(await key(async () => signal?.configure({ account: ACCOUNT, rpcUrl: "not a url" }))).toBe("signal.badRpcUrl:2");
  });

  it("bad settings fail when the configuration is loaded", () => {
    const schema = fast.settings;
    expect(schema.safeParse({ account: ACCOUNT, rpcUrl: "http://127.0.0.1:8080" }).success).toBe(true);
    expect(schema.safeParse({ account: "+49", rpcUrl: "http://127.0.0.1:8080" }).success).toBe(false);
    expect(schema.safeParse({ account: ACCOUNT, rpcUrl: "file:///tmp/x" }).success).toBe(false);
    expect(schema.safeParse({ account: ACCOUNT, rpcUrl: "http://127.0.0.1:8080", token: "x" }).success).toBe(false);
    expect(signal?.describe({ account: ACCOUNT, rpcUrl: "http://127.0.0.1:8080" } satisfies SignalSettings)).toEqual({
      account: ACCOUNT,
      rpcUrl: "http://127.0.0.1:8080",
    });
  });

  it("normaliseRpcUrl keeps the base address", () => {
    expect(normaliseRpcUrl("http://h:1/")).toBe("http://h:1");
    expect(normaliseRpcUrl("http://h:1/api/v1/rpc")).toBe("http://h:1");
  });
});

describe("signal channel: properties", () => {
  it("data URIs carry any file name and any bytes in the form signal-cli parses (RFC 2397, URL-encoded parameter)", () => {
    // signal-cli's DataURI: data:TYPE(;KEY=VALUE)*(;base64)?,DATA with URL-decoded values.
    const pattern = /^data:([^;,]+\/[^;,]+);filename=([^;,=]+);base64,([A-Za-z0-9+/]*={0,2})$/;
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.uint8Array({ maxLength: 64 }), (name, bytes) => {
        const uri = dataUri("audio/ogg; codecs=opus", name, bytes);
        const m = pattern.exec(uri);
        expect(m).not.toBeNull();
        expect(m?.[1]).toBe("audio/ogg");
        expect(decodeURIComponent(m?.[2] ?? "")).toBe(name);
        expect(Buffer.from(m?.[3] ?? "", "base64").equals(Buffer.from(bytes))).toBe(true);
      }),
    );
  });

  it("scrub() removes any E.164 number and username from signal-cli's messages", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\+[1-9]\d{6,14}$/), fc.stringMatching(/^[a-z_]{3,12}\.\d{2}$/), (number, username) => {
        const text = scrub(`The user ${number} is not registered; also u:${username}`);
        expect(text).not.toContain(number.slice(1));
        expect(text).not.toContain(username);
      }),
    );
  });
});
