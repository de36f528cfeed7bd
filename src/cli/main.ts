/**
 * Entry point: builds the commander program from the command table, runs it, and is the one
 * top-level handler that turns errors into one line and an exit code.
 */
import { CommanderError } from "commander";
import { ExitCode, isUserError, promptInterrupted, systemRefusal } from "../errors.js";
import { systemLang, isLang, type Lang } from "../lang.js";
import { jsonForTerminal, printable } from "../printable.js";
import { buildProgram, dispatchedToContentLang, helpFor, readsContentLang } from "./program.js";
import { localiseHelpFor } from "./help-lang.js";
import { runCleanups } from "../temp.js";
import { takePassphraseFromEnv } from "./env-passphrase.js";

/** The value of a global option as given (`--home DIR` or `--home=DIR`), read before commander parses. */
function optionFromArgv(argv: readonly string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  const arg = argv[i];
  return arg?.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[i + 1];
}

function langFromArgv(argv: readonly string[]): Lang | undefined {
  const value = optionFromArgv(argv, "--lang");
  return isLang(value) ? value : undefined;
}

/**
 * The practice's language (`init --lang`) for an error before any command ran, as commander's
 * usage errors are: undefined without a practice, or when its configuration cannot be read
 * (the command itself reports that).
 */
async function practiceLang(argv: readonly string[]): Promise<Lang | undefined> {
  try {
    const [{ resolveHome }, { readSettings }] = await Promise.all([import("../practice/home.js"), import("../practice/config.js")]);
    const lang = readSettings(resolveHome(optionFromArgv(argv, "--home"))).lang;
    return isLang(lang) ? lang : undefined;
  } catch {
    return undefined;
  }
}

/** Was `--json` given (before any `--`)? Then errors are JSON on stdout too. */
function jsonFromArgv(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).includes("--json");
}

/** The shell's exit code for a command ended by a signal: 128 + its number. */
const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

export async function main(argv: readonly string[]): Promise<void> {
  // Everything this process and its children (ffmpeg) create is private to the user, whatever
  // the caller's umask: temporary plaintext is 0600 inside 0700 folders from its first byte.
  process.umask(0o077);
  takePassphraseFromEnv();
  const debug = argv.includes("--debug");
  const json = jsonFromArgv(argv);
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
  // SIGHUP: the terminal was closed. Temporary plaintext and running ffmpeg go as on Ctrl-C;
  // there is no terminal left to say so on.
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    void runCleanups().finally(async () => {
      if (signal !== "SIGHUP") {
        const { t } = await catalogue();
        process.stderr.write(t(lang, "cli.interrupted") + "\n");
      }
      process.exit(SIGNAL_EXIT[signal] ?? 143);
    });
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, onSignal);
  // Nothing left to wait for while the command has not finished: a prompt whose input was closed
  // (Ctrl-D) leaves its promise unsettled, and node would end with exit 0 as if it had succeeded.
  let finished = false;
  process.once("beforeExit", () => {
    if (finished || interrupted) return;
    interrupted = true;
    void runCleanups().finally(async () => {
      const { t } = await catalogue();
      process.stderr.write(t(lang, "cli.interrupted") + "\n");
      process.exit(130);
    });
  });
  try {
    // A help is printed in the language a usage error would be (below).
    await localiseHelpFor(program, argv.slice(2), async (command) => (readsContentLang(command) ? undefined : langFromArgv(argv)) ?? (await practiceLang(argv)) ?? systemLang());
    await program.parseAsync(argv);
  } catch (error) {
    // Interrupted: what failed was stopped by the clean-up (ffmpeg killed, a file removed), not
    // by a fault of its own. The signal's handler says "Interrupted." and sets the exit code.
    // A signal that reached a child first may still be on its way to this process.
    await new Promise((resolve) => setImmediate(resolve));
    if (interrupted) return;
    // A usage error comes before any command read the configuration: --lang, else the practice's
    // (also when --lang names the content's language, as in `send --lang en`).
    if (error instanceof CommanderError) {
      if (langFromArgv(argv) === undefined) lang = (await practiceLang(argv)) ?? lang;
      else if (dispatchedToContentLang(program)) lang = (await practiceLang(argv)) ?? systemLang();
    }
    process.exitCode = finishedByCommander(error) ? 0 : report(error, lang, debug, json, (await catalogue()).t, helpFor(program));
  } finally {
    finished = true;
    await runCleanups();
  }
}

/** The message catalogue, loaded only when there is a line to print (not for `--help`). */
const catalogue = () => import("../messages/index.js");
type Translate = Awaited<ReturnType<typeof catalogue>>["t"];

/** commander's usage errors, in the user's language (commander itself prints nothing). */
function usageLine(error: CommanderError, lang: Lang, t: Translate, help: string): string {
  const quoted = /'([^']*)'/.exec(error.message)?.[1] ?? "";
  switch (error.code) {
    case "commander.unknownCommand":
      return t(lang, "cli.unknownCommand", { command: quoted });
    case "commander.unknownOption":
      return t(lang, "cli.unknownOption", { option: quoted, help });
    case "commander.missingArgument":
      return t(lang, "cli.missingArgument", { argument: quoted, help });
    case "commander.optionMissingArgument":
    case "commander.missingMandatoryOptionValue":
      return t(lang, "cli.missingOption", { option: quoted.split(" ")[0] ?? quoted });
    case "commander.excessArguments":
      return t(lang, "cli.excessArguments", { help });
    case "commander.invalidArgument": {
      // "option '--lang <lang>' argument 'fr' is invalid. Allowed choices are de, en."
      const choice = /option '(\S+)[^']*' argument '([^']*)' is invalid\. Allowed choices are (.*)\.$/.exec(error.message);
      if (choice) return t(lang, "cli.badChoice", { option: choice[1] ?? "", value: choice[2] ?? "", choices: choice[3] ?? "" });
      break;
    }
  }
  // commander's own sentence ends with a full stop; the line adds its own.
  return t(lang, "cli.usage", { message: error.message.replace(/^error: /, "").replace(/\.$/, "") });
}

/** Help or the version was printed: commander ends the run, and nothing is wrong. */
function finishedByCommander(error: unknown): boolean {
  if (!(error instanceof CommanderError)) return false;
  return error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help" || error.exitCode === 0;
}

/**
 * Print the error and return its exit code: one line on stderr; with `--json` also
 * `{"error":{"code","message","exitCode"}}` on stdout, so a script reading stdout always gets
 * JSON (code: the catalogue key, "usage" for commander's errors, "internal" for bugs), on one
 * line, with a file name's or a client's bidi and control characters as `\u` escapes.
 */
function report(error: unknown, lang: Lang, debug: boolean, json: boolean, t: Translate, help = "nachklang --help"): number {
  const print = (code: string, message: string, exitCode: number): number => {
    // The one line for people: a file or client name from outside may carry what a terminal
    // acts on (bidi overrides, C1 controls), each shown as '?'; --json keeps it exactly, escaped.
    process.stderr.write(printable(message) + "\n");
    if (json) process.stdout.write(jsonForTerminal({ error: { code, message, exitCode } }, 0) + "\n");
    return exitCode;
  };
  if (error instanceof CommanderError) return print("usage", usageLine(error, lang, t, help), ExitCode.usage);
  // Ctrl-C at a prompt (the passphrase, a confirmation): inquirer's own error, no fault.
  if (promptInterrupted(error)) return print("interrupted", t(lang, "cli.interrupted"), 130);
  const refusal = isUserError(error) ? undefined : systemRefusal(error);
  if (refusal !== undefined) return report(refusal, lang, debug, json, t, help);
  if (isUserError(error)) {
    const exitCode = print(error.key, t(lang, error.key, error.params), error.code);
    if (debug && error.cause instanceof Error && error.cause.stack) process.stderr.write(error.cause.stack + "\n");
    return exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  const exitCode = print("internal", t(lang, "cli.internal", { message }), ExitCode.failure);
  if (debug && error instanceof Error && error.stack) process.stderr.write(error.stack + "\n");
  return exitCode;
}
