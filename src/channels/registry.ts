/**
 * The static registry of channel types. Adding a channel: one file under src/channels/ that
 * exports a `ChannelType`, and one line here.
 */
import { ExitCode, UserError } from "../errors.js";
import type { ChannelProfile, ChannelType } from "./contract.js";

import { emailChannel } from "./email.js";
import { folderChannel } from "./folder.js";
import { signalChannel } from "./signal.js";
import { threemaChannel } from "./threema.js";
import { isWhatsApp, refuseWhatsApp, whatsappProfile } from "./whatsapp.js";
import { wireChannel } from "./wire.js";

export const CHANNEL_TYPES = {
  folder: folderChannel,
  threema: threemaChannel,
  signal: signalChannel,
  wire: wireChannel,
  email: emailChannel,
} as const;

export type ChannelTypeName = keyof typeof CHANNEL_TYPES;

export function channelType(type: string): ChannelType<unknown> | undefined {
  return Object.hasOwn(CHANNEL_TYPES, type) ? CHANNEL_TYPES[type as ChannelTypeName] : undefined;
}

export function listChannelTypes(): readonly ChannelType<unknown>[] {
  return Object.values(CHANNEL_TYPES);
}

/**
 * The channel type for a type name: WhatsApp in any spelling is refused with the reason
 * (exit 4), an unknown name is a usage error listing the known types (exit 2). Configuration
 * (`client add --channel`, `channels add`, `consent record`) and sending check through here.
 */
export function requireChannelType(type: string): ChannelType<unknown> {
  if (isWhatsApp(type)) refuseWhatsApp();
  const found = channelType(type);
  if (found === undefined) throw new UserError(ExitCode.usage, "channel.unknownType", { type, known: Object.keys(CHANNEL_TYPES).join(", ") });
  return found;
}

/**
 * A channel *name* as configuration and sending use it (a client's preferred channel,
 * `send --channel`, a batch entry): WhatsApp in any spelling is refused with the reason (exit
 * 4); the name of a configured channel or of a channel type is accepted (a type may be
 * configured later); anything else is a usage error naming both lists (exit 2).
 */
export function requireChannelName(name: string, configured: readonly string[]): void {
  if (isWhatsApp(name)) refuseWhatsApp();
  if (configured.includes(name) || channelType(name) !== undefined) return;
  throw new UserError(ExitCode.usage, "channel.unknownName", { name, configured: configured.join(", ") || "-", types: Object.keys(CHANNEL_TYPES).join(", ") });
}

/**
 * The name of a channel about to be configured: never WhatsApp (exit 4), and never another
 * type's name (a `folder` channel called `threema` would mislead every later check; exit 2).
 */
/** A new channel's name: what `send --channel` and the messages show, so a word without spaces or slashes. */
export const CHANNEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

export function requireNewChannelName(name: string, type: string): void {
  if (isWhatsApp(name)) refuseWhatsApp();
  if (!CHANNEL_NAME.test(name)) throw new UserError(ExitCode.usage, "channel.badName", { name });
  if (name !== type && channelType(name) !== undefined) throw new UserError(ExitCode.usage, "channel.nameIsOtherType", { name, type });
}

/** Every profile for the comparison, in the order practitioners read them: messengers first, WhatsApp last. */
export function channelProfiles(): readonly ChannelProfile[] {
  const order = ["threema", "signal", "wire", "email", "folder"] as const;
  return [...order.map((t) => CHANNEL_TYPES[t].profile), whatsappProfile];
}
