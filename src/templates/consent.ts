/**
 * Consent templates are filled from what a channel type declares about itself (its
 * `profile`): provider, where it is based, end-to-end encryption, phone number, address book,
 * metadata. This turns one profile into template variables.
 */
import type { ChannelProfile } from "../channels/contract.js";
import { CHANNEL_TYPES, channelType } from "../channels/registry.js";
import { ExitCode, UserError } from "../errors.js";
import type { Lang } from "../messages/index.js";
import type { Template } from "./schema.js";
import { quoted } from "../printable.js";

/** Channel types a consent text may be written for (WhatsApp is not a channel). */
export const CONSENT_CHANNELS: readonly ChannelProfile["type"][] = Object.values(CHANNEL_TYPES).map((t) => t.profile.type);

/**
 * The variables a consent template can use, for one channel type, in one language:
 * `channel`, `channel_name`, `provider`, `based_in`, `end_to_end` (yes|no|viewer),
 * `phone_number` (yes|no), `address_book`, `metadata`, `client_installs`, `client_cost`,
 * `automatic` (yes|no). When `template` is given, only the variables it declares are returned.
 * Throws a UserError for an unknown channel type.
 */
export function consentVariables(channel: string, lang: Lang, template?: Template): Record<string, string> {
  const profile = channelType(channel)?.profile;
  if (profile === undefined)
    throw new UserError(ExitCode.usage, "templates.unknownChannel", { channel: quoted(channel), known: CONSENT_CHANNELS.join(", ") });
  const all: Record<string, string> = {
    channel: profile.type,
    channel_name: profile.inSentence[lang],
    provider: profile.provider[lang],
    based_in: profile.basedIn[lang],
    end_to_end: profile.endToEnd === "viewer" ? "viewer" : profile.endToEnd ? "yes" : "no",
    phone_number: profile.phoneNumberRequired ? "yes" : "no",
    address_book: profile.readsAddressBook[lang],
    metadata: profile.metadata[lang],
    client_installs: profile.clientInstalls[lang],
    client_cost: profile.clientCost[lang],
    automatic: profile.automatic ? "yes" : "no",
  };
  if (!template) return all;
  return Object.fromEntries(Object.entries(all).filter(([name]) => Object.hasOwn(template.variables, name)));
}
