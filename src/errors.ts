import type { MessageKey, MessageParams } from "./messages/index.js";

/** Exit codes, documented in the README and `nachklang --help`. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  partial: 3,
  refused: 4,
  integrity: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An expected problem caused by the user's input, configuration or environment.
 * The CLI prints exactly one line (the message in the user's language) and exits with `code`.
 * The message is a catalogue key plus parameters, so libraries never choose a language.
 */
export class UserError extends Error {
  readonly code: ExitCode;
  readonly key: MessageKey;
  readonly params: MessageParams;

  constructor(code: ExitCode, key: MessageKey, params: MessageParams = {}, options?: ErrorOptions) {
    super(`${key} ${JSON.stringify(params)}`, options);
    this.name = "UserError";
    this.code = code;
    this.key = key;
    this.params = params;
  }
}

/**
 * A file the user named that cannot be read, as one line: missing (ENOENT, or ENOTDIR: a part of
 * the path is a file), a folder (EISDIR), or unreadable with the system's code (EACCES …). Undefined for
 * errors that carry no system code.
 */
export function unreadableFile(file: string, error: unknown): UserError | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code !== "string") return undefined;
  if (code === "ENOENT" || code === "ENOTDIR") return new UserError(ExitCode.usage, "file.missing", { file }, { cause: error });
  if (code === "EISDIR") return new UserError(ExitCode.usage, "file.folderNotFile", { file }, { cause: error });
  return new UserError(ExitCode.usage, "file.unreadable", { file, reason: code }, { cause: error });
}

/**
 * A file or folder that could not be written, as one line naming it: a full disk (exit 1), or a
 * place that cannot hold it — not a folder, no permission, read-only (exit 2). Undefined for
 * errors that do not come from the file system.
 */
export function unwritableFile(file: string, error: unknown): UserError | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code !== "string" || !/^E[A-Z]+$/.test(code)) return undefined;
  if (code === "ENOSPC" || code === "EDQUOT") return new UserError(ExitCode.failure, "file.noSpace", { file }, { cause: error });
  return new UserError(ExitCode.usage, "file.unwritable", { file, reason: code }, { cause: error });
}

/**
 * A refusal of the file system that no command turned into its own line — a full disk or a
 * read-only home met halfway through — as one line instead of an internal error:
 * naming the file when the error does. Undefined for anything else (a bug stays one).
 */
export function systemRefusal(error: unknown): UserError | undefined {
  const { code, path } = (error ?? {}) as { code?: unknown; path?: unknown };
  if (code !== "ENOSPC" && code !== "EDQUOT" && code !== "EROFS") return undefined;
  if (typeof path === "string") return unwritableFile(path, error);
  return new UserError(ExitCode.failure, "file.systemRefused", { reason: code }, { cause: error });
}

/** A bundle or file that fails decryption, hashing, signature or structure checks (exit 5). */
export class IntegrityError extends UserError {
  constructor(key: MessageKey, params: MessageParams = {}, options?: ErrorOptions) {
    super(ExitCode.integrity, key, params, options);
    this.name = "IntegrityError";
  }
}

/** Refused by policy: no consent, WhatsApp, unsafe input (exit 4). */
export class PolicyError extends UserError {
  constructor(key: MessageKey, params: MessageParams = {}, options?: ErrorOptions) {
    super(ExitCode.refused, key, params, options);
    this.name = "PolicyError";
  }
}

/** Whether `error` is inquirer's for a prompt ended with Ctrl-C (or aborted): no fault, exit 130. */
export function promptInterrupted(error: unknown): boolean {
  return error instanceof Error && (error.name === "ExitPromptError" || error.name === "AbortPromptError");
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
