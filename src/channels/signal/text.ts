/** Text that signal-cli wrote (error messages, its version), made fit to show and to keep. */
import { firstCodePoints, printable } from "../../printable.js";

/** Fit for one line on the terminal: each control or format character becomes "?", at most `max` characters. */
export function oneLine(text: string, max = 200): string {
  return firstCodePoints(printable(text), max);
}

/**
 * Hide phone numbers and usernames in text that signal-cli wrote (its messages quote the
 * recipient): failure reasons may end up in the ledger, which never holds personal data. The
 * result is one line, as `oneLine` makes it.
 */
export function scrub(text: string): string {
  return oneLine(
    printable(text)
      .replace(/u:[A-Za-z0-9_]+\.\d+/g, "u:…")
      .replace(/\+?\d[\d ()/-]{5,}\d/g, "…"),
  );
}
