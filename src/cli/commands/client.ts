import { parse as parseCsv } from "csv-parse/sync";
import { DateTime } from "luxon";
import { requireChannelType } from "../../channels/registry.js";
import { ExitCode, UserError, isUserError } from "../../errors.js";
import { readUserText } from "../../files.js";
import { csvSyntax } from "../../followup/csv-syntax.js";
import { isLang } from "../../messages/index.js";
import { ALIAS_PATTERN, type ClientRecord } from "../../practice/clients.js";
import { clientMatches } from "../../practice/client-search.js";
import { removeFromGroups } from "../../practice/groups.js";
import { consentDay, withConsent } from "../../practice/consent.js";
import { clockFromEnv } from "../../delivery/clock.js";
import type { FollowUpState } from "../../delivery/ledger.js";
import { PIN_NAME } from "../../channels/threema.js";
import type { CliContext } from "../context.js";
import { printable } from "../../printable.js";
import { checkedRecord, editedRecord, fieldName, fieldsFromOptions, isOptionField, optionName, textFields, unsettableFields } from "../client-fields.js";
import { unlockPractice } from "../practice.js";
import { findingsJson, recheckAfterEdit } from "../queue-recheck.js";
import { recordsUnder } from "../records.js";
import { cancelClaimed, claimAll, openCliWorkflow, recheckClaimed, stateText, waitingFollowUps } from "../workflow.js";

/** Options of `client add` (program.ts declares them; `client edit` copies every one). */
type ClientOptions = Readonly<Record<string, unknown>>;

/** A new client's record from the fields given; the language defaults to the practice's. */
function newRecord(ctx: CliContext, alias: string, fields: Partial<ClientRecord>): ClientRecord {
  const configured = ctx.settings.lang;
  return checkedRecord(alias, {
    ...fields,
    alias,
    // --lang here is the client's language (program.ts hands it over); default: the practice's.
    // A language given but not de/en (a CSV cell) is refused by the schema, not replaced.
    lang: fields.lang ?? (isLang(configured) ? configured : ctx.lang),
    pinnedKeys: {},
    consents: [],
    // The test clock too: retention counts from a client's first and last days.
    created: clockFromEnv()().toISOString(),
  });
}

export async function add(ctx: CliContext, alias: string, opts: ClientOptions): Promise<void> {
  if (!ALIAS_PATTERN.test(alias)) throw new UserError(ExitCode.usage, "client.badAlias", { alias });
  const fields = await fieldsFromOptions(ctx, alias, opts);
  const practice = await unlockPractice(ctx);
  const existing = practice.clients.get(alias);
  if (existing?.forgotten !== undefined) throw new UserError(ExitCode.usage, "client.existsForgotten", { alias, date: existing.forgotten });
  if (existing !== undefined) throw new UserError(ExitCode.usage, "client.exists", { alias });
  const left = (await recordsUnder(ctx, [alias])).get(alias);
  if (opts.returning !== true && left !== undefined) throw new UserError(ExitCode.usage, "client.aliasHasRecords", { alias, count: left });
  // --returning for an alias with nothing kept is a typo more likely than a return: a new
  // history would start silently under it.
  if (opts.returning === true && left === undefined) throw new UserError(ExitCode.usage, "client.returningNoRecords", { alias });
  const record = newRecord(ctx, alias, fields);
  await practice.clients.put(record);
  ctx.out.say("client.added", { alias });
  ctx.out.result({ alias, lang: record.lang });
}

/**
 * Change any field `client add` sets; fields not given stay. `--unset FIELD` removes an optional
 * one. Afterwards the follow-ups waiting for this client are checked against the change and
 * every affected one is named with what to do (nothing is rewritten).
 */
export async function edit(ctx: CliContext, alias: string, opts: ClientOptions & { unset?: string[] }): Promise<void> {
  const unset = (opts.unset ?? []).flatMap((u) => u.split(",")).map(fieldName).filter((u) => u !== "");
  const removable = unsettableFields();
  const wrong = unset.find((u) => !removable.includes(u));
  if (wrong !== undefined) throw new UserError(ExitCode.usage, "client.cannotUnset", { alias, field: optionName(wrong), fields: removable.map(optionName).join(", ") });
  const fields = await fieldsFromOptions(ctx, alias, opts);
  if (Object.keys(fields).length === 0 && unset.length === 0) throw new UserError(ExitCode.usage, "client.nothingToEdit", { alias });
  const practice = await unlockPractice(ctx);
  const before = practice.clients.require(alias);
  if (before.forgotten !== undefined) throw new UserError(ExitCode.usage, "client.forgottenEdit", { alias, date: before.forgotten });
  const after = editedRecord(before, fields, unset);
  const asText = (r: ClientRecord, k: string) => JSON.stringify((r as Record<string, unknown>)[k]);
  const changed = [...new Set([...Object.keys(fields), ...unset])].filter((k) => asText(before, k) !== asText(after, k));
  if (changed.length === 0) {
    ctx.out.say("client.editSame", { alias });
    ctx.out.result({ alias, changed, threemaPinDropped: false, queued: [] });
    return;
  }
  await practice.clients.put(after);
  ctx.out.say("client.edited", { alias, fields: changed.map(optionName).join(", ") });
  const pinDropped = before.pinnedKeys[PIN_NAME] !== undefined && after.pinnedKeys[PIN_NAME] === undefined;
  if (pinDropped) ctx.out.say("client.threemaPinDropped", { alias });
  const findings = await recheckAfterEdit(ctx, (m) => m.alias === alias, {
    ageKeyChanged: before.ageRecipient !== after.ageRecipient,
    contentFields: textFields(changed).map(optionName),
  });
  ctx.out.result({ alias, changed, threemaPinDropped: pinDropped, queued: findingsJson(ctx, findings) });
}

/** Columns of `client import` besides the options of `client add`: consent per channel type. */
const CONSENT_COLUMNS = ["consent", "consentDate", "consentInfo"] as const;

function today(): string {
  return DateTime.fromJSDate(clockFromEnv()()).toISODate() ?? "";
}

/**
 * `client import FILE.csv`: a header row with `alias` and the option names of `client add`
 * (comma- or, as spreadsheets in German settings save them, semicolon-separated)
 * (`age-recipient` or `ageRecipient`), optionally `consent` (channel types separated by spaces
 * or `;`), `consent-date` and `consent-info`. Every row is checked before any is written; one
 * bad row writes nothing and names its line. One unlock, one write of the registry.
 */
export async function importClients(ctx: CliContext, file: string): Promise<void> {
  const text = await readUserText(file);
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    // Spreadsheets in German settings save CSV with semicolons: a header without commas says so.
    const header = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
    const delimiter = header.includes(";") && !header.includes(",") ? ";" : ",";
    rows = parseCsv<{ record: Record<string, string>; info: { lines: number } }>(text, { columns: true, skip_empty_lines: true, trim: true, bom: true, info: true, delimiter });
  } catch (error) {
    const s = csvSyntax(error);
    if (s.kind === "rowLength") throw new UserError(ExitCode.usage, "client.importRowLength", { file, line: s.line, got: s.got, expected: s.expected });
    if (s.kind === "quote") throw new UserError(ExitCode.usage, "client.importQuote", { file, line: s.line });
    throw new UserError(ExitCode.usage, "client.importSyntax", { file, line: s.line, detail: s.detail });
  }
  if (rows.length === 0) throw new UserError(ExitCode.usage, "client.importEmpty", { file });
  const columns = Object.keys(rows[0]!.record);
  const known = (c: string) => c === "alias" || isOptionField(c) || (CONSENT_COLUMNS as readonly string[]).includes(c);
  const unknown = columns.filter((c) => !known(fieldName(c)));
  const knownList = [...unsettableFields().map(optionName), "lang", "consent", "consent-date", "consent-info"].join(", ");
  if (unknown.length > 0) throw new UserError(ExitCode.usage, "client.importColumns", { file, columns: unknown.join(", "), known: knownList });
  if (!columns.map(fieldName).includes("alias")) throw new UserError(ExitCode.usage, "client.importNoAlias", { file });

  const records: ClientRecord[] = [];
  const firstRow = new Map<string, number>();
  const rowOf = new Map<string, number>();
  for (const { record: raw, info } of rows) {
    const row = info.lines;
    const cells: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) if (v !== "") cells[fieldName(k)] = v;
    try {
      const { alias = "", consent, consentDate, consentInfo, ...options } = cells;
      if (!ALIAS_PATTERN.test(alias)) throw new UserError(ExitCode.usage, "client.badAlias", { alias });
      const first = firstRow.get(alias);
      if (first !== undefined) throw new UserError(ExitCode.usage, "client.importTwice", { alias, first });
      firstRow.set(alias, row);
      let record = newRecord(ctx, alias, await fieldsFromOptions(ctx, alias, options));
      const types = (consent ?? "").split(/[\s;,]+/).filter((t) => t !== "");
      // A date or version with no channel to consent to would be dropped silently: the row
      // meant a consent, and nothing would record it.
      if (types.length === 0 && (consentDate !== undefined || consentInfo !== undefined)) throw new UserError(ExitCode.usage, "client.importConsentWithoutChannel", { alias });
      for (const type of types) {
        requireChannelType(type);
        record = withConsent(record, type, consentDay(consentDate, today()), consentInfo ?? "1");
      }
      records.push(record);
      rowOf.set(alias, row);
    } catch (error) {
      if (!isUserError(error)) throw error;
      throw new UserError(error.code, "client.importRow", { file, row, problem: ctx.out.text(error.key, error.params) }, { cause: error });
    }
  }
  const practice = await unlockPractice(ctx);
  for (const r of records) {
    if (practice.clients.get(r.alias) !== undefined) {
      throw new UserError(ExitCode.usage, "client.importRow", { file, row: rowOf.get(r.alias) ?? 0, problem: ctx.out.text("client.exists", { alias: r.alias }) });
    }
  }
  // A removed client's alias with records left: as for `client add` (which has --returning for the same person).
  for (const [alias, count] of await recordsUnder(ctx, records.map((r) => r.alias))) {
    throw new UserError(ExitCode.usage, "client.importRow", { file, row: rowOf.get(alias) ?? 0, problem: ctx.out.text("client.aliasHasRecords", { alias, count }) });
  }
  await practice.clients.putAll(records);
  ctx.out.say("client.imported", { count: records.length, file });
  ctx.out.result({ file, added: records.map((r) => r.alias) });
}

function summary(c: ClientRecord): Record<string, unknown> {
  return {
    alias: c.alias,
    lang: c.lang,
    channel: c.channel ?? null,
    threema: c.threema ?? null,
    phone: c.phone ?? null,
    email: c.email ?? null,
    ageRecipient: c.ageRecipient ?? null,
    consents: c.consents.filter((x) => x.withdrawn === undefined).map((x) => x.channel),
  };
}

/**
 * The clients, optionally only those whose alias or name contains `term` (case, accents and
 * umlaut spellings ignored). `--names` shows display names: decrypted in memory for this
 * listing, never written anywhere.
 */
export async function list(ctx: CliContext, term: string | undefined, opts: { names?: boolean } = {}): Promise<void> {
  const practice = await unlockPractice(ctx);
  const all = practice.clients.list();
  const clients = all.filter((c) => clientMatches(c, term));
  if (all.length === 0) ctx.out.say("client.none");
  else if (clients.length === 0) ctx.out.say("client.noMatch", { term: term ?? "" });
  const names = opts.names === true;
  for (const c of clients) {
    const reach = [c.threema && "threema", c.phone && "phone", c.email && "email", c.ageRecipient && "age"].filter(Boolean).join(", ");
    ctx.out.line([c.alias, ...(names ? [printable(c.name ?? "-")] : []), c.lang, reach || "-"].join("\t"));
  }
  ctx.out.result(clients.map((c) => (names ? { ...summary(c), name: c.name ?? null } : summary(c))));
}

export async function show(ctx: CliContext, alias: string): Promise<void> {
  const practice = await unlockPractice(ctx);
  const c = practice.clients.require(alias);
  const fields: [string, string | undefined][] = [
    ["alias", c.alias],
    ["name", c.name],
    ["lang", c.lang],
    ["channel", c.channel],
    ["threema", c.threema],
    ["phone", c.phone],
    ["email", c.email],
    ["age", c.ageRecipient],
    ["greeting", c.salutation],
    ["title", c.title],
  ];
  // Stored by an older version, a field may hold control characters: shown as '?', never acted on.
  for (const [k, v] of fields) if (v !== undefined) ctx.out.line(`${k.padEnd(8)} ${printable(v)}`);
  if (c.billing !== undefined) ctx.out.line(`${"billing".padEnd(8)} ${c.billing}`);
  for (const consent of c.consents) {
    ctx.out.line(`consent  ${consent.channel} ${consent.date} (${printable(consent.infoVersion)})${consent.withdrawn ? ` withdrawn ${consent.withdrawn}` : ""}`);
  }
  ctx.out.result({
    ...summary(c),
    name: c.name ?? null,
    salutation: c.salutation ?? null,
    title: c.title ?? null,
    givenName: c.givenName ?? null,
    familyName: c.familyName ?? null,
    consents: c.consents,
  });
}

/**
 * Remove a client. Follow-ups still waiting for them would fail at every later flush (their
 * client is gone): without `--force` the removal is refused (exit 2); with it they are
 * cancelled in the ledger and deleted from the outbox first, all claimed before anything changes
 * (one being delivered elsewhere stops the removal with the busy line). Once claimed, their
 * states are read again: one another process sent or cancelled while the removal waited for its
 * lock is left as it is and named on its own line. The client leaves every group before the
 * registry entry goes (a damaged groups file stops the removal before anything changed).
 */
export async function remove(ctx: CliContext, alias: string, opts: { force?: boolean }): Promise<void> {
  const { practice, wf } = await openCliWorkflow(ctx);
  practice.clients.require(alias);
  const tag = await wf.tagger(alias);
  const waiting = (await waitingFollowUps(wf)).filter((s) => s.client === tag);
  if (waiting.length > 0 && opts.force !== true) throw new UserError(ExitCode.usage, "client.hasWaiting", { alias, count: waiting.length });
  // Every waiting follow-up is claimed and read again first: one being delivered elsewhere stops
  // the removal before anything (the groups included) changed, and one that went out while we
  // waited for its lock is not cancelled.
  const release = await claimAll(ctx, wf, waiting);
  let groups: string[];
  let still: FollowUpState[];
  let gone: FollowUpState[];
  try {
    ({ waiting: still, gone } = await recheckClaimed(wf, waiting));
    groups = await removeFromGroups(ctx.home.root, [tag]);
    for (const s of still) await cancelClaimed(ctx, wf, s, s.bundle ?? s.key);
    await practice.clients.remove(alias);
  } finally {
    await release();
  }
  const id = (s: FollowUpState) => s.bundle ?? s.key;
  if (still.length > 0) ctx.out.say("client.removedCancelled", { alias, count: still.length });
  else ctx.out.say("client.removed", { alias });
  for (const s of gone) ctx.out.say("client.removedLeft", { alias, id: id(s), state: stateText(ctx, s.state) });
  if (groups.length > 0) ctx.out.say("group.clientLeft", { alias, count: groups.length, groups: groups.join(", ") });
  ctx.out.result({ removed: alias, cancelled: still.map(id), noLongerWaiting: gone.map((s) => ({ id: id(s), state: s.state })), groups });
}
