/**
 * `nachklang inbox …`: clients' replies. `serve` (Threema callbacks) and `fetch` (signal-cli)
 * store what arrives, sealed, without the practice keys; `inbox` lists who wrote, `read` shows
 * one client's messages and then sends the read receipt, `reply` answers with a follow-up,
 * `receipts on|off` sets whether read receipts go out.
 */
import { stat, statfs } from "node:fs/promises";
import { isIP } from "node:net";
import { configuredChannels, createChannel, loadChannelSettings } from "../../channels/factory.js";
import type { ThreemaSettings } from "../../channels/threema.js";
import { clockFromEnv } from "../../delivery/clock.js";
import { ExitCode, PolicyError, UserError, unwritableFile } from "../../errors.js";
import { makeDirs } from "../../files.js";
import { isWhatsApp } from "../../channels/whatsapp.js";
import type { StoredMessage } from "../../inbox/store.js";
import type { CliContext } from "../context.js";
import { printable, printableText } from "../../printable.js";
import { practicePublic } from "../practice.js";
import {
  checkDraft,
  confirmSend,
  draftFromOptions,
  formatSize,
  inboxConfig,
  openCliWorkflow,
  openInbox,
  timingFromOptions,
  processInbox,
  reportReceipts,
  sendHeldReceiptsNow,
  sendPrepared,
  setInboxConfig,
  whenText,
  type ContentOptions,
} from "../workflow.js";

// --- list ---

export async function list(ctx: CliContext, o: { names?: boolean }): Promise<void> {
  const cw = await openCliWorkflow(ctx);
  const env = await openInbox(ctx, cw);
  await processInbox(ctx, env, { integrity: true });
  // A receipt that could not go out is exit 1, unless something weighs more (a discarded message, 5).
  if ((await sendHeldReceiptsNow(ctx, cw.wf, env)) && process.exitCode === undefined) process.exitCode = ExitCode.failure;
  const { foldInbox, waitingByClient } = await import("../../inbox/state.js");
  const waiting = waitingByClient(foldInbox((await env.ledger.read()).events));
  if (waiting.length === 0) ctx.out.say("inbox.empty");
  const rows = waiting.map((w) => {
    const alias = cw.wf.aliasOf(w.client) ?? ctx.out.text("status.unknownClient");
    const name = o.names === true && alias !== undefined ? cw.practice.clients.get(alias)?.name : undefined;
    return { w, alias, name };
  });
  for (const { w, alias, name } of rows) {
    ctx.out.say(w.files > 0 ? "inbox.lineFiles" : "inbox.line", {
      alias: name === undefined ? alias : `${alias} (${name})`,
      count: w.count,
      files: w.files,
      since: whenText(ctx, cw.wf, new Date(w.since)),
      channels: w.channels.join(", "),
    });
  }
  ctx.out.result(rows.map(({ w, alias, name }) => ({ client: alias, ...(name === undefined ? {} : { name }), count: w.count, files: w.files, since: w.since, channels: w.channels })));
}

// --- read ---

/**
 * The `--out` of `inbox read`, made when missing and refused before anything is shown when it is
 * a file or cannot be made (a read-only place, /proc/x).
 */
async function checkOutFolder(out: string): Promise<void> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(out)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw unwritableFile(out, error) ?? error;
    await makeDirs(out, 0o700).catch((made: unknown) => {
      throw unwritableFile(out, made) ?? made;
    });
    return;
  }
  if (!isFolder) throw new UserError(ExitCode.usage, "inbox.read.outNotFolder", { file: out });
}

export async function read(ctx: CliContext, alias: string, o: { out?: string }): Promise<void> {
  if (o.out !== undefined) await checkOutFolder(o.out);
  const cw = await openCliWorkflow(ctx);
  const client = cw.practice.clients.require(alias);
  const env = await openInbox(ctx, cw);
  const { refused, refusedEarlier } = await processInbox(ctx, env, { integrity: true });
  const heldFailed = await sendHeldReceiptsNow(ctx, cw.wf, env);
  const { readMessages, writeMessageFiles } = await import("../../inbox/read.js");
  const written = new Map<string, string[]>();
  const result = await readMessages(env, client, async (messages) => {
    if (messages.length === 0) ctx.out.say("inbox.read.none", { alias });
    for (const m of messages) {
      ctx.out.say("inbox.read.header", { when: whenText(ctx, cw.wf, new Date(m.arrived)), channel: m.channel });
      if (m.text !== undefined) ctx.out.line(printableText(m.text));
      if (m.unsupported !== undefined) ctx.out.say("inbox.read.unsupported", { type: m.unsupported });
      for (const f of m.files) ctx.out.say("inbox.read.file", { name: printable(f.name), mime: printable(f.mime), size: formatSize(f.size), caption: f.caption === undefined ? "" : ` – ${printable(f.caption)}` });
      for (const f of m.skipped) ctx.out.say(`inbox.read.skipped.${f.reason}`, { name: printable(f.name), size: f.size === undefined ? "?" : formatSize(f.size) });
      if (o.out !== undefined && m.files.length > 0) {
        // A file that cannot be written is one line naming it (src/errors.ts `unwritableFile`).
        const paths = await writeMessageFiles(env, m, o.out);
        written.set(m.id, paths);
        for (const path of paths) ctx.out.say("inbox.read.written", { path: printable(path) });
      } else if (m.files.length > 0) ctx.out.say("inbox.read.filesHint", { alias });
    }
  });
  const failed = reportReceipts(ctx, cw.wf, result.receipts.map((outcome) => ({ alias, outcome }))) || heldFailed;
  // A discarded message (exit 5) weighs more than a receipt that did not go out.
  if (failed && refused.length === 0 && refusedEarlier === 0) process.exitCode = ExitCode.failure;
  ctx.out.result({
    client: alias,
    messages: result.messages.map((m: StoredMessage) => ({
      id: m.id,
      channel: m.channel,
      arrived: m.arrived,
      text: m.text ?? null,
      files: m.files.map((f) => ({ name: f.name, mime: f.mime, size: f.size, ...(f.caption === undefined ? {} : { caption: f.caption }) })),
      skipped: m.skipped,
      written: written.get(m.id) ?? [],
    })),
    receipts: result.receipts,
  });
}

// --- reply ---

export interface ReplyOptions extends ContentOptions {
  /** The offline viewer too, under the client's stored viewer passphrase (as `send --viewer`). */
  viewer?: boolean;
  now?: boolean;
  at?: string;
  yes?: boolean;
}

export async function reply(ctx: CliContext, alias: string, o: ReplyOptions): Promise<void> {
  if (o.channel !== undefined && isWhatsApp(o.channel)) throw new PolicyError("channels.whatsappRefused");
  const cw = await openCliWorkflow(ctx);
  // Nothing goes to a forgotten client (it said: record consent, give an address; both refused).
  cw.practice.clients.requireActive(alias);
  const env = await openInbox(ctx, cw);
  await processInbox(ctx, env);
  const tag = await cw.wf.tagger(alias);
  const { foldInbox } = await import("../../inbox/state.js");
  // By default the answer goes back the way the client's latest message came.
  const latest = [...foldInbox((await env.ledger.read()).events).values()].filter((s) => s.client === tag).sort((a, b) => b.arrived.localeCompare(a.arrived))[0];
  const channel = o.channel ?? latest?.channel;
  const { viewer, ...content } = o;
  const draft = { ...(await draftFromOptions(alias, { ...content, ...(channel === undefined ? {} : { channel }) })), ...(viewer === true ? { viewer: {} } : {}) };
  const { wf } = cw;
  const timing = await timingFromOptions(ctx, wf, o);
  if (timing === undefined) return;
  const valid = await checkDraft(ctx, wf, draft);
  if (valid === undefined) return;
  if (o.yes !== true) {
    if (ctx.json) throw new UserError(ExitCode.usage, "send.needsYes");
    if (!(await confirmSend(ctx, alias, valid.channel.name))) {
      ctx.out.say("send.aborted");
      return;
    }
  }
  const { prepared, outcome } = await sendPrepared(ctx, wf, valid, "reply", timing);
  if (outcome === undefined || outcome.status === "sent") {
    const { recordReply } = await import("../../inbox/read.js");
    const answered = await recordReply(env, tag, prepared.key);
    if (answered.length > 0) ctx.out.say("inbox.reply.answers", { alias, count: answered.length });
    // The span from reading these messages to this reply is contact time (docs/records.md).
    const { logAnsweringTime } = await import("../records.js");
    await logAnsweringTime(ctx, cw, alias, answered.flatMap((s) => s.read ?? []));
  }
}

// --- receipts on|off ---

export async function receipts(ctx: CliContext, state: string, alias: string | undefined): Promise<void> {
  if (state !== "on" && state !== "off") throw new UserError(ExitCode.usage, "inbox.onOff", { value: state });
  const on = state === "on";
  if (alias === undefined) {
    setInboxConfig(ctx, { readReceipts: on });
    ctx.out.say(on ? "inbox.receipts.practiceOn" : "inbox.receipts.practiceOff");
    ctx.out.result({ readReceipts: on });
    return;
  }
  const { practice } = await openCliWorkflow(ctx);
  const client = practice.clients.requireActive(alias);
  const { readReceipts: _old, ...rest } = client;
  await practice.clients.put(on ? rest : { ...rest, readReceipts: false });
  const practiceOff = inboxConfig(ctx).readReceipts === false;
  ctx.out.say(on ? (practiceOff ? "inbox.receipts.clientOnPracticeOff" : "inbox.receipts.clientOn") : "inbox.receipts.clientOff", { alias });
  ctx.out.result({ client: alias, readReceipts: on, practice: !practiceOff });
}

// --- serve ---

export const DEFAULT_LISTEN = "127.0.0.1:8470";

/** `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (loopback). */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(m?.[3]);
  const host = m?.[1] ?? (m?.[2] === "" ? "127.0.0.1" : m?.[2]);
  if (m === null || host === undefined || !Number.isInteger(port) || port > 65535) throw new UserError(ExitCode.usage, "inbox.serve.badListen", { value: text });
  return { host, port };
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || (isIP(host) === 4 && host.startsWith("127."));
}

interface ServeOptions {
  listen?: string;
  path?: string;
  channel?: string;
  checkMac?: boolean;
}

export async function serve(ctx: CliContext, o: ServeOptions): Promise<void> {
  const { ageRecipient } = practicePublic(ctx);
  const name = o.channel ?? "threema";
  const config = configuredChannels(ctx.settings.channels)[name];
  if (config === undefined || config.type !== "threema") throw new UserError(ExitCode.usage, "inbox.serve.notThreema", { channel: name });
  const settings = loadChannelSettings(name, config).settings as ThreemaSettings;
  const path = o.path ?? "/threema";
  if (!/^\/[A-Za-z0-9._~/-]*$/.test(path)) throw new UserError(ExitCode.usage, "inbox.serve.badPath", { value: path });
  const { host, port } = parseListen(o.listen ?? DEFAULT_LISTEN);

  let verify: ((body: string) => boolean) | undefined;
  if (o.checkMac === true) {
    // Unlocked once, for the Gateway secret alone: the private keys are not kept.
    const { wf } = await openCliWorkflow(ctx);
    const channel = await (await wf.channels.resolve(name)).create();
    const check = channel.inbox?.verifyCallback?.bind(channel.inbox);
    if (check === undefined) throw new UserError(ExitCode.usage, "threema.secretMissing", { channel: name });
    verify = check;
  }
  const [{ InboxStore }, { createCallbackServer }] = await Promise.all([import("../../inbox/store.js"), import("../../inbox/serve.js")]);
  const store = new InboxStore(ctx.home.root, ageRecipient);
  await store.prepare();
  const stamp = () => new Date().toISOString();
  const server = createCallbackServer({
    store,
    channel: name,
    gatewayId: settings.gatewayId,
    path,
    now: clockFromEnv(),
    ...(verify === undefined ? {} : { verify }),
    log(event) {
      if (event.kind === "refused") ctx.out.warn(`inbox.serve.refused.${event.reason}`, { time: stamp(), status: event.status });
      else if (event.kind === "full") ctx.out.warn("inbox.serve.full", { time: stamp(), status: event.status, count: event.pending, max: event.max });
      else ctx.out.warn(event.reason === "noSpace" ? "inbox.serve.noSpace" : "inbox.serve.storeFailed", { time: stamp(), status: event.status, code: event.code });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(new UserError(ExitCode.usage, "inbox.serve.cannotListen", { listen: `${host}:${port}`, reason: error.code ?? error.message }, { cause: error })),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === "object" && address !== null ? address.port : port;
  const shown = host.includes(":") ? `[${host}]` : host;
  if (!isLoopback(host)) ctx.out.warn("inbox.serve.notLoopback", { host });
  ctx.out.say("inbox.serve.listening", { url: `http://${shown}:${bound}${path}`, gatewayId: settings.gatewayId, channel: name });
  ctx.out.say(verify === undefined ? "inbox.serve.macLater" : "inbox.serve.macChecked");
  // Runs until stopped (SIGTERM from systemd, Ctrl-C).
  await new Promise<never>(() => undefined);
}

// --- fetch ---

export async function fetchMessages(ctx: CliContext, o: { channel?: string }): Promise<void> {
  const { ageRecipient } = practicePublic(ctx);
  const channels = ctx.settings.channels;
  const name = o.channel ?? Object.entries(configuredChannels(channels)).find(([, c]) => c.type === "signal")?.[0];
  if (name === undefined) throw new UserError(ExitCode.usage, "inbox.fetch.noSignal");
  // No secrets: signal-cli holds the account, and what arrives is sealed to the public key.
  const channel = createChannel(name, { home: ctx.home.root, channels });
  if (channel.inbox?.pull === undefined) throw new UserError(ExitCode.usage, "inbox.fetch.cannotPull", { channel: name });
  const [{ InboxStore }, { DEFAULT_FILE_MB }] = await Promise.all([import("../../inbox/store.js"), import("../../inbox/env.js")]);
  const store = new InboxStore(ctx.home.root, ageRecipient);
  await store.prepare();
  const now = clockFromEnv();
  const fileBytes = Math.round((inboxConfig(ctx).maxFileMB ?? DEFAULT_FILE_MB) * 1024 * 1024);
  // signal-cli forgets what it handed out: never ask for messages there is no room to keep.
  const space = await statfs(store.paths.incoming);
  if (space.bavail * space.bsize < 2 * fileBytes) throw new UserError(ExitCode.failure, "file.noSpace", { file: store.paths.incoming });
  let result;
  try {
    result = await channel.inbox.pull(
      (nativeId, envelope) => store.put({ channel: name, channelType: channel.type, received: now().toISOString(), native: nativeId, body: envelope }),
      { fileBytes },
    );
  } catch (error) {
    throw unwritableFile(store.paths.incoming, error) ?? error;
  }
  if (!result.ok) {
    if (result.stored > 0) ctx.out.say("inbox.fetch.stored", { count: result.stored, channel: name });
    ctx.out.result({ ok: false, stored: result.stored, reason: result.reason, text: ctx.out.text(result.reason, result.params) });
    throw new UserError(ExitCode.failure, result.reason, result.params);
  }
  ctx.out.say(result.stored === 0 ? "inbox.fetch.nothing" : "inbox.fetch.stored", { count: result.stored, channel: name });
  ctx.out.result({ ok: true, stored: result.stored, ignored: result.ignored });
}
