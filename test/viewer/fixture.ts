/**
 * Test follow-ups for the viewer, built directly as an `OpenedFollowUp`: a real JPEG (sharp),
 * real audio (ffmpeg lavfi sine → Opus in Ogg, AAC in MP4), a homework text, a manifest signed
 * with a fresh minisign key (src/bundle/signature.ts).
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import sharp from "sharp";
import type { OpenedFollowUp } from "../../src/channels/contract.js";
import { FORMAT_VERSION, recipientFingerprint, type Manifest, type ManifestItem } from "../../src/bundle/manifest.js";
import { encodePublicKey, formatKeyId, generateSigningKey, sign, type MinisignSecretKey } from "../../src/bundle/signature.js";
import { nobleEd25519 } from "../../src/bundle/ed25519-noble.js";

const run = promisify(execFile);

export const MESSAGE = "Schön, dass Sie da waren. Hier das Foto vom Flipchart und die Atemübung.\nBis bald!";
export const HOMEWORK = "# Three good things\n\nEach evening, write down three things that went well today.";

export interface TestFollowUp {
  readonly followUp: OpenedFollowUp;
  readonly key: MinisignSecretKey;
  readonly publicKey: string;
}

async function makeItem(dir: string, name: string, kind: ManifestItem["kind"], mime: string, data: Uint8Array, caption?: string) {
  const file = join(dir, name);
  await writeFile(file, data);
  const item: ManifestItem = {
    path: `items/${name}`,
    kind,
    mime,
    size: data.length,
    sha256: createHash("sha256").update(data).digest("hex"),
    ...(caption === undefined ? {} : { caption }),
  };
  return { item, file };
}

async function audio(dir: string, name: string, codec: string[]): Promise<Uint8Array> {
  const out = join(dir, `${name}.src`);
  await run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1.5", ...codec, "-f", name.endsWith(".ogg") ? "ogg" : "mp4", "-y", out]);
  return readFile(out);
}

export async function makeFollowUp(
  dir: string,
  options: { lang?: "de" | "en"; message?: string; key?: MinisignSecretKey; name?: string; homework?: { readonly text: string; readonly caption: string } } = {},
): Promise<TestFollowUp> {
  const key = options.key ?? generateSigningKey(nobleEd25519);
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 120, b: 40 } } }).jpeg().toBuffer();
  const items = [
    await makeItem(dir, "flipchart.jpg", "photo", "image/jpeg", jpeg, "Flipchart"),
    await makeItem(dir, "breathing.ogg", "audio", "audio/ogg", await audio(dir, "breathing.ogg", ["-c:a", "libopus", "-b:a", "32k"]), "Atemübung"),
    await makeItem(dir, "breathing.m4a", "audio", "audio/mp4", await audio(dir, "breathing.m4a", ["-c:a", "aac", "-b:a", "48k"])),
    options.homework === undefined
      ? await makeItem(dir, "homework.md", "homework", "text/markdown", new TextEncoder().encode(HOMEWORK), "Homework")
      : await makeItem(dir, "homework.txt", "homework", "text/plain; charset=utf-8", new TextEncoder().encode(options.homework.text), options.homework.caption),
  ];
  const ageRecipient = await identityToRecipient(await generateX25519Identity());
  const manifest: Manifest = {
    format: "nachklang-bundle",
    version: FORMAT_VERSION,
    id: "01jdz3k6q8m2v4x7c9b5n1t0aa",
    created: "2026-11-20T16:30:00.000Z",
    practice: {
      name: options.name ?? "Praxis Test",
      keyId: formatKeyId(key.keyId),
      minisignPublicKey: encodePublicKey(key).split("\n")[1]!,
      ageRecipient,
    },
    recipients: [recipientFingerprint(ageRecipient)],
    client: "k042",
    lang: options.lang ?? "en",
    message: options.message ?? MESSAGE,
    items: items.map((i) => i.item),
  };
  const manifestBytes = new TextEncoder().encode(JSON.stringify(manifest, null, 2));
  const signature = sign(key, manifestBytes, `timestamp:1795000000\tfile:manifest.json`, nobleEd25519);
  return { followUp: { manifest, manifestBytes, signature, items }, key, publicKey: encodePublicKey(key) };
}
