import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import * as z from "../zod.js";

// Also bundled into the offline viewer's page: no Node-only imports here.

/** The bundle format version this code writes and reads (docs/bundle-format.md). */
export const FORMAT_VERSION = 2;

export const ITEM_KINDS = ["photo", "audio", "homework", "impulse", "appointment", "file"] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** The longest item name after `items/`: the whole entry name fits a ustar name field (100 bytes). */
export const MAX_ITEM_NAME = 94;
/** The most items a bundle holds (docs/bundle-format.md, the reader's limits). */
export const MAX_ITEMS = 1000;

/**
 * Names Windows reserves for devices, with any extension (`CON`, `nul.txt`, `COM1.jpg`): a file
 * of that name cannot be created there, or means a device.
 */
const RESERVED_NAME = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\..*)?$/i;

/**
 * Whether `name` (the part after `items/`) is in the documented set: `A–Z a–z 0–9 . _ -`, at most
 * MAX_ITEM_NAME characters, not starting with `.` or `-`, not ending with `.`, not a name Windows
 * reserves. Such a name means the same file on every file system and prints as it is.
 */
export function isItemName(name: string): boolean {
  return (
    name.length <= MAX_ITEM_NAME &&
    /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(name) &&
    !name.endsWith(".") &&
    !RESERVED_NAME.test(name)
  );
}

/** Whether `path` is `items/<name>` with a name in the documented set. */
export function isItemPath(path: string): boolean {
  return path.startsWith("items/") && isItemName(path.slice("items/".length));
}

/**
 * A recipient's fingerprint as the manifest lists it: SHA-256 of the `age1…` string (lower-case,
 * as age writes it), in hex. It says which keys a bundle was sealed for without spelling them out.
 */
export function recipientFingerprint(recipient: string): string {
  return bytesToHex(sha256(utf8ToBytes(recipient.toLowerCase())));
}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const manifestItemSchema = z
  .object({
    path: z.string().refine(isItemPath, "not items/ and a name of letters, digits, . _ -"),
    kind: z.enum(ITEM_KINDS),
    mime: z.string().min(1).max(200),
    size: z.number().int().nonnegative(),
    sha256: sha256Hex,
    caption: z.string().max(10_000).optional(),
    durationSeconds: z.number().nonnegative().optional(),
    width: z.number().int().positive().optional(),
    height: z.number().int().positive().optional(),
  })
  .strict();
export type ManifestItem = z.infer<typeof manifestItemSchema>;

export const manifestSchema = z
  .object({
    format: z.literal("nachklang-bundle"),
    version: z.literal(FORMAT_VERSION),
    id: z.string().regex(/^[0-9a-z]{26}$/),
    created: z.iso.datetime({ offset: true }),
    practice: z
      .object({
        name: z.string().max(200).optional(),
        keyId: z.string().regex(/^[0-9A-F]{16}$/),
        /** The minisign public key (the base64 line of minisign.pub). A claim: readers check it equals the key that verified. */
        minisignPublicKey: z.string().regex(/^[A-Za-z0-9+/]{56}$/),
        ageRecipient: z.string().startsWith("age1"),
      })
      .strict(),
    /** Fingerprints (recipientFingerprint) of every age recipient the bundle was sealed for. */
    recipients: z.array(sha256Hex).min(1).max(64),
    client: z.string().min(1).max(64),
    lang: z.enum(["de", "en"]),
    message: z.string().max(1_000_000),
    items: z.array(manifestItemSchema).max(MAX_ITEMS),
  })
  .strict();
export type Manifest = z.infer<typeof manifestSchema>;
