/**
 * The static registry of channel types. Adding a channel: one file under src/channels/ that
 * exports a `ChannelType`, and one line here.
 */
import type { ChannelType } from "./contract.js";

import { emailChannel } from "./email.js";
import { folderChannel } from "./folder.js";
import { signalChannel } from "./signal.js";
import { threemaChannel } from "./threema.js";
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
  return Object.hasOwn(CHANNEL_TYPES, type) ? (CHANNEL_TYPES[type as ChannelTypeName]) : undefined;
}

export function listChannelTypes(): readonly ChannelType<unknown>[] {
  return Object.values(CHANNEL_TYPES);
}
