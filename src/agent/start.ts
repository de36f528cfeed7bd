/**
 * Starting the agent for `nachklang unlock`: a detached `node dist/agent/main.js` in its own
 * session, with an empty command line, an environment without secrets and no core dumps; the
 * unlocked keys go to it over its stdin, which is then closed. Resolves once it listens.
 */
import { spawn } from "node:child_process";
import { chmod } from "node:fs/promises";
import { makeDirs } from "../files.js";
import { ExitCode, UserError, unwritableFile } from "../errors.js";
import { packagePath } from "../package-root.js";
import { toStored, type Keyring } from "../practice/keyring.js";
import type { AgentInput } from "./main.js";
import { inspectAgentPlace, type AgentPaths } from "./paths.js";

export interface StartOptions {
  readonly home: string;
  readonly paths: AgentPaths;
  readonly keyring: Keyring;
  readonly until: Date;
  readonly idleMs: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** How long the agent may take to start listening before unlock gives up on it. */
const START_TIMEOUT_MS = 20_000;

/**
 * The agent's environment: only what it needs to run and the test clock (`NACHKLANG_NOW`).
 * Never the passphrase, whatever else the caller's environment holds.
 */
export function agentEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { PATH: env.PATH ?? "/usr/bin:/bin" };
  if (env.NACHKLANG_NOW !== undefined) out.NACHKLANG_NOW = env.NACHKLANG_NOW;
  return out;
}

/** The agent's program: the build's entry (scripts/build-cli.js), wherever this code runs from. */
export const agentMain = (): string => packagePath("dist", "agent", "main.js");

/**
 * Start an agent. Resolves "ready" once it listens, or "exists" when another agent already
 * listens there; throws UserError (exit 1) when it could not start.
 */
export async function startAgent(o: StartOptions): Promise<{ readonly outcome: "ready" | "exists"; readonly pid: number }> {
  // A place that cannot be a folder ($XDG_RUNTIME_DIR naming a file) is said as such.
  await makeDirs(o.paths.dir, 0o700).catch((error: unknown) => {
    throw unwritableFile(o.paths.dir, error) ?? error;
  });
  // Checked before anything is changed there: chmod follows a link, so a folder put there as a
  // link would have its target's mode changed, and a folder others could open would be "fixed"
  // instead of reported. Once it is ours and private, chmod only adds what a umask took away.
  await inspectAgentPlace(o.paths);
  await chmod(o.paths.dir, 0o700);
  const input: AgentInput = { v: 1, home: o.home, socket: o.paths.socket, keyring: toStored(o.keyring), until: o.until.toISOString(), idleMs: o.idleMs };
  // Through a shell only to switch core dumps off (Node has no setrlimit): a crash, SIGQUIT or
  // V8 running out of memory would otherwise write the keys to disk. exec keeps the pid.
  const child = spawn("/bin/sh", ["-c", 'ulimit -c 0 && unset PWD OLDPWD && exec "$0" "$1"', process.execPath, agentMain()], {
    detached: true,
    cwd: "/",
    env: agentEnvironment(o.env ?? process.env),
    stdio: ["pipe", "pipe", "ignore"],
  });
  const failed = (reason: string) => new UserError(ExitCode.failure, "agent.startFailed", { reason });
  const word = new Promise<string>((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(failed("timeout"));
    }, START_TIMEOUT_MS);
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d: string) => {
      text += d;
      if (text.includes("\n")) {
        clearTimeout(timer);
        resolve(text.slice(0, text.indexOf("\n")));
      }
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(failed(error.message));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(failed(signal ?? `exit ${code ?? "?"}`));
    });
  });
  child.stdin.on("error", () => undefined);
  child.stdin.end(JSON.stringify(input));
  const answer = await word;
  child.stdout.destroy();
  child.removeAllListeners("exit");
  child.unref();
  if (answer === "ready" || answer === "exists") return { outcome: answer, pid: child.pid ?? 0 };
  throw failed(answer);
}
