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

/**
 * The first `max` code points of `text` (all of it when it is shorter): how text from outside (a
 * server's answer, a tool's stderr, a name from a bundle) is cut to a length. Cut by code points,
 * not by UTF-16 units as `slice` cuts: a slice can end between the two halves of a surrogate pair
 * (an emoji, a rare CJK character) and leave a lone surrogate, which shows as '�' and is no
 * valid UTF-8 in a file, the ledger or `--json`. So the result is a prefix of `text` that splits
 * no pair (a lone surrogate already in `text` is kept as it is), of at most `max` code points and
 * so at most 2 × `max` UTF-16 units. What reads as one character may still be cut between its
 * code points (a letter and its combining accent, an emoji and its skin tone): each part is
 * valid text. No '…' is added: the caller marks the cut where it should show (`quoted`).
 */
export function firstCodePoints(text: string, max: number): string {
  let end = 0;
  for (let count = 0; count < max && end < text.length; count++) {
    // codePointAt gives a lone surrogate's own value (below 0x10000): one unit, as it stands.
    end += text.codePointAt(end)! > 0xffff ? 2 : 1;
  }
  return text.slice(0, end);
}

/** Like `printable`, and cut to its first `max` characters and '…': a value quoted in a one-line message. */
export function quoted(text: string, max = 60): string {
  const safe = printable(text);
  const cut = firstCodePoints(safe, max);
  return cut.length < safe.length ? `${cut}…` : cut;
}

/**
 * Text of several lines (a client's message, a template's body): the same unsafe characters, but
 * line feeds and tabs stay, a line or paragraph separator becomes a line feed, and the others are
 * left out (a '?' in the middle of a client's words would read as theirs).
 */
export function printableText(text: string): string {
  return text.replace(UNSAFE, (char) => (char === "\n" || char === "\t" ? char : char === "\u2028" || char === "\u2029" ? "\n" : ""));
}

/**
 * A value as JSON (indented by `indent`, two by default; 0 for one line) for `--json`, with every
 * character UNSAFE names inside its strings written as a `\u` escape: parsed, it is the text as it
 * is; printed, it cannot reorder or steer a terminal. (JSON.stringify escapes C0 itself, but
 * leaves DEL, C1, bidi and the other format characters raw; a raw line feed in its output is
 * therefore only the indentation.)
 */
export function jsonForTerminal(value: unknown, indent = 2): string {
  return String(JSON.stringify(value, null, indent)).replace(UNSAFE, (char) =>
    char === "\n" ? char : Array.from({ length: char.length }, (_, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, "0")}`).join(""),
  );
}
