/**
 * From a checked draft to a queued, sealed follow-up: compose in a private temporary folder,
 * seal into the outbox, record `sealed` and `queued` in the ledger. A follow-up the ledger
 * already knows is not composed again (re-running a batch sends nothing twice).
 */
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { ExitCode, UserError } from "../errors.js";
import type { ClientTagger } from "../delivery/client-tag.js";
import type { Clock } from "../delivery/clock.js";
import { isOpen, nextOpening, type ContactHours } from "../delivery/hours.js";
import type { FollowUpState, Ledger } from "../delivery/ledger.js";
import type { Outbox } from "../delivery/outbox.js";
import { removeTemp, withPrivateTemp } from "../temp.js";
import { composeFollowUp, type ComposedFollowUp } from "./compose.js";
import type { DeliveryPlan } from "../channels/contract.js";
import type { CreditBudget } from "./credits.js";
import type { HomeworkPort, MediaPort, PreparedItem, SealPort, Stage } from "./ports.js";
import type { ValidDraft } from "./validate.js";

export interface PrepareEnv {
  readonly ledger: Ledger;
  readonly outbox: Outbox;
  readonly seal: SealPort;
  readonly media: MediaPort;
  readonly homework: HomeworkPort;
  readonly tagger: ClientTagger;
  readonly tz: string;
  readonly hours?: ContactHours;
  readonly practiceName?: string;
  readonly now: Clock;
  readonly onStage?: (stage: Stage, state: "start" | "done") => void;
  /** The run's prepaid credits (src/followup/credits.ts); without it balances are not checked. */
  readonly credits?: CreditBudget;
  /**
   * Held while a sealed follow-up enters the outbox and the ledger: nothing changes the client
   * meanwhile (a `client forget` or `consent withdraw` run beside it waits), and it rejects when
   * the client, as stored now, can no longer receive it on that channel type. Resolves with the
   * release. Without it, the client is taken as validated.
   */
  readonly holdClient?: (alias: string, channelType: string) => Promise<() => Promise<void>>;
}

export interface ItemSummary {
  readonly name: string;
  readonly kind: string;
  readonly mime: string;
  readonly size: number;
  readonly caption?: string;
}

export interface Prepared {
  readonly key: string;
  readonly bundleId: string;
  readonly due: Date;
  /** False when the ledger already knew this follow-up and nothing was composed. */
  readonly fresh: boolean;
  readonly state: FollowUpState["state"];
  readonly items: readonly ItemSummary[];
  readonly bytes: number;
  /** What the follow-up becomes on its channel (messages, credits, attachment size). */
  readonly plan: DeliveryPlan;
}

export interface Timing {
  /** Send right away, whatever the contact hours say. */
  readonly immediate?: boolean;
  /** Planned time; moved to the next opening when outside contact hours. */
  readonly at?: Date;
}

/**
 * `--now` (with or without `--at`) for a time outside contact hours: planned there on purpose, it
 * goes out when due. One due inside them (a `--now` at 10:00 that failed and is tried again)
 * waits for contact hours like any other.
 */
const anyTime = (timing: Timing, due: Date, hours: ContactHours | undefined): { anyTime?: true } => (timing.immediate === true && !isOpen(hours, due) ? { anyTime: true } : {});

/** When a follow-up may go out. Throws when no contact hour opens within 400 days. */
export function dueTime(now: Date, hours: ContactHours | undefined, timing: Timing): Date {
  if (timing.immediate === true && timing.at === undefined) return now;
  const from = timing.at !== undefined && timing.at.getTime() > now.getTime() ? timing.at : now;
  if (timing.immediate === true) return from;
  const due = nextOpening(hours, from);
  if (due === null) throw new UserError(ExitCode.usage, "hours.neverOpen");
  return due;
}

async function summarise(items: readonly PreparedItem[]): Promise<ItemSummary[]> {
  return Promise.all(
    items.map(async (i) => ({
      name: i.name ?? basename(i.file),
      kind: i.kind,
      mime: i.mime,
      size: (await stat(i.file)).size,
      ...(i.caption === undefined ? {} : { caption: i.caption }),
    })),
  );
}

function composeContext(valid: ValidDraft, env: PrepareEnv) {
  return {
    client: valid.client,
    channelType: valid.channel.type,
    // Read when an appointment needs it, not before (workflow.ts: the zone starts ICU).
    get tz() {
      return env.tz;
    },
    now: env.now(),
    media: env.media,
    homework: env.homework,
    ...(env.practiceName === undefined ? {} : { practiceName: env.practiceName }),
    ...(env.onStage === undefined ? {} : { onStage: env.onStage }),
  };
}

export interface Preview {
  readonly composed: ComposedFollowUp;
  readonly items: readonly ItemSummary[];
  readonly bundleBytes: number;
  /** Its channel's plan; `plan.refuse` says it cannot go out like this. */
  readonly plan: DeliveryPlan;
}

/**
 * The channel's plan for a composed and sealed follow-up (an empty plan when it declares none),
 * checked against the run's credits on that channel when the channel keeps a balance.
 */
export async function planFor(valid: ValidDraft, message: string, items: readonly ItemSummary[], sealed: { readonly bundleId: string; readonly size: number }, env: PrepareEnv): Promise<DeliveryPlan> {
  const plan = valid.channel.plan?.({ message, items, bundleBytes: sealed.size }, valid.client.alias) ?? {};
  return env.credits === undefined ? plan : env.credits.check(valid.channel, valid.client.alias, plan, sealed.bundleId);
}

/** A plan that refuses, as the error `send` and `batch` stop with: nothing is stored or sent. */
function refusal(plan: DeliveryPlan): UserError | undefined {
  return plan.refuse === undefined ? undefined : new UserError(ExitCode.usage, plan.refuse.key, plan.refuse.params);
}

/** Everything `--dry-run` shows: composed and sealed in a private temp folder, then removed. */
export async function previewFollowUp(valid: ValidDraft, env: PrepareEnv): Promise<Preview> {
  return withPrivateTemp(async (dir) => {
    const composed = await composeFollowUp(valid.draft, composeContext(valid, env), dir);
    const items = await summarise(composed.items);
    env.onStage?.("seal", "start");
    const sealed = await withPrivateTemp((out) => env.seal.seal({ client: valid.client, message: composed.message, items: composed.items, outDir: out }));
    env.onStage?.("seal", "done");
    return { composed, items, bundleBytes: sealed.size, plan: await planFor(valid, composed.message, items, sealed, env) };
  });
}

/** Compose, seal and queue one follow-up. The caller holds `ledger.claim(key)`. */
export async function prepareClaimed(valid: ValidDraft, key: string, origin: "send" | "new" | "batch" | "reply", timing: Timing, env: PrepareEnv): Promise<Prepared> {
  const { ledger, outbox } = env;
  const known = await ledger.state(key);
  if (known?.bundle !== undefined && (await outbox.locate(known.bundle)) !== undefined) {
    let due = known.due === undefined ? undefined : new Date(known.due);
    if (known.state === "sealed" || due === undefined) {
      due = dueTime(env.now(), env.hours, timing);
      await ledger.append({ fu: key, ev: "queued", due: due.toISOString(), ...anyTime(timing, due, env.hours) }, env.now());
    }
    return { key, bundleId: known.bundle, due, fresh: false, state: known.state === "sealed" ? "queued" : known.state, items: [], bytes: known.bytes ?? 0, plan: {} };
  }

  const staging = await outbox.staging();
  try {
    const { sealed, items, plan } = await withPrivateTemp(async (dir) => {
      const composed = await composeFollowUp(valid.draft, composeContext(valid, env), dir);
      const summary = await summarise(composed.items);
      env.onStage?.("seal", "start");
      const result = await env.seal.seal({ client: valid.client, message: composed.message, items: composed.items, outDir: staging });
      env.onStage?.("seal", "done");
      return { sealed: result, items: summary, plan: await planFor(valid, composed.message, summary, result, env) };
    });
    // Over the channel's limits or the credits left: refused before it enters the outbox (the staging folder goes).
    const refused = refusal(plan);
    if (refused !== undefined) throw refused;
    const release = await env.holdClient?.(valid.client.alias, valid.channel.type);
    try {
      return await enqueue(valid, key, origin, timing, env, sealed, items, plan);
    } finally {
      await release?.();
    }
  } finally {
    await removeTemp(staging);
  }
}

/** Put a sealed follow-up into the outbox, and record it as sealed and queued. */
async function enqueue(
  valid: ValidDraft,
  key: string,
  origin: "send" | "new" | "batch" | "reply",
  timing: Timing,
  env: PrepareEnv,
  sealed: { readonly path: string; readonly bundleId: string; readonly sha256: string; readonly size: number },
  items: ItemSummary[],
  plan: DeliveryPlan,
): Promise<Prepared> {
  const { ledger, outbox } = env;
  await outbox.add(sealed.path, {
    v: 1,
    key,
    bundle: sealed.bundleId,
    alias: valid.client.alias,
    channel: valid.channel.name,
    origin,
    created: env.now().toISOString(),
    ...(valid.draft.viewer === undefined ? {} : { viewer: valid.draft.viewer }),
  });
  await ledger.append(
    {
      fu: key,
      ev: "sealed",
      bundle: sealed.bundleId,
      sha256: sealed.sha256,
      client: await env.tagger(valid.client.alias),
      channel: valid.channel.name,
      channelType: valid.channel.type,
      items: items.length,
      bytes: sealed.size,
      origin,
    },
    env.now(),
  );
  const due = dueTime(env.now(), env.hours, timing);
  await ledger.append({ fu: key, ev: "queued", due: due.toISOString(), ...anyTime(timing, due, env.hours) }, env.now());
  return { key, bundleId: sealed.bundleId, due, fresh: true, state: "queued", items, bytes: sealed.size, plan };
}
