/**
 * Everything a workflow command needs, built once per process from the unlocked practice:
 * ledger, outbox, contact hours, the ports, and the environments for checking, preparing and
 * delivering follow-ups.
 */
import type { HomePaths } from "../practice/home.js";
import type { Config } from "../practice/config.js";
import type { Keyring } from "../practice/keyring.js";
import type { ClientRecord, ClientRegistry } from "../practice/clients.js";
import { clientTagger, type ClientTagger } from "../delivery/client-tag.js";
import type { Clock } from "../delivery/clock.js";
import { contactHours, type ContactHours, type StoredHours, systemZone } from "../delivery/hours.js";
import { Ledger } from "../delivery/ledger.js";
import { Outbox } from "../delivery/outbox.js";
import type { DeliveryEnv } from "./deliver.js";
import type { PrepareEnv } from "./pipeline.js";
import type { ChannelPort, HomeworkPort, MediaPort, OpenPort, SealPort, Stage } from "./ports.js";
import type { ValidationContext } from "./validate.js";
import { channelPort, noHomework, openPort, sealPort, unprocessedMedia, viewerPort } from "./wiring.js";

export interface WorkflowOptions {
  readonly home: HomePaths;
  readonly config: Config;
  readonly keyring: Keyring;
  readonly clients: ClientRegistry;
  readonly now: Clock;
  readonly media?: MediaPort;
  readonly homework?: HomeworkPort;
  readonly channels?: ChannelPort;
  readonly seal?: SealPort;
  readonly open?: OpenPort;
  readonly onStage?: (stage: Stage, state: "start" | "done") => void;
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

export function storedHours(config: Config): StoredHours | undefined {
  const raw = config.get("hours") as StoredHours | undefined;
  return raw !== undefined && typeof raw.spec === "string" ? raw : undefined;
}

export function practiceName(config: Config): string | undefined {
  return config.get("practice")?.name;
}

export function openWorkflow(o: WorkflowOptions): Workflow {
  const stored = storedHours(o.config);
  const hours = stored === undefined ? undefined : contactHours(stored);
  const tz = hours?.tz ?? systemZone();
  const tagger = clientTagger(o.keyring.ageIdentity);
  const ledger = new Ledger(o.home.ledger);
  const outbox = new Outbox(o.home.outbox, o.home.archive, o.keyring.ageRecipient, o.keyring.ageIdentity);
  const channels = o.channels ?? channelPort(o.config, o.keyring, o.home.root);
  const homework = o.homework ?? noHomework;
  const name = practiceName(o.config);
  const client = (alias: string): ClientRecord | undefined => o.clients.get(alias);
  const tags = new Map<string, string>();
  for (const c of o.clients.list()) tags.set(tagger(c.alias), c.alias);
  return {
    ledger,
    outbox,
    hours,
    tz,
    tagger,
    channels,
    homework,
    now: o.now,
    aliasOf: (tag) => (tag === undefined ? undefined : tags.get(tag)),
    validation: { client, channels, homework, tz, defaultChannel: "folder" },
    prepare: {
      ledger,
      outbox,
      seal: o.seal ?? sealPort(o.keyring, name, o.now),
      media: o.media ?? unprocessedMedia,
      homework,
      tagger,
      tz,
      ...(hours === undefined ? {} : { hours }),
      ...(name === undefined ? {} : { practiceName: name }),
      now: o.now,
      ...(o.onStage === undefined ? {} : { onStage: o.onStage }),
    },
    delivery: {
      ledger,
      outbox,
      open: o.open ?? openPort(o.keyring),
      channels,
      viewer: viewerPort(o.keyring, o.config),
      client,
      async pinKey(alias, keyName, value) {
        const record = o.clients.require(alias);
        await o.clients.put({ ...record, pinnedKeys: { ...record.pinnedKeys, [keyName]: value } });
      },
      now: o.now,
    },
  };
}
