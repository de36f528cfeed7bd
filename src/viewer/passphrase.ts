/**
 * Viewer passphrases: generated ones are read aloud in the session and typed on a phone, so
 * they use one lower-case alphabet without look-alikes (of 0/o, 1/l/i, 2/z, 5/s, 6/8/b, 9/g/q
 * at most one each) in groups of four. Runs in Node and in the browser (the page canonicalises what is typed).
 */

/** 25 characters: a–z without b, i, l, o, q, and the digits 3, 4, 6, 7. */
export const PASSPHRASE_ALPHABET = "acdefghjkmnprstuvwxyz3467";
export const PASSPHRASE_GROUPS = 5;
export const PASSPHRASE_GROUP_LENGTH = 4;

/** Entropy of a generated passphrase in bits: groups × length × log2(alphabet size). */
export function passphraseEntropyBits(
  groups = PASSPHRASE_GROUPS,
  groupLength = PASSPHRASE_GROUP_LENGTH,
  alphabet = PASSPHRASE_ALPHABET,
): number {
  return groups * groupLength * Math.log2(new Set(alphabet).size);
}

/**
 * A new passphrase such as `k7dm-x3pa-ruvw-c6ne-ty4h` (≈92.9 bits). Characters are drawn
 * uniformly: random bytes at or above the largest multiple of the alphabet size are rejected.
 */
export function generateViewerPassphrase(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const n = PASSPHRASE_ALPHABET.length;
  const limit = 256 - (256 % n);
  const chars: string[] = [];
  while (chars.length < PASSPHRASE_GROUPS * PASSPHRASE_GROUP_LENGTH) {
    for (const byte of random(new Uint8Array(32))) {
      if (byte < limit && chars.length < PASSPHRASE_GROUPS * PASSPHRASE_GROUP_LENGTH) chars.push(PASSPHRASE_ALPHABET[byte % n]!);
    }
  }
  const groups: string[] = [];
  for (let i = 0; i < chars.length; i += PASSPHRASE_GROUP_LENGTH) groups.push(chars.slice(i, i + PASSPHRASE_GROUP_LENGTH).join(""));
  return groups.join("-");
}

const GENERATED_SHAPE = new RegExp(`^[${PASSPHRASE_ALPHABET}]{${PASSPHRASE_GROUPS * PASSPHRASE_GROUP_LENGTH}}$`);

/**
 * The passphrase as it is fed to scrypt, applied when the viewer is built and to what the
 * client types. Anything that is a generated passphrase once spaces and dashes are removed and
 * letters lower-cased (phones capitalise the first letter; people type groups with spaces)
 * becomes its canonical grouped form; any other passphrase is only NFC-normalised and trimmed.
 */
export function canonicalPassphrase(typed: string): string {
  const text = typed.normalize("NFC").trim();
  const compact = text.replace(/[\s\-‐‑–—]+/g, "").toLowerCase();
  if (!GENERATED_SHAPE.test(compact)) return text;
  const groups: string[] = [];
  for (let i = 0; i < compact.length; i += PASSPHRASE_GROUP_LENGTH) groups.push(compact.slice(i, i + PASSPHRASE_GROUP_LENGTH));
  return groups.join("-");
}
