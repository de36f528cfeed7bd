/**
 * A command's side of the socket: finding the home's agent, and `AgentKeys`, the practice's keys
 * as the agent holds them (the `PracticeKeys` interface, so the rest of the code does not care).
 * Nothing here ever sees a private key: the agent unwraps, signs and hashes on request.
 */
import { rm } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { Identity, Stanza } from "../age/index.js";
import type { MinisignSigner, PrehashedSignature } from "../bundle/signature.js";
import { ExitCode, UserError } from "../errors.js";
import type { KeyedHashPurpose, PracticeKeys } from "../practice/keys.js";
import { inspectAgentPlace, type AgentPaths } from "./paths.js";
import { b64, LineReader, MAX_HASH_MESSAGES, PROTOCOL_VERSION, unb64, type Hello } from "./protocol.js";

/** How long a request may go unanswered before the agent counts as hung. */
const ANSWER_TIMEOUT_MS = 15_000;
/**
 * How long to wait before each new attempt while the agent turns connections away because every
 * slot is taken (server.ts): about 2.5 seconds in all, then `agent.busy`.
 */
const BUSY_RETRY_MS = [100, 200, 400, 800, 1000];

interface Pending {
  readonly resolve: (reply: Record<string, unknown>) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** What must not change when a connection is opened again: the same home, the same keys. */
const SAME_AGENT: readonly (keyof Hello)[] = ["version", "home", "recipient", "keyId", "signingKeyId", "publicKey"];

/**
 * A command's connection to the agent. The process may exit while it is open and nothing is
 * asked. The agent hangs up a connection that sits idle (server.ts); the next request then opens
 * a new one to the same place, checked as findAgent checks it and greeted by the same agent
 * (same home and keys), and a request cut off by such a hang-up is asked again once there: the
 * agent answers every request before it hangs up, so an unanswered one was never carried out
 * (and unwrap, sign and hash give the same answer twice anyway). If the agent is gone, or
 * another one took its place, that is `agent.gone`. A connection the agent turns away because
 * every slot is taken (`busy`, before anything was asked) is opened again after a pause, a few
 * times (BUSY_RETRY_MS), then the request fails with `agent.busy`: a full agent is not a
 * missing one. So is a connection closed before the agent said a word (beyond the surplus the
 * agent drops connections unheard): if the agent locked instead, the next attempt finds no socket.
 */
class Connection {
  #next = 1;
  readonly #pending = new Map<number, Pending>();
  /** Set once this connection is of no further use (an unresponsive agent, or the agent gone). */
  #closed: Error | undefined;
  #socket: Socket | undefined;
  #ended: Promise<void> = Promise.resolve();
  #reopening: Promise<void> | undefined;
  /** The agent's hello, once greeted: from then on a hang-up is answered by reconnecting. */
  #agent: Hello | undefined;

  constructor(
    socket: Socket,
    private readonly paths: AgentPaths,
  ) {
    this.#attach(socket);
  }

  greeted(hello: Hello): void {
    this.#agent = hello;
  }

  request(message: Record<string, unknown>): Promise<Record<string, unknown>> {
    return whileBusy(this.paths.socket, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.#ask(message);
        } catch (error) {
          if (!(error instanceof HungUp)) throw error;
          if (attempt === 2) throw gone();
        }
      }
    });
  }

  close(): void {
    this.#closed ??= gone();
    this.#socket?.end();
    this.#socket?.unref();
  }

  /** Wait (keeping the process alive) until the agent hangs up. */
  async ended(): Promise<void> {
    this.#socket?.ref();
    await this.#ended;
  }

  async #ask(message: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.#socket === undefined && this.#closed === undefined) {
      this.#reopening ??= this.#reopen().finally(() => (this.#reopening = undefined));
      await this.#reopening;
    }
    const socket = this.#socket;
    if (this.#closed !== undefined) throw this.#closed;
    if (socket === undefined) throw new HungUp();
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#fail(new UserError(ExitCode.failure, "agent.unresponsive", { socket: this.paths.socket })), ANSWER_TIMEOUT_MS);
      this.#pending.set(id, { resolve, reject, timer });
      // Kept alive only while an answer is awaited.
      if (this.#pending.size === 1) socket.ref();
      socket.write(JSON.stringify({ id, ...message }) + "\n");
    });
  }

  async #reopen(): Promise<void> {
    const agent = this.#agent;
    let socket: Socket | undefined;
    try {
      if ((await inspectAgentPlace(this.paths)) === "socket") socket = await open(this.paths.socket);
    } catch (error) {
      if (error instanceof UserError) throw error;
    }
    if (socket === undefined) {
      this.#closed ??= gone();
      return;
    }
    this.#attach(socket);
    // Not greeted yet (only a connection turned away as busy is opened again before): the
    // request under way is the greeting, which findAgent checks.
    if (agent === undefined) return;
    const reply = await this.#ask({ op: "hello" });
    const hello = reply.hello as Hello | undefined;
    // Another agent in its place (locked and unlocked again, perhaps with other keys): the one
    // this command was using is gone.
    if (hello === undefined || SAME_AGENT.some((field) => hello[field] !== agent[field])) {
      this.#closed ??= gone();
      socket.destroy();
    }
  }

  #attach(socket: Socket): void {
    this.#socket = socket;
    const lines = new LineReader();
    /** Whether the agent has said anything on this socket. */
    let heard = false;
    socket.on("data", (chunk: Buffer) => {
      const complete = lines.push(chunk);
      if (complete === undefined) return this.#fail(new UserError(ExitCode.failure, "agent.unresponsive", { socket: this.paths.socket }));
      if (complete.length > 0) heard = true;
      for (const line of complete) this.#receive(line);
    });
    const hungUp = () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      // Closed before the agent said a word: an agent with every connection and its surplus
      // taken drops new ones unheard (server.ts). Waited for as for busy; the next attempt finds
      // no socket if it was a lock instead (the agent removes its socket before it hangs up).
      if (!heard) return this.#rejectAll(new Busy());
      // Before it was greeted, a connection that closes is as good as no agent.
      if (this.#agent === undefined) this.#closed ??= gone();
      this.#rejectAll(new HungUp());
    };
    socket.on("error", () => {
      hungUp();
      socket.destroy();
    });
    this.#ended = new Promise((resolve) =>
      socket.on("close", () => {
        hungUp();
        resolve();
      }),
    );
    socket.unref();
  }

  #receive(line: string): void {
    let reply: Record<string, unknown>;
    try {
      reply = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return this.#fail(new UserError(ExitCode.failure, "agent.unresponsive", { socket: this.paths.socket }));
    }
    if (reply.id === undefined && reply.error === "busy") {
      // Turned away, every slot taken: this socket is done, the agent is not.
      const socket = this.#socket;
      this.#socket = undefined;
      this.#rejectAll(new Busy());
      socket?.destroy();
      return;
    }
    const pending = typeof reply.id === "number" ? this.#pending.get(reply.id) : undefined;
    if (pending === undefined) return;
    this.#pending.delete(reply.id as number);
    clearTimeout(pending.timer);
    if (this.#pending.size === 0) this.#socket?.unref();
    if (reply.ok === true) pending.resolve(reply);
    else if (reply.error === "invalid-stanza") pending.reject(new Error("invalid X25519 stanza"));
    else if (reply.error === "locked") pending.reject(gone());
    else pending.reject(new Error(`the agent refused a request (${String(reply.error)})`));
  }

  /** Give up on this connection for good. */
  #fail(error: Error): void {
    this.#closed ??= error;
    this.#rejectAll(error);
    this.#socket?.destroy();
  }

  #rejectAll(error: Error): void {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
      this.#pending.delete(id);
    }
  }
}

/** The agent closed the connection with a request unanswered (or before one was sent). */
class HungUp extends Error {
  constructor() {
    super("the agent hung up");
  }
}

/** The agent turned the connection away: every slot was taken. */
class Busy extends Error {
  constructor() {
    super("the agent is busy");
  }
}

/** `attempt` again after a pause while the agent is busy (BUSY_RETRY_MS); then `agent.busy`. */
async function whileBusy<T>(socket: string, attempt: () => Promise<T>): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof Busy)) throw error;
      const pause = BUSY_RETRY_MS[tries];
      if (pause === undefined) throw new UserError(ExitCode.failure, "agent.busy", { socket });
      await sleep(pause);
    }
  }
}

const gone = () => new UserError(ExitCode.usage, "agent.gone");

function bytes(reply: Record<string, unknown>, field: string, length?: number): Buffer {
  const value = reply[field];
  const decoded = typeof value === "string" ? unb64(value) : undefined;
  if (decoded === undefined || (length !== undefined && decoded.length !== length)) throw new Error(`the agent's answer lacks ${field}`);
  return decoded;
}

/** The practice's keys as the agent holds them. */
export class AgentKeys implements PracticeKeys {
  readonly holder = "agent" as const;
  readonly ageRecipient: string;
  readonly keyId: string;
  readonly identity: Identity;
  readonly signer: MinisignSigner;
  /** Whether what this process asks counts as use (it keeps the agent from locking when idle). */
  #counts = true;

  constructor(
    private readonly connection: Connection,
    readonly hello: Hello,
  ) {
    this.ageRecipient = hello.recipient;
    this.keyId = hello.keyId;
    this.identity = { unwrapFileKey: (stanzas) => this.#unwrap(stanzas) };
    const sign = (prehash: Uint8Array, comment: string) => this.#sign(prehash, comment);
    this.signer = { keyId: unb64(hello.signingKeyId), publicKey: unb64(hello.publicKey), signPrehashed: sign };
  }

  async #unwrap(stanzas: Stanza[]): Promise<Uint8Array | null> {
    // A passphrase's stanza is never the practice's (X25519, or hybrid post-quantum); a file
    // with nothing else needs no question.
    const mine = stanzas.filter((s) => s.args[0] !== "scrypt");
    if (mine.length === 0) return null;
    const reply = await this.connection.request({ op: "unwrap", stanzas: mine.map((s) => ({ args: s.args, body: b64(s.body) })), ...this.#use() });
    return reply.fileKey === null ? null : new Uint8Array(bytes(reply, "fileKey", 16));
  }

  async #sign(prehash: Uint8Array, comment: string): Promise<PrehashedSignature> {
    const reply = await this.connection.request({ op: "sign", prehash: b64(prehash), comment, ...this.#use() });
    return { signature: bytes(reply, "signature", 64), globalSignature: bytes(reply, "globalSignature", 64) };
  }

  async keyedHashes(purpose: KeyedHashPurpose, messages: readonly Uint8Array[]): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (let i = 0; i < messages.length; i += MAX_HASH_MESSAGES) {
      const part = messages.slice(i, i + MAX_HASH_MESSAGES);
      const reply = await this.connection.request({ op: "hash", purpose, messages: part.map(b64), ...this.#use() });
      const hashes = reply.hashes;
      if (!Array.isArray(hashes) || hashes.length !== part.length) throw new Error("the agent's answer lacks hashes");
      for (const h of hashes) out.push(new Uint8Array(unb64(String(h))));
    }
    return out;
  }

  /**
   * From now on, what this process asks does not count as use: a command that only looks
   * (`status`, `doctor`), run in a loop by a monitor, must not keep the practice unlocked.
   */
  lookingOnly(): void {
    this.#counts = false;
  }

  #use(): { use?: false } {
    return this.#counts ? {} : { use: false };
  }

  /** Ask the agent to lock; resolves once it has wiped its keys, removed its socket and hung up. */
  async lock(): Promise<void> {
    await this.connection.request({ op: "lock" });
    await this.connection.ended();
  }

  close(): void {
    this.connection.close();
  }
}

export type AgentLookup =
  | { readonly state: "running"; readonly keys: AgentKeys }
  | { readonly state: "absent" }
  /** A socket nobody listens on (its agent was killed): it was removed. */
  | { readonly state: "stale"; readonly socket: string };

function open(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

/**
 * The home's agent, if one runs. A socket nobody answers on is removed (state "stale"); an
 * agent for another home or of another protocol version is an error (exit 2), as is a place
 * that is not safe (paths.ts).
 */
export async function findAgent(home: string, paths: AgentPaths): Promise<AgentLookup> {
  if ((await inspectAgentPlace(paths)) === "none") return { state: "absent" };
  let socket: Socket;
  try {
    // A full listen queue (EAGAIN: the agent stopped, or flooded) is an agent that is busy.
    socket = await whileBusy(paths.socket, () =>
      open(paths.socket).catch((error: unknown) => {
        throw (error as NodeJS.ErrnoException).code === "EAGAIN" ? new Busy() : error;
      }),
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ECONNREFUSED" || code === "ENOENT") {
      await rm(paths.socket, { force: true });
      return code === "ENOENT" ? { state: "absent" } : { state: "stale", socket: paths.socket };
    }
    throw error;
  }
  const connection = new Connection(socket, paths);
  let reply: Record<string, unknown>;
  try {
    reply = await connection.request({ op: "hello" });
  } catch (error) {
    // It locked between our connecting and asking: as good as absent.
    if (error instanceof UserError && error.key === "agent.gone") return { state: "absent" };
    throw error;
  }
  const hello = reply.hello as Hello | undefined;
  if (hello === undefined || hello.version !== PROTOCOL_VERSION) {
    connection.close();
    throw new UserError(ExitCode.usage, "agent.mismatch");
  }
  if (hello.home !== home) {
    connection.close();
    throw new UserError(ExitCode.usage, "agent.otherHome", { home: hello.home, socket: paths.socket });
  }
  connection.greeted(hello);
  return { state: "running", keys: new AgentKeys(connection, hello) };
}

/**
 * Tell the home's agent to lock. Resolves with what was found: "locked" (it confirmed and is
 * gone), "absent", or "stale" (a dead agent's socket, removed).
 */
export async function lockAgent(home: string, paths: AgentPaths): Promise<"locked" | "absent" | "stale"> {
  let found: AgentLookup;
  try {
    found = await findAgent(home, paths);
  } catch (error) {
    // An agent of another version still locks when asked.
    if (!(error instanceof UserError && error.key === "agent.mismatch")) throw error;
    const socket = await open(paths.socket);
    const connection = new Connection(socket, paths);
    await connection.request({ op: "lock" });
    await connection.ended();
    return "locked";
  }
  if (found.state !== "running") return found.state;
  await found.keys.lock();
  return "locked";
}
