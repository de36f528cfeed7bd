import { ExitCode, UserError } from "../../errors.js";
import { isLang } from "../../messages/index.js";
import { ALIAS_PATTERN, type ClientRecord } from "../../practice/clients.js";
import { clockFromEnv } from "../../delivery/clock.js";
import { PIN_NAME } from "../../channels/threema.js";
import type { CliContext } from "../context.js";
import { checkedRecord, editedRecord, fieldName, fieldsFromOptions, optionName, unsettableFields } from "../client-fields.js";
import { unlockPractice } from "../practice.js";
import { findingsJson, recheckAfterEdit } from "../queue-recheck.js";
import { cancelWaiting, openCliWorkflow, waitingFollowUps } from "../workflow.js";

/** Options of `client add` (program.ts declares them; `client edit` copies every one). */
type ClientOptions = Readonly<Record<string, unknown>>;

/** A new client's record from the fields given; the language defaults to the practice's. */
function newRecord(ctx: CliContext, alias: string, fields: Partial<ClientRecord>): ClientRecord {
  const configured = ctx.config.get("lang");
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
  if (practice.clients.get(alias) !== undefined) throw new UserError(ExitCode.usage, "client.exists", { alias });
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
  const findings = await recheckAfterEdit(ctx, (m) => m.alias === alias, { ageKeyChanged: before.ageRecipient !== after.ageRecipient });
  ctx.out.result({ alias, changed, threemaPinDropped: pinDropped, queued: findingsJson(ctx, findings) });
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

export async function list(ctx: CliContext): Promise<void> {
  const practice = await unlockPractice(ctx);
  const clients = practice.clients.list();
  if (clients.length === 0) ctx.out.say("client.none");
  for (const c of clients) {
    const reach = [c.threema && "threema", c.phone && "phone", c.email && "email", c.ageRecipient && "age"].filter(Boolean).join(", ");
    ctx.out.line(`${c.alias}\t${c.lang}\t${reach || "-"}`);
  }
  ctx.out.result(clients.map(summary));
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
  ];
  for (const [k, v] of fields) if (v !== undefined) ctx.out.line(`${k.padEnd(8)} ${v}`);
  if (c.billing !== undefined) ctx.out.line(`${"billing".padEnd(8)} ${c.billing}`);
  for (const consent of c.consents) {
    ctx.out.line(`consent  ${consent.channel} ${consent.date} (${consent.infoVersion})${consent.withdrawn ? ` withdrawn ${consent.withdrawn}` : ""}`);
  }
  ctx.out.result({ ...summary(c), name: c.name ?? null, consents: c.consents });
}

/**
 * Remove a client. Follow-ups still waiting for them would fail at every later flush (their
 * client is gone): without `--force` the removal is refused (exit 2); with it they are
 * cancelled in the ledger and deleted from the outbox first.
 */
export async function remove(ctx: CliContext, alias: string, opts: { force?: boolean }): Promise<void> {
  const { practice, wf } = await openCliWorkflow(ctx);
  practice.clients.require(alias);
  const tag = await wf.tagger(alias);
  const waiting = (await waitingFollowUps(wf)).filter((s) => s.client === tag);
  if (waiting.length > 0 && opts.force !== true) throw new UserError(ExitCode.usage, "client.hasWaiting", { alias, count: waiting.length });
  for (const s of waiting) await cancelWaiting(ctx, wf, s, s.bundle ?? s.key);
  await practice.clients.remove(alias);
  if (waiting.length > 0) ctx.out.say("client.removedCancelled", { alias, count: waiting.length });
  else ctx.out.say("client.removed", { alias });
  ctx.out.result({ removed: alias, cancelled: waiting.map((s) => s.bundle ?? s.key) });
}
