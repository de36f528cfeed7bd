/**
 * Checking a follow-up before anything is processed: the client exists, the channel exists and
 * is not WhatsApp, the client has an address for it and current consent, the client can open
 * what the channel hands over, the note is not too large, every file exists,
 * the homework template and its variables are known, the appointment is a time.
 */
import type { AddressKind } from "../channels/contract.js";
import { ExitCode, isUserError } from "../errors.js";
import { mediaInputSize } from "../media/files.js";
import type { Clock } from "../delivery/clock.js";
import { noClientKey, type ClientRecord } from "../practice/clients.js";
import { currentConsent } from "../practice/consent.js";
import { isWhatsApp } from "../channels/whatsapp.js";
import { printable } from "../printable.js";
import { webAddress } from "../templates/values.js";
import { parseAppointment } from "./compose.js";
import { appointmentVars, oversizedNote, type FollowUpDraft } from "./draft.js";
import type { ChannelPort, HomeworkPort, Problem, ResolvedChannel } from "./ports.js";

export interface ValidationContext {
  readonly client: (alias: string) => ClientRecord | undefined;
  readonly channels: ChannelPort;
  readonly homework: HomeworkPort;
  readonly tz: string;
  /** The channel used when neither the follow-up nor the client names one. */
  readonly defaultChannel: string;
  /** The clock an appointment must lie after; absent: appointments are not checked against it. */
  readonly now?: Clock;
}

export interface ValidDraft {
  readonly draft: FollowUpDraft;
  readonly client: ClientRecord;
  readonly channel: ResolvedChannel;
}

export interface Validation {
  readonly valid?: ValidDraft;
  readonly problems: readonly Problem[];
  /** A problem is a refusal by policy (WhatsApp, no consent): exit 4 rather than 2. */
  readonly refused: boolean;
}

/** Whether `text` is one http(s) address, as a template's url variable is, and without spaces (one address, not words). */
const isWebAddress = (text: string): boolean => !/\s/.test(text) && webAddress(text) !== undefined;

export function addressOf(client: ClientRecord, kind: AddressKind): string | null {
  switch (kind) {
    case "threema":
      return client.threema ?? null;
    case "phone":
      return client.phone ?? null;
    case "email":
      return client.email ?? null;
    case "none":
      return null;
  }
}

export function channelNameFor(draft: FollowUpDraft, client: ClientRecord | undefined, fallback: string): string {
  return draft.channel ?? client?.channel ?? fallback;
}

export async function validateDraft(draft: FollowUpDraft, ctx: ValidationContext): Promise<Validation> {
  const problems: Problem[] = [];
  let refused = false;
  const alias = draft.client;
  const client = ctx.client(alias);
  if (client === undefined) problems.push({ key: noClientKey(alias), params: { alias } });

  const channelName = channelNameFor(draft, client, ctx.defaultChannel);
  let channel: ResolvedChannel | undefined;
  try {
    channel = await ctx.channels.resolve(channelName);
  } catch (error) {
    if (!isUserError(error)) throw error;
    problems.push({ key: error.key, params: error.params });
    // WhatsApp, in any spelling, is refused by policy.
    if (error.code === ExitCode.refused) refused = true;
  }
  if (client !== undefined && channel !== undefined) {
    const route = routeProblems(client, channel, draft.viewer);
    problems.push(...route.problems);
    if (route.refused) refused = true;
  }
  for (const [list, kind] of [
    [draft.photos, "photo"],
    [draft.audio, "audio"],
  ] as const) {
    for (const m of list) {
      try {
        await mediaInputSize(m.path, kind);
      } catch (error) {
        if (!isUserError(error)) throw error;
        problems.push({ key: error.key, params: error.params });
      }
    }
  }
  // Checked here for every way in (a batch entry, a series step, the wizard); `send --note-file` also before it reads the file.
  const tooLarge = oversizedNote("note", draft.note);
  if (tooLarge !== undefined) problems.push({ key: "note.tooLarge", params: tooLarge });
  // A link impulse is one web address, as a template's url variable is: not `javascript:`,
  // `file:` or free text shown under the label "Link".
  for (const impulse of draft.impulses) {
    if (impulse.kind === "link" && !isWebAddress(impulse.text)) problems.push({ key: "impulse.badLink", params: { value: printable(impulse.text.slice(0, 200)) } });
  }
  if (draft.homework !== undefined && client !== undefined) {
    problems.push(...(await ctx.homework.check(draft.homework.id, draft.homework.lang ?? client.lang, draft.homework.vars, appointmentVars(draft.appointment))));
  }
  if (draft.kind === "reminder" && draft.appointment === undefined) problems.push({ key: "kind.reminderNeedsAppointment", params: { alias } });
  if (draft.appointment !== undefined) {
    const { start, problem } = parseAppointment(draft.appointment, ctx.tz);
    if (problem !== undefined) problems.push(problem);
    else if (ctx.now !== undefined && start.getTime() <= ctx.now().getTime()) problems.push({ key: "date.appointmentPast", params: { value: draft.appointment } });
  }
  const valid = problems.length === 0 && client !== undefined && channel !== undefined ? { draft, client, channel } : undefined;
  return { ...(valid === undefined ? {} : { valid }), problems, refused };
}

/** No current consent of `alias` for `channelType`, with the command that records one. */
export function missingConsent(alias: string, channelType: string): Problem {
  return { key: "consent.missing", params: { alias, channel: channelType, command: `nachklang consent record ${alias} --channel ${channelType}` } };
}

/**
 * Whether `channel` may carry a follow-up to `client`: not WhatsApp, current consent for its
 * type, an address for it, and something the client can open (their age key or the viewer).
 * `refused`: a problem is a refusal by policy (exit 4), not a usage error.
 */
export function routeProblems(client: ClientRecord, channel: ResolvedChannel, draftViewer: FollowUpDraft["viewer"]): { problems: Problem[]; refused: boolean } {
  const problems: Problem[] = [];
  let refused = false;
  const alias = client.alias;
  if (isWhatsApp(channel.type)) {
    problems.push({ key: "channels.whatsappRefused", params: {} });
    refused = true;
  } else if (currentConsent(client, channel.type) === undefined) {
    problems.push(missingConsent(alias, channel.type));
    refused = true;
  }
  const viewer = draftViewer !== undefined || channel.wantsViewer === true;
  if (viewer && (draftViewer?.passphrase ?? client.viewerPassphrase) === undefined) {
    problems.push({ key: "viewer.noPassphrase", params: { alias } });
  }
  // A channel that hands over the sealed bundle (folder, wire) reaches a client who can open
  // it only with their own age key or through the viewer; anything else would be "delivered"
  // and never read. A configuration problem with a named fix (exit 2), not a policy refusal.
  if (channel.handsOverBundle && !viewer && client.ageRecipient === undefined) {
    problems.push({ key: "workflow.unopenable", params: { alias, channel: channel.name } });
  }
  if (channel.address !== "none" && addressOf(client, channel.address) === null) {
    problems.push({ key: "workflow.noAddress", params: { alias, channel: channel.name, address: channel.address } });
  }
  return { problems, refused };
}
