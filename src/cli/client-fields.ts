/**
 * A client's fields as `client add`, `client edit` and `client import` take them: one table of
 * how an option's text becomes a field, one validation. The options themselves are declared once,
 * on `client add` (program.ts); `client edit` copies them, and `client import` reads the same
 * names as CSV columns. An option with no entry in `NORMALISE` is stored as given under its own
 * (camelCase) name and checked by the client schema, so a new option of `client add` whose name is
 * its field's name needs no code here to be editable and importable.
 */
import { isValidRecipient } from "../age/index.js";
import { configuredChannels } from "../channels/factory.js";
import { requireChannelName } from "../channels/registry.js";
import { ExitCode, UserError } from "../errors.js";
import { PIN_NAME } from "../channels/threema.js";
import { clientSchema, type ClientRecord } from "../practice/clients.js";
import type { MessageKey } from "../messages/index.js";
import type { CliContext } from "./context.js";
import { isTerminalUnsafe } from "../printable.js";

/** How a given option's text becomes the stored field (absent: stored as given). */
const NORMALISE: Readonly<Record<string, (value: string) => unknown>> = {
  threema: (v) => v.trim().toUpperCase(),
  phone: (v) => v.replace(/[\s/()-]/g, ""),
  email: (v) => v.trim(),
  ageRecipient: (v) => v.trim(),
  title: (v) => v.trim(),
  givenName: (v) => v.trim(),
  familyName: (v) => v.trim(),
  name: (v) => v.trim(),
};

/** Fields no option sets: the registry's own bookkeeping, and what other commands keep. */
const NOT_OPTIONS: ReadonlySet<string> = new Set(["alias", "created", "pinnedKeys", "consents", "viewerPassphrase", "readReceipts", "forgotten"]);

/** Option names of the edit and import commands themselves, never client fields. */
const COMMAND_OPTIONS: ReadonlySet<string> = new Set(["unset", "consent", "consentDate", "consentInfo", "force", "names", "returning"]);

/** camelCase for an option or column name written with dashes (`age-recipient` → `ageRecipient`). */
export function fieldName(name: string): string {
  return name.trim().replace(/^--/, "").replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** A field as its option is spelt (`ageRecipient` → `age-recipient`). */
export function optionName(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Fields that only say how to reach a client or bill them: a follow-up's text is never made from them. */
const OUTSIDE_TEXT: ReadonlySet<string> = new Set(["threema", "phone", "email", "ageRecipient", "channel", "billing"]);

/**
 * Of the changed fields, those a follow-up's text may be made from (language, name, and any
 * field not known to be outside the text, such as a greeting): queued follow-ups keep the old.
 */
export function textFields(changed: readonly string[]): string[] {
  return changed.filter((f) => !OUTSIDE_TEXT.has(f));
}

/** Fields that `client edit --unset` may remove: the optional ones an option sets. */
export function unsettableFields(): string[] {
  const shape = clientSchema.def.shape as Record<string, { def?: { type?: string } }>;
  return Object.keys(shape).filter((k) => !NOT_OPTIONS.has(k) && k !== "lang" && shape[k]?.def?.type === "optional");
}

/** Whether a name is a client field an option or CSV column may set. */
export function isOptionField(name: string): boolean {
  const shape = clientSchema.def.shape as Record<string, unknown>;
  return Object.hasOwn(shape, name) && !NOT_OPTIONS.has(name);
}

/**
 * The fields the given options set (options left out are absent). Throws UserError (exit 2)
 * naming the alias for an age recipient that is not one, an unknown channel name (WhatsApp:
 * exit 4), or an option that names no client field.
 */
export async function fieldsFromOptions(ctx: CliContext, alias: string, opts: Readonly<Record<string, unknown>>): Promise<Partial<ClientRecord>> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(opts)) {
    if (value === undefined || COMMAND_OPTIONS.has(key)) continue;
    if (!isOptionField(key)) throw new UserError(ExitCode.usage, "client.badField", { alias, field: key });
    const normalise = NORMALISE[key];
    const given = typeof value === "string" && normalise !== undefined ? normalise(value) : value;
    // A blank value would be stored as a field that says nothing (a greeting "Hallo  ,"):
    // `--unset FIELD` removes a field.
    if (typeof given === "string" && given.trim() === "") throw new UserError(ExitCode.usage, "client.blankField", { alias, field: optionName(key) });
    // A name with a terminal's escape sequence or a line break would act on the terminal (and
    // split a report's line) wherever it is shown; bidi overrides would reorder what is shown.
    if (typeof given === "string" && [...given].some(isTerminalUnsafe)) throw new UserError(ExitCode.usage, "client.controlChars", { alias, field: optionName(key) });
    fields[key] = given;
  }
  if (typeof fields.ageRecipient === "string" && !(await isValidRecipient(fields.ageRecipient))) {
    throw new UserError(ExitCode.usage, "client.badAgeRecipient", { alias });
  }
  // The same check as at send time, so that a channel that can never work is refused now.
  if (typeof fields.channel === "string") requireChannelName(fields.channel, Object.keys(configuredChannels(ctx.settings.channels)));
  return fields;
}

/** Fields whose form is worth an example when a value does not fit. */
const FIELD_PROBLEM: Readonly<Record<string, MessageKey>> = { phone: "client.badPhone", threema: "client.badThreema", email: "client.badEmail" };

/** The record checked against the schema; a field that does not fit is a UserError (exit 2) naming it. */
export function checkedRecord(alias: string, record: Readonly<Record<string, unknown>>): ClientRecord {
  const parsed = clientSchema.safeParse(record);
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? "?");
    throw new UserError(ExitCode.usage, FIELD_PROBLEM[field] ?? "client.badField", { alias, field });
  }
  return parsed.data;
}

/**
 * `before` changed by `fields` and without the `unset` ones. A new Threema ID drops the key
 * pinned for the old one (it would refuse the new ID's key); the new ID's key is pinned at first
 * contact, as for a new client.
 */
export function editedRecord(before: ClientRecord, fields: Partial<ClientRecord>, unset: readonly string[]): ClientRecord {
  const next: Record<string, unknown> = { ...before, ...fields };
  for (const name of unset) delete next[name];
  if (next.threema !== before.threema && before.pinnedKeys[PIN_NAME] !== undefined) {
    const { [PIN_NAME]: _dropped, ...rest } = before.pinnedKeys;
    next.pinnedKeys = rest;
  }
  return checkedRecord(before.alias, next);
}
