/**
 * The agent's side of the socket: it holds an unlocked keyring's keys (`KeyringKeys`) and
 * answers requests (protocol.ts) until it locks — at the end of its lifetime, after an idle
 * time without use, on `lock`, or when told by its process (signals). Locking wipes the keys,
 * closes every connection and removes the socket.
 *
 * Times come from a `Clock` (delivery/clock.ts), so lifetime and idle time can be tested
 * without waiting: the agent re-checks them on a timer and before each request.
 */
import { chmod, link, rm, stat } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import type { Stanza } from "../age/index.js";
import type { Clock } from "../delivery/clock.js";
import type { KeyringKeys } from "../practice/keyring-keys.js";
import { bindingPath } from "./paths.js";
import { b64, LineReader, parseRequest, PROTOCOL_VERSION, unb64, type ErrorCode, type Hello, type Request } from "./protocol.js";

export type LockReason = "lifetime" | "idle" | "lock" | "signal" | "socket";

export interface AgentOptions {
  /** Where to listen (inside a folder only the user can open). */
  readonly socket: string;
  /** The home whose keys these are (told to clients, who check it). */
  readonly home: string;
  readonly keys: KeyringKeys;
  /** Lock at this time at the latest. */
  readonly until: Date;
  /** Lock after this long without a request that uses the keys. */
  readonly idleMs: number;
  readonly clock: Clock;
  /**
   * How long a request line may take from its first byte to its end before the connection is
   * closed (default LINE_TIMEOUT_MS; tests shorten it).
   */
  readonly lineTimeoutMs?: number;
  /**
   * How long a connection may sit with no request in progress (nothing received but not yet
   * answered, no partial line) before the agent hangs up (default CONNECTION_IDLE_MS; tests
   * shorten it). Clients reconnect when they next ask (client.ts).
   */
  readonly connectionIdleMs?: number;
  /**
   * How long answers written to a connection may wait for the client to take them (the socket
   * needs a drain) before the agent closes it and frees its slot (default DRAIN_TIMEOUT_MS;
   * tests shorten it).
   */
  readonly drainTimeoutMs?: number;
}

export interface RunningAgent {
  /** Resolves once the agent has locked, with why. */
  readonly locked: Promise<LockReason>;
  /** Check lifetime and idle time now (the timer does this too). */
  check(): Promise<void>;
  lock(reason: LockReason): Promise<void>;
  /** What each served connection is doing now (tests watch backpressure through it). */
  connections(): ConnectionState[];
  /** How many connections were told `busy` and turned away so far (every slot was taken). */
  turnedAway(): number;
}

export interface ConnectionState {
  /** Requests begun on this connection so far. */
  readonly begun: number;
  /** Requests begun whose answers are not written yet (at most MAX_OPEN_ANSWERS). */
  readonly open: number;
  /** Complete request lines read but not begun yet. */
  readonly waiting: number;
  /** False while the agent has stopped reading from it (see MAX_OPEN_ANSWERS). */
  readonly reading: boolean;
  /** Bytes of answers written that the client has not taken yet (beyond what the kernel holds). */
  readonly unsent: number;
}

/**
 * The most connections served at once. Slots must come free: see CONNECTION_IDLE_MS and
 * DRAIN_TIMEOUT_MS.
 */
const MAX_CONNECTIONS = 32;
/**
 * Connections beyond MAX_CONNECTIONS that are accepted only to be told `busy` (protocol.ts) and
 * closed, so a command can tell a full agent from none and wait for a slot (client.ts). Node
 * closes a connection beyond both as soon as it is accepted: the hard cap.
 */
const SURPLUS_CONNECTIONS = 8;
/** A connection told `busy` that has not hung up by then is closed by the agent. */
const BUSY_LINGER_MS = 1000;
/** How often the timer looks at the clock and the socket at the latest. */
const CHECK_EVERY_MS = 30_000;
/** A request line dribbled in more slowly than this is dropped with its connection. */
const LINE_TIMEOUT_MS = 10_000;
/**
 * A connection with no request in progress for this long is closed, so connections that sit
 * silent cannot hold every slot. A command keeps its connection for its whole run, with gaps of
 * any length (an ffmpeg encoding, a delivery, a prompt); its client reconnects transparently
 * when it next asks, so this only needs to be long enough to spare a busy command the reconnect.
 */
const CONNECTION_IDLE_MS = 60_000;
/**
 * The most answers one connection has in the making at once. No further request is begun, and
 * nothing more is read from the connection, while that many are open or while the answers
 * written have not drained to the client: a client that sends but never reads stops being read,
 * instead of piling answers up in the agent's memory.
 */
const MAX_OPEN_ANSWERS = 8;
/**
 * Answers that have waited this long for the client to take them close the connection: a client
 * that writes but never reads is not read from any more (MAX_OPEN_ANSWERS), and with requests
 * waiting the idle time does not run, so without this it would hold its slot for good.
 */
const DRAIN_TIMEOUT_MS = 30_000;

class AgentError extends Error {
  constructor(readonly code: ErrorCode) {
    super(code);
  }
}

/**
 * Start serving. The socket appears under its name only once it accepts connections (it is
 * bound under a temporary name and linked into place), so a client never finds a socket that
 * refuses; if something is already there, this rejects (EEXIST) and nothing is left behind.
 */
export async function serveAgent(o: AgentOptions): Promise<RunningAgent> {
  let lastUse = o.clock().getTime();
  let isLocked = false;
  let timer: NodeJS.Timeout | undefined;
  let resolveLocked: (reason: LockReason) => void = () => undefined;
  const locked = new Promise<LockReason>((resolve) => (resolveLocked = resolve));
  const connections = new Map<Socket, () => ConnectionState>();
  const busy = new Set<Socket>();
  let turnedAway = 0;

  const hello = (): Hello => ({
    version: PROTOCOL_VERSION,
    pid: process.pid,
    home: o.home,
    recipient: o.keys.ageRecipient,
    keyId: o.keys.keyId,
    signingKeyId: b64(o.keys.signer.keyId),
    publicKey: b64(o.keys.signer.publicKey),
    until: o.until.toISOString(),
    idleUntil: new Date(Math.min(lastUse + o.idleMs, o.until.getTime())).toISOString(),
    idleMinutes: Math.round(o.idleMs / 60_000),
  });

  /** A request that counts as use (not one marked `use: false`) restarts the idle time. */
  const used = (request: { readonly use?: false }) => {
    if (request.use !== false) lastUse = o.clock().getTime();
  };

  const answer = async (request: Request): Promise<Record<string, unknown>> => {
    switch (request.op) {
      case "hello":
        return { hello: hello() };
      case "lock":
        return {};
      case "unwrap": {
        const stanzas: Stanza[] = request.stanzas.map((s) => ({ args: s.args, body: unb64(s.body) }));
        let fileKey: Uint8Array | null;
        try {
          fileKey = await o.keys.identity.unwrapFileKey(stanzas);
        } catch {
          throw new AgentError("invalid-stanza");
        }
        used(request);
        const reply = { fileKey: fileKey === null ? null : b64(fileKey) };
        fileKey?.fill(0);
        return reply;
      }
      case "sign": {
        const prehash = unb64(request.prehash);
        if (prehash.length !== 64 || /[\r\n]/.test(request.comment)) throw new AgentError("bad-request");
        const { signature, globalSignature } = o.keys.signPrehashed(prehash, request.comment);
        used(request);
        return { signature: b64(signature), globalSignature: b64(globalSignature) };
      }
      case "hash": {
        const hashes = o.keys.keyedHashesNow(request.purpose, request.messages.map(unb64));
        used(request);
        return { hashes: hashes.map(b64) };
      }
    }
  };

  // Every slot taken: one `busy` line, and the client hangs up (or is hung up on) at once. What
  // it sends is read and dropped, so its close is not turned into a reset by unread bytes.
  const turnAway = (socket: Socket) => {
    busy.add(socket);
    turnedAway++;
    socket.on("close", () => busy.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.on("data", () => undefined);
    socket.end(JSON.stringify({ ok: false, error: "busy" }) + "\n");
    setTimeout(() => socket.destroy(), BUSY_LINGER_MS).unref();
  };

  const serve = (socket: Socket) => {
    if (connections.size >= MAX_CONNECTIONS) return turnAway(socket);
    const lines = new LineReader();
    /** Complete request lines not yet begun (at most those of the chunks read before pausing). */
    const waiting: string[] = [];
    let open = 0;
    let begun = 0;
    connections.set(socket, () => ({ begun, open, waiting: waiting.length, reading: !socket.isPaused(), unsent: socket.writableLength }));
    let refused = false;
    let lineTimer: NodeJS.Timeout | undefined;
    const stopLineTimer = () => {
      if (lineTimer !== undefined) clearTimeout(lineTimer);
      lineTimer = undefined;
    };
    let idleTimer: NodeJS.Timeout | undefined;
    const stopIdleTimer = () => {
      if (idleTimer !== undefined) clearTimeout(idleTimer);
      idleTimer = undefined;
    };
    // Nothing in progress: hang up after the idle time unless something arrives. Whatever arrives
    // after the hang-up is not answered (refused), so no answer is ever cut off halfway.
    const watchIdle = () => {
      if (open > 0 || waiting.length > 0 || lines.partial || socket.writableNeedDrain || idleTimer !== undefined || refused) return;
      idleTimer = setTimeout(() => {
        refused = true;
        socket.end();
        setTimeout(() => socket.destroy(), 1000).unref();
      }, o.connectionIdleMs ?? CONNECTION_IDLE_MS);
      idleTimer.unref();
    };
    // Answers the client does not take: the connection goes once they have waited the drain time.
    let drainTimer: NodeJS.Timeout | undefined;
    const watchDrain = () => {
      if (!socket.writableNeedDrain) {
        if (drainTimer !== undefined) clearTimeout(drainTimer);
        drainTimer = undefined;
      } else if (drainTimer === undefined) {
        drainTimer = setTimeout(() => socket.destroy(), o.drainTimeoutMs ?? DRAIN_TIMEOUT_MS);
        drainTimer.unref();
      }
    };
    socket.on("close", () => {
      stopLineTimer();
      stopIdleTimer();
      if (drainTimer !== undefined) clearTimeout(drainTimer);
      waiting.length = 0;
      connections.delete(socket);
    });
    socket.on("error", () => socket.destroy());

    // Begin waiting requests while there is room, and read on only once all that was received has
    // been begun and the answers written so far have drained.
    const pump = () => {
      while (waiting.length > 0 && open < MAX_OPEN_ANSWERS && !socket.writableNeedDrain && !socket.destroyed) {
        const request = parseRequest(waiting.shift()!);
        if (request === undefined) {
          // Garbage: one refusal, and this connection is done. The agent itself carries on.
          refused = true;
          waiting.length = 0;
          socket.end(JSON.stringify({ ok: false, error: "bad-request" }) + "\n");
          return;
        }
        open++;
        begun++;
        void respond(socket, request).finally(() => {
          open--;
          pump();
          watchIdle();
        });
      }
      if (waiting.length === 0 && !socket.writableNeedDrain) socket.resume();
      else socket.pause();
      watchDrain();
    };
    socket.on("drain", () => {
      pump();
      watchIdle();
    });

    socket.on("data", (chunk: Buffer) => {
      if (refused) return;
      stopIdleTimer();
      const complete = lines.push(chunk);
      if (complete === undefined) {
        socket.destroy();
        return;
      }
      // The time limit runs from a line's first byte to its end.
      if (complete.length > 0) stopLineTimer();
      if (lines.partial && lineTimer === undefined) {
        lineTimer = setTimeout(() => socket.destroy(), o.lineTimeoutMs ?? LINE_TIMEOUT_MS);
        lineTimer.unref();
      }
      waiting.push(...complete);
      pump();
      watchIdle();
    });
    watchIdle();
  };

  const respond = async (socket: Socket, request: Request): Promise<void> => {
    let reply: Record<string, unknown>;
    await check();
    if (isLocked) reply = { id: request.id, ok: false, error: "locked" };
    else {
      try {
        reply = { id: request.id, ok: true, ...(await answer(request)) };
      } catch (error) {
        reply = { id: request.id, ok: false, error: error instanceof AgentError ? error.code : "internal" };
      }
    }
    if (socket.writable) socket.write(JSON.stringify(reply) + "\n");
    if (request.op === "lock" && !isLocked) await lock("lock");
  };

  const server: Server = createServer({ pauseOnConnect: false }, serve);
  server.maxConnections = MAX_CONNECTIONS + SURPLUS_CONNECTIONS;
  const bound = bindingPath(o.socket, process.pid);
  await rm(bound, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(bound, () => {
      server.off("error", reject);
      resolve();
    });
  });
  let inode: number;
  try {
    await chmod(bound, 0o600);
    await link(bound, o.socket);
    inode = (await stat(o.socket)).ino;
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(bound, { force: true });
    throw error;
  }
  await rm(bound, { force: true });

  async function lock(reason: LockReason): Promise<void> {
    if (isLocked) return;
    isLocked = true;
    if (timer !== undefined) clearTimeout(timer);
    o.keys.wipe();
    // The socket goes first, while the agent still listens: a client that connects meanwhile is
    // answered `locked`, one that saw its connection close finds no socket, and none is refused
    // at a socket still there (which it would take for a dead agent's and remove).
    // Only our own socket: never one that replaced it.
    try {
      if ((await stat(o.socket)).ino === inode) await rm(o.socket, { force: true });
    } catch {
      // already gone
    }
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of connections.keys()) socket.end();
    setTimeout(() => {
      for (const socket of [...connections.keys(), ...busy]) socket.destroy();
    }, 1000).unref();
    await closed;
    resolveLocked(reason);
  }

  async function check(): Promise<void> {
    if (isLocked) return;
    const now = o.clock().getTime();
    if (now >= o.until.getTime()) return lock("lifetime");
    if (now - lastUse >= o.idleMs) return lock("idle");
    // A socket removed or replaced by someone else: nobody can reach this agent any more.
    let same = false;
    try {
      same = (await stat(o.socket)).ino === inode;
    } catch {
      same = false;
    }
    if (!same) return lock("socket");
  }

  const schedule = () => {
    if (isLocked) return;
    const now = o.clock().getTime();
    const next = Math.min(o.until.getTime(), lastUse + o.idleMs) - now;
    timer = setTimeout(
      () => {
        void check().then(schedule);
      },
      Math.max(1000, Math.min(next, CHECK_EVERY_MS)),
    );
  };
  schedule();

  return { locked, check, lock, connections: () => [...connections.values()].map((state) => state()), turnedAway: () => turnedAway };
}
