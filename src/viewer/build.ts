/**
 * Building the offline viewer: the opened follow-up (signed manifest bytes, signature, items)
 * as a new POSIX tar, sealed with age to a passphrase (scrypt recipient), inside one
 * self-contained HTML page with the decryptor that checks everything before showing anything.
 * See docs/viewer.md for the work factor and the page's security properties.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pack } from "tar-stream";
import { encryptWithPassphrase } from "../age/index.js";
import type { OpenedFollowUp } from "../bundle/open.js";
import { ExitCode, UserError } from "../errors.js";
import { writePrivateFile } from "../files.js";
import type { MessageKey, MessageParams } from "../messages/index.js";
import { canonicalPassphrase } from "./passphrase.js";
import { renderPage } from "./page.js";
import { packagePath } from "../package-root.js";
import { testScryptLogN } from "../practice/sealed-file.js";

/**
 * scrypt work factor (log2 N) of viewer pages: chosen so that a mid-range phone opens a page in
 * about 3 seconds; measured in Chromium, see docs/viewer.md.
 */
export const VIEWER_SCRYPT_LOG_N = 17;
/** Above this size (of the HTML file) the practitioner is warned: many mail providers refuse it. */
export const VIEWER_WARN_BYTES = 20 * 1024 * 1024;
/** Default refusal limit; the config key `viewerLimitMB` overrides it. */
export const VIEWER_DEFAULT_LIMIT_MB = 60;

const DECRYPTOR = packagePath("dist", "viewer", "decryptor.js");

export interface BuildViewerOptions {
  readonly followUp: OpenedFollowUp;
  /** The practice's minisign public key file text (`minisign.pub`). */
  readonly minisignPublicKey: string;
  readonly passphrase: string;
  /** scrypt work factor; default VIEWER_SCRYPT_LOG_N (tests: NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N). */
  readonly scryptLogN?: number;
  /** Refuse (UserError, exit 4) when the page would be larger; default 60 MB. */
  readonly limitBytes?: number;
  /** Told when the page is larger than VIEWER_WARN_BYTES. */
  readonly warn?: (key: MessageKey, params: MessageParams) => void;
}

/** The work factor for viewers: the test-only variable lowers it, as for the keyring. */
export function viewerScryptLogN(env: NodeJS.ProcessEnv = process.env): number {
  return testScryptLogN(env) ?? VIEWER_SCRYPT_LOG_N;
}

/** The refusal limit in bytes from the config value `viewerLimitMB` (a positive number). */
export function viewerLimitBytes(configured: unknown): number {
  // A number, or one written as a string in config.json ("30").
  const value = typeof configured === "string" && configured.trim() !== "" ? Number(configured) : configured;
  const mb = typeof value === "number" && Number.isFinite(value) && value > 0 ? value : VIEWER_DEFAULT_LIMIT_MB;
  return Math.floor(mb * 1024 * 1024);
}

/** MB to one decimal: a size rounded up, a limit down, so that a size over the limit never reads as equal to it. */
const mb = (bytes: number, round: "up" | "down") => {
  // A hair of tolerance: a limit of 0.2 MB in whole bytes is 0.19999… MB, and stays 0.2.
  const tenths = (bytes / (1024 * 1024)) * 10;
  return ((round === "up" ? Math.ceil(tenths - 1e-4) : Math.floor(tenths + 1e-4)) / 10).toFixed(1);
};

async function tarOf(entries: readonly { name: string; data: Uint8Array }[], mtime: Date): Promise<Uint8Array> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on("data", (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    archive.on("end", resolve);
    archive.on("error", reject);
  });
  for (const { name, data } of entries) {
    await new Promise<void>((resolve, reject) => {
      archive.entry({ name, size: data.length, mode: 0o644, mtime, type: "file" }, Buffer.from(data.buffer, data.byteOffset, data.length), (error) =>
        error ? reject(error) : resolve(),
      );
    });
  }
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Size of the finished page for a tar of `tarBytes`: age overhead, base64 with line breaks. */
function estimatePageBytes(tarBytes: number, scriptBytes: number): number {
  const age = 300 + 16 + tarBytes + 16 * Math.ceil(tarBytes / 65536 + 1);
  const b64 = Math.ceil(age / 3) * 4;
  return b64 + Math.ceil(b64 / 76) + scriptBytes + 8 * 1024;
}

/** Build the viewer page for one opened follow-up. Returns the HTML text. */
export async function buildViewer(options: BuildViewerOptions): Promise<string> {
  const { followUp } = options;
  const script = await readFile(DECRYPTOR, "utf8").catch((error: unknown) => {
    throw new Error(`the viewer's decryptor is not built (${DECRYPTOR}); run npm run build`, { cause: error });
  });
  const entries: { name: string; data: Uint8Array }[] = [
    { name: "manifest.json", data: followUp.manifestBytes },
    { name: "manifest.json.minisig", data: new TextEncoder().encode(followUp.signature) },
  ];
  let tarBytes = 1024 + 2 * 512 + followUp.manifestBytes.length + followUp.signature.length + 1024;
  for (const { item } of followUp.items) tarBytes += 512 + Math.ceil(item.size / 512) * 512;
  const estimate = estimatePageBytes(tarBytes, script.length);
  const limit = options.limitBytes ?? viewerLimitBytes(undefined);
  if (estimate > limit) throw new UserError(ExitCode.refused, "viewer.tooLarge", { size: mb(estimate, "up"), limit: mb(limit, "down") });

  for (const { item, file } of followUp.items) entries.push({ name: item.path, data: await readFile(file) });
  const tar = await tarOf(entries, new Date(followUp.manifest.created));

  const sealed = await encryptWithPassphrase(tar, canonicalPassphrase(options.passphrase), options.scryptLogN ?? viewerScryptLogN());

  const html = renderPage({
    lang: followUp.manifest.lang,
    publicKey: options.minisignPublicKey,
    payloadBase64: Buffer.from(sealed.buffer, sealed.byteOffset, sealed.length).toString("base64"),
    script,
  });
  const size = Buffer.byteLength(html, "utf8");
  if (size > limit) throw new UserError(ExitCode.refused, "viewer.tooLarge", { size: mb(size, "up"), limit: mb(limit, "down") });
  if (size > VIEWER_WARN_BYTES) options.warn?.("viewer.large", { size: mb(size, "up") });
  return html;
}

/** The viewer's file name: like the bundle's, it never says who it is for. */
export function viewerFileName(bundleId: string): string {
  return `${bundleId}.html`;
}

/**
 * Build the viewer and write it as `<bundle-id>.html` into `dir` — for the delivery path, which
 * hands the path to the channel as `viewerPath`. Written like every private file (files.ts
 * `writePrivateFile`): mode 0600, complete or not at all, never over an existing file (exit 2,
 * `file.exists`); a write that fails leaves nothing behind.
 */
export async function writeViewerFile(dir: string, options: BuildViewerOptions): Promise<string> {
  const html = await buildViewer(options);
  const path = join(dir, viewerFileName(options.followUp.manifest.id));
  await writePrivateFile(path, html, { exclusive: true });
  return path;
}
