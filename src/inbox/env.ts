/**
 * What the inbox needs from an unlocked practice: the store and the keys to open it, the ledger,
 * the client registry, the configured channels, contact hours and the inbox settings.
 */
import type { AgeKeys } from "../age/index.js";
import type { DeliveryRecipient } from "../channels/contract.js";
import type { ClientTagger } from "../delivery/client-tag.js";
import type { Clock } from "../delivery/clock.js";
import type { ContactHours } from "../delivery/hours.js";
import type { Ledger } from "../delivery/ledger.js";
import type { ChannelPort, ResolvedChannel } from "../followup/ports.js";
import { addressOf } from "../followup/validate.js";
import type { ClientRecord } from "../practice/clients.js";
import type { InboxStore } from "./store.js";

export interface InboxSettings {
  /** Send the away notice outside contact hours (`hours away-notice on`). */
  readonly awayNotice: boolean;
  /** Send read receipts when the practice reads (per client too: ClientRecord.readReceipts). */
  readonly readReceipts: boolean;
  /** Largest file taken from a client's message. */
  readonly fileBytes: number;
}

export const DEFAULT_FILE_MB = 50;

export interface InboxEnv {
  readonly store: InboxStore;
  /** The practice's keys, to open what the store sealed. */
  readonly keys: AgeKeys;
  readonly ledger: Ledger;
  readonly tagger: ClientTagger;
  /** A message's keyed id from its channel type and the service's id for it (store.ts `messageId`). */
  readonly messageId: (channelType: string, nativeId: string) => Promise<string>;
  readonly clients: {
    list(): readonly ClientRecord[];
    get(alias: string): ClientRecord | undefined;
  };
  readonly pinKey: (alias: string, name: string, value: string) => Promise<void>;
  readonly channels: ChannelPort;
  readonly hours: ContactHours | undefined;
  readonly tz: string;
  readonly settings: InboxSettings;
  /** The away notice's text for a client: the `away-notice` template in the client's language. */
  readonly awayText: (client: ClientRecord, reopens: Date | null) => Promise<string>;
  readonly now: Clock;
}

/** The client as a channel addresses it (as for a delivery). */
export function recipientOf(env: InboxEnv, client: ClientRecord, channel: ResolvedChannel): DeliveryRecipient {
  return {
    alias: client.alias,
    lang: client.lang,
    address: addressOf(client, channel.address),
    pinnedKeys: client.pinnedKeys,
    pinKey: (name, value) => env.pinKey(client.alias, name, value),
  };
}

/** The alias behind a client tag. */
export async function aliasOfTag(env: InboxEnv, tag: string): Promise<string | undefined> {
  for (const c of env.clients.list()) if ((await env.tagger(c.alias)) === tag) return c.alias;
  return undefined;
}
