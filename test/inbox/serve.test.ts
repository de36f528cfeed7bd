/**
 * The callback endpoint in-process, with a real store in a temporary home: what it answers for
 * each kind of bad input, that it stores exactly the body (sealed), once, and that its log
 * never carries content or the sender.
 */
import { connect, type AddressInfo, type Socket } from "node:net";
import type { Server } from "node:http";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { decryptBytes, generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { callbackMacMatches } from "../../src/channels/threema/callback.js";
import { createCallbackServer, type ServeEvent } from "../../src/inbox/serve.js";
import { envelopeSchema, InboxStore } from "../../src/inbox/store.js";
import { tempDir } from "../helpers/cli.js";
import { GatewayEmulator, makeIdentity } from "../channels/threema/emulator.js";

const TEXT = "Heute war ein guter Tag.";

describe("the Threema callback endpoint", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let identity: string;
  let emulator: GatewayEmulator;
  const client = makeIdentity("ABCD1234");
  const servers: Server[] = [];
  const events: ServeEvent[] = [];

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    identity = generateIdentity();
    emulator = new GatewayEmulator();
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
  });
  afterAll(() => cleanup());

  async function start(home: string, options: { verify?: boolean; store?: InboxStore; bodyLimit?: number; maxPending?: number; maxConnections?: number; timeouts?: { headers: number; request: number } } = {}): Promise<{ url: string; store: InboxStore; connections: () => Promise<number> }> {
    const store = options.store ?? new InboxStore(home, await identityToRecipient(identity));
    await store.prepare();
    const server = createCallbackServer({
      store,
      channel: "threema",
      gatewayId: emulator.gatewayId,
      path: "/threema",
      now: () => new Date("2026-12-05T10:00:00Z"),
      log: (e) => events.push(e),
      ...(options.verify === true ? { verify: (body: string) => callbackMacMatches(body, emulator.secret) } : {}),
      ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
      ...(options.maxPending === undefined ? {} : { maxPending: options.maxPending }),
      ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
      ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }),
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const connections = () => new Promise<number>((resolve, reject) => server.getConnections((e, n) => (e ? reject(e) : resolve(n))));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/threema`, store, connections };
  }

  const post = async (url: string, body: string, type = "application/x-www-form-urlencoded") =>
    (await fetch(url, { method: "POST", headers: { "content-type": type }, body })).status;

  it("stores the callback body exactly, sealed to the practice, with the Gateway's id for it; a repeat too", async () => {
    const { url, store } = await start(join(dir, "a"));
    const callback = emulator.clientText(client, TEXT);
    const results = await Promise.all(Array.from({ length: 8 }, () => post(url, callback.body)));
    expect(results).toEqual(Array(8).fill(200));
    // Without the keys a repeat cannot be told from a new message by any name that would not
    // also say who wrote: each is kept, under a random name, and decoding recognises repeats
    // (threema.e2e.test.ts).
    const files = await readdir(store.paths.incoming);
    expect(files).toHaveLength(8);
    const messageId = new URLSearchParams(callback.body).get("messageId");
    for (const file of files) {
      const sealed = await readFile(join(store.paths.incoming, file));
      expect(sealed.includes(Buffer.from(TEXT))).toBe(false);
      expect(sealed.includes(Buffer.from(client.id))).toBe(false);
      const envelope = envelopeSchema.parse(JSON.parse((await decryptBytes(sealed, { identities: [identity] })).toString("utf8")));
      expect(Buffer.from(envelope.body, "base64").toString("utf8")).toBe(callback.body);
      expect(envelope).toMatchObject({ channel: "threema", channelType: "threema", received: "2026-12-05T10:00:00.000Z", native: `${emulator.gatewayId}:${messageId}` });
    }
    expect(events).toEqual([]);
  });

  it("refuses what is not a well-formed callback to our Gateway ID, storing nothing", async () => {
    const { url, store } = await start(join(dir, "b"), { bodyLimit: 4096 });
    const good = emulator.clientText(client, TEXT);
    events.length = 0;
    expect((await fetch(url, { method: "GET" })).status).toBe(405);
    expect(await post(url.replace("/threema", "/other"), good.body)).toBe(404);
    expect(await post(url, JSON.stringify(good.fields), "application/json")).toBe(415);
    expect(await post(url, good.body.replace(/&box=[0-9a-f]+/, ""))).toBe(400);
    expect(await post(url, good.body.replace(/messageId=[0-9a-f]+/, "messageId=xyz"))).toBe(400);
    expect(await post(url, good.body.replace(/to=[^&]+/, "to=*ELSEWHR"))).toBe(400);
    expect(await post(url, `${good.body}&x=${"0".repeat(5000)}`)).toBe(413);
    // Without a secret the MAC cannot be checked here: a wrong one is stored (and refused when read).
    expect(await post(url, emulator.clientText(client, TEXT, { secret: "forged" }).body)).toBe(200);
    expect(await readdir(store.paths.incoming)).toHaveLength(1);
    expect(events.map((e) => (e.kind === "refused" ? `${e.status} ${e.reason}` : e.kind))).toEqual(["415 type", "400 fields", "400 format", "400 wrongGateway", "413 tooLarge"]);
    expect(JSON.stringify(events)).not.toContain(client.id);
  });

  it("refuses a wrong MAC at the door when it holds the secret", async () => {
    const { url, store } = await start(join(dir, "c"), { verify: true });
    events.length = 0;
    expect(await post(url, emulator.clientText(client, TEXT, { secret: "forged" }).body)).toBe(401);
    expect(await readdir(store.paths.incoming)).toEqual([]);
    expect(await post(url, emulator.clientText(client, TEXT).body)).toBe(200);
    expect(events).toEqual([{ kind: "refused", status: 401, reason: "mac" }]);
  });

  it("answers 503 when the disk is full, so the Gateway tries again, and keeps serving", async () => {
    const recipient = await identityToRecipient(identity);
    let full = true;
    class FullDisk extends InboxStore {
      override put(...args: Parameters<InboxStore["put"]>): ReturnType<InboxStore["put"]> {
        if (!full) return super.put(...args);
        const error = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
        return Promise.reject(error);
      }
    }
    const home = join(dir, "d");
    const { url, store } = await start(home, { store: new FullDisk(home, recipient) });
    events.length = 0;
    const callback = emulator.clientText(client, TEXT);
    expect(await post(url, callback.body)).toBe(503);
    expect(events).toEqual([{ kind: "storeFailed", status: 503, reason: "noSpace", code: "ENOSPC" }]);
    full = false;
    expect(await post(url, callback.body)).toBe(200);
    expect(await readdir(store.paths.incoming)).toHaveLength(1);
  });

  it("answers 503 to a flood once the most envelopes wait to be decoded, and stores again when some were", async () => {
    const { url, store } = await start(join(dir, "flood"), { maxPending: 3 });
    events.length = 0;
    // Well-formed callbacks with fresh message ids, as anyone who found the path can post them.
    for (let i = 0; i < 3; i++) expect(await post(url, emulator.clientText(client, `${TEXT} ${i}`).body)).toBe(200);
    expect(await post(url, emulator.clientText(client, TEXT).body)).toBe(503);
    expect(await post(url, emulator.clientText(client, TEXT).body)).toBe(503);
    expect(events).toEqual([
      { kind: "full", status: 503, pending: 3, max: 3 },
      { kind: "full", status: 503, pending: 3, max: 3 },
    ]);
    expect(await store.pending()).toHaveLength(3);
    // Decoding (another process) empties one: the next callback is taken again.
    await store.discard((await store.pending())[0] ?? "");
    expect(await post(url, emulator.clientText(client, TEXT).body)).toBe(200);
    expect(await store.pending()).toHaveLength(3);
  });

  it("holds only so many connections at once (more are closed as they arrive), and takes new ones when those end", async () => {
    const { url, connections } = await start(join(dir, "conns"), { maxConnections: 2 });
    const { port } = new URL(url);
    // Connections that send nothing, as a slowloris would open them.
    const idle = await Promise.all(
      Array.from({ length: 2 }, () => new Promise<Socket>((resolve) => { const s = connect(Number(port), "127.0.0.1", () => resolve(s)); })),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(post(url, emulator.clientText(client, TEXT).body)).rejects.toThrow();
    for (const s of idle) s.destroy();
    // Once the server has seen them end (not a fixed wait: a stalled run would see the old count).
    for (let waited = 0; (await connections()) > 0 && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await post(url, emulator.clientText(client, TEXT).body)).toBe(200);
  });

  /**
   * Opens a raw connection, sends `first`, then one byte of `rest` every 50 ms, and resolves with
   * the milliseconds until the server closed it (or `giveUp` if it had not by then).
   */
  async function closedAfter(url: string, first: string, rest: string, giveUp: number): Promise<number> {
    const { port } = new URL(url);
    const started = Date.now();
    const socket = await new Promise<Socket>((resolve) => { const s = connect(Number(port), "127.0.0.1", () => resolve(s)); });
    socket.on("error", () => undefined);
    socket.resume();
    socket.write(first);
    let i = 0;
    const drip = setInterval(() => { if (i < rest.length && socket.writable) socket.write(rest[i++] ?? ""); }, 50);
    try {
      return await new Promise<number>((resolve) => {
        const timer = setTimeout(() => resolve(giveUp), giveUp);
        socket.on("close", () => { clearTimeout(timer); resolve(Date.now() - started); });
      });
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
  }

  it("cuts off a connection that sends nothing, or its headers or body byte by byte, close to the stated time", async () => {
    const timeouts = { headers: 400, request: 1_000 };
    const { url } = await start(join(dir, "slow"), { timeouts });
    const body = emulator.clientText(client, TEXT).body;
    const head = `POST /threema HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`;
    // Node's default check every 30 s let each of these stay 30 s and more. The slack allows for a
    // busy machine (two test files at once on two cores), far below those 30 s.
    const SLACK_MS = 1_200;
    const [silent, slowHead, slowBody] = await Promise.all([
      closedAfter(url, "", "", 3_000),
      closedAfter(url, "P", head.slice(1), 3_000),
      closedAfter(url, head, body, 3_000),
    ]);
    expect(silent).toBeGreaterThanOrEqual(timeouts.headers - 50);
    expect(silent).toBeLessThan(timeouts.headers + SLACK_MS);
    expect(slowHead).toBeGreaterThanOrEqual(timeouts.headers - 50);
    expect(slowHead).toBeLessThan(timeouts.headers + SLACK_MS);
    expect(slowBody).toBeGreaterThanOrEqual(timeouts.request - 50);
    expect(slowBody).toBeLessThan(timeouts.request + SLACK_MS);
    // A callback sent at once is still taken.
    expect(await post(url, body)).toBe(200);
  });
});
