/**
 * Standard input can be read once. Every `--…-file` option reads its file whole (a passphrase, a
 * channel's secret or key, a note, template variables), and so do the few marked with `readsFile`
 * (an age identity, a signer's key, a recovery key) and the arguments marked with
 * `readsFileArgument` (the bundle of `open`); when two of them name standard input, the second
 * finds it empty and says "the file is empty" — or, for a bundle, that it was damaged or altered —
 * which sends the user looking for the wrong fault. Decided here, for every command, before the
 * command reads or writes anything.
 */
import { resolve } from "node:path";
import type { Command, Option } from "commander";
import { ExitCode, UserError } from "../errors.js";

/** The names of standard input (`-` is not one: the `--…-file` options read a file of that name). */
const STDIN = new Set(["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0", `/proc/${process.pid}/fd/0`]);

/** Options that read their file whole though their name does not end in "-file". */
const readers = new WeakSet<Option>();

/**
 * Marks `option` as one that reads its file whole (`open --identity`, `--signer`, `restore
 * --recovery-key`), so it counts as a `--…-file` option here. A `<file>` the command writes
 * (`keys export --identity`) is not marked.
 */
export function readsFile(option: Option): Option {
  readers.add(option);
  return option;
}

/** Commands whose (first) argument names a file they read whole: `open <bundle>`, `client import <file>` … */
const argumentReaders = new WeakSet<Command>();

/**
 * Marks `command` as one whose argument is a file it reads whole (`open <bundle>`, `verify`,
 * `viewer`, `restore`, `batch`, `client import`): standard input given there counts as well.
 */
export function readsFileArgument(command: Command): Command {
  argumentReaders.add(command);
  return command;
}

function reads(option: Option): boolean {
  return option.long?.endsWith("-file") === true || readers.has(option);
}

/**
 * Throws (exit 2, naming both and what to do) when two options or arguments of `command` or the
 * commands above it (the global `--passphrase-file`) that read a file name standard input.
 */
export function refuseStdinTwice(command: Command): void {
  const reading: { option: string; file: string }[] = [];
  let file: { option: string; file: string } | undefined;
  for (let c: Command | null = command; c !== null; c = c.parent) {
    const here = c.options.flatMap((option) => {
      const value: unknown = c.getOptionValue(option.attributeName());
      return reads(option) && option.long !== undefined && typeof value === "string" && STDIN.has(resolve(value)) ? [{ option: option.long, file: value }] : [];
    });
    const argument = argumentReaders.has(c) ? c.registeredArguments[0] : undefined;
    const given: unknown = c.processedArgs[0];
    if (argument !== undefined && typeof given === "string" && STDIN.has(resolve(given))) file = { option: `<${argument.name()}>`, file: given };
    // The program's options (--passphrase-file) first, then each command's in the order declared.
    reading.unshift(...here);
  }
  // The argument before them all: the advice names the second, and an option's secret is what
  // gets a descriptor of its own (`--passphrase-file <(pass show …)`).
  if (file !== undefined) reading.unshift(file);
  const [first, second] = reading;
  if (first === undefined || second === undefined) return;
  throw new UserError(ExitCode.usage, "file.stdinTwice", { first: first.option, firstFile: first.file, second: second.option, secondFile: second.file });
}
