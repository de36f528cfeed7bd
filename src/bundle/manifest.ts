import { z } from "../zod.js";

/** The bundle format version this code writes and reads (docs/bundle-format.md). */
export const FORMAT_VERSION = 1;

export const ITEM_KINDS = ["photo", "audio", "homework", "impulse", "appointment", "file"] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const manifestItemSchema = z
  .object({
    path: z.string().regex(/^items\/[^/\\\0]+$/),
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
        /** The minisign public key (the base64 line of minisign.pub). Self-asserted: trust comes from --signer or the practice keyring. */
        minisignPublicKey: z.string().regex(/^[A-Za-z0-9+/]{56}$/),
        ageRecipient: z.string().startsWith("age1"),
      })
      .strict(),
    client: z.string().min(1).max(64),
    lang: z.enum(["de", "en"]),
    message: z.string().max(1_000_000),
    items: z.array(manifestItemSchema).max(1000),
  })
  .strict();
export type Manifest = z.infer<typeof manifestSchema>;
