/**
 * The agent process, started by `nachklang unlock` (start.ts) as `node dist/agent/main.js` with
 * nothing on its command line and no secret in its environment. It reads what it needs from
 * stdin (one JSON object: the unlocked keyring's keys, the socket, the lifetime), serves until
 * it locks, and exits. It reports on stdout once: `ready`, or `exists` when another agent
 * already listens there, or `failed`; after that it writes nothing anywhere.
 */
import { advancing, clockFromEnv } from "../delivery/clock.js";
import { KeyringKeys } from "../practice/keyring-keys.js";
import { fromStored } from "../practice/keyring.js";
import { serveAgent, type LockReason, type RunningAgent } from "./server.js";

/** What start.ts writes to the agent's stdin. */
export interface AgentInput {
  readonly v: 1;
  readonly home: string;
  readonly socket: string;
  readonly keyring: { readonly ageIdentity: string; readonly signing: { readonly seed: string; readonly keyId: string } };
  /** ISO 8601. */
  readonly until: string;
  readonly idleMs: number;
}

const MAX_INPUT = 64 * 1024;

async function readInput(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_INPUT) throw new Error("input too long");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function report(word: "ready" | "exists" | "failed"): void {
  process.stdout.write(`${word}\n`);
  process.stdout.end();
}

async function run(): Promise<void> {
  process.title = "nachklang-agent";
  // SIGUSR1 makes Node open its inspector on 127.0.0.1:9229, a TCP port every user of the
  // machine can reach, and through it evaluate code in this process: the keys. A listener of
  // its own takes the signal from Node (Node 20 has no --disable-sigusr1); it is ignored.
  process.on("SIGUSR1", () => undefined);
  // Nobody reads stdout or stderr once start.ts has gone.
  process.stdout.on("error", () => undefined);
  process.stderr.on("error", () => undefined);
  const raw = await readInput();
  const input = JSON.parse(raw.toString("utf8")) as AgentInput;
  raw.fill(0);
  if (input.v !== 1) throw new Error("unknown input version");
  const keys = new KeyringKeys(await fromStored(input.keyring));
  let agent: RunningAgent;
  try {
    agent = await serveAgent({ socket: input.socket, home: input.home, keys, until: new Date(input.until), idleMs: input.idleMs, clock: advancing(clockFromEnv()) });
  } catch (error) {
    keys.wipe();
    report((error as NodeJS.ErrnoException).code === "EEXIST" ? "exists" : "failed");
    process.exitCode = 1;
    return;
  }
  const stop = (reason: LockReason) => () => void agent.lock(reason);
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, stop("signal"));
  // A bug must not leave the keys in a process nobody can reach: lock, then go.
  process.on("uncaughtException", () => void agent.lock("signal").finally(() => process.exit(1)));
  report("ready");
  await agent.locked;
  process.exit(0);
}

run().catch(() => {
  report("failed");
  process.exit(1);
});
