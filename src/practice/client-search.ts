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
