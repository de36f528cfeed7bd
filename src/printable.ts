/**
 * Text from outside — a bundle, a client's message, a file name, a template, a value typed into
 * a CSV — made safe to print on a terminal. The ground floor: messages, templates and commands
 * all quote such text through here.
 */

/**
 * The one definition of the characters a terminal must not get from outside text, whether shown
 * as one line or several:
 * - controls (`\p{Cc}`): C0 (escape sequences, cursor moves, the bell, carriage return), DEL, C1
 *   (CSI and the other 8-bit controls some terminals act on);
 * - format characters (`\p{Cf}`): bidi embeddings, overrides and isolates (U+202A–202E,
 *   U+2066–2069) and marks (U+200E, U+200F, U+061C), which reorder what follows; zero-width
 *   spaces and joiners (U+200B–200D, U+2060), the BOM (U+FEFF) and soft hyphens, which hide inside
 *   what looks like one word or file name; tag characters. A joiner inside an emoji goes too: the
 *   emoji then shows as its parts, which hides nothing;
 * - the line and paragraph separators (U+2028, U+2029), which some terminals break lines at.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/** Whether `char` (one code point) is one a terminal must not get (see UNSAFE). */
export function isTerminalUnsafe(char: string): boolean {
  UNSAFE.lastIndex = 0;
  const unsafe = UNSAFE.test(char);
  UNSAFE.lastIndex = 0;
  return unsafe;
}

/**
 * As part of one line: every unsafe character (newlines and tabs too) becomes '?', so the text can
 * neither move the cursor, recolour the terminal, reorder what follows, hide a character, nor
 * start a line that looks like one of ours.
 */
export function printable(text: string): string {
  return text.replace(UNSAFE, "?");
}

/** Every unsafe character left out: a name made from outside text (a file name a client chose). */
export function withoutUnsafe(text: string): string {
  return text.replace(UNSAFE, "");
}

/** Like `printable`, and cut to its first `max` characters and '…': a value quoted in a one-line message. */
export function quoted(text: string, max = 60): string {
  const chars = [...printable(text)];
  return chars.length > max ? `${chars.slice(0, max).join("")}…` : chars.join("");
}

/**
 * Text of several lines (a client's message, a template's body): the same unsafe characters, but
 * line feeds and tabs stay, a line or paragraph separator becomes a line feed, and the others are
 * left out (a '?' in the middle of a client's words would read as theirs).
 */
export function printableText(text: string): string {
  return text.replace(UNSAFE, (char) => (char === "\n" || char === "\t" ? char : char === "\u2028" || char === "\u2029" ? "\n" : ""));
}
