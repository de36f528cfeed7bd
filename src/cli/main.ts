/**
 * Entry point: builds the commander program from the command table, runs it, and is the one
 * top-level handler that turns errors into one line and an exit code.
 */
import { CommanderError } from "commander";
import { ExitCode, isUserError } from "../errors.js";
import { systemLang, isLang, type Lang } from "../lang.js";
import { buildProgram } from "./program.js";
import { runCleanups } from "../temp.js";

function langFromArgv(argv: readonly string[]): Lang | undefined {
  const i = argv.findIndex((a) => a === "--lang" || a.startsWith("--lang="));
  if (i < 0) return undefined;
  const arg = argv[i];
  const value = arg?.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[i + 1];
  return isLang(value) ? value : undefined;
}

export async function main(argv: readonly string[]): Promise<void> {
  // Everything this process and its children (ffmpeg) create is private to the user, whatever
  // the caller's umask: temporary plaintext is 0600 inside 0700 folders from its first byte.
  process.umask(0o077);
  const debug = argv.includes("--debug");
  // A closed pipe (`nachklang --help | head`) is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  // The language of early errors (before config is read): --lang, else the system locale.
  let lang: Lang = langFromArgv(argv) ?? systemLang();
  const program = buildProgram((resolved) => {
    lang = resolved;
  });
  // `on`, not `once`: conf's atomic writer (when-exit) re-raises the signal from its own handler;
  // with no listener of ours left, node would die before the clean-up ran. Repeats are ignored.
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    void runCleanups().finally(async () => {
      const { t } = await catalogue();
      process.stderr.write(t(lang, "cli.interrupted") + "\n");
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = finishedByCommander(error) ? 0 : report(error, lang, debug, (await catalogue()).t);
  } finally {
    await runCleanups();
  }
}

/** The message catalogue, loaded only when there is a line to print (not for `--help`). */
const catalogue = () => import("../messages/index.js");
type Translate = Awaited<ReturnType<typeof catalogue>>["t"];

/** commander's usage errors, in the user's language (commander itself prints nothing). */
function usageLine(error: CommanderError, lang: Lang, t: Translate): string {
  const quoted = /'([^']*)'/.exec(error.message)?.[1] ?? "";
  switch (error.code) {
    case "commander.unknownCommand":
      return t(lang, "cli.unknownCommand", { command: quoted });
    case "commander.unknownOption":
      return t(lang, "cli.unknownOption", { option: quoted });
    case "commander.missingArgument":
      return t(lang, "cli.missingArgument", { argument: quoted });
    case "commander.optionMissingArgument":
    case "commander.missingMandatoryOptionValue":
      return t(lang, "cli.missingOption", { option: quoted.split(" ")[0] ?? quoted });
    case "commander.excessArguments":
      return t(lang, "cli.excessArguments");
    default:
      return t(lang, "cli.usage", { message: error.message.replace(/^error: /, "") });
  }
}

/** Help or the version was printed: commander ends the run, and nothing is wrong. */
function finishedByCommander(error: unknown): boolean {
  if (!(error instanceof CommanderError)) return false;
  return error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help" || error.exitCode === 0;
}

function report(error: unknown, lang: Lang, debug: boolean, t: Translate): number {
  if (error instanceof CommanderError) {
    process.stderr.write(usageLine(error, lang, t) + "\n");
    return ExitCode.usage;
  }
  if (isUserError(error)) {
    process.stderr.write(t(lang, error.key, error.params) + "\n");
    if (debug && error.cause instanceof Error && error.cause.stack) process.stderr.write(error.cause.stack + "\n");
    return error.code;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(t(lang, "cli.internal", { message }) + "\n");
  if (debug && error instanceof Error && error.stack) process.stderr.write(error.stack + "\n");
  return ExitCode.failure;
}
