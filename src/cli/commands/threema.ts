/**
 * `nachklang threema receipts [FILE|-]`: delivery receipts from saved Gateway callbacks.
 * `nachklang threema pin ALIAS --key HEX | --fingerprint HEX`: pin a client's Threema key.
 */
import { ExitCode, UserError } from "../../errors.js";
import { readBounded, readNamedFile } from "../../files.js";
import { printable } from "../../printable.js";
import { configuredChannels, loadChannelSettings, secretKey } from "../../channels/factory.js";
import { PIN_NAME, readPrivateKeyText, type ThreemaSettings } from "../../channels/threema.js";
import { fingerprint, parsePublicKey, toHex } from "../../channels/threema/crypto.js";
import { Gateway, GatewayError } from "../../channels/threema/gateway.js";
import { requireCertificateChecks } from "../../channels/transport.js";
import { processReceipts, type ReceiptOutcome, type ReceiptState } from "../../channels/threema/receipts.js";
import { Ledger } from "../../delivery/ledger.js";
import type { CliContext } from "../context.js";
import { unlockPractice, type Practice } from "../practice.js";
import { gatewayFailure } from "../../channels/threema.js";

interface ChannelOptions {
  channel?: string;
}

interface ThreemaAccess {
  readonly settings: ThreemaSettings;
  readonly secret: string;
  readonly privateKey: Uint8Array;
  readonly gateway: Gateway;
}

async function threemaAccess(ctx: CliContext, practice: Practice, name: string): Promise<ThreemaAccess> {
  const config = configuredChannels(ctx.settings.channels)[name];
  if (config === undefined || config.type !== "threema") throw new UserError(ExitCode.usage, "threema.channel.unknown", { channel: name });
  const settings = loadChannelSettings(name, config).settings as ThreemaSettings;
  if (settings.apiUrl.startsWith("https:")) requireCertificateChecks(name);
  const secrets = await practice.secrets();
  const secret = secrets[secretKey(name, "secret")];
  const keyText = secrets[secretKey(name, "privateKey")];
  if (secret === undefined || keyText === undefined) throw new UserError(ExitCode.usage, "threema.secretMissing", { channel: name });
  const privateKey = readPrivateKeyText(keyText, secretKey(name, "privateKey"));
  return { settings, secret, privateKey, gateway: new Gateway({ apiUrl: settings.apiUrl, gatewayId: settings.gatewayId, secret }) };
}

function gatewayError(error: unknown, alias: string): never {
  if (error instanceof GatewayError) {
    const result = gatewayFailure(error, alias, "pin");
    if (result.status === "failed") throw new UserError(ExitCode.failure, result.reason, result.params ?? {}, { cause: error });
  }
  throw error;
}

async function readInput(file: string | undefined): Promise<string> {
  if (file === undefined || file === "-") return (await readBounded(process.stdin as AsyncIterable<Buffer>)).toString("utf8");
  return (await readNamedFile(file)).toString("utf8");
}

/**
 * Receipts go into the ledger as `receipt` events of the follow-up whose part the Gateway
 * accepted under that message id; ids the ledger does not know are counted, not stored.
 */
function recorder(ctx: CliContext): { record: (messageId: string, status: ReceiptState) => Promise<void>; unknown: () => number } {
  const ledger = new Ledger(ctx.home.ledger);
  let unknown = 0;
  return {
    async record(messageId, status) {
      const followUp = await ledger.byMessageId(messageId);
      if (followUp === undefined) unknown++;
      else await ledger.append({ ev: "receipt", fu: followUp.key, id: messageId, status });
    },
    unknown: () => unknown,
  };
}

export async function receipts(ctx: CliContext, file: string | undefined, opts: ChannelOptions): Promise<void> {
  const text = await readInput(file);
  const practice = await unlockPractice(ctx);
  const access = await threemaAccess(ctx, practice, opts.channel ?? "threema");
  const clients = practice.clients.list();
  const aliasOf = (threemaId: string) => clients.find((c) => c.threema === threemaId)?.alias;
  const sink = recorder(ctx);
  const outcomes = await processReceipts(text, {
    gatewayId: access.settings.gatewayId,
    secret: access.secret,
    privateKey: access.privateKey,
    // Only clients in the registry are accepted, and only with their pinned key: a receipt is
    // proof of delivery, so it must come from the key the follow-up was encrypted to.
    senderKey: (threemaId) => {
      const pinned = clients.find((c) => c.threema === threemaId)?.pinnedKeys[PIN_NAME];
      return Promise.resolve(pinned === undefined ? undefined : parsePublicKey(pinned));
    },
    record: sink.record,
  });
  report(ctx, outcomes, aliasOf);
  if (sink.unknown() > 0) ctx.out.warn("threema.receipt.unknownMessages", { count: sink.unknown() });
  const recorded = outcomes.filter((o) => o.ok).length;
  ctx.out.say("threema.receipt.summary", { recorded, skipped: outcomes.length - recorded });
  ctx.out.result({
    receipts: outcomes.map((o) =>
      o.ok ? { line: o.line, alias: aliasOf(o.from) ?? null, status: o.status, messageIds: o.messageIds } : { line: o.line, skipped: o.problem },
    ),
    unknownMessageIds: sink.unknown(),
  });
  if (outcomes.some((o) => !o.ok)) process.exitCode = recorded > 0 ? ExitCode.partial : ExitCode.failure;
}

function report(ctx: CliContext, outcomes: readonly ReceiptOutcome[], aliasOf: (id: string) => string | undefined): void {
  for (const o of outcomes) {
    if (o.ok) {
      ctx.out.say("threema.receipt.recorded", { alias: aliasOf(o.from) ?? "?", status: o.status, count: o.messageIds.length });
      continue;
    }
    switch (o.problem) {
      case "mac":
        ctx.out.warn("threema.receipt.badMac", { line: o.line });
        break;
      case "malformed":
        ctx.out.warn("threema.receipt.malformed", { line: o.line, reason: o.reason ?? "?" });
        break;
      case "wrongGateway":
        ctx.out.warn("threema.receipt.wrongGateway", { line: o.line });
        break;
      case "unknownSender":
        ctx.out.warn("threema.receipt.unknownSender", { line: o.line });
        break;
      case "notReceipt":
        ctx.out.warn("threema.receipt.notReceipt", { line: o.line, alias: aliasOf(o.from ?? "") ?? "?" });
        break;
    }
  }
}

interface PinOptions extends ChannelOptions {
  key?: string;
  fingerprint?: string;
}

export async function pin(ctx: CliContext, alias: string, opts: PinOptions): Promise<void> {
  if ((opts.key === undefined) === (opts.fingerprint === undefined)) throw new UserError(ExitCode.usage, "threema.pin.usage");
  const practice = await unlockPractice(ctx);
  const client = practice.clients.require(alias);
  if (client.threema === undefined) throw new UserError(ExitCode.usage, "threema.noAddress", { alias });
  let key: Uint8Array;
  if (opts.key !== undefined) {
    try {
      key = parsePublicKey(opts.key);
    } catch {
      throw new UserError(ExitCode.usage, "threema.pin.badKey", { key: opts.key });
    }
  } else {
    const wanted = (opts.fingerprint ?? "").replace(/[\s:]/g, "").toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(wanted)) throw new UserError(ExitCode.usage, "threema.pin.badFingerprint", { value: printable(opts.fingerprint ?? "") });
    const access = await threemaAccess(ctx, practice, opts.channel ?? "threema");
    let fetched: string;
    try {
      fetched = await access.gateway.publicKey(client.threema);
    } catch (error) {
      gatewayError(error, alias);
    }
    try {
      key = parsePublicKey(fetched);
    } catch {
      throw new UserError(ExitCode.failure, "threema.badKey", { alias });
    }
    // The Gateway's fingerprint is not shown: pasted back, it would pin without the comparison in person.
    if (fingerprint(key) !== wanted) throw new UserError(ExitCode.refused, "threema.pin.fingerprintMismatch", { alias });
  }
  await practice.clients.put({ ...client, pinnedKeys: { ...client.pinnedKeys, [PIN_NAME]: toHex(key) } });
  ctx.out.say("threema.pin.done", { alias, fingerprint: fingerprint(key) });
  ctx.out.result({ alias, fingerprint: fingerprint(key) });
}
