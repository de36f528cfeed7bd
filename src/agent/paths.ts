/**
 * Where a home's agent listens: a folder only the user can open (0700) holding one socket
 * (0600). Under `$XDG_RUNTIME_DIR` when it is set (a tmpfs the system empties at log-out and
 * reboot, like ssh-agent's and gpg-agent's sockets), as `nachklang-<hash of the home>`; else in
 * the home itself (`<home>/agent/`). One agent per home: the folder's name says which.
 */
import { createHash } from "node:crypto";
import { lstat } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { ExitCode, UserError } from "../errors.js";

export interface AgentPaths {
  readonly dir: string;
  readonly socket: string;
}

/** sun_path holds 108 bytes on Linux, with the terminating NUL. */
const MAX_SOCKET_PATH = 107;

export function agentPaths(home: string, env: NodeJS.ProcessEnv = process.env): AgentPaths {
  const runtime = env.XDG_RUNTIME_DIR;
  const dir =
    runtime !== undefined && isAbsolute(runtime)
      ? join(runtime, `nachklang-${createHash("sha256").update(home).digest("hex").slice(0, 16)}`)
      : join(home, "agent");
  return { dir, socket: join(dir, "agent.sock") };
}

/** The temporary name the agent binds its socket under before linking it into place. */
export function bindingPath(socket: string, pid: number): string {
  return `${socket}.${pid}.tmp`;
}

/** The largest process id Linux hands out (2^22): the longest binding path has it. */
const MAX_PID = 4_194_304;

/**
 * Throws UserError (exit 2) when the socket's path is longer than a Unix socket's may be, under
 * its temporary binding name too (longer by the agent's pid: the kernel would cut it short).
 */
export function checkSocketPath(paths: AgentPaths): void {
  if (Buffer.byteLength(bindingPath(paths.socket, MAX_PID)) > MAX_SOCKET_PATH) throw new UserError(ExitCode.usage, "agent.socketTooLong", { socket: paths.socket });
}

const uid = (): number | undefined => process.getuid?.();

/**
 * What is at the agent's place: nothing, or a socket in a folder that only this user can open.
 * Anything else — a folder others can open or that someone else owns, a link, a file that is
 * no socket — is never trusted or removed: UserError (exit 2) naming it.
 */
export async function inspectAgentPlace(paths: AgentPaths): Promise<"none" | "socket"> {
  const dir = await lstatOrUndefined(paths.dir);
  if (dir === undefined) return "none";
  if (!dir.isDirectory() || (dir.mode & 0o077) !== 0 || (uid() !== undefined && dir.uid !== uid())) {
    throw new UserError(ExitCode.usage, "agent.unsafe", { path: paths.dir });
  }
  const socket = await lstatOrUndefined(paths.socket);
  if (socket === undefined) return "none";
  if (!socket.isSocket() || (uid() !== undefined && socket.uid !== uid())) throw new UserError(ExitCode.usage, "agent.unsafe", { path: paths.socket });
  return "socket";
}

async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw error;
  }
}
