/**
 * The channel contract. One file per channel type under src/channels/, each exporting a
 * `ChannelType`; src/channels/registry.ts lists them statically. The core checks a follow-up
 * against `capabilities` before it asks a channel to deliver.
 */
import type { z } from "zod";
import type { Manifest, ManifestItem } from "../bundle/manifest.js";
import type { MessageKey, MessageParams } from "../messages/index.js";

export interface ChannelCapabilities {
  /** Longest text one message may carry, in UTF-8 bytes; null when unlimited. */
  readonly textLimitBytes: number | null;
  readonly images: boolean;
  readonly audio: boolean;
  readonly files: boolean;
  /** Content is end-to-end encrypted between the practice and the client. */
  readonly endToEnd: boolean;
  /** The channel needs the client's (and the practice's) phone number. */
  readonly needsPhoneNumber: boolean;
  /** nachklang can deliver without a person handing it over. */
  readonly automatic: boolean;
}

/** Which client address a channel type delivers to. */
export type AddressKind = "threema" | "phone" | "email" | "none";

/** A processed item of an opened follow-up, on disk in a private temporary folder. */
export interface FollowUpItem {
  readonly item: ManifestItem;
  readonly file: string;
}

/** A sealed follow-up, opened and verified, ready to be handed to a channel. */
export interface OpenedFollowUp {
  readonly manifest: Manifest;
  /** `manifest.json` exactly as signed, and its minisign signature (`manifest.json.minisig`). */
  readonly manifestBytes: Uint8Array;
  readonly signature: string;
  readonly items: readonly FollowUpItem[];
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
    };

export interface HealthReport {
  readonly ok: boolean;
  /** One line per finding, as catalogue keys. */
  readonly lines: readonly { key: MessageKey; params?: MessageParams; ok: boolean }[];
}

export interface Channel {
  readonly name: string;
  readonly type: string;
  readonly capabilities: ChannelCapabilities;
  /** Check configuration and reachability without sending anything to a client. */
  check(): Promise<HealthReport>;
  /** Deliver one opened follow-up to one client. Expected failures are values, not exceptions. */
  deliver(delivery: Delivery): Promise<DeliveryResult>;
}

/** What a channel needs to be built: settings from the config, secrets from the unlocked keyring. */
export interface ChannelContext<S> {
  readonly name: string;
  readonly settings: S;
  /** Secret values by secret name, read from the keyring; absent when the keyring is locked. */
  secret(name: string): string | undefined;
  readonly home: string;
}

export interface ChannelType<S = unknown> {
  readonly type: string;
  readonly capabilities: ChannelCapabilities;
  readonly address: AddressKind;
  /** Validates settings when the configuration is loaded: bad configuration fails early. */
  readonly settings: z.ZodType<S>;
  /** Names of secrets this channel keeps in the keyring (never in the config file). */
  readonly secrets: readonly string[];
  /**
   * Whether a delivery through this channel must carry the passphrase viewer
   * (`Delivery.viewerPath`): always for e-mail, for the folder channel when `viewer: true`.
   * Absent means never.
   */
  wantsViewer?(settings: S): boolean;
  /** Settings as they may be shown: secrets masked. */
  describe(settings: S): Record<string, string>;
  /**
   * Turn the options of `nachklang channels add TYPE …` into settings (validated with
   * `settings` afterwards) and secrets to read from files (secret name → file path). The CLI
   * reads the files and stores the secrets in the keyring as `channel.<name>.<secret>`.
   */
  configure(options: Readonly<Record<string, unknown>>): { settings: unknown; secretFiles: Readonly<Record<string, string>> };
  create(context: ChannelContext<S>): Channel;
}
