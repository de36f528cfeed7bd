import { isValidRecipient } from "../../age/index.js";
import { configuredChannels } from "../../channels/factory.js";
import { requireChannelName } from "../../channels/registry.js";
import { ExitCode, UserError } from "../../errors.js";
import { isLang } from "../../messages/index.js";
import { ALIAS_PATTERN, clientSchema, type ClientRecord } from "../../practice/clients.js";
import { clockFromEnv } from "../../delivery/clock.js";
import type { CliContext } from "../context.js";
import { addressFields, type AddressOptions } from "../client-options.js";
import { unlockPractice } from "../practice.js";
import { cancelWaiting, openCliWorkflow, waitingFollowUps } from "../workflow.js";

interface AddOptions extends AddressOptions {
  name?: string;
  lang?: string;
  threema?: string;
  phone?: string;
  email?: string;
  ageRecipient?: string;
  channel?: string;
  billing?: string;
}

export async function add(ctx: CliContext, alias: string, opts: AddOptions): Promise<void> {
  if (!ALIAS_PATTERN.test(alias)) throw new UserError(ExitCode.usage, "client.badAlias", { alias });
  if (opts.ageRecipient !== undefined && !(await isValidRecipient(opts.ageRecipient))) {
    throw new UserError(ExitCode.usage, "client.badAgeRecipient", { alias });
  }
  // The same check as at send time, so that a channel that can never work is refused now.
  if (opts.channel !== undefined) requireChannelName(opts.channel, Object.keys(configuredChannels(ctx.settings.channels)));
  const practice = await unlockPractice(ctx);
  if (practice.clients.get(alias) !== undefined) throw new UserError(ExitCode.usage, "client.exists", { alias });
  const configured = ctx.config.get("lang");
  const record = {
    alias,
    // --lang here is the client's language (program.ts hands it over); default: the practice's.
    lang: isLang(opts.lang) ? opts.lang : isLang(configured) ? configured : ctx.lang,
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.threema !== undefined ? { threema: opts.threema.toUpperCase() } : {}),
    ...(opts.phone !== undefined ? { phone: opts.phone.replace(/[\s/-]/g, "") } : {}),
    ...(opts.email !== undefined ? { email: opts.email.trim() } : {}),
    ...(opts.ageRecipient !== undefined ? { ageRecipient: opts.ageRecipient } : {}),
    ...(opts.channel !== undefined ? { channel: opts.channel } : {}),
    ...(opts.billing !== undefined ? { billing: opts.billing } : {}),
    ...addressFields(opts),
    pinnedKeys: {},
    consents: [],
    // The test clock too: retention counts from a client's first and last days.
    created: clockFromEnv()().toISOString(),
  };
  const parsed = clientSchema.safeParse(record);
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? "?");
    throw new UserError(ExitCode.usage, "client.badField", { alias, field });
  }
  await practice.clients.put(parsed.data);
  ctx.out.say("client.added", { alias });
  ctx.out.result({ alias, lang: parsed.data.lang });
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
    ["greeting", c.salutation],
    ["title", c.title],
  ];
  for (const [k, v] of fields) if (v !== undefined) ctx.out.line(`${k.padEnd(8)} ${v}`);
  if (c.billing !== undefined) ctx.out.line(`${"billing".padEnd(8)} ${c.billing}`);
  for (const consent of c.consents) {
    ctx.out.line(`consent  ${consent.channel} ${consent.date} (${consent.infoVersion})${consent.withdrawn ? ` withdrawn ${consent.withdrawn}` : ""}`);
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
