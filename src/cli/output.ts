/** The only place that writes to the terminal. Commands print through an `Output`. */
import { t, type Lang, type MessageKey, type MessageParams } from "../messages/index.js";
import { jsonForTerminal } from "../printable.js";

export interface Output {
  readonly lang: Lang;
  readonly json: boolean;
  /** Is stderr a terminal (progress bars) or a pipe/file (plain lines)? */
  readonly interactive: boolean;
  /** A line of results for the user (stdout). Ignored in --json mode. */
  line(text: string): void;
  /** A catalogue line for the user (stdout). Ignored in --json mode. */
  say(key: MessageKey, params?: MessageParams): void;
  /** A warning (stderr), also shown in --json mode. */
  warn(key: MessageKey, params?: MessageParams): void;
  /** The command's structured result, printed once in --json mode (src/printable.ts `jsonForTerminal`). */
  result(value: unknown): void;
  /** Translate a key without printing it. */
  text(key: MessageKey, params?: MessageParams): string;
}

export function createOutput(lang: Lang, json: boolean): Output {
  return {
    lang,
    json,
    interactive: process.stderr.isTTY === true,
    line(text) {
      if (!json) process.stdout.write(text + "\n");
    },
    say(key, params) {
      if (!json) process.stdout.write(t(lang, key, params) + "\n");
    },
    warn(key, params) {
      process.stderr.write(t(lang, key, params) + "\n");
    },
    result(value) {
      if (json) process.stdout.write(jsonForTerminal(value) + "\n");
    },
    text(key, params) {
      return t(lang, key, params);
    },
  };
}
