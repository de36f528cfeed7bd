import { isValidRecipient } from "../../age/index.js";
import { ExitCode, UserError } from "../../errors.js";
import { isLang } from "../../messages/index.js";
import { ALIAS_PATTERN, clientSchema, type ClientRecord } from "../../practice/clients.js";
import { clockFromEnv } from "../../delivery/clock.js";
import type { CliContext } from "../context.js";
import { unlockPractice } from "../practice.js";

interface AddOptions {
  name?: string;
  lang?: string;
  threema?: string;
  phone?: string;
  email?: string;
  ageRecipient?: string;
  channel?: string;
  billing?: string;
  passphraseFile?: string;
}

export async function add(ctx: CliContext, alias: string, opts: AddOptions): Promise<void> {
  if (!ALIAS_PATTERN.test(alias)) throw new UserError(ExitCode.usage, "client.badAlias", { alias });
  if (opts.ageRecipient !== undefined && !(await isValidRecipient(opts.ageRecipient))) {
    throw new UserError(ExitCode.usage, "client.badAgeRecipient", { alias });
  }
  const practice = await unlockPractice(ctx, opts.passphraseFile);
  if (practice.clients.get(alias) !== undefined) throw new UserError(ExitCode.usage, "client.exists", { alias });
  const configured = ctx.config.get("lang");
  const record = {
    alias,
    // --lang is a global option: commander hands it to the program, not to the subcommand.
    lang: isLang(opts.lang) ? opts.lang : (ctx.explicitLang ?? (isLang(configured) ? configured : ctx.lang)),
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.threema !== undefined ? { threema: opts.threema.toUpperCase() } : {}),
    ...(opts.phone !== undefined ? { phone: opts.phone.replace(/[\s/-]/g, "") } : {}),
    ...(opts.email !== undefined ? { email: opts.email.trim() } : {}),
    ...(opts.ageRecipient !== undefined ? { ageRecipient: opts.ageRecipient } : {}),
    ...(opts.channel !== undefined ? { channel: opts.channel } : {}),
    ...(opts.billing !== undefined ? { billing: opts.billing } : {}),
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

export async function list(ctx: CliContext, opts: { passphraseFile?: string }): Promise<void> {
  const practice = await unlockPractice(ctx, opts.passphraseFile);
  const clients = practice.clients.list();
  if (clients.length === 0) ctx.out.say("client.none");
  for (const c of clients) {
    const reach = [c.threema && "threema", c.phone && "phone", c.email && "email", c.ageRecipient && "age"].filter(Boolean).join(", ");
    ctx.out.line(`${c.alias}\t${c.lang}\t${reach || "-"}`);
  }
  ctx.out.result(clients.map(summary));
}

export async function show(ctx: CliContext, alias: string, opts: { passphraseFile?: string }): Promise<void> {
  const practice = await unlockPractice(ctx, opts.passphraseFile);
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

export async function remove(ctx: CliContext, alias: string, opts: { passphraseFile?: string }): Promise<void> {
  const practice = await unlockPractice(ctx, opts.passphraseFile);
  await practice.clients.remove(alias);
  ctx.out.say("client.removed", { alias });
  ctx.out.result({ removed: alias });
}
