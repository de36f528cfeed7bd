/**
 * The Wire channel: Wire offers no open, self-service way to send messages from software (its
 * bot API was archived in 2024; the newer Wire Apps need Wire's approval). So a `wire` channel
 * is the folder channel plus instructions: it writes the bundle (and the passphrase viewer) into
 * the hand-off folder, and next to it `<bundle-id>.wire.txt`, telling the practitioner in the
 * client's language what to attach in the Wire app and what to write. The instructions name
 * neither the client nor anything of the follow-up's content.
 */
import { basename, join } from "node:path";
import type { ChannelType, Delivery, DeliveryResult } from "./contract.js";
import { folderChannel, handoffFolder, type FolderSettings } from "./folder.js";
import { t, type Lang } from "../messages/index.js";
import { writePrivateFile } from "../practice/home.js";

/** The instructions text for one delivery: what to attach and a neutral message to send. */
export function wireInstructions(lang: Lang, attach: string, viewer: boolean): string {
  const suggestion = t(lang, viewer ? "wire.suggestionViewer" : "wire.suggestionBundle");
  return t(lang, "wire.instructionsBody", { attach, suggestion });
}

export const wireChannel: ChannelType<FolderSettings> = {
  type: "wire",
  address: "none",
  capabilities: { ...folderChannel.capabilities, automatic: false },
  settings: folderChannel.settings,
  secrets: [],
  describe: (s) => folderChannel.describe(s),
  configure: (options) => folderChannel.configure(options),
  create(context) {
    const folder = handoffFolder(context.home, context.settings);
    const handOff = folderChannel.create(context);
    return {
      name: context.name,
      type: "wire",
      capabilities: wireChannel.capabilities,
      check: () => handOff.check(),
      async deliver(delivery: Delivery): Promise<DeliveryResult> {
        const placed = await handOff.deliver(delivery);
        if (placed.status !== "sent") return placed;
        const viewer = delivery.viewerPath !== undefined;
        const attach = basename(viewer ? (delivery.viewerPath ?? "") : delivery.bundlePath);
        const file = join(folder, `${delivery.bundleId}.wire.txt`);
        try {
          await writePrivateFile(file, wireInstructions(delivery.recipient.lang, attach, viewer));
        } catch (error) {
          // The bundle is in place already; delivering again writes the same names.
          return { status: "failed", reason: "folder.notWritable", params: { folder, reason: String(error) }, retryable: true };
        }
        return { status: "sent", ids: [...placed.ids, file] };
      },
    };
  },
};
