/** Follow-ups and deliveries for the Threema channel tests (processed media made with sharp). */
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import type { Manifest, ManifestItem } from "../../../src/bundle/manifest.js";
import type { Delivery } from "../../../src/channels/contract.js";
import type { FollowUpItem } from "../../../src/bundle/open.js";
import { createThreemaChannel } from "../../../src/channels/threema.js";
import { toHex } from "../../../src/channels/threema/crypto.js";
import { FIXTURES } from "../../helpers/cli.js";
import type { GatewayEmulator } from "./emulator.js";

const run = promisify(execFile);

async function item(file: string, fields: Omit<ManifestItem, "path" | "size" | "sha256">): Promise<FollowUpItem> {
  const data = await readFile(file);
  const name = file.split("/").pop() ?? "item";
  return {
    file,
    item: { path: `items/${name}`, size: data.length, sha256: createHash("sha256").update(data).digest("hex"), ...fields },
  };
}

/** A photo as the media pipeline would hand it over: upright, 2048 px, JPEG, no metadata. */
export async function processedPhoto(dir: string): Promise<FollowUpItem> {
  const file = join(dir, "whiteboard.jpg");
  const info = await sharp(join(FIXTURES, "whiteboard.jpg")).rotate().resize(2048, 2048, { fit: "inside" }).jpeg({ quality: 82 }).toFile(file);
  return item(file, { kind: "photo", mime: "image/jpeg", caption: "Tafelbild", width: info.width, height: info.height });
}

/** An audio exercise as Opus in Ogg with its measured duration. */
export async function processedAudio(dir: string): Promise<FollowUpItem> {
  const file = join(dir, "exercise.ogg");
  await run("ffmpeg", ["-v", "error", "-y", "-i", join(FIXTURES, "exercise-de.wav"), "-ac", "1", "-c:a", "libopus", "-b:a", "32k", "-map_metadata", "-1", file]);
  const { stdout } = await run("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file]);
  await stat(file);
  return item(file, { kind: "audio", mime: "audio/ogg", caption: "Übung", durationSeconds: Math.round(Number(stdout.trim()) * 10) / 10 });
}

export async function textFile(dir: string, name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

export function manifest(message: string, items: readonly FollowUpItem[]): Manifest {
  return {
    format: "nachklang-bundle",
    version: 2,
    id: "01jthreematest0000000000000",
    created: "2026-11-22T08:00:00Z",
    practice: { keyId: "0123456789ABCDEF", minisignPublicKey: "A".repeat(56), ageRecipient: "age1test" },
    recipients: ["0".repeat(64)],
    client: "k042",
    lang: "de",
    message,
    items: items.map((i) => i.item),
  };
}

export interface TestDelivery extends Delivery {
  readonly pinned: Record<string, string>;
  readonly recorded: Map<string, string>;
}

export function delivery(
  message: string,
  items: readonly FollowUpItem[],
  address: string | null,
  state: { pinned?: Record<string, string>; recorded?: Map<string, string> } = {},
): TestDelivery {
  const pinned = state.pinned ?? {};
  const recorded = state.recorded ?? new Map<string, string>();
  const m = manifest(message, items);
  return {
    bundleId: m.id,
    bundlePath: "/nonexistent/bundle.age",
    followUp: { manifest: m, manifestBytes: new TextEncoder().encode(JSON.stringify(m)), signature: "", items },
    recipient: {
      alias: "k042",
      lang: "de",
      address,
      pinnedKeys: pinned,
      pinKey(name, value) {
        pinned[name] = value;
        return Promise.resolve();
      },
    },
    progress: {
      done: recorded,
      record(part, id) {
        if (recorded.has(part)) throw new Error(`part ${part} recorded twice`);
        recorded.set(part, id);
        return Promise.resolve();
      },
    },
    pinned,
    recorded,
  };
}

export function channelFor(emulator: GatewayEmulator, secret = emulator.secret) {
  return createThreemaChannel(
    {
      name: "threema",
      home: "/nonexistent",
      settings: { gatewayId: emulator.gatewayId, apiUrl: emulator.url },
      secret: (name) => (name === "secret" ? secret : name === "privateKey" ? `private:${toHex(emulator.gateway.privateKey)}` : undefined),
    },
    { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } },
  );
}
