/**
 * The options that say how follow-ups address a client, shared by `client add` and `client edit`
 * (declared once here; client-fields.ts turns them into fields like every other option). Kept free of heavy imports: program.ts loads it at
 * start-up.
 */
import { Option } from "commander";

/** The commander options, in the order `--help` shows them. */
export function addressOptions(): Option[] {
  return [
    new Option("--salutation <form>", "how follow-ups greet the client (default: \"Hallo/Hello NAME,\")").choices(["formal", "informal", "none"]),
    new Option("--title <text>", 'form of address for the greeting, e.g. "Frau", "Herr", "Dr.", "Ms" (kept encrypted)'),
    new Option("--given-name <text>", "given name for an informal greeting (default: first word of --name)"),
    new Option("--family-name <text>", "family name for a formal greeting (default: last word of --name)"),
  ];
}
