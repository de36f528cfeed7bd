/**
 * Delivering one queued follow-up: take its lock, look at its state in the ledger, check
 * consent again, open the sealed bundle, check the credits its channel charges against what is
 * left (Threema Gateway), hand it to the channel with a `DeliveryProgress` backed by the ledger,
 * record the result.
 *
 * A ledger that says `sending` for a follow-up whose lock we now hold means a process died
 * mid-delivery: whether the client received it is unknown. On channel types that declare
 * repeating harmless (folder, wire: same bundle id, same files) it is delivered again; on all
 * others it is marked `uncertain`, reported, and left for the practitioner to check
 * (`nachklang outbox retry ID` releases it).
 */
import { stat } from "node:fs/promises";
import type { DeliveryProgress, DeliveryRecipient } from "../channels/contract.js";
import type { Clock } from "../delivery/clock.js";
import { isSettled, type FollowUpState, type Ledger } from "../delivery/ledger.js";
import type { Outbox } from "../delivery/outbox.js";
import { IntegrityError, isUserError } from "../errors.js";
import type { MessageKey, MessageParams } from "../messages/index.js";
import type { ClientRecord } from "../practice/clients.js";
import { currentConsent } from "../practice/consent.js";
import type { OpenedFollowUp } from "../bundle/open.js";
import type { CreditBudget } from "./credits.js";
import { makePrivateTemp, removeTemp } from "../temp.js";
import type { ChannelPort, OpenPort, ResolvedChannel, ViewerPort } from "./ports.js";
import { addressOf, missingConsent } from "./validate.js";


export type DeliveryOutcome =
  | { readonly status: "sent"; readonly ids: readonly string[]; readonly repeated: boolean }
  | {
      readonly status: "failed";
      readonly reason: MessageKey;
      readonly params: MessageParams;
      readonly retryable: boolean;
      readonly permanent?: boolean;
      /** The sealed bundle or its description failed decryption, a hash or the signature (exit 5). */
      readonly integrity?: boolean;
    }
  | { readonly status: "uncertain" }
  | { readonly status: "skipped"; readonly state: FollowUpState["state"] };

export interface DeliveryEnv {
  readonly ledger: Ledger;
  readonly outbox: Outbox;
  readonly open: OpenPort;
  readonly channels: ChannelPort;
  readonly viewer?: ViewerPort;
  readonly client: (alias: string) => ClientRecord | undefined;
  readonly pinKey: (alias: string, name: string, value: string) => Promise<void>;
  readonly now: Clock;
  /** The run's prepaid credits (src/followup/credits.ts); without it balances are not checked. */
  readonly credits?: CreditBudget;
}

/** Deliver under the follow-up's lock (see `deliverClaimed` for a caller that holds it). */
export async function deliverFollowUp(key: string, env: DeliveryEnv): Promise<DeliveryOutcome> {
  const release = await env.ledger.claim(key);
  try {
    return await deliverClaimed(key, env);
  } finally {
    await release();
  }
}

/** What resolving a channel says when none of that name is configured (any more). */
const CHANNEL_GONE: ReadonlySet<string> = new Set(["channel.unknownName", "channel.unknown"]);

function failure(reason: MessageKey, params: MessageParams, retryable: boolean, permanent = false): DeliveryOutcome {
  return { status: "failed", reason, params, retryable, ...(permanent ? { permanent: true } : {}) };
}

/**
 * A failure `outbox flush` no longer retries: repeating could duplicate what the client got
 * (`retryable: false`), or waiting cannot heal it (`permanent`: unknown recipient, key changed,
 * consent withdrawn). It waits for the practitioner: `outbox reroute`, `retry` or `cancel`.
 */
export function stopped(state: Pick<FollowUpState, "state" | "retryable" | "permanent">): boolean {
  return state.state === "failed" && (state.retryable === false || state.permanent === true);
}

/** The caller holds `ledger.claim(key)`. */
export async function deliverClaimed(key: string, env: DeliveryEnv): Promise<DeliveryOutcome> {
  const { ledger } = env;
  const state = await ledger.state(key);
  if (state === undefined || state.bundle === undefined) return failure("ledger.unknownFollowUp", { id: key }, false);
  const bundleId = state.bundle;
  if (isSettled(state) || state.state === "uncertain") return { status: "skipped", state: state.state };
  if (stopped(state)) return { status: "skipped", state: state.state };
  const interrupted = state.state === "sending";
  let meta;
  try {
    meta = await env.outbox.meta(bundleId);
  } catch (error) {
    return damaged(env, key, error);
  }
  if (interrupted && !(await repeatsHarmlessly(env.channels, meta?.channel, state.channelType))) {
    await ledger.append({ fu: key, ev: "uncertain" }, env.now());
    return { status: "uncertain" };
  }
  if (meta === undefined || !(await env.outbox.has(bundleId))) return failure("outbox.missingBundle", { id: bundleId }, false);
  const client = env.client(meta.alias);
  if (client === undefined) return record(env, key, failure("client.unknown", { alias: meta.alias }, true));
  let channel;
  try {
    const resolved = await env.channels.resolve(meta.channel);
    if (currentConsent(client, resolved.type) === undefined) {
      // Consent withdrawn since sealing: waiting does not bring it back (permanent).
      const missing = missingConsent(client.alias, resolved.type);
      return record(env, key, failure(missing.key, missing.params, true, true));
    }
    channel = { resolved, instance: await resolved.create() };
  } catch (error) {
    if (!isUserError(error)) throw error;
    // The channel it was queued for was removed since: waiting does not bring it back (permanent).
    return record(env, key, failure(error.key, error.params, true, CHANNEL_GONE.has(error.key)));
  }

  const recipient: DeliveryRecipient = {
    alias: client.alias,
    lang: client.lang,
    address: addressOf(client, channel.resolved.address),
    pinnedKeys: client.pinnedKeys,
    pinKey: (name, value) => env.pinKey(client.alias, name, value),
  };
  const done = new Map(state.parts);
  const progress: DeliveryProgress = {
    done,
    async record(part, messageId) {
      await ledger.append({ fu: key, ev: "part", part, id: messageId }, env.now());
      done.set(part, messageId);
    },
  };

  // E-mail always carries the viewer; the folder channel when configured with --viewer; any
  // follow-up sent with `send --viewer` (with its own passphrase, if one was given).
  const needsViewer = channel.resolved.wantsViewer === true || meta.viewer !== undefined;
  const viewerPassphrase = meta.viewer?.passphrase ?? client.viewerPassphrase;
  if (needsViewer && (viewerPassphrase === undefined || env.viewer === undefined)) {
    return record(env, key, failure("viewer.noPassphrase", { alias: client.alias }, true));
  }
  let opened;
  try {
    opened = channel.resolved.handsOverBundle && !needsViewer
      ? { followUp: await env.open.verify(env.outbox.bundlePath(bundleId)), dispose: () => Promise.resolve() }
      : await env.open.open(env.outbox.bundlePath(bundleId));
  } catch (error) {
    return damaged(env, key, error);
  }
  const viewerDir = needsViewer ? await makePrivateTemp("nachklang-viewer-") : undefined;
  try {
    // Not begun yet: what it costs must still be left (a delivery that stopped halfway is resumed
    // unchecked; the parts it still needs cost less than the plan says, and the Gateway refuses
    // a part it cannot pay with 402, which stops it again).
    if (done.size === 0) {
      const short = await creditsShort(env, channel.resolved, client.alias, bundleId, opened.followUp);
      if (short !== undefined) return await record(env, key, short);
    }
    const viewerPath =
      viewerDir !== undefined && env.viewer !== undefined && viewerPassphrase !== undefined
        ? await env.viewer.write(opened.followUp, viewerPassphrase, viewerDir)
        : undefined;
    await ledger.append({ fu: key, ev: "sending", attempt: state.attempts + 1, pid: process.pid }, env.now());
    const result = await channel.instance.deliver({
      bundleId,
      bundlePath: env.outbox.bundlePath(bundleId),
      followUp: opened.followUp,
      recipient,
      progress,
      ...(viewerPath === undefined ? {} : { viewerPath }),
    });
    if (result.status === "sent") {
      await ledger.append({ fu: key, ev: "sent", ids: [...result.ids] }, env.now());
      await env.outbox.archive(bundleId);
      return { status: "sent", ids: result.ids, repeated: interrupted };
    }
    // Nothing went out: what this run counted for it is free for the next one.
    if (done.size === 0) env.credits?.release(bundleId);
    return await record(env, key, failure(result.reason, result.params ?? {}, result.retryable, result.permanent === true));
  } finally {
    await opened.dispose();
    if (viewerDir !== undefined) await removeTemp(viewerDir);
  }
}

/**
 * A retryable failure when the channel keeps a balance and this follow-up, with what this run
 * has delivered so far, costs more than is left: it stays in the outbox, unsent, until credits
 * are bought.
 */
async function creditsShort(env: DeliveryEnv, channel: ResolvedChannel, alias: string, bundleId: string, followUp: OpenedFollowUp): Promise<DeliveryOutcome | undefined> {
  if (env.credits === undefined || channel.plan === undefined) return undefined;
  const { message, items } = followUp.manifest;
  const shape = {
    message,
    items: items.map((i) => ({ name: i.path.slice("items/".length), size: i.size, kind: i.kind, ...(i.caption === undefined ? {} : { caption: i.caption }) })),
    bundleBytes: (await stat(env.outbox.bundlePath(bundleId))).size,
  };
  const planned = channel.plan(shape, alias);
  // Other refusals (limits) were checked when it was sealed or rerouted; the channel has the last word.
  if (planned.refuse !== undefined) return undefined;
  const refuse = (await env.credits.check(channel, alias, planned, bundleId)).refuse;
  if (refuse === undefined) return undefined;
  return failure(refuse.key === "threema.tooFewCredits" ? "threema.tooFewCreditsWaiting" : "threema.tooFewCreditsWaitingRun", refuse.params, true);
}

/** Whether the interrupted delivery may simply be repeated: the channel it went to is still of the type it was, and that type says so. */
async function repeatsHarmlessly(channels: ChannelPort, name: string | undefined, typeWhenSent: string | undefined): Promise<boolean> {
  if (name === undefined) return false;
  try {
    const resolved = await channels.resolve(name);
    return resolved.type === typeWhenSent && resolved.repeatHarmless;
  } catch {
    return false;
  }
}

/**
 * A bundle or description in the outbox that fails its checks (altered, cut short, not ours)
 * stays so however often it is tried: failed for good, named once. Anything else is rethrown.
 */
function damaged(env: DeliveryEnv, key: string, error: unknown): Promise<DeliveryOutcome> {
  if (!(error instanceof IntegrityError)) throw error;
  return record(env, key, { status: "failed", reason: error.key, params: error.params, retryable: true, permanent: true, integrity: true });
}

async function record(env: DeliveryEnv, key: string, outcome: DeliveryOutcome): Promise<DeliveryOutcome> {
  if (outcome.status === "failed") {
    await env.ledger.append({ fu: key, ev: "failed", reason: outcome.reason, retryable: outcome.retryable, ...(outcome.permanent === true ? { permanent: true } : {}) }, env.now());
  }
  return outcome;
}
