/**
 * Forward compatibility of nachklang's append-only JSON-lines files — the ledger
 * (delivery/ledger.ts) and the contact-time journal (records/time.ts): how a line that is no entry
 * this version knows is told apart as a newer version's entry that may be skipped, rather than
 * damage. The rule and why it hides nothing: docs/decisions/ledger-newer-events.md.
 */
import * as z from "./zod-mini.js";

/**
 * The check of one file's lines: `known` every entry name (`ev`) this version knows, `ids` the
 * fields by which an entry names what it concerns (a follow-up, a client tag, an entry), each
 * optional but, where present, in its form.
 *
 * Returns whether a parsed line that is no valid entry of this version was written by a newer
 * version and marked by it as one an older version may skip: the envelope every entry of these
 * files has — `v: 1`, `at` an ISO time, `ev` a camelCase name — plus `"ignorable": true`, with an
 * `ev` this version does not know. A name that is a known one but for letter case is damage (a
 * `sent` read as `Sent`), as is a line without the mark: only a line that says of itself that it
 * may be skipped is skipped. Loose: a newer entry has fields this version does not know.
 */
export function newerEntryCheck(known: readonly string[], ids: Readonly<Record<string, RegExp>>): (value: unknown) => boolean {
  const envelope = z.looseObject({
    v: z.literal(1),
    ignorable: z.literal(true),
    at: z.iso.datetime({ offset: true }),
    ev: z.string().check(z.regex(/^[a-z][A-Za-z]{1,39}$/)),
    ...Object.fromEntries(Object.entries(ids).map(([field, form]) => [field, z.optional(z.string().check(z.regex(form)))])),
  });
  const names = new Set(known.map((name) => name.toLowerCase()));
  return (value) => {
    const parsed = envelope.safeParse(value);
    return parsed.success && !names.has(parsed.data.ev.toLowerCase());
  };
}
