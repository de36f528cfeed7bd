/**
 * Test material for channel deliveries: processed media made from the shared fixtures with the
 * real tools (sharp for photos, ffmpeg for audio, all metadata dropped), and a `Delivery` as the
 * outbox would hand it to a channel.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import type { Delivery, DeliveryRecipient } from "../../../src/channels/contract.js";
import type { FollowUpItem } from "../../../src/bundle/open.js";
import type { ItemKind, ManifestItem } from "../../../src/bundle/manifest.js";
import { FIXTURES } from "../../helpers/cli.js";

const run = promisify(execFile);

export interface ProcessedMedia {
  readonly photoJpeg: string;
  readonly photoPng: string;
  readonly audioOpus: string;
  readonly audioM4a: string;
}

/** Processed copies of fixtures in `dir`: upright, shrunk, converted, metadata gone. */
export async function processMedia(dir: string): Promise<ProcessedMedia> {
  const photoJpeg = join(dir, "whiteboard.jpg");
  const photoPng = join(dir, "flipchart.png");
  const audioOpus = join(dir, "exercise.ogg");
  const audioM4a = join(dir, "voice-memo.m4a");
  await sharp(join(FIXTURES, "whiteboard.jpg")).rotate().resize(1024, 1024, { fit: "inside" }).jpeg({ quality: 80 }).toFile(photoJpeg);
  await sharp(join(FIXTURES, "flipchart.png")).resize(800).png().toFile(photoPng);
  const audioArgs = ["-v", "error", "-y", "-map_metadata", "-1", "-map", "0:a", "-ac", "1", "-fflags", "+bitexact", "-flags", "+bitexact"];
  await run("ffmpeg", ["-i", join(FIXTURES, "exercise.mp3"), ...audioArgs, "-c:a", "libopus", "-b:a", "32k", audioOpus]);
  await run("ffmpeg", ["-i", join(FIXTURES, "voice-memo.m4a"), ...audioArgs, "-c:a", "aac", "-b:a", "64k", audioM4a]);
  return { photoJpeg, photoPng, audioOpus, audioM4a };
}

export async function item(file: string, kind: ItemKind, mime: string, name = basename(file)): Promise<FollowUpItem> {
  const bytes = await readFile(file);
  const entry: ManifestItem = {
    path: `items/${name}`,
    kind,
    mime,
    size: (await stat(file)).size,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
  return { item: entry, file };
}

export const BUNDLE_ID = "01jd8x7k3m9q2w5e6r7t8y9u0p";

export interface DeliveryOptions {
  readonly dir: string;
  readonly address: string | null;
  readonly message?: string;
  readonly items?: readonly FollowUpItem[];
  readonly lang?: "de" | "en";
  readonly viewer?: boolean;
}

/** A delivery of an opened follow-up to client `k042`, with a dummy sealed bundle on disk. */
export async function makeDelivery(options: DeliveryOptions): Promise<Delivery> {
  const bundlePath = join(options.dir, `${BUNDLE_ID}.age`);
  await writeFile(bundlePath, "age-encryption.org/v1\n(test bundle)\n");
  let viewerPath: string | undefined;
  if (options.viewer === true) {
    viewerPath = join(options.dir, `${BUNDLE_ID}.html`);
    await writeFile(viewerPath, "<!doctype html><title>viewer</title>");
  }
  const recipient: DeliveryRecipient = {
    alias: "k042",
    lang: options.lang ?? "de",
    address: options.address,
    pinnedKeys: {},
    pinKey: () => Promise.resolve(),
  };
  const items = options.items ?? [];
  const manifest = {
    format: "nachklang-bundle" as const,
    version: 2 as const,
    id: BUNDLE_ID,
    created: "2026-11-22T08:00:00Z",
    practice: { name: "Praxis Test", keyId: "0123456789ABCDEF", minisignPublicKey: "RWQBI0VniavN7test", ageRecipient: "age1test" },
    recipients: ["0".repeat(64)],
    client: "k042",
    lang: options.lang ?? "de",
    message: options.message ?? "Bis nächste Woche – hier das Bild vom Whiteboard und die Übung.",
    items: items.map((i) => i.item),
  };
  const manifestBytes = new TextEncoder().encode(JSON.stringify(manifest));
  return {
    bundleId: BUNDLE_ID,
    bundlePath,
    ...(viewerPath !== undefined ? { viewerPath } : {}),
    followUp: { manifest, manifestBytes, signature: "untrusted comment: test\n", items },
    recipient,
    progress: { done: new Map(), record: () => Promise.resolve() },
  };
}
