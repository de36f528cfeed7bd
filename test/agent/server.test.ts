/**
 * The agent in this process (serveAgent) with a test clock, and its client (findAgent,
 * AgentKeys) over a real Unix socket: what it answers equals what the keys answer here; idle
 * time and lifetime lock it without waiting; garbage, oversized lines and concurrent clients
 * leave it serving; locking wipes the keys and removes the socket.
 */
import { chmod, mkdir, stat, writeFile } from "node:fs/promises";
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findAgent, type AgentKeys } from "../../src/agent/client.js";
import { agentPaths, type AgentPaths } from "../../src/agent/paths.js";
import { serveAgent, type RunningAgent } from "../../src/agent/server.js";
import { decryptBytes, encryptBytes } from "../../src/age/index.js";
import { prehash, signWith, verify } from "../../src/bundle/signature.js";
import { nodeEd25519 } from "../../src/bundle/ed25519-node.js";
import { KeyringKeys } from "../../src/practice/keyring-keys.js";
import { KEYED_HASH_PURPOSES } from "../../src/practice/keys.js";
import { keyringFor, keysFor } from "../helpers/keys.js";
import { tempDir } from "../helpers/cli.js";

const MINUTE = 60_000;
const START = Date.parse("2026-12-01T08:00:00Z");

let dir: string;
let cleanup: () => Promise<void>;
let home: string;
let paths: AgentPaths;
let held: KeyringKeys;
let mirror: KeyringKeys;
let now: number;
let agent: RunningAgent | undefined;
const clients: AgentKeys[] = [];

async function start(options: { idleMinutes?: number; lifetimeMinutes?: number; lineTimeoutMs?: number; connectionIdleMs?: number; drainTimeoutMs?: number } = {}): Promise<RunningAgent> {
  agent = await serveAgent({
    socket: paths.socket,
    home,
    keys: held,
    until: new Date(START + (options.lifetimeMinutes ?? 8 * 60) * MINUTE),
    idleMs: (options.idleMinutes ?? 60) * MINUTE,
    clock: () => new Date(now),
    ...(options.lineTimeoutMs === undefined ? {} : { lineTimeoutMs: options.lineTimeoutMs }),
    ...(options.connectionIdleMs === undefined ? {} : { connectionIdleMs: options.connectionIdleMs }),
    ...(options.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: options.drainTimeoutMs }),
  });
  return agent;
}

async function client(): Promise<AgentKeys> {
  const found = await findAgent(home, paths);
  if (found.state !== "running") throw new Error(`no agent: ${found.state}`);
  clients.push(found.keys);
  return found.keys;
}

/**
 * Take every free connection slot with connections that were served (each answered a hello).
 * Silent ones are hung up after the connection idle time; held ones have begun a request line,
 * so they hold their slots until the line time (10 s) whatever the idle time.
 */
async function fillSlots(running: RunningAgent, how: "silent" | "held", onClose: () => void = () => undefined): Promise<Socket[]> {
  const sockets = await Promise.all(
    Array.from({ length: 32 - running.connections().length }, async (_, i) => {
      const socket = connect(paths.socket);
      socket.on("error", () => undefined);
      socket.on("close", onClose);
      await once(socket, "connect");
      socket.write(`{"id":${i},"op":"hello"}\n`);
      await once(socket, "data");
      if (how === "held") socket.write('{"id":');
      return socket;
    }),
  );
  expect(running.connections()).toHaveLength(32);
  return sockets;
}

/** `count` connections that do not hang up when the agent ends its side (allowHalfOpen). */
function hangingOn(count: number): Socket[] {
  return Array.from({ length: count }, () => {
    const socket = connect({ path: paths.socket, allowHalfOpen: true });
    socket.on("error", () => undefined);
    return socket;
  });
}

/**
 * Send raw bytes; resolve with the agent's first line, or with what it said before it closed (or
 * reset) the connection, and whether it did.
 */
function raw(bytes: string | Buffer): Promise<{ answer: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(paths.socket);
    let answer = "";
    socket.on("data", (d) => {
      answer += d.toString();
      // Whether the agent hangs up after its first line shows on the next event loop turns.
      if (answer.includes("\n")) setTimeout(() => (socket.destroy(), resolve({ answer: answer.trim(), closed: socket.readableEnded })), 50);
    });
    socket.on("error", () => undefined);
    socket.on("close", () => resolve({ answer: answer.trim(), closed: true }));
    socket.write(bytes);
  });
}

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir("nachklang-agent-"));
  home = join(dir, "home");
  paths = agentPaths(home, {});
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  // The agent holds one copy of the keys; the test compares with another.
  const keyring = await keyringFor();
  held = new KeyringKeys(keyring);
  mirror = new KeyringKeys(keyring);
  now = START;
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await agent?.lock("lock");
  agent = undefined;
  await cleanup();
});

describe("the agent (in this process, test clock)", () => {
  it("answers as the keys do: file keys, keyed hashes; a foreign file gets null; signatures verify", async () => {
    await start();
    const keys = await client();
    expect(keys.holder).toBe("agent");
    expect(keys.ageRecipient).toBe(held.ageRecipient);
    expect(keys.keyId).toBe(held.keyId);
    const sealed = await encryptBytes(Buffer.from("Hallo"), [held.ageRecipient]);
    expect((await decryptBytes(sealed, { identities: [keys.identity] })).toString()).toBe("Hallo");
    const foreign = await encryptBytes(Buffer.from("x"), [(await keysFor()).ageRecipient]);
    await expect(decryptBytes(foreign, { identities: [keys.identity] })).rejects.toMatchObject({ kind: "no-match" });
    const messages = ["k001", "k002", ""].map((a) => new TextEncoder().encode(a));
    for (const purpose of KEYED_HASH_PURPOSES) {
      const viaAgent = (await keys.keyedHashes(purpose, messages)).map((h) => Buffer.from(h).toString("hex"));
      const here = (await mirror.keyedHashes(purpose, messages)).map((h) => Buffer.from(h).toString("hex"));
      expect(viaAgent).toEqual(here);
    }
    const manifest = new TextEncoder().encode('{"format":"nachklang-bundle"}\n');
    const text = await signWith(keys.signer, manifest, "timestamp:1 file:manifest.json");
    expect(verify(keys.signer, manifest, text, nodeEd25519).trustedComment).toBe("timestamp:1 file:manifest.json");
    // Ed25519 is deterministic: the agent's signature is the keys' own.
    expect(Buffer.from((await keys.signer.signPrehashed(prehash(manifest), "c")).signature)).toEqual(Buffer.from(mirror.signPrehashed(prehash(manifest), "c").signature));
  });

  it("locks after the idle time without use; use keeps it open, a mere hello does not", async () => {
    const running = await start({ idleMinutes: 60 });
    const keys = await client();
    const tag = () => keys.keyedHashes("ledger-client-tag", [new Uint8Array(1)]);
    now += 50 * MINUTE;
    await tag();
    now += 50 * MINUTE; // 100 minutes after start, 50 after the last use
    await running.check();
    await tag();
    now += 59 * MINUTE;
    await client(); // hello only
    now += 2 * MINUTE;
    await running.check();
    expect(await running.locked).toBe("idle");
    await expect(stat(paths.socket)).rejects.toMatchObject({ code: "ENOENT" });
    expect(() => held.signPrehashed(new Uint8Array(64), "x")).toThrow(/wiped/);
    await expect(tag()).rejects.toMatchObject({ key: "agent.gone" });
    expect((await findAgent(home, paths)).state).toBe("absent");
  });

  it("locks at the end of its lifetime however busy it is, and refuses a request that comes after", async () => {
    const running = await start({ lifetimeMinutes: 30, idleMinutes: 60 });
    const keys = await client();
    now += 29 * MINUTE;
    await keys.keyedHashes("ledger-client-tag", [new Uint8Array(1)]);
    now += 2 * MINUTE;
    // No timer has fired yet: the request itself finds the lifetime over.
    await expect(keys.keyedHashes("ledger-client-tag", [new Uint8Array(1)])).rejects.toMatchObject({ key: "agent.gone" });
    expect(await running.locked).toBe("lifetime");
  });

  it("answers garbage with one refusal, closes that connection, and serves the next client", async () => {
    await start();
    for (const garbage of ["hello\n", "{}\n", '{"id":1,"op":"exec","cmd":"id"}\n', '{"id":2,"op":"sign","prehash":"!!","comment":"x"}\n', "\u0000\u00ff\n"]) {
      const { answer, closed } = await raw(garbage);
      expect(JSON.parse(answer), garbage).toEqual({ ok: false, error: "bad-request" });
      expect(closed, garbage).toBe(true);
    }
    // A line longer than any request: the connection is dropped without an answer.
    expect(await raw(Buffer.alloc(2 * 1024 * 1024, 0x61))).toEqual({ answer: "", closed: true });
    // A well-formed request with a prehash of the wrong length is refused, not signed.
    expect(JSON.parse((await raw('{"id":3,"op":"sign","prehash":"AAAA","comment":"x"}\n')).answer)).toEqual({ id: 3, ok: false, error: "bad-request" });
    const keys = await client();
    expect(await keys.keyedHashes("media-cache-name", [new Uint8Array(3)])).toHaveLength(1);
  });

  it("stops reading a client that sends requests but never reads the answers, and answers every one once it reads", async () => {
    const running = await start();
    const socket = connect(paths.socket);
    socket.on("error", () => undefined);
    await once(socket, "connect");
    // Hash requests of many empty messages: small to send (6 KB), an answer fifteen times the size.
    const count = 160;
    const messages = JSON.stringify(Array.from({ length: 2048 }, () => ""));
    for (let i = 0; i < count; i++) socket.write(`{"id":${i},"op":"hash","purpose":"media-cache-name","messages":${messages}}\n`);
    // Watch the agent's side of the connection until it has stopped reading for good (nothing in
    // progress, answers waiting for this client, which reads nothing, so no drain will come), or
    // has read every request (then it read on regardless). No clock decides: one must happen.
    const state = () => {
      const all = running.connections();
      expect(all).toHaveLength(1);
      return all[0]!;
    };
    let seen = state();
    const stopped = (c: typeof seen) => !c.reading && c.open === 0 && c.unsent > 0;
    while (!stopped(seen) && seen.begun + seen.waiting < count) {
      await new Promise((resolve) => setImmediate(resolve));
      seen = state();
      expect(seen.open).toBeLessThanOrEqual(8);
    }
    expect(seen.begun + seen.waiting, "the agent read every request from a client that reads nothing").toBeLessThan(count);
    // What the kernel could not take is still here, unsent (reading on, the agent would have
    // taken every byte and piled some 15 MB of answers up in memory).
    expect(socket.writableLength).toBeGreaterThan(0);
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(state().begun).toBe(seen.begun);
    // Once this side reads, it reads on, and every request gets its answer.
    let answered = 0;
    let rest = "";
    await new Promise<void>((resolve, reject) => {
      socket.on("data", (d: Buffer) => {
        const parts = (rest + d.toString()).split("\n");
        rest = parts.pop() ?? "";
        for (const part of parts) {
          if ((JSON.parse(part) as { ok: boolean }).ok !== true) reject(new Error(part));
          if (++answered === count) resolve();
        }
      });
      socket.on("close", () => reject(new Error(`closed after ${answered} answers`)));
    });
    expect(socket.writableLength).toBe(0);
    expect(state()).toEqual({ begun: count, open: 0, waiting: 0, reading: true, unsent: 0 });
    socket.destroy();
  }, 60_000);

  it("drops a connection whose request line is dribbled in too slowly; one waiting between requests stays", async () => {
    await start({ lineTimeoutMs: 400 });
    const keys = await client();
    const socket = connect(paths.socket);
    let answer = "";
    socket.on("data", (d) => (answer += d.toString()));
    socket.on("error", () => undefined);
    // Not events.once: that would reject on the EPIPE of a byte written as the agent hung up.
    const closed = new Promise((resolve) => socket.on("close", resolve));
    await once(socket, "connect");
    const line = '{"id":1,"op":"hello"}\n';
    let sent = 0;
    for (; sent < line.length && !socket.destroyed; sent++) {
      socket.write(line[sent]!);
      await sleep(100);
    }
    await Promise.race([closed, sleep(1000)]);
    // Closed before the line was complete, without an answer.
    expect(sent).toBeLessThan(line.length);
    expect(answer).toBe("");
    // The client that waited all that time between requests is still served.
    expect(await keys.keyedHashes("media-cache-name", [new Uint8Array(3)])).toHaveLength(1);
  });

  it("hangs up connections that sit silent, so 32 of them take every slot only until the idle time", async () => {
    const running = await start({ connectionIdleMs: 1500 });
    let closed = 0;
    const silent = await fillSlots(running, "silent", () => closed++);
    // After the idle time the agent has hung up on every silent one, and serves again.
    for (let waited = 0; closed < silent.length && waited < 10_000; waited += 100) await sleep(100);
    expect(closed).toBe(silent.length);
    const keys = await client();
    expect(await keys.keyedHashes("media-cache-name", [new Uint8Array(3)])).toHaveLength(1);
  });

  it("a full agent says busy: a command waits for a slot and is served once one comes free", async () => {
    const running = await start();
    const taken = await fillSlots(running, "held");
    const finding = findAgent(home, paths);
    // Turned away twice (it tried again after a pause), then a slot comes free.
    while (running.turnedAway() < 2) await sleep(10);
    taken.pop()!.destroy();
    const found = await finding;
    expect(found.state).toBe("running");
    if (found.state !== "running") return;
    clients.push(found.keys);
    expect(await found.keys.keyedHashes("media-cache-name", [new Uint8Array(3)])).toHaveLength(1);
    for (const socket of taken) socket.destroy();
  });

  it("a full agent stays full: the command gives up after a few seconds with agent.busy (exit 1), not 'no agent'", async () => {
    const running = await start();
    const taken = await fillSlots(running, "held");
    await expect(findAgent(home, paths)).rejects.toMatchObject({ key: "agent.busy", code: 1, params: { socket: paths.socket } });
    // The first attempt and one for each pause.
    expect(running.turnedAway()).toBe(6);
    for (const socket of taken) socket.destroy();
  });

  it("a command whose idle connection was hung up finds the agent full as it asks again: it waits for a slot", async () => {
    const running = await start({ connectionIdleMs: 300 });
    const keys = await client();
    const taken = await fillSlots(running, "held");
    // Its own connection is hung up after the idle time, and its slot taken by another.
    while (running.connections().length === 32) await sleep(10);
    taken.push(...(await fillSlots(running, "held")));
    const asking = keys.keyedHashes("media-cache-name", [new Uint8Array(4)]);
    while (running.turnedAway() < 1) await sleep(10);
    taken.pop()!.destroy();
    // Reconnected, greeted by the same agent, and answered; never "gone".
    expect(await asking).toHaveLength(1);
    for (const socket of taken) socket.destroy();
  });

  it("keeps the surplus bounded: 8 connections beyond the slots are told busy, any further one is dropped at once", async () => {
    const running = await start();
    const taken = await fillSlots(running, "held");
    // None hangs up before all have heard the agent out (allowHalfOpen): the agent closes those
    // it told busy within a second or so, and drops the others at once.
    const sockets = hangingOn(12);
    const surplus = await Promise.all(
      sockets.map(async (socket) => {
        let said = "";
        socket.on("data", (d) => (said += d.toString()));
        await once(socket, "end");
        return said;
      }),
    );
    for (const socket of sockets) socket.destroy();
    const busyLine = JSON.stringify({ ok: false, error: "busy" }) + "\n";
    expect(surplus.filter((said) => said === busyLine)).toHaveLength(8);
    expect(surplus.filter((said) => said === "")).toHaveLength(4);
    expect(running.turnedAway()).toBe(8);
    expect(running.connections()).toHaveLength(32);
    for (const socket of taken) socket.destroy();
  });

  it("a command the agent drops unheard, with its slots and surplus all taken, waits as for busy: agent.busy, never 'no agent'", async () => {
    const running = await start();
    const taken = await fillSlots(running, "held");
    // The surplus taken too, by connections that do not hang up when told busy.
    const surplus = hangingOn(8);
    while (running.turnedAway() < 8) await sleep(10);
    // The command's first connection is dropped without a word; before, that read as no agent.
    await expect(findAgent(home, paths)).rejects.toMatchObject({ key: "agent.busy", code: 1 });
    for (const socket of [...taken, ...surplus]) socket.destroy();
    // Once a slot is free, a command finds the agent again.
    expect((await client()).hello.home).toBe(home);
  });

  it("closes a connection whose answers are not taken within the drain time, and frees its slot", async () => {
    // A long line time: the paused agent may hold part of a line, whose time would close the
    // connection too; this is about connections it holds whole lines of.
    const running = await start({ drainTimeoutMs: 500, lineTimeoutMs: 120_000 });
    const socket = connect(paths.socket);
    socket.on("error", () => undefined);
    const closed = new Promise<string>((resolve) => socket.on("close", () => resolve("closed")));
    await once(socket, "connect");
    const messages = JSON.stringify(Array.from({ length: 2048 }, () => ""));
    for (let i = 0; i < 160; i++) socket.write(`{"id":${i},"op":"hash","purpose":"media-cache-name","messages":${messages}}\n`);
    // It never reads. Requests wait unbegun, so the idle time does not run; the drain time does.
    expect(await Promise.race([closed, sleep(20_000).then(() => "still open")])).toBe("closed");
    for (let waited = 0; running.connections().length > 0 && waited < 5000; waited += 10) await sleep(10);
    expect(running.connections()).toEqual([]);
    // The slot is free: 32 others are served.
    for (const other of await fillSlots(running, "silent")) other.destroy();
  }, 30_000);

  it("a client that pauses between requests past the connection idle time reconnects as it asks again", async () => {
    await start({ connectionIdleMs: 200 });
    const keys = await client();
    const sealed = await encryptBytes(Buffer.from("Hallo"), [held.ageRecipient]);
    expect((await decryptBytes(sealed, { identities: [keys.identity] })).toString()).toBe("Hallo");
    await sleep(600); // an ffmpeg encoding, a delivery, a prompt
    const expected = (await mirror.keyedHashes("ledger-client-tag", [new Uint8Array(2)])).map((h) => Buffer.from(h).toString("hex"));
    expect((await keys.keyedHashes("ledger-client-tag", [new Uint8Array(2)])).map((h) => Buffer.from(h).toString("hex"))).toEqual(expected);
    await sleep(600);
    // Requests asked at once after a pause share one new connection.
    const answers = await Promise.all([0, 1, 2].map((i) => keys.keyedHashes("ledger-client-tag", [new Uint8Array([i])])));
    expect(answers).toHaveLength(3);
    // Locked meanwhile: the next request finds the agent gone, not a hang.
    await sleep(600);
    await agent?.lock("lock");
    agent = undefined;
    await expect(keys.keyedHashes("ledger-client-tag", [new Uint8Array(1)])).rejects.toMatchObject({ key: "agent.gone" });
  });

  it("a client whose agent was replaced by one with other keys finds its agent gone", async () => {
    await start({ connectionIdleMs: 200 });
    const keys = await client();
    await sleep(500);
    await agent?.lock("lock");
    held = new KeyringKeys(await keyringFor());
    await start({ connectionIdleMs: 200 });
    expect(held.ageRecipient).not.toBe(keys.ageRecipient);
    await expect(keys.keyedHashes("ledger-client-tag", [new Uint8Array(1)])).rejects.toMatchObject({ key: "agent.gone" });
  });

  it("serves two clients at once, requests interleaved", async () => {
    await start();
    const [a, b] = [await client(), await client()];
    const aliases = Array.from({ length: 40 }, (_, i) => new TextEncoder().encode(`k${i}`));
    const expected = (await mirror.keyedHashes("ledger-client-tag", aliases)).map((h) => Buffer.from(h).toString("hex"));
    const answers = await Promise.all(aliases.map((m, i) => (i % 2 === 0 ? a : b).keyedHashes("ledger-client-tag", [m])));
    expect(answers.map(([h]) => Buffer.from(h!).toString("hex"))).toEqual(expected);
  });

  it("what a client that only looks asks (status, doctor) does not count as use", async () => {
    const running = await start({ idleMinutes: 60 });
    const looking = await client();
    looking.lookingOnly();
    const using = await client();
    const stanzas = async (keys: AgentKeys) => keys.identity.unwrapFileKey([]);
    now += 50 * MINUTE;
    await using.keyedHashes("ledger-client-tag", [new Uint8Array(1)]);
    now += 40 * MINUTE; // 40 minutes after the last use; the looking client asks all along
    for (const purpose of ["ledger-client-tag", "media-cache-name"] as const) expect(await looking.keyedHashes(purpose, [new Uint8Array(2)])).toHaveLength(1);
    await stanzas(looking);
    const signed = await looking.signer.signPrehashed(new Uint8Array(64), "x");
    expect(signed.signature).toHaveLength(64);
    now += 21 * MINUTE; // 61 minutes after the last use
    await running.check();
    expect(await Promise.race([running.locked, sleep(2000).then(() => "still unlocked")])).toBe("idle");
  });

  it("locks while still listening: a client connecting as it locks is told 'locked' or finds no socket, never a refusal", async () => {
    const running = await start();
    const keys = await client();
    const seen = new Set<string>();
    let stop = false;
    const prober = (async () => {
      while (!stop) {
        const code = await new Promise<string>((resolve) => {
          const s = connect(paths.socket);
          s.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
          s.on("connect", () => {
            s.destroy();
            resolve("connected");
          });
        });
        seen.add(code);
        await sleep(0);
      }
    })();
    await sleep(20);
    await keys.lock();
    await running.locked;
    await sleep(20);
    stop = true;
    await prober;
    expect([...seen].filter((c) => c !== "connected" && c !== "ENOENT")).toEqual([]);
  });

  it("locks when asked: the socket is gone once the client sees the connection close", async () => {
    const running = await start();
    const keys = await client();
    await keys.lock();
    await expect(stat(paths.socket)).rejects.toMatchObject({ code: "ENOENT" });
    expect(await running.locked).toBe("lock");
    expect(() => held.keyedHashesNow("ledger-client-tag", [])).toThrow(/wiped/);
  });

  it("listens with a socket only the user can use, and never takes over another agent's socket", async () => {
    await start();
    expect((await stat(paths.socket)).mode & 0o777).toBe(0o600);
    const second = serveAgent({ socket: paths.socket, home, keys: mirror, until: new Date(START + MINUTE * 60), idleMs: MINUTE, clock: () => new Date(now) });
    await expect(second).rejects.toMatchObject({ code: "EEXIST" });
    // The first still serves.
    expect((await client()).ageRecipient).toBe(held.ageRecipient);
  });

  it("a socket nobody listens on is removed and reported as stale; an unsafe folder is refused", async () => {
    const running = await start();
    // Simulate a killed agent: its socket stays behind, nobody listens.
    const { link } = await import("node:fs/promises");
    await link(paths.socket, `${paths.socket}.keep`);
    await running.lock("signal");
    agent = undefined;
    await link(`${paths.socket}.keep`, paths.socket);
    expect(await findAgent(home, paths)).toEqual({ state: "stale", socket: paths.socket });
    await expect(stat(paths.socket)).rejects.toMatchObject({ code: "ENOENT" });
    await chmod(paths.dir, 0o755);
    await writeFile(join(paths.dir, "agent.sock"), "");
    await expect(findAgent(home, paths)).rejects.toMatchObject({ key: "agent.unsafe", params: { path: paths.dir } });
    await chmod(paths.dir, 0o700);
    await expect(findAgent(home, paths)).rejects.toMatchObject({ key: "agent.unsafe", params: { path: paths.socket } });
  });
});
