/**
 * Finding a client by what the practitioner remembers: the alias or the display name, ignoring
 * case and accents, with German umlauts matched both ways ("Groesse", "Grosse" and "Größe" all
 * find "Größe"). Names are compared in memory only; nothing here is written anywhere.
 */
import type { ClientRecord } from "./clients.js";

/** Both spellings a text may be searched by: umlauts written out (ae) and accents dropped (a). */
function spellings(text: string): [string, string] {
  const lower = text.normalize("NFC").toLocaleLowerCase("de");
  const spelledOut = lower.replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue").replace(/ß/g, "ss");
  const strip = (s: string) => s.normalize("NFKD").replace(/\p{M}/gu, "").replace(/ß/g, "ss");
  return [strip(spelledOut), strip(lower)];
}

/** Whether `term` (trimmed; empty matches all) is part of the client's alias or name. */
export function clientMatches(client: Pick<ClientRecord, "alias" | "name">, term: string | undefined): boolean {
  const wanted = term?.trim() ?? "";
  if (wanted === "") return true;
  const terms = spellings(wanted);
  const haystacks = [client.alias, client.name ?? ""].flatMap(spellings);
  return terms.some((t) => haystacks.some((h) => h.includes(t)));
}

/**
 * Whether a label that is stored in plain text (a group's name) names the client: one of its
 * parts (split at `.`, `-`, `_`) is the client's alias, or a word of three letters or more of
 * their name is one of its parts or, from four letters, anywhere in it ("kellergruppe"). Compared
 * as clientMatches compares: case, accents and umlaut spellings ignored; a part of five letters
 * or more that begins such a word counts too ("quellenb" for "Quellenberg"). The client's ways
 * of contact count as their name: six or more digits of their phone number, their Threema ID, the
 * part of their e-mail address before the @. Errs towards refusing: another label costs the
 * practitioner a word, a client's name at rest costs the client.
 */
export function labelNamesClient(
  label: string,
  client: Pick<ClientRecord, "alias" | "name" | "givenName" | "familyName" | "phone" | "threema" | "email">,
): boolean {
  const parts = label.split(/[._-]+/).filter((p) => p.length > 0).flatMap(spellings);
  const whole = spellings(label.replace(/[._-]+/g, ""));
  if (spellings(client.alias).some((a) => parts.includes(a))) return true;
  const phone = (client.phone ?? "").replace(/\D/g, "");
  if (phone.length > 0 && (label.match(/\d{6,}/g) ?? []).some((digits) => phone.includes(digits))) return true;
  if (client.threema !== undefined && parts.includes(client.threema.toLowerCase())) return true;
  const local = client.email?.split("@")[0] ?? "";
  if (local.length >= 3 && spellings(local).some((l) => parts.includes(l) || (l.length >= 4 && whole.some((h) => h.includes(l))))) return true;
  const words = [client.name, client.givenName, client.familyName]
    .flatMap((n) => (n ?? "").split(/[^\p{L}\p{M}]+/u))
    .filter((w) => w.length >= 3)
    .flatMap(spellings);
  return words.some((w) => parts.includes(w) || (w.length >= 4 && whole.some((h) => h.includes(w))) || parts.some((p) => p.length >= 5 && w.startsWith(p)));
}
