/**
 * The Threema channel against the local Gateway emulator, which decrypts and checks every
 * message, blob and thumbnail it receives (test/channels/threema/emulator.ts).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFile } from "node:fs/promises";
import type { FollowUpItem } from "../../../src/bundle/open.js";
import { fingerprint, LOW_ORDER_POINTS, fromHex, toHex } from "../../../src/channels/threema/crypto.js";
import { createThreemaChannel, threemaChannel, threemaPlan } from "../../../src/channels/threema.js";
import { t, type MessageKey } from "../../../src/messages/index.js";
import { UserError } from "../../../src/errors.js";
import { missing } from "../../helpers/tools.js";
import { GatewayEmulator, makeIdentity } from "./emulator.js";
import { channelFor, delivery, processedAudio, processedPhoto, textFile } from "./fixtures.js";

const CLIENT = "ECHOECHO";

let dir: string;
let photo: FollowUpItem;
let audio: FollowUpItem;
let emulator: GatewayEmulator;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "threema-channel-"));
  photo = await processedPhoto(dir);
  audio = await processedAudio(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  emulator = await new GatewayEmulator().start();
  emulator.addIdentity(makeIdentity(CLIENT));
});
afterEach(async () => {
  await emulator.stop();
  expect(emulator.violations).toEqual([]);
});

const paragraph = (i: number) => `Gedanke ${i}: ` + "Was hat dir heute gutgetan? Schreib es auf. ".repeat(30).trim();

describe.skipIf(missing("ffprobe") || missing("ffmpeg"))("Threema channel with the Gateway emulator", () => {
  it("sends text, photo and audio as messages the recipient can decrypt, and pins the key", async () => {
    const d = delivery("Liebe Grüße nach unserer Sitzung.", [photo, audio], CLIENT);
    const result = await channelFor(emulator).deliver(d);
    expect(result).toEqual({ status: "sent", ids: emulator.received.map((m) => m.messageId) });
    expect(emulator.received.map((m) => m.type)).toEqual([0x01, 0x17, 0x17]);
    expect(emulator.received[0]?.text).toBe("Liebe Grüße nach unserer Sitzung.");

    const photoMessage = emulator.received[1]?.file;
    expect(photoMessage?.content).toEqual(new Uint8Array(await readFile(photo.file)));
    expect(photoMessage?.fields).toMatchObject({ m: "image/jpeg", n: "whiteboard.jpg", s: photo.item.size, d: "Tafelbild", j: 1, i: 1, p: "image/jpeg" });
    expect(photoMessage?.fields.x).toEqual({ w: photo.item.width, h: photo.item.height });
    expect(Math.max(photoMessage?.thumbnailSize?.width ?? 0, photoMessage?.thumbnailSize?.height ?? 0)).toBe(512);

    const audioMessage = emulator.received[2]?.file;
    expect(audioMessage?.fields).toMatchObject({ m: "audio/ogg", n: "exercise.ogg", d: "Übung", j: 1, i: 1, x: { d: audio.item.durationSeconds } });
    expect(audioMessage?.audio?.codec).toBe("opus");
    expect(audioMessage?.fields.t).toBeUndefined();

    // Every blob key is fresh.
    expect(photoMessage?.fields.k).not.toBe(audioMessage?.fields.k);
    // First contact: the Gateway's key for the client is pinned.
    expect(d.pinned.threema).toBe(toHex(emulator.identities.get(CLIENT)?.publicKey ?? new Uint8Array()));
    expect([...d.recorded.keys()]).toEqual(["text-1", "file-1", "file-2"]);
    // Padding is random: not every message carries the same amount.
    expect(new Set(emulator.received.map((m) => m.padding)).size).toBeGreaterThan(1);
  });

  it("splits a long text into numbered parts at paragraph boundaries", async () => {
    const text = Array.from({ length: 14 }, (_, i) => paragraph(i + 1)).join("\n\n");
    expect(Buffer.byteLength(text)).toBeGreaterThan(3500 * 3);
    const result = await channelFor(emulator).deliver(delivery(text, [], CLIENT));
    expect(result.status).toBe("sent");
    const texts = emulator.received.map((m) => m.text ?? "");
    expect(texts.length).toBeGreaterThanOrEqual(4);
    texts.forEach((part, i) => {
      expect(Buffer.byteLength(part)).toBeLessThanOrEqual(3500);
      expect(part.startsWith(`(${i + 1}/${texts.length}) `)).toBe(true);
    });
    const paragraphs = texts.flatMap((p) => p.replace(/^\(\d+\/\d+\) /, "").split("\n\n"));
    expect(paragraphs).toEqual(Array.from({ length: 14 }, (_, i) => paragraph(i + 1)));
  });

  it("sends other items (homework) as plain file messages", async () => {
    const file = await textFile(dir, "hausaufgabe.txt", "Drei gute Dinge am Tag notieren.\n");
    const data = await readFile(file);
    // As the bundle names it: with its charset, which a file message's `m` does not carry.
    const homework: FollowUpItem = { file, item: { path: "items/hausaufgabe.txt", kind: "homework", mime: "text/plain; charset=utf-8", size: data.length, sha256: "0".repeat(64) } };
    const result = await channelFor(emulator).deliver(delivery("", [homework], CLIENT));
    expect(result.status).toBe("sent");
    expect(emulator.received).toHaveLength(1);
    expect(emulator.received[0]?.file?.fields).toMatchObject({ m: "text/plain", n: "hausaufgabe.txt", j: 0, i: 0 });
    expect(new TextDecoder().decode(emulator.received[0]?.file?.content)).toBe("Drei gute Dinge am Tag notieren.\n");
  });

  it("sends a caption too long for the file message as text right after the file", async () => {
    const caption = "Notizen zur Übung: " + "atmen, spüren, benennen. ".repeat(80);
    const long: FollowUpItem = { ...audio, item: { ...audio.item, caption } };
    const result = await channelFor(emulator).deliver(delivery("", [long], CLIENT));
    expect(result.status).toBe("sent");
    expect(emulator.received.map((m) => m.type)).toEqual([0x17, 0x01]);
    expect(emulator.received[0]?.file?.fields.d).toBeUndefined();
    expect(emulator.received[1]?.text).toBe(caption.trim());
  });

  it("plans exactly the messages it sends and the credits the Gateway takes: text parts, one per item, long captions after their file, one credit per message and per upload", async () => {
    const caption = "Notizen zur Übung: " + "atmen, spüren, benennen. ".repeat(300);
    const cases: [string, FollowUpItem[]][] = [
      ["Kurz.", []],
      [[1, 2, 3, 4, 5, 6].map(paragraph).join("\n\n"), [photo]],
      ["", [{ ...audio, item: { ...audio.item, caption } }, { ...photo, item: { ...photo.item, caption: "Tafelbild" } }]],
    ];
    for (const [message, items] of cases) {
      emulator.received.length = 0;
      const before = emulator.credits;
      const plan = threemaPlan(
        { message, items: items.map((i) => ({ name: i.item.path, size: i.item.size, kind: i.item.kind, ...(i.item.caption === undefined ? {} : { caption: i.item.caption }) })), bundleBytes: 0 },
        { alias: "k042", channel: "threema" },
      );
      expect((await channelFor(emulator).deliver(delivery(message, items, CLIENT))).status).toBe("sent");
      expect(plan.messages).toBe(emulator.received.length);
      // The emulator charges as the Gateway does: a message or a blob upload, one credit each.
      expect(plan.credits).toBe(before - emulator.credits);
      expect(plan.credits).toBe(plan.messages! + items.length + items.filter((i) => i.item.kind === "photo").length);
      expect(plan.warn === undefined).toBe(plan.messages! < 4);
    }
  });

  it("measures the duration when the manifest has none (a bundle sealed from files as they are)", async () => {
    const { durationSeconds: _measured, ...rest } = audio.item;
    const raw: FollowUpItem = { ...audio, item: rest };
    const result = await channelFor(emulator).deliver(delivery("", [raw], CLIENT));
    expect(result.status).toBe("sent");
    const fields = emulator.received[0]?.file?.fields as { x?: { d?: number } } | undefined;
    expect(fields?.x?.d).toBeCloseTo(audio.item.durationSeconds ?? 0, 0);
  });

  it("resumes after the Gateway fails halfway without resending an accepted part", async () => {
    const text = Array.from({ length: 8 }, (_, i) => paragraph(i + 1)).join("\n\n");
    const d = delivery(text, [photo, audio], CLIENT);
    // Two parts are accepted, then the Gateway keeps failing (500 is retried, then given up).
    emulator.fail({ endpoint: "send_e2e", answer: 500, after: 2 });
    const first = await channelFor(emulator).deliver(d);
    expect(first).toMatchObject({ status: "failed", reason: "threema.gateway.server", retryable: true });
    expect(emulator.received).toHaveLength(2);
    expect(d.recorded.size).toBe(2);
    const firstIds = emulator.received.map((m) => m.messageId);

    emulator.clearFailures();
    const second = await channelFor(emulator).deliver(d);
    expect(second.status).toBe("sent");
    const parts = d.recorded.size;
    expect(parts).toBeGreaterThan(3);
    // Each part reached the Gateway exactly once.
    expect(emulator.received).toHaveLength(parts);
    const texts = emulator.received.filter((m) => m.type === 0x01).map((m) => m.text);
    expect(new Set(texts).size).toBe(texts.length);
    expect(emulator.received.filter((m) => m.type === 0x17)).toHaveLength(2);
    expect(second.status === "sent" ? second.ids.slice(0, 2) : []).toEqual(firstIds);
  });

  it("refuses to send when the client's key differs from the pinned one", async () => {
    const other = makeIdentity("OTHERKEY");
    const pinned = { threema: toHex(other.publicKey) };
    const result = await channelFor(emulator).deliver(delivery("Hallo", [], CLIENT, { pinned }));
    expect(result).toMatchObject({ status: "failed", reason: "threema.keyMismatch", retryable: false });
    if (result.status !== "failed") throw new Error("expected a failure");
    expect(result.params).toEqual({ alias: "k042", pinned: fingerprint(other.publicKey) });
    expect(t("en", result.reason, result.params)).toMatch(/compare the fingerprint in person/);
    expect(t("de", result.reason, result.params)).toMatch(/persönlich vergleichen/);
    // Never the Gateway's fingerprint next to the pin command: copied from there, it would pin a substituted key.
    const served = fingerprint(emulator.identities.get(CLIENT)?.publicKey ?? new Uint8Array());
    for (const lang of ["de", "en"] as const) expect(t(lang, result.reason, result.params)).not.toContain(served);
    expect(emulator.received).toHaveLength(0);
    expect(pinned.threema).toBe(toHex(other.publicKey));
  });

  it("sends when the pinned key matches", async () => {
    const pinned = { threema: toHex(emulator.identities.get(CLIENT)?.publicKey ?? new Uint8Array()) };
    const result = await channelFor(emulator).deliver(delivery("Hallo", [], CLIENT, { pinned }));
    expect(result.status).toBe("sent");
  });

  it("rejects a low-order key handed out by the Gateway", async () => {
    emulator.publishedKeys.set(CLIENT, fromHex(LOW_ORDER_POINTS[2] ?? ""));
    const d = delivery("Hallo", [], CLIENT);
    const result = await channelFor(emulator).deliver(d);
    expect(result).toMatchObject({ status: "failed", reason: "threema.badKey", retryable: false });
    expect(d.pinned.threema).toBeUndefined();
    expect(emulator.received).toHaveLength(0);
  });

  it("checks capabilities before sending files", async () => {
    emulator.addIdentity(makeIdentity("OLDPHONE", { capabilities: ["text"] }));
    const result = await channelFor(emulator).deliver(delivery("Hallo", [photo], "OLDPHONE"));
    expect(result).toMatchObject({ status: "failed", reason: "threema.noFileCapability", retryable: false });
    expect(emulator.received).toHaveLength(0);
    expect(emulator.blobs.size).toBe(0);
  });

  it("finds an unreadable item before sending anything", async () => {
    const gone: FollowUpItem = { ...photo, file: join(dir, "missing.jpg") };
    const result = await channelFor(emulator).deliver(delivery("Hallo", [gone], CLIENT));
    expect(result).toMatchObject({ status: "failed", reason: "threema.unreadableItem", params: { file: "items/whiteboard.jpg", reason: "ENOENT" }, retryable: false });
    expect(emulator.received).toHaveLength(0);
  });

  it("says when the client has no Threema ID", async () => {
    const result = await channelFor(emulator).deliver(delivery("Hallo", [], null));
    expect(result).toMatchObject({ status: "failed", reason: "threema.noAddress", retryable: false });
  });

  const statuses: [number, MessageKey, boolean, RegExp][] = [
    [400, "threema.gateway.badRequest", false, /invalid recipient ID/],
    [401, "threema.gateway.auth", true, /wrong Gateway ID or API secret/],
    [402, "threema.gateway.credits", true, /no credits left/],
    [404, "threema.gateway.notFound", false, /does not exist/],
    [413, "threema.gateway.tooLarge", false, /too large/],
    [500, "threema.gateway.server", true, /temporary server error/],
  ];
  for (const [status, key, retryable, english] of statuses) {
    it(`maps Gateway status ${status} to one line (${key})`, async () => {
      emulator.fail({ endpoint: "send_e2e", answer: status });
      const result = await channelFor(emulator).deliver(delivery("Hallo", [], CLIENT));
      expect(result).toMatchObject({ status: "failed", reason: key, retryable });
      if (result.status !== "failed") throw new Error("expected a failure");
      // An ID that does not exist will not come to exist by waiting: flush stops trying it.
      expect(result.permanent === true).toBe(status === 404);
      const en = t("en", result.reason, result.params);
      const de = t("de", result.reason, result.params);
      expect(en).toMatch(english);
      expect(de).toContain(String(status));
      for (const line of [en, de]) {
        expect(line).not.toMatch(/\{\w+\}/);
        expect(line).not.toContain("\n");
        expect(line).not.toContain(emulator.secret);
      }
      // 500 is retried with back-off (3 attempts here), the others are final at once.
      const sends = emulator.requests.filter((r) => r.endpoint === "send_e2e").length;
      expect(sends).toBe(status === 500 ? 3 : 1);
    });
  }

  it("maps errors of the key lookup and the blob upload too", async () => {
    emulator.fail({ endpoint: "pubkeys", answer: 404 });
    expect(await channelFor(emulator).deliver(delivery("Hallo", [], CLIENT))).toMatchObject({ reason: "threema.gateway.notFound" });
    emulator.clearFailures();
    emulator.fail({ endpoint: "upload_blob", answer: 413 });
    expect(await channelFor(emulator).deliver(delivery("", [photo], CLIENT))).toMatchObject({ reason: "threema.gateway.tooLarge" });
    emulator.clearFailures();
    emulator.fail({ endpoint: "upload_blob", answer: 402 });
    expect(await channelFor(emulator).deliver(delivery("", [photo], CLIENT))).toMatchObject({ reason: "threema.gateway.credits" });
  });

  it("retries network failures of idempotent requests with bounded back-off", async () => {
    emulator.fail({ endpoint: "pubkeys", answer: "drop", remaining: 2 });
    const result = await channelFor(emulator).deliver(delivery("Hallo", [], CLIENT));
    expect(result.status).toBe("sent");
    expect(emulator.requests.filter((r) => r.endpoint === "pubkeys").map((r) => r.status)).toEqual(["drop", "drop", 200]);
  });

  it("never repeats a send whose answer was lost, and says it may have arrived", async () => {
    emulator.fail({ endpoint: "send_e2e", answer: "drop", remaining: 1 });
    const d = delivery("Hallo", [], CLIENT);
    const result = await channelFor(emulator).deliver(d);
    expect(result).toMatchObject({ status: "failed", reason: "threema.gateway.maybeDelivered", retryable: false });
    expect(emulator.requests.filter((r) => r.endpoint === "send_e2e")).toHaveLength(1);
    expect(d.recorded.size).toBe(0);
  });

  it("reports an unreachable Gateway as a network failure", async () => {
    const url = emulator.url;
    await emulator.stop();
    const channel = threemaChannel.create({
      name: "threema",
      home: "/nonexistent",
      settings: { gatewayId: emulator.gatewayId, apiUrl: url },
      secret: (name) => (name === "secret" ? emulator.secret : `private:${toHex(emulator.gateway.privateKey)}`),
    });
    // Use the library's real back-off here (4 attempts, ~0.5 + 1 + 2 s).
    const result = await channel.deliver(delivery("Hallo", [], CLIENT));
    expect(result).toMatchObject({ status: "failed", reason: "threema.gateway.network", retryable: true });
    emulator = await new GatewayEmulator().start();
  });

  it("check() reports credits and whether the private key belongs to the Gateway ID", async () => {
    const ok = await channelFor(emulator).check();
    expect(ok.ok).toBe(true);
    expect(ok.lines.map((l) => l.key)).toEqual(["threema.credits", "threema.keyMatchesId"]);
    expect(t("en", "threema.credits", ok.lines[0]?.params)).toBe(`Threema Gateway ${emulator.gatewayId}: credentials valid, 100 credits left.`);

    const wrong = await channelFor(emulator, "not-the-secret").check();
    expect(wrong).toMatchObject({ ok: false, lines: [{ key: "threema.gateway.auth", ok: false }] });

    const stranger = new GatewayEmulator({ gatewayId: emulator.gatewayId, secret: emulator.secret });
    emulator.identities.set(emulator.gatewayId, stranger.gateway);
    const mismatch = await channelFor(emulator).check();
    expect(mismatch.ok).toBe(false);
    expect(mismatch.lines[1]?.key).toBe("threema.keyNotOfId");
  });

  it("check() and deliver() say so when the secrets are not in the keyring", async () => {
    const channel = threemaChannel.create({ name: "praxis", home: "/x", settings: { gatewayId: "*NACHKLG", apiUrl: emulator.url }, secret: () => undefined });
    expect(await channel.check()).toMatchObject({ ok: false, lines: [{ key: "threema.secretMissing", params: { channel: "praxis" } }] });
    expect(await channel.deliver(delivery("Hallo", [], CLIENT))).toMatchObject({ status: "failed", reason: "threema.secretMissing" });
    expect(await channel.balance?.()).toEqual({ status: "unknown", reason: "threema.secretMissing", params: { channel: "praxis" } });
  });

  it("balance() asks /credits once: the credits left, or why not (no retries, a timeout)", async () => {
    emulator.credits = 7;
    expect(await channelFor(emulator).balance?.()).toEqual({ status: "known", credits: 7 });
    // What a delivery takes comes off the balance: the text message, the photo and its thumbnail.
    expect((await channelFor(emulator).deliver(delivery("Hallo", [photo], CLIENT))).status).toBe("sent");
    expect(await channelFor(emulator).balance?.()).toEqual({ status: "known", credits: 3 });

    expect(await channelFor(emulator, "not-the-secret").balance?.()).toMatchObject({ status: "unknown", reason: "threema.gateway.auth" });
    emulator.requests.length = 0;
    emulator.fail({ endpoint: "credits", answer: 500 });
    expect(await channelFor(emulator).balance?.()).toMatchObject({ status: "unknown", reason: "threema.gateway.serverBalance" });
    expect(emulator.requests.filter((r) => r.endpoint === "credits")).toHaveLength(1); // deliveries retry 500 three times

    // A Gateway that never answers: given up after the timeout, not after the fetch default.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const channel = createThreemaChannel(
        { name: "threema", home: "/x", settings: { gatewayId: emulator.gatewayId, apiUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` }, secret: (name) => (name === "secret" ? emulator.secret : undefined) },
        { balanceTimeoutMs: 300 },
      );
      const started = Date.now();
      expect(await channel.balance?.()).toMatchObject({ status: "unknown", reason: "threema.gateway.network" });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe("Threema channel configuration", () => {
  it("maps CLI options to settings and secret files, and validates the key file", async () => {
    const d = await mkdtemp(join(tmpdir(), "threema-config-"));
    try {
      const key = await textFile(d, "private.txt", `private:${"ab".repeat(32)}\n`);
      const secret = await textFile(d, "secret.txt", "s3cret\n");
      const configured = await threemaChannel.configure({ gatewayId: "*ABCDEFG", secretFile: secret, privateKeyFile: key });
      // The key file is read once, to check it: its text goes on to be stored, the file is not read again.
      expect(configured).toEqual({
        settings: { gatewayId: "*ABCDEFG", apiUrl: "https://msgapi.threema.ch" },
        secretFiles: { secret, privateKey: key },
        secretsRead: { privateKey: `private:${"ab".repeat(32)}\n` },
      });
      expect(threemaChannel.settings.parse(configured.settings)).toEqual(configured.settings);
      expect(JSON.stringify(configured)).not.toContain("s3cret");

      const bad = await textFile(d, "bad.txt", "private:1234\n");
      const attempt = async (options: Record<string, unknown>) => {
        try {
          await threemaChannel.configure(options);
        } catch (error) {
          if (error instanceof UserError) return [error.key, error.code, error.params];
          throw error;
        }
        return ["no error"];
      };
      expect(await attempt({ gatewayId: "*ABCDEFG", secretFile: secret, privateKeyFile: bad })).toEqual(["threema.config.badPrivateKey", 2, { file: bad }]);
      expect((await attempt({ gatewayId: "ABCDEFG", secretFile: secret, privateKeyFile: key }))[0]).toBe("threema.config.badGatewayId");
      expect(await attempt({ secretFile: secret, privateKeyFile: key })).toEqual(["threema.config.missingOption", 2, { option: "--gateway-id" }]);
      expect((await attempt({ gatewayId: "*ABCDEFG", privateKeyFile: key }))[2]).toEqual({ option: "--secret-file" });
      expect((await attempt({ gatewayId: "*ABCDEFG", secretFile: secret, privateKeyFile: join(d, "none") }))[0]).toBe("file.missing");
      expect((await attempt({ gatewayId: "*ABCDEFG", secretFile: secret, privateKeyFile: key, apiUrl: "ftp://x" }))[0]).toBe("threema.config.badApiUrl");
      expect(threemaChannel.describe({ gatewayId: "*ABCDEFG", apiUrl: "https://msgapi.threema.ch" })).toEqual({
        gatewayId: "*ABCDEFG",
        apiUrl: "https://msgapi.threema.ch",
        secret: "********",
        privateKey: "********",
      });
      expect(() => threemaChannel.settings.parse({ gatewayId: "*ABCDEFG", apiUrl: "https://x", extra: 1 })).toThrow();
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });

  it("refuses a malformed private key in the keyring when the channel is created", () => {
    expect(() =>
      threemaChannel.create({ name: "threema", home: "/x", settings: { gatewayId: "*ABCDEFG", apiUrl: "https://msgapi.threema.ch" }, secret: (n) => (n === "secret" ? "s" : "nonsense") }),
    ).toThrow(UserError);
  });
});
