/**
 * Text from outside — a bundle, a client's message, a file name, a template, a value typed into
 * a CSV — made safe to print on a terminal. The ground floor: messages, templates and commands
 * all quote such text through here.
 */

/**
 * As part of one line: control characters (newlines too), format characters such as bidi
 * overrides, and line or paragraph separators each become '?', so the text can neither move the
 * cursor, recolour the terminal, reorder what follows, nor start a line that looks like one of ours.
 */
export function printable(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, "?");
}

/** Like `printable`, and cut to its first `max` characters and '…': a value quoted in a one-line message. */
export function quoted(text: string, max = 60): string {
  const chars = [...printable(text)];
  return chars.length > max ? `${chars.slice(0, max).join("")}…` : chars.join("");
}

/**
 * Characters a terminal would act on (escape sequences, C0 and C1 controls but line feed and
 * tab) and bidi embeddings, overrides and isolates (which reorder what follows).
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Text of several lines (a client's message, a template's body) with those characters left out. */
export function printableText(text: string): string {
  return text.replace(CONTROL, "");
}
