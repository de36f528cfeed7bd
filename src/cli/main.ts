/**
 * Entry point: builds the commander program from the command table, runs it, and is the one
 * top-level handler that turns errors into one line and an exit code.
 */
import { CommanderError } from "commander";
import { ExitCode, isUserError } from "../errors.js";
import { t, systemLang, isLang, type Lang } from "../messages/index.js";
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
    void runCleanups().finally(() => {
      process.stderr.write(t(lang, "cli.interrupted") + "\n");
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = report(error, lang, debug);
  } finally {
    await runCleanups();
  }
}

/** commander's usage errors, in the user's language (commander itself prints nothing). */
function usageLine(error: CommanderError, lang: Lang): string {
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

function report(error: unknown, lang: Lang, debug: boolean): number {
  if (error instanceof CommanderError) {
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return 0;
    if (error.exitCode === 0) return 0;
    process.stderr.write(usageLine(error, lang) + "\n");
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
