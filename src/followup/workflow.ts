/**
 * Everything a workflow command needs, built once per process from the practice's keys:
 * ledger, outbox, contact hours, the ports, and the environments for checking, preparing and
 * delivering follow-ups.
 */
import type { HomePaths } from "../practice/home.js";
import type { ConfigSchema } from "../practice/config.js";
import type { PracticeKeys } from "../practice/keys.js";
import type { ClientRecord, ClientRegistry } from "../practice/clients.js";
import type { ChannelSecrets } from "../practice/secrets.js";
import { clientTagger, clientTags, type ClientTagger } from "../delivery/client-tag.js";
import type { Clock } from "../delivery/clock.js";
import { contactHours, type ContactHours, type StoredHours, systemZone } from "../delivery/hours.js";
import { Ledger } from "../delivery/ledger.js";
import { Outbox } from "../delivery/outbox.js";
import { creditBudget, type BalanceUnknown } from "./credits.js";
import type { DeliveryEnv } from "./deliver.js";
import type { PrepareEnv } from "./pipeline.js";
import type { ChannelPort, HomeworkPort, MediaPort, OpenPort, SealPort, Stage } from "./ports.js";
import type { ValidationContext } from "./validate.js";
import { channelPort, noHomework, openPort, sealPort, unprocessedMedia, viewerPort } from "./wiring.js";

export interface WorkflowOptions {
  readonly home: HomePaths;
  /** The stored settings (read only: the workflow never writes the configuration). */
  readonly settings: Readonly<ConfigSchema>;
  readonly keys: PracticeKeys;
  readonly clients: ClientRegistry;
  /** Channel secrets, read when a channel that needs them is built (from `secrets.age`). */
  readonly secrets: () => Promise<ChannelSecrets>;
  readonly now: Clock;
  readonly media?: MediaPort;
  readonly homework?: HomeworkPort;
  readonly channels?: ChannelPort;
  readonly seal?: SealPort;
  readonly open?: OpenPort;
  readonly onStage?: (stage: Stage, state: "start" | "done") => void;
  /** A prepaid channel's balance could not be asked: said once per channel, and the run goes on. */
  readonly onBalanceUnknown?: BalanceUnknown;
  /** Held while a follow-up enters the outbox (PrepareEnv.holdClient). */
  readonly holdClient?: PrepareEnv["holdClient"];
}

export interface Workflow {
  readonly ledger: Ledger;
  readonly outbox: Outbox;
  readonly hours: ContactHours | undefined;
  /** The practice's time zone: the contact hours' zone, else the system's. */
  readonly tz: string;
  readonly tagger: ClientTagger;
  readonly channels: ChannelPort;
  readonly homework: HomeworkPort;
  readonly validation: ValidationContext;
  readonly prepare: PrepareEnv;
  readonly delivery: DeliveryEnv;
  readonly now: Clock;
  /** Find the alias behind a ledger client tag. */
  aliasOf(tag: string | undefined): string | undefined;
}

export function storedHours(settings: Readonly<ConfigSchema>): StoredHours | undefined {
  const raw = settings.hours as StoredHours | undefined;
  return raw !== undefined && typeof raw.spec === "string" ? raw : undefined;
}

export function practiceName(settings: Readonly<ConfigSchema>): string | undefined {
  return settings.practice?.name;
}

export async function openWorkflow(o: WorkflowOptions): Promise<Workflow> {
  const stored = storedHours(o.settings);
  const hours = stored === undefined ? undefined : contactHours(stored);
  // The system's zone is asked for only when a time is shown or read: that starts ICU's time
  // zone and calendar data, which a follow-up sent now, without contact hours, never needs.
  let zone: string | undefined;
  const tz = (): string => (zone ??= hours?.tz ?? systemZone());
  // Every client's tag in one request (the agent answers them at once), for `aliasOf`.
  const aliases = o.clients.list().map((c) => c.alias);
  const tagList = await clientTags(o.keys, aliases);
  const byAlias = new Map(aliases.map((alias, i) => [alias, tagList[i]!]));
  const tags = new Map(aliases.map((alias, i) => [tagList[i]!, alias]));
  const tagger = clientTagger(o.keys, byAlias);
  const ledger = new Ledger(o.home.ledger);
  const outbox = new Outbox(o.home.outbox, o.home.archive, o.keys.ageRecipient, o.keys.identity);
  const channels = o.channels ?? channelPort(o.settings, o.secrets, o.home.root);
  const homework = o.homework ?? noHomework;
  const name = practiceName(o.settings);
  const client = (alias: string): ClientRecord | undefined => o.clients.get(alias);
  // One budget for the run: what it seals and what it delivers from the outbox (src/followup/credits.ts).
  const credits = creditBudget(o.onBalanceUnknown ?? (() => undefined));
  return {
    ledger,
    outbox,
    hours,
    get tz() {
      return tz();
    },
    tagger,
    channels,
    homework,
    now: o.now,
    aliasOf: (tag) => (tag === undefined ? undefined : tags.get(tag)),
    validation: {
      client,
      channels,
      homework,
      get tz() {
        return tz();
      },
      defaultChannel: "folder",
      now: o.now,
    },
    prepare: {
      ledger,
      outbox,
      seal: o.seal ?? sealPort(o.keys, name, o.now),
      media: o.media ?? unprocessedMedia,
      homework,
      tagger,
      get tz() {
        return tz();
      },
      ...(hours === undefined ? {} : { hours }),
      ...(name === undefined ? {} : { practiceName: name }),
      now: o.now,
      ...(o.onStage === undefined ? {} : { onStage: o.onStage }),
      ...(o.holdClient === undefined ? {} : { holdClient: o.holdClient }),
      credits,
    },
    delivery: {
      ledger,
      outbox,
      open: o.open ?? openPort(o.keys),
      channels,
      viewer: viewerPort(o.keys, o.settings),
      client,
      async pinKey(alias, keyName, value) {
        const record = o.clients.require(alias);
        await o.clients.put({ ...record, pinnedKeys: { ...record.pinnedKeys, [keyName]: value } });
      },
      now: o.now,
      credits,
    },
  };
}
