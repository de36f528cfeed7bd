/**
 * The Threema channel: Threema Gateway in end-to-end mode. nachklang encrypts every message
 * itself (NaCl box, src/channels/threema/crypto.ts), so the Gateway only relays ciphertext.
 * A follow-up goes as several messages: the text (split into numbered parts of at most 3500
 * bytes) and one file message per item. Each accepted part is recorded right away, so a resumed
 * delivery continues with the next part and never sends one twice (the Gateway has no
 * idempotency key).
 */
import { constants } from "node:fs";
import { readSecretFile } from "../files.js";
import { access } from "node:fs/promises";
import * as z from "../zod.js";
import { ExitCode, UserError } from "../errors.js";
import { isSafeServiceUrl, refuseSecretsInUrl, requireCertificateChecks, UNSAFE_URL } from "./transport.js";
import type { MessageKey, MessageParams } from "../messages/index.js";
import type { Balance, Channel, ChannelContext, ChannelProfile, ChannelType, Delivery, DeliveryPlan, DeliveryRecipient, DeliveryResult, FollowUpShape, HealthReport, PlanTarget } from "./contract.js";
import { fingerprint, parsePrivateKey, parsePublicKey, publicKeyOf, toHex } from "./threema/crypto.js";
import { inlineCaption, prepareFileMessage } from "./threema/file-message.js";
import { createThreemaInbox } from "./threema/inbox.js";
import { DEFAULT_API_URL, Gateway, GatewayError, type RetryPolicy } from "./threema/gateway.js";
import { encryptMessage, fileData, MessageType, splitText, textData, TEXT_LIMIT_BYTES } from "./threema/message.js";

const GATEWAY_ID = /^\*[0-9A-Z]{7}$/;

const settings = z
  .object({
    gatewayId: z.string().regex(GATEWAY_ID),
    apiUrl: z.url({ protocol: /^https?$/ }).refine(isSafeServiceUrl, UNSAFE_URL).default(DEFAULT_API_URL),
  })
  .strict();
export type ThreemaSettings = z.infer<typeof settings>;

/** Name under which a client's Threema public key is pinned in the client record. */
export const PIN_NAME = "threema";

/** Retry policy used by deliveries; tests may shorten it through `create`'s context. */
export interface ThreemaTuning {
  readonly retry?: RetryPolicy;
  readonly balanceTimeoutMs?: number;
}

/** Failures that waiting cannot heal: no such Threema ID, a key that changed or is unusable, no file messages. */
const PERMANENT: ReadonlySet<MessageKey> = new Set(["threema.gateway.notFound", "threema.keyMismatch", "threema.badKey", "threema.noFileCapability", "threema.noAddress"]);

const failed = (reason: MessageKey, params: MessageParams, retryable: boolean): DeliveryResult => ({
  status: "failed",
  reason,
  params,
  retryable,
  ...(PERMANENT.has(reason) ? { permanent: true } : {}),
});

/** One catalogue line per Gateway answer (400/401/402/404/413/500, other status, network). */
export function gatewayFailure(error: GatewayError, alias: string, part: string): DeliveryResult {
  if (error.maybeDelivered) return failed("threema.gateway.maybeDelivered", { alias, part }, false);
  switch (error.problem) {
    case "badRequest":
      return failed("threema.gateway.badRequest", { alias }, false);
    case "auth":
      return failed("threema.gateway.auth", {}, true);
    case "credits":
      return failed("threema.gateway.credits", {}, true);
    case "notFound":
      return failed("threema.gateway.notFound", { alias }, false);
    case "tooLarge":
      return failed("threema.gateway.tooLarge", { alias }, false);
    case "server":
      return failed("threema.gateway.server", {}, true);
    case "network":
      return failed("threema.gateway.network", { endpoint: error.endpoint }, true);
    case "answer":
      return failed("threema.gateway.answer", { endpoint: error.endpoint }, true);
    case "status":
      return failed("threema.gateway.status", { status: error.status ?? 0, endpoint: error.endpoint }, true);
  }
}

/** Parse a private key file's content with a line that names the file. */
export function readPrivateKeyText(text: string, file: string): Uint8Array {
  try {
    return parsePrivateKey(text);
  } catch {
    throw new UserError(ExitCode.usage, "threema.config.badPrivateKey", { file });
  }
}

function option(options: Readonly<Record<string, unknown>>, name: string, flag: string): string {
  const value = options[name];
  if (typeof value !== "string" || value.length === 0) throw new UserError(ExitCode.usage, "threema.config.missingOption", { option: flag });
  return value;
}

/**
 * Make sure the recipient's key is the pinned one. First contact: fetch from the Gateway and
 * pin. Later: a different key refuses the delivery (someone may be in between).
 */
async function recipientKey(gateway: Gateway, recipient: DeliveryRecipient, threemaId: string): Promise<Uint8Array | DeliveryResult> {
  const { alias } = recipient;
  const fetched = await gateway.publicKey(threemaId);
  let key: Uint8Array;
  try {
    key = parsePublicKey(fetched);
  } catch {
    return failed("threema.badKey", { alias }, false);
  }
  const pinned = recipient.pinnedKeys[PIN_NAME];
  if (pinned === undefined) {
    await recipient.pinKey(PIN_NAME, toHex(key));
    return key;
  }
  if (pinned.toLowerCase() !== toHex(key)) {
    let pinnedPrint: string;
    try {
      pinnedPrint = fingerprint(parsePublicKey(pinned));
    } catch {
      pinnedPrint = "?";
    }
    // Not the Gateway's fingerprint (docs/channels/threema.md): next to the pin command, it would
    // be copied from here instead of compared with the client's app, pinning a substituted key.
    return failed("threema.keyMismatch", { alias, pinned: pinnedPrint }, false);
  }
  return key;
}

interface Part {
  readonly key: string;
  readonly send: () => Promise<{ type: number; data: Uint8Array }>;
}

async function deliver(gateway: Gateway, privateKey: Uint8Array, delivery: Delivery): Promise<DeliveryResult> {
  const { alias } = delivery.recipient;
  const threemaId = delivery.recipient.address;
  if (threemaId === null || threemaId.length === 0) return failed("threema.noAddress", { alias }, false);
  const done = delivery.progress.done;
  const { manifest, items } = delivery.followUp;

  // Markdown in the message (notes, templates) in Threema's own markup: *bold*, _italic_.
  // (Loaded here, not at the top: every command that merely names a channel loads this file.)
  const { markdownToMessenger } = await import("../markdown/index.js");
  const parts: Part[] = splitText(markdownToMessenger(manifest.message)).map((text, i) => ({
    key: `text-${i + 1}`,
    send: () => Promise.resolve({ type: MessageType.text, data: textData(text) }),
  }));
  // Part keys are stable for a given bundle (its signed manifest fixes the order) and short
  // enough for the ledger: text-N, file-N (the N-th item), caption-N-M.
  for (const [index, entry] of items.entries()) {
    parts.push({
      key: `file-${index + 1}`,
      send: async () => ({ type: MessageType.file, data: fileData(await prepareFileMessage(entry, gateway)) }),
    });
    const caption = entry.item.caption;
    if (caption !== undefined && caption.trim().length > 0 && inlineCaption(caption) === undefined) {
      splitText(caption).forEach((text, i) =>
        parts.push({ key: `caption-${index + 1}-${i + 1}`, send: () => Promise.resolve({ type: MessageType.text, data: textData(text) }) }),
      );
    }
  }
  const pending = parts.filter((p) => !done.has(p.key));
  // Unreadable items are found before anything is sent, so a follow-up does not stop halfway.
  for (const [index, entry] of items.entries()) {
    if (!pending.some((p) => p.key === `file-${index + 1}`)) continue;
    try {
      await access(entry.file, constants.R_OK);
    } catch (error) {
      return failed("threema.unreadableItem", { alias, file: entry.item.path, reason: (error as NodeJS.ErrnoException).code ?? String(error) }, false);
    }
  }
  const sent = new Map<string, string>();
  let current = "key";
  try {
    if (pending.length > 0) {
      const key = await recipientKey(gateway, delivery.recipient, threemaId);
      if (!(key instanceof Uint8Array)) return key;
      if (pending.some((p) => p.key.startsWith("file-"))) {
        current = "capabilities";
        const capabilities = await gateway.capabilities(threemaId);
        if (!capabilities.includes("file")) return failed("threema.noFileCapability", { alias, capabilities: capabilities.join(",") || "-" }, false);
      }
      for (const part of pending) {
        current = part.key;
        let content: { type: number; data: Uint8Array };
        try {
          content = await part.send();
        } catch (error) {
          if (error instanceof GatewayError) throw error;
          const item = items[Number(part.key.replace(/^file-/, "")) - 1]?.item.path ?? part.key;
          return failed("threema.unreadableItem", { alias, file: item, reason: String(error) }, false);
        }
        const message = encryptMessage(content.type, content.data, key, privateKey);
        const id = await gateway.sendE2e(threemaId, message.nonce, message.box);
        await delivery.progress.record(part.key, id);
        sent.set(part.key, id);
      }
    }
  } catch (error) {
    if (error instanceof GatewayError) return gatewayFailure(error, alias, current);
    throw error;
  }
  const ids = parts.map((p) => done.get(p.key) ?? sent.get(p.key)).filter((id): id is string => id !== undefined);
  return { status: "sent", ids };
}

async function check(gateway: Gateway, privateKey: Uint8Array): Promise<HealthReport> {
  const gatewayId = gateway.gatewayId;
  try {
    const credits = await gateway.credits();
    const own = await gateway.publicKey(gatewayId);
    const matches = own === toHex(publicKeyOf(privateKey));
    return {
      ok: matches,
      lines: [
        { key: "threema.credits", params: { gatewayId, credits }, ok: true },
        matches ? { key: "threema.keyMatchesId", params: { gatewayId }, ok: true } : { key: "threema.keyNotOfId", params: { gatewayId }, ok: false },
      ],
    };
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    const result = gatewayFailure(error, gatewayId, "check");
    if (result.status === "sent") throw error;
    return { ok: false, lines: [{ key: result.reason, ...(result.params ? { params: result.params } : {}), ok: false }] };
  }
}

/** What practitioners weigh when they choose Threema (channels compare, consent texts). */
const profile: ChannelProfile = {
  type: "threema",
  label: { de: "Threema", en: "Threema" },
  inSentence: { de: "Threema", en: "Threema" },
  endToEnd: true,
  phoneNumberRequired: false,
  readsAddressBook: { de: "nur wenn erlaubt (optional)", en: "only if allowed (optional)" },
  provider: { de: "Threema GmbH", en: "Threema GmbH" },
  basedIn: { de: "Schweiz", en: "Switzerland" },
  clientCost: { de: "einmaliger App-Preis", en: "one-time app price" },
  clientInstalls: { de: "Threema-App", en: "Threema app" },
  automatic: true,
  metadata: {
    de: "Threema sieht, dass die Praxis-ID und die Threema-ID der Klientin/des Klienten Nachrichten austauschen, wann und wie groß",
    en: "Threema sees that the practice's ID and the client's Threema ID exchange messages, when, and how large",
  },
  recommended: true,
};

/** From this many messages on, `send` says what a follow-up costs before it goes out. */
export const MANY_MESSAGES = 4;

/**
 * The messages a follow-up becomes, exactly as `deliver` sends it: the text in parts, one file
 * message per item, long captions as text after their file. The Gateway charges one credit per
 * end-to-end message and one per blob upload (the official SDKs say so, e.g. dbrgn/threema-gateway
 * `E2eApi::blob_upload`): each item's file, and a photo's thumbnail.
 */
export function threemaPlan(shape: FollowUpShape, { alias }: PlanTarget): DeliveryPlan {
  let messages = splitText(shape.message).length + shape.items.length;
  for (const { caption } of shape.items) {
    if (caption !== undefined && caption.trim().length > 0 && inlineCaption(caption) === undefined) messages += splitText(caption).length;
  }
  const uploads = shape.items.length + shape.items.filter((i) => i.kind === "photo").length;
  const credits = messages + uploads;
  return { messages, credits, ...(messages >= MANY_MESSAGES ? { warn: { key: "threema.manyMessages", params: { alias, messages, credits } } } : {}) };
}

/** How long `balance()` waits for the Gateway: `send` must not hang on it. */
export const BALANCE_TIMEOUT_MS = 10_000;

/** The Gateway's credits, asked once (no retries: a refusal or a warning comes quickly). */
async function balance(gateway: Gateway): Promise<Balance> {
  try {
    return { status: "known", credits: await gateway.credits() };
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    // The delivery line says parts already sent are not repeated: nothing is being sent here.
    if (error.problem === "server") return { status: "unknown", reason: "threema.gateway.serverBalance" };
    const result = gatewayFailure(error, gateway.gatewayId, "credits");
    if (result.status === "sent") throw error;
    return { status: "unknown", reason: result.reason, ...(result.params === undefined ? {} : { params: result.params }) };
  }
}

export const threemaChannel: ChannelType<ThreemaSettings> = {
  type: "threema",
  address: "threema",
  textLimitBytes: TEXT_LIMIT_BYTES,
  // Parts already accepted are never sent twice (the ledger's parts), but one in flight when the
  // process died may have gone out.
  repeatHarmless: false,
  handsOverBundle: false,
  profile,
  settings,
  secrets: ["secret", "privateKey"],
  options: ["gatewayId", "secretFile", "privateKeyFile", "apiUrl"],
  plan: (_settings, shape, to) => threemaPlan(shape, to),
  describe: (s) => ({ gatewayId: s.gatewayId, apiUrl: s.apiUrl, secret: "********", privateKey: "********" }),
  async configure(options, current) {
    // Editing: what is not given stays, and so do the stored secrets.
    const kept = (name: string, flag: string, value: string | undefined): string | undefined =>
      current !== undefined && options[name] === undefined ? value : option(options, name, flag);
    const gatewayId = kept("gatewayId", "--gateway-id", current?.gatewayId) ?? "";
    if (!GATEWAY_ID.test(gatewayId)) throw new UserError(ExitCode.usage, "threema.config.badGatewayId", { gatewayId });
    const secretFile = kept("secretFile", "--secret-file", undefined);
    const privateKeyFile = kept("privateKeyFile", "--private-key-file", undefined);
    let privateKeyText: string | undefined;
    if (privateKeyFile !== undefined) {
      // Read once, checked, and handed on as read: a pipe (`/dev/stdin`) gives its bytes only once.
      privateKeyText = (await readSecretFile(privateKeyFile)).toString("utf8");
      readPrivateKeyText(privateKeyText, privateKeyFile);
    }
    const apiUrl = typeof options.apiUrl === "string" ? options.apiUrl : (current?.apiUrl ?? DEFAULT_API_URL);
    if (!z.url({ protocol: /^https?$/ }).safeParse(apiUrl).success) throw new UserError(ExitCode.usage, "threema.config.badApiUrl", { url: apiUrl });
    refuseSecretsInUrl(apiUrl, "Threema Gateway");
    if (!isSafeServiceUrl(apiUrl)) throw new UserError(ExitCode.usage, "channel.insecureUrl", { url: apiUrl, channel: "Threema Gateway" });
    const secretFiles = { ...(secretFile === undefined ? {} : { secret: secretFile }), ...(privateKeyFile === undefined ? {} : { privateKey: privateKeyFile }) };
    return { settings: { gatewayId, apiUrl }, secretFiles, ...(privateKeyText === undefined ? {} : { secretsRead: { privateKey: privateKeyText } }) };
  },
  create(context) {
    return createThreemaChannel(context);
  },
};

/** `create` with test-only tuning (short retry delays). */
export function createThreemaChannel(context: ChannelContext<ThreemaSettings>, tuning: ThreemaTuning = {}): Channel {
  if (context.settings.apiUrl.startsWith("https:")) requireCertificateChecks(context.name);
  const secret = context.secret("secret")?.trim();
  const keyText = context.secret("privateKey");
  const privateKey = keyText === undefined ? undefined : readPrivateKeyText(keyText, `channel.${context.name}.privateKey`);
  const gatewayOptions = secret === undefined || secret.length === 0 ? undefined : { apiUrl: context.settings.apiUrl, gatewayId: context.settings.gatewayId, secret };
  const gateway = gatewayOptions === undefined ? undefined : new Gateway({ ...gatewayOptions, ...(tuning.retry ? { retry: tuning.retry } : {}) });
  const quick = gatewayOptions === undefined ? undefined : new Gateway({ ...gatewayOptions, retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 }, timeoutMs: tuning.balanceTimeoutMs ?? BALANCE_TIMEOUT_MS });
  const missing = { key: "threema.secretMissing" as const, params: { channel: context.name } };
  const inbox =
    gateway === undefined || privateKey === undefined || secret === undefined
      ? undefined
      : createThreemaInbox({
          gatewayId: context.settings.gatewayId,
          secret,
          privateKey,
          gateway,
          recipientKey: (recipient, threemaId) => recipientKey(gateway, recipient, threemaId),
          failure: gatewayFailure,
        });
  return {
    name: context.name,
    type: "threema",
    ...(inbox === undefined ? {} : { inbox }),
    async check() {
      if (gateway === undefined || privateKey === undefined) return { ok: false, lines: [{ ...missing, ok: false }] };
      return check(gateway, privateKey);
    },
    async deliver(delivery) {
      if (gateway === undefined || privateKey === undefined) return failed(missing.key, missing.params, true);
      return deliver(gateway, privateKey, delivery);
    },
    async balance() {
      if (quick === undefined) return { status: "unknown", reason: missing.key, params: missing.params };
      return balance(quick);
    },
  };
}

