/**
 * Follow-ups waiting in the outbox, checked again after a client or a channel was changed: would
 * each still go out as it was queued? The sealed bundles are never touched; the answer is a list
 * of findings for the practitioner (reroute, cancel, or nothing to do).
 */
import { isUserError } from "../errors.js";
import type { MessageKey, MessageParams } from "../messages/index.js";
import type { OutboxMeta } from "../delivery/outbox.js";
import type { ClientRecord } from "../practice/clients.js";
import { currentConsent } from "../practice/consent.js";
import type { ChannelPort } from "./ports.js";
import { addressOf } from "./validate.js";

export interface QueuedEntry {
  /** The bundle id, as `outbox list` shows it. */
  readonly id: string;
  readonly meta: OutboxMeta;
}

export interface RecheckFinding {
  readonly id: string;
  readonly alias: string;
  readonly channel: string;
  /** What stands in the way or changed; absent: it goes out as queued. */
  readonly problem?: { readonly key: MessageKey; readonly params: MessageParams };
  /** True when the follow-up can no longer be delivered as queued (reroute or cancel it). */
  readonly blocked: boolean;
}

export interface RecheckChange {
  /** The client's age recipient changed: bundles sealed to the old one are not for the new key. */
  readonly ageKeyChanged?: boolean;
  /**
   * Client fields changed that a follow-up's text may be made from (language, name, greeting):
   * sealed follow-ups keep what they were written with.
   */
  readonly contentFields?: readonly string[];
}

/**
 * Check each entry against the client records and channels as they are now. Never throws for
 * an expected problem: a channel that no longer loads, a missing consent, address or viewer
 * passphrase each become a finding.
 */
export async function recheckQueued(
  entries: readonly QueuedEntry[],
  env: { client(alias: string): ClientRecord | undefined; channels: ChannelPort },
  change: RecheckChange = {},
): Promise<RecheckFinding[]> {
  const findings: RecheckFinding[] = [];
  for (const { id, meta } of entries) {
    const base = { id, alias: meta.alias, channel: meta.channel };
    const blocked = (key: MessageKey, params: MessageParams) => findings.push({ ...base, problem: { key, params: { id, alias: meta.alias, channel: meta.channel, ...params } }, blocked: true });
    const client = env.client(meta.alias);
    if (client === undefined) {
      blocked("recheck.clientGone", {});
      continue;
    }
    let resolved;
    try {
      resolved = await env.channels.resolve(meta.channel);
    } catch (error) {
      if (!isUserError(error)) throw error;
      blocked("recheck.channelUnusable", {});
      continue;
    }
    if (currentConsent(client, resolved.type) === undefined) {
      blocked("recheck.noConsent", { type: resolved.type });
      continue;
    }
    if (resolved.address !== "none" && addressOf(client, resolved.address) === null) {
      blocked("recheck.noAddress", { kind: resolved.address });
      continue;
    }
    const needsViewer = resolved.wantsViewer === true || meta.viewer !== undefined;
    if (needsViewer && (meta.viewer?.passphrase ?? client.viewerPassphrase) === undefined) {
      blocked("recheck.noViewerPassphrase", {});
      continue;
    }
    if (change.ageKeyChanged === true && resolved.handsOverBundle && !needsViewer) {
      blocked("recheck.ageKeyChanged", {});
      continue;
    }
    if (change.contentFields !== undefined && change.contentFields.length > 0) {
      findings.push({ ...base, problem: { key: "recheck.writtenBefore", params: { id, alias: meta.alias, channel: meta.channel, fields: change.contentFields.join(", ") } }, blocked: false });
      continue;
    }
    if (client.channel !== undefined && client.channel !== meta.channel) {
      findings.push({ ...base, problem: { key: "recheck.otherChannel", params: { id, alias: meta.alias, channel: meta.channel, preferred: client.channel } }, blocked: false });
      continue;
    }
    findings.push({ ...base, blocked: false });
  }
  return findings;
}
