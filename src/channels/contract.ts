/**
 * The channel contract. One file per channel type under src/channels/, each exporting a
 * `ChannelType` that declares, once, what delivery and the comparison need to know about it;
 * src/channels/registry.ts lists them statically.
 */
import type { z } from "zod";
import type { OpenedFollowUp } from "../bundle/open.js";
import type { Lang, MessageKey, MessageParams } from "../messages/index.js";

export type { OpenedFollowUp } from "../bundle/open.js";

/** Which client address a channel type delivers to. */
export type AddressKind = "threema" | "phone" | "email" | "none";

type Text = Readonly<Record<Lang, string>>;

/**
 * What practitioners weigh when they choose a channel, in both languages: `nachklang channels
 * compare` and the consent information texts are made from it.
 */
export interface ChannelProfile {
  readonly type: "threema" | "signal" | "wire" | "email" | "folder" | "whatsapp";
  /** Its name in a table or a list. */
  readonly label: Text;
  /** How a sentence of the consent information names it ("… über {inSentence} …"). */
  readonly inSentence: Text;
  /** Content is end-to-end encrypted between practice and client; "viewer": only inside the passphrase viewer. */
  readonly endToEnd: boolean | "viewer";
  readonly phoneNumberRequired: boolean;
  readonly readsAddressBook: Text;
  readonly provider: Text;
  readonly basedIn: Text;
  readonly clientCost: Text;
  readonly clientInstalls: Text;
  /** nachklang can send without a person handing it over. */
  readonly automatic: boolean;
  /** What the provider still learns even with end-to-end encryption. */
  readonly metadata: Text;
  readonly recommended: boolean;
}

/** The client as a channel sees it: only what addressing needs, never the client's name. */
export interface DeliveryRecipient {
  readonly alias: string;
  readonly lang: "de" | "en";
  readonly address: string | null;
  /** Keys pinned for this client on this channel (e.g. a Threema public key), by name. */
  readonly pinnedKeys: Readonly<Record<string, string>>;
  /** Pin a key in the (encrypted) client record; used on first contact. */
  pinKey(name: string, value: string): Promise<void>;
}

/**
 * Progress of a delivery that consists of several parts (Threema sends one message per item).
 * Parts already accepted by the service are listed in `done` and must never be sent again;
 * `record` is called right after the service accepts a part, before the next one is sent.
 */
export interface DeliveryProgress {
  readonly done: ReadonlyMap<string, string>;
  record(part: string, messageId: string): Promise<void>;
}

export interface Delivery {
  readonly bundleId: string;
  /** The sealed bundle file (`<bundle-id>.age`). */
  readonly bundlePath: string;
  readonly followUp: OpenedFollowUp;
  readonly recipient: DeliveryRecipient;
  readonly progress: DeliveryProgress;
  /** Extra files produced for this delivery, e.g. the passphrase viewer (HTML). */
  readonly viewerPath?: string;
}

export type DeliveryResult =
  | { readonly status: "sent"; readonly ids: readonly string[] }
  | {
      readonly status: "failed";
      readonly reason: MessageKey;
      readonly params?: MessageParams;
      /** True when sending again cannot duplicate anything the client already received. */
      readonly retryable: boolean;
      /**
       * Waiting cannot heal it (the recipient is unknown to the service, their key changed):
       * `outbox flush` stops trying until the practitioner reroutes, releases or cancels it.
       * Absent means it may heal by itself (network, rate limit, credits).
       */
      readonly permanent?: boolean;
    };

/** A follow-up as a channel sizes it before anything is stored or sent. */
export interface FollowUpShape {
  /** The message text, as composed. */
  readonly message: string;
  /** The items in their processed form; `kind` as in the manifest (a photo also uploads a thumbnail to Threema). */
  readonly items: readonly { readonly name: string; readonly size: number; readonly caption?: string; readonly kind?: string }[];
  /** The sealed bundle, in bytes. */
  readonly bundleBytes: number;
}

/**
 * What a follow-up becomes on a channel, declared by the channel (`ChannelType.plan`): how many
 * messages, what it costs, the attachment it makes against its limit, and whether it cannot go
 * out like this (`refuse`: one line that says what to do). `warn`: it can, but the practitioner
 * should know first (many messages).
 */
export interface DeliveryPlan {
  readonly messages?: number;
  /** Credits the service charges (Threema Gateway: one per end-to-end message and one per blob upload). */
  readonly credits?: number;
  /**
   * Credits left at the service when the run began (`Channel.balance`, asked once per run); set
   * by the workflow, not by the channel, and absent when the channel keeps none or it could not
   * be asked. A plan whose run needs more is refused (`refuse`).
   */
  readonly balance?: number;
  readonly attachment?: { readonly bytes: number; readonly limitBytes: number };
  readonly refuse?: { readonly key: MessageKey; readonly params: MessageParams };
  readonly warn?: { readonly key: MessageKey; readonly params: MessageParams };
}

/** Whom a plan is for: the client's alias and the configured channel's name (for its lines). */
export interface PlanTarget {
  readonly alias: string;
  readonly channel: string;
}

export interface HealthReport {
  readonly ok: boolean;
  /** One line per finding, as catalogue keys. */
  readonly lines: readonly { key: MessageKey; params?: MessageParams; ok: boolean }[];
}

/** What a prepaid service says is left: a known number of credits, or why it could not be asked. */
export type Balance =
  | { readonly status: "known"; readonly credits: number }
  | { readonly status: "unknown"; readonly reason: MessageKey; readonly params?: MessageParams };

export interface Channel {
  readonly name: string;
  readonly type: string;
  /** Check configuration and reachability without sending anything to a client. */
  check(): Promise<HealthReport>;
  /**
   * Prepaid channels (Threema Gateway): the credits left, asked once, quickly (one request, no
   * retries, a short timeout), so that `send` can refuse a run the balance does not cover before
   * anything is stored. Never throws for the service's answers: an unreachable service, wrong
   * credentials or missing secrets are `unknown` with the line that says why. Absent for
   * channels that charge nothing.
   */
  balance?(): Promise<Balance>;
  /** Deliver one opened follow-up to one client. Expected failures are values, not exceptions. */
  deliver(delivery: Delivery): Promise<DeliveryResult>;
  /** Receiving clients' replies (src/inbox/); absent for channels that cannot receive. */
  readonly inbox?: ChannelInbox;
}

/** A file a client sent (a Threema blob, a Signal attachment), decrypted. */
export interface ReceivedFile {
  readonly name: string;
  readonly mime: string;
  readonly data: Uint8Array;
  readonly caption?: string;
}

/** A file the message named but that was not taken: larger than the limit, or no longer at the service. */
export interface SkippedFile {
  readonly name: string;
  readonly size?: number;
  readonly reason: "tooLarge" | "unavailable";
}

/** Why an envelope is refused for good (one log line, no content, never shown). */
export type EnvelopeProblem = "mac" | "format" | "wrongGateway" | "decrypt";

/**
 * One stored envelope as its channel decoded it. `retry`: something needed to decode it was not
 * reachable (the Gateway, signal-cli); it stays stored and is tried again by the next command.
 * `unknownSender`: no client in the registry has this address; it stays until one does, for
 * UNKNOWN_SENDER_DAYS at most (src/inbox/ingest.ts).
 */
export type OpenedEnvelope =
  | {
      readonly kind: "message";
      /** The sender's address on this channel (Threema ID, phone number). */
      readonly from: string;
      /** The channel's ids of the message, as a read receipt names them. */
      readonly ids: readonly string[];
      /** When the service received it, when the channel says so (else: when nachklang stored it). */
      readonly arrivedAt?: Date;
      readonly text?: string;
      readonly files: readonly ReceivedFile[];
      readonly skipped: readonly SkippedFile[];
      /** A message of a kind nachklang does not show (location, poll, …): its type. */
      readonly unsupported?: string;
    }
  | { readonly kind: "receipt"; readonly from: string; readonly status: "delivered" | "read"; readonly messageIds: readonly string[] }
  | { readonly kind: "refused"; readonly problem: EnvelopeProblem }
  | { readonly kind: "unknownSender" }
  | { readonly kind: "ignored" }
  | { readonly kind: "retry"; readonly reason: MessageKey; readonly params: MessageParams };

/** Clients by their address on the channel, as the inbox knows them (from the client registry). */
export interface SenderDirectory {
  find(address: string): DeliveryRecipient | undefined;
}

export interface InboxLimits {
  /** Largest file taken from a message, in bytes; larger ones are listed as skipped. */
  readonly fileBytes: number;
}

/** What `pull` achieved: how many envelopes it stored, or the one line why it stopped. */
export type PullResult =
  | { readonly ok: true; readonly stored: number; readonly ignored: number }
  | { readonly ok: false; readonly stored: number; readonly reason: MessageKey; readonly params: MessageParams };

/**
 * Receiving on a channel. Envelopes are what arrived, exactly as the service delivered it (the
 * inbox seals them at once, before anything is decrypted); `open` checks and decrypts one when
 * the practice is unlocked. Expected failures are values, not exceptions.
 */
export interface ChannelInbox {
  /** Check, decrypt and decode one stored envelope (and fetch the files it refers to). */
  open(envelope: Uint8Array, senders: SenderDirectory, limits: InboxLimits): Promise<OpenedEnvelope>;
  /** Tell the client that these messages (channel ids) were read. */
  sendReadReceipt(to: DeliveryRecipient, ids: readonly string[]): Promise<DeliveryResult>;
  /** A short text outside any follow-up (the away notice). */
  sendText(to: DeliveryRecipient, text: string): Promise<DeliveryResult>;
  /**
   * Pull channels (Signal): fetch what waits at the service and hand each envelope to `store`,
   * which keeps it durably, before the next; `nativeId` identifies it at the service.
   */
  pull?(store: (nativeId: string, envelope: Uint8Array) => Promise<void>, limits: InboxLimits): Promise<PullResult>;
  /** Push channels (Threema): whether a callback body carries the right MAC (needs the channel's secret). */
  verifyCallback?(body: string): boolean;
}

/** What a channel needs to be built: settings from the config, secrets from the unlocked keyring. */
export interface ChannelContext<S> {
  readonly name: string;
  readonly settings: S;
  /** Secret values by secret name, read from the keyring; absent when the keyring is locked. */
  secret(name: string): string | undefined;
  readonly home: string;
}

/** What `configure` makes of the options of `channels add` and `channels edit`. */
export interface ChannelConfiguration {
  readonly settings: unknown;
  /** Secrets given as files: secret name → the file the user named. */
  readonly secretFiles: Readonly<Record<string, string>>;
  /**
   * Secrets among `secretFiles` that `configure` already read to check them (secret name → the
   * file's text): the CLI stores this text and does not read the file again, because a pipe
   * (`--private-key-file /dev/stdin`) can be read only once.
   */
  readonly secretsRead?: Readonly<Record<string, string>>;
}

export interface ChannelType<S = unknown> {
  readonly type: string;
  readonly address: AddressKind;
  /** Longest text one message may carry, in UTF-8 bytes; null when unlimited (templates are checked against it). */
  readonly textLimitBytes: number | null;
  /**
   * Delivering the same follow-up again cannot give the client anything twice (the same file
   * names in the same place): a delivery interrupted by a crash is simply repeated. Otherwise
   * it is marked uncertain for the practitioner to check.
   */
  readonly repeatHarmless: boolean;
  /**
   * The channel hands over the sealed bundle file (and the viewer, when there is one) and never
   * reads the item files: the follow-up is verified for it, not extracted.
   */
  readonly handsOverBundle: boolean;
  readonly profile: ChannelProfile;
  /** Validates settings when the configuration is loaded: bad configuration fails early. */
  readonly settings: z.ZodType<S>;
  /** Names of secrets this channel keeps in the keyring (never in the config file). */
  readonly secrets: readonly string[];
  /**
   * The options of `channels add`/`channels edit` that `configure` reads (camelCase, as commander
   * gives them: `gatewayId` for `--gateway-id`); any other given for this type is refused.
   */
  readonly options: readonly string[];
  /**
   * Whether a delivery through this channel must carry the passphrase viewer
   * (`Delivery.viewerPath`): always for e-mail, for the folder channel when `viewer: true`.
   * Absent means never.
   */
  wantsViewer?(settings: S): boolean;
  /**
   * Size a follow-up for this channel before it is sealed into the outbox (`send`, `batch`,
   * `--dry-run`). Absent: the channel has no limits worth checking ahead (folder, wire).
   * `to` names the client and the channel in the lines it returns.
   */
  plan?(settings: S, shape: FollowUpShape, to: PlanTarget): DeliveryPlan;
  /** Settings as they may be shown: secrets masked. */
  describe(settings: S): Record<string, string>;
  /**
   * Turn the options of `nachklang channels add TYPE …` into settings (validated with
   * `settings` afterwards) and secrets to read from files (secret name → file path). The CLI
   * reads the files and stores the secrets in the keyring as `channel.<name>.<secret>`.
   * With `current` (`nachklang channels edit`): options not given keep the current settings,
   * the same checks apply to the result, and secrets without a file are kept as stored.
   * Rejects with a `UserError` for bad options or a secret file that fails its check.
   */
  configure(options: Readonly<Record<string, unknown>>, current?: S): Promise<ChannelConfiguration>;
  create(context: ChannelContext<S>): Channel;
}
