/**
 * The options that say how follow-ups address a client, shared by `client add` and `client edit`
 * (declared once here, read once here). Kept free of heavy imports: program.ts loads it at
 * start-up.
 */
import { Option } from "commander";

export interface AddressOptions {
  salutation?: string;
  title?: string;
  givenName?: string;
  familyName?: string;
}

/** The commander options, in the order `--help` shows them. */
export function addressOptions(): Option[] {
  return [
    new Option("--salutation <form>", "how follow-ups greet the client (default: \"Hallo/Hello NAME,\")").choices(["formal", "informal", "none"]),
    new Option("--title <text>", 'form of address for the greeting, e.g. "Frau", "Herr", "Dr.", "Ms" (kept encrypted)'),
    new Option("--given-name <text>", "given name for an informal greeting (default: first word of --name)"),
    new Option("--family-name <text>", "family name for a formal greeting (default: last word of --name)"),
  ];
}

/** The client-record fields for the options given (trimmed; absent options add nothing). */
export function addressFields(o: AddressOptions): Partial<Record<"salutation" | "title" | "givenName" | "familyName", string>> {
  const text = (v: string | undefined) => (v === undefined ? undefined : v.trim());
  const out: Partial<Record<"salutation" | "title" | "givenName" | "familyName", string>> = {};
  const s = text(o.salutation);
  if (s !== undefined) out.salutation = s;
  const title = text(o.title);
  if (title !== undefined) out.title = title;
  const given = text(o.givenName);
  if (given !== undefined) out.givenName = given;
  const family = text(o.familyName);
  if (family !== undefined) out.familyName = family;
  return out;
}
