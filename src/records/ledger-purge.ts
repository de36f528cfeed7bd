/**
 * Removing lines from the append-only ledger without losing its trustworthiness. The retention
 * purge compacts `ledger/events.jsonl` into a new file without the expired clients' lines and
 * appends a **signed purge record** to `ledger/purges.jsonl`: what the ledger was before (its
 * SHA-256 and line count), what it is after (SHA-256, lines and bytes of the new file), what was
 * removed (line count, SHA-256 of the removed lines, the client tags), the previous purge
 * record's hash (a chain), all signed by the practice's minisign key (prehashed, as bundles).
 *
 * `verifyLedger` checks: every purge record's signature and its link to the one before; that the
 * current ledger still begins with exactly the bytes the last purge left (appends after it are
 * fine, changes before its end are not); and that every line is a valid event. So a line that
 * was changed or deleted outside a purge is found, and every removal is accounted for by a
 * record only the practice could sign.
 */
import { createHash } from "node:crypto";
import { readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import { z } from "../zod.js";
import { ensurePrivateDir, parseJsonLine, writePrivateFile } from "../files.js";
import { readLedgerLine } from "../delivery/ledger.js";
import { Journal } from "./journal.js";

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

/** The same lock the ledger takes for appends (delivery/ledger.ts), so no append lands mid-purge. */
const APPEND_LOCK = { stale: 5000, realpath: false, retries: { retries: 200, minTimeout: 10, maxTimeout: 100, factor: 1.3 } } as const;

export const purgeSummarySchema = z
  .object({
    format: z.literal("nachklang-ledger-purge"),
    version: z.literal(1),
    at: z.iso.datetime({ offset: true }),
    keyId: z.string().regex(/^[0-9A-F]{16}$/),
    before: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), lines: z.number().int().nonnegative() }).strict(),
    after: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), lines: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() }).strict(),
    removed: z
      .object({
        lines: z.number().int().nonnegative(),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        followUps: z.number().int().nonnegative(),
        clients: z.array(z.string().regex(/^[0-9a-f]{32}$/)),
      })
      .strict(),
    /** SHA-256 of the previous record's summary text, or null for the first purge. */
    previous: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  })
  .strict();
export type PurgeSummary = z.infer<typeof purgeSummarySchema>;

const recordSchema = z.object({ summary: z.string(), signature: z.string() }).strict();

export interface LedgerSigner {
  readonly keyId: string;
  /** A minisign prehashed signature of `message` with a one-line trusted comment. */
  sign(message: Uint8Array, trustedComment: string): string | Promise<string>;
}

export interface LedgerVerifier {
  readonly keyId: string;
  /** Throws when `signature` is not the practice's signature of `message`. */
  verify(message: Uint8Array, signature: string): void;
}

export interface LedgerPurgeResult {
  readonly removedLines: number;
  readonly summary: PurgeSummary | undefined;
}

function paths(dir: string) {
  return { events: join(dir, "events.jsonl"), purges: join(dir, "purges.jsonl"), lock: join(dir, "events.lock") };
}

async function readOrEmpty(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw error;
  }
}

/**
 * Remove the ledger lines of these follow-ups and clients (a line goes when its `fu` is in
 * `followUps` or its `client` in `clients`), and record the purge, signed. Nothing to remove:
 * nothing changes and no record is written.
 *
 * Order, for crash safety: the new file is written beside the old one, the signed record is
 * appended, then the new file is renamed into place. A crash before the rename leaves the old
 * ledger with a record describing a purge not yet done; `verifyLedger` says so ("interrupted")
 * and the next purge completes it.
 */
export async function purgeLedger(dir: string, followUps: ReadonlySet<string>, clients: ReadonlySet<string>, signer: LedgerSigner, now: Date): Promise<LedgerPurgeResult> {
  const p = paths(dir);
  await ensurePrivateDir(dir);
  const release = await lockfile.lock(p.events, { ...APPEND_LOCK, lockfilePath: p.lock });
  try {
    const text = await readOrEmpty(p.events);
    const lines = text.split("\n");
    lines.pop(); // the empty string after the last newline, or a torn tail (dropped: never a whole event)
    const kept: string[] = [];
    const removed: string[] = [];
    const gone = new Set<string>();
    for (const line of lines) {
      if (line.length === 0) continue;
      const value = parseJsonLine(line) as { fu?: unknown; client?: unknown } | null | undefined;
      const fu = typeof value?.fu === "string" ? value.fu : undefined;
      const client = typeof value?.client === "string" ? value.client : undefined;
      if ((fu !== undefined && followUps.has(fu)) || (client !== undefined && clients.has(client))) {
        removed.push(line);
        if (fu !== undefined) gone.add(fu);
      } else kept.push(line);
    }
    if (removed.length === 0) return { removedLines: 0, summary: undefined };
    const after = kept.map((l) => l + "\n").join("");
    const journal = new Journal(p.purges);
    const previousRecords = (await journal.read()).values;
    const last = recordSchema.safeParse(previousRecords.at(-1));
    const summary: PurgeSummary = {
      format: "nachklang-ledger-purge",
      version: 1,
      at: now.toISOString(),
      keyId: signer.keyId,
      before: { sha256: sha256(text), lines: lines.filter((l) => l.length > 0).length },
      after: { sha256: sha256(after), lines: kept.length, bytes: Buffer.byteLength(after) },
      removed: { lines: removed.length, sha256: sha256(removed.join("\n")), followUps: gone.size, clients: [...clients].sort() },
      previous: last.success ? sha256(last.data.summary) : null,
    };
    const summaryText = JSON.stringify(summary);
    const signature = await signer.sign(new TextEncoder().encode(summaryText), `nachklang ledger purge ${summary.at} removed ${removed.length} lines`);
    const staged = `${p.events}.purge`;
    await writePrivateFile(staged, after);
    await journal.append([{ summary: summaryText, signature }]);
    await rename(staged, p.events);
    return { removedLines: removed.length, summary };
  } finally {
    await release();
  }
}

export interface LedgerCheck {
  readonly lines: number;
  /** Lines that are not valid ledger events (a newer version's events are valid). */
  readonly damaged: number;
  readonly purges: number;
  /** Problems found, as catalogue keys with their parameters; empty when the ledger verifies. */
  readonly problems: readonly {
    key: "ledger.verify.signature" | "ledger.verify.chain" | "ledger.verify.prefix" | "ledger.verify.damaged" | "ledger.verify.interrupted" | "ledger.verify.resurrected";
    detail: string;
  }[];
}

/** Check the ledger against its purge records (see the module comment). */
export async function verifyLedger(dir: string, verifier: LedgerVerifier): Promise<LedgerCheck> {
  const p = paths(dir);
  const text = await readOrEmpty(p.events);
  const lines = text.split("\n");
  lines.pop();
  const problems: LedgerCheck["problems"][number][] = [];
  let damaged = 0;
  lines.forEach((line, i) => {
    if (line.length === 0) return;
    // A newer version's event is no damage (delivery/ledger.ts `readLedgerLine`).
    if (readLedgerLine(line) === undefined) {
      damaged++;
      if (damaged === 1) problems.push({ key: "ledger.verify.damaged", detail: String(i + 1) });
    }
  });
  const { values } = await new Journal(p.purges).read();
  let previous: string | null = null;
  let last: PurgeSummary | undefined;
  const purges: PurgeSummary[] = [];
  for (const [i, value] of values.entries()) {
    const record = recordSchema.safeParse(value);
    let summary: PurgeSummary | undefined;
    if (record.success) {
      try {
        summary = purgeSummarySchema.parse(JSON.parse(record.data.summary));
        verifier.verify(new TextEncoder().encode(record.data.summary), record.data.signature);
      } catch {
        summary = undefined;
      }
    }
    if (!record.success || summary === undefined) {
      problems.push({ key: "ledger.verify.signature", detail: String(i + 1) });
      previous = null;
      last = undefined;
      continue;
    }
    if (summary.previous !== previous) problems.push({ key: "ledger.verify.chain", detail: String(i + 1) });
    previous = sha256(record.data.summary);
    last = summary;
    purges.push(summary);
  }
  // A line about a client a signed purge removed, dated before that purge, can only be one of the
  // removed lines put back (appended after the kept prefix, it passes the prefix check). A client
  // added later under the same alias has the same tag, but its lines are dated after the purge.
  const resurrected = lines.findIndex((line) => {
    const value = line.length === 0 ? undefined : (parseJsonLine(line) as { client?: unknown; at?: unknown } | null | undefined);
    if (typeof value?.client !== "string" || typeof value.at !== "string") return false;
    const { client, at } = value;
    return purges.some((s) => s.removed.clients.includes(client) && Date.parse(at) <= Date.parse(s.at));
  });
  if (resurrected >= 0) problems.push({ key: "ledger.verify.resurrected", detail: String(resurrected + 1) });
  if (last !== undefined) {
    const bytes = Buffer.from(text, "utf8");
    const prefix = bytes.subarray(0, last.after.bytes);
    if (bytes.length < last.after.bytes || sha256(prefix) !== last.after.sha256) {
      // The rename after the record may not have happened (a crash mid-purge).
      if (sha256(bytes) === last.before.sha256) problems.push({ key: "ledger.verify.interrupted", detail: last.at });
      else problems.push({ key: "ledger.verify.prefix", detail: last.at });
    }
  }
  return { lines: lines.filter((l) => l.length > 0).length, damaged, purges: values.length, problems };
}
