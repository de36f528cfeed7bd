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

/** Every profile for the comparison, in the order practitioners read them: messengers first, WhatsApp last. */
export function channelProfiles(): readonly ChannelProfile[] {
  const order = ["threema", "signal", "wire", "email", "folder"] as const;
  return [...order.map((t) => CHANNEL_TYPES[t].profile), whatsappProfile];
}
