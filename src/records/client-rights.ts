/**
 * A client's rights under the GDPR: a copy of everything stored about them (Art. 15 access,
 * Art. 20 portability) and erasure where no duty to keep applies (Art. 17, limited by the
 * record-keeping duty of §630f BGB, Art. 17(3)(b)).
 *
 * The export is a bundle like any follow-up (docs/bundle-format.md): sealed to the client's own
 * age key (it opens with the stock `age` CLI and `tar`) and to the practice's, signed by the
 * practice. Its items: the registry entry, the consent history, the ledger's record of every
 * follow-up, each follow-up's message and items as sent (opened from the archive or outbox and
 * verified), the messages the client sent (text and files, as stored in the inbox), the
 * contact-time entries with their notes, the groups the client is in, and a README in the client's language.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openBundleToTemp } from "../bundle/open.js";
import { safeItemName, sealBundle, type SealItem } from "../bundle/seal.js";
import type { MinisignSecretKey, MinisignSigner } from "../bundle/signature.js";
import type { FollowUpState } from "../delivery/ledger.js";
import type { AgeKeys } from "../age/index.js";
import type { ExportedMessage } from "../inbox/records.js";
import type { ClientRecord } from "../practice/clients.js";
import { formatMinutes } from "./duration.js";
import type { TimeEntry } from "./time.js";

export interface ExportSource {
  readonly client: ClientRecord;
  /** The client's follow-ups as the ledger knows them, oldest first. */
  readonly followUps: readonly FollowUpState[];
  /** Where a bundle is now (outbox or archive), if it is still stored. */
  readonly locate: (bundleId: string) => Promise<string | undefined>;
  readonly time: readonly (TimeEntry & { readonly noteText?: string })[];
  /** The messages received from the client, opened from the inbox, oldest first. */
  readonly messages: readonly ExportedMessage[];
  /** The names of the groups the client is a member of. */
  readonly groups: readonly string[];
  readonly keys: AgeKeys;
  readonly practice: { readonly name?: string; readonly ageRecipient: string; readonly keyId: string; readonly signing: MinisignSecretKey | MinisignSigner };
  readonly readme: (counts: ExportCounts) => string;
  readonly now: Date;
}

export interface ExportCounts {
  readonly followUps: number;
  readonly missing: number;
  readonly time: number;
  readonly messages: number;
}

export interface ClientExport {
  readonly bundleId: string;
  readonly path: string;
  readonly bytes: number;
  readonly followUps: number;
  /** Follow-ups the ledger knows whose bundle is no longer stored (purged or cancelled). */
  readonly missing: number;
  readonly timeEntries: number;
  readonly messages: number;
  readonly items: number;
}

const json = (value: unknown) => JSON.stringify(value, null, 2) + "\n";

/** The registry entry as the client may see it: everything but the viewer passphrase (a secret shared with them). */
export function exportedRecord(c: ClientRecord): Record<string, unknown> {
  const { viewerPassphrase, ...rest } = c;
  return { ...rest, ...(viewerPassphrase === undefined ? {} : { viewerPassphrase: "(set; not included)" }) };
}

/** A message as `messages.json` describes it; its files are added to `items` under the names it gives. */
function exportedMessage(m: ExportedMessage, items: SealItem[]): Record<string, unknown> {
  const { message, state } = m;
  const files = message.files.map((f, n) => {
    const stored = m.files[n];
    const file = stored === undefined ? null : safeItemName(stored.name);
    if (stored !== undefined && file !== null) items.push({ file: stored.path, name: file, kind: "file", mime: stored.mime, ...(f.caption === undefined ? {} : { caption: f.caption }) });
    return { name: f.name, mime: f.mime, size: f.size, sha256: f.sha256, caption: f.caption ?? null, file };
  });
  return {
    arrived: message.arrived, channel: message.channel, channelType: message.channelType, read: state.read ?? null, answered: state.replied?.at ?? null,
    text: message.text ?? null, files, notTaken: message.skipped, unsupported: message.unsupported ?? null,
  };
}

/**
 * Seal the export into `workDir` (a private temporary folder the caller removes) for these
 * recipients (the client's age key; none for a viewer-only export: then only the practice can
 * open the bundle, and the caller builds the passphrase viewer from it).
 */
export async function sealClientExport(src: ExportSource, workDir: string, recipients: readonly string[], outFile: string): Promise<ClientExport> {
  const items: SealItem[] = [];
  const file = async (name: string, text: string, mime = "application/json") => {
    const path = join(workDir, name);
    await writeFile(path, text, { mode: 0o600 });
    items.push({ file: path, name, kind: "file", mime });
  };
  const c = src.client;
  await file("client.json", json(exportedRecord(c)));
  await file("consents.json", json(c.consents));
  await file("groups.json", json(src.groups));
  await file(
    "followups.json",
    json(
      src.followUps.map((s) => ({
        bundle: s.bundle ?? null, state: s.state, channel: s.channel ?? null, channelType: s.channelType ?? null,
        created: s.created, sent: s.sentAt ?? null, items: s.items ?? null, bytes: s.bytes ?? null, receipt: s.receipt ?? null,
      })),
    ),
  );
  await file(
    "contact-time.json",
    json(src.time.map((t) => ({ day: t.day, minutes: t.minutes, duration: formatMinutes(t.minutes), kind: t.kind, source: t.source, note: t.noteText ?? null }))),
  );
  const opened: { dispose(): Promise<void> }[] = [];
  let included = 0;
  let missing = 0;
  try {
    for (const s of src.followUps) {
      const path = s.bundle === undefined ? undefined : await src.locate(s.bundle);
      if (path === undefined) {
        missing++;
        continue;
      }
      // Verified against the practice key before anything of it is passed on.
      const bundle = await openBundleToTemp(path, { keys: src.keys, signer: src.practice.signing });
      opened.push(bundle);
      included++;
      const prefix = `followup-${bundle.manifest.created.slice(0, 10)}-${bundle.manifest.id}`;
      await file(`${prefix}-message.txt`, bundle.manifest.message + "\n", "text/plain; charset=utf-8");
      for (const { item, file: itemFile } of bundle.items) {
        items.push({
          file: itemFile,
          name: `${prefix}-${item.path.slice("items/".length)}`,
          kind: item.kind,
          mime: item.mime,
          ...(item.caption === undefined ? {} : { caption: item.caption }),
          ...(item.durationSeconds === undefined ? {} : { durationSeconds: item.durationSeconds }),
          ...(item.width === undefined ? {} : { width: item.width }),
          ...(item.height === undefined ? {} : { height: item.height }),
        });
      }
    }
    await file("messages.json", json(src.messages.map((m) => exportedMessage(m, items))));
    const readme = src.readme({ followUps: included, missing, time: src.time.length, messages: src.messages.length });
    await file("README.txt", readme, "text/plain; charset=utf-8");
    const sealed = await sealBundle({
      items,
      message: readme,
      client: c.alias,
      lang: c.lang,
      practice: src.practice,
      recipients,
      outFile,
      now: src.now,
    });
    return {
      bundleId: sealed.id, path: sealed.path, bytes: sealed.bytes, followUps: included, missing, timeEntries: src.time.length, messages: src.messages.length, items: items.length,
    };
  } finally {
    for (const o of opened) await o.dispose();
  }
}

/** What `client forget` deletes from the registry entry: the ways to reach the client. */
export const CONTACT_FIELDS = ["threema", "phone", "email", "ageRecipient", "channel", "viewerPassphrase"] as const;

/**
 * The registry entry after an erasure request: contact details, pinned keys and the viewer
 * passphrase gone, every current consent withdrawn on `day` (so nothing can be sent any more),
 * and the day recorded. Name, language, consent history and billing profile stay: they belong
 * to the treatment record that must be kept.
 */
export function forgottenRecord(c: ClientRecord, day: string): { record: ClientRecord; deleted: string[] } {
  const deleted: string[] = CONTACT_FIELDS.filter((f) => c[f] !== undefined);
  if (Object.keys(c.pinnedKeys).length > 0) deleted.push("pinnedKeys");
  const rest: Record<string, unknown> = { ...c };
  for (const f of CONTACT_FIELDS) delete rest[f];
  const consents = c.consents.map((x, i) => {
    const newest = c.consents.findLastIndex((y) => y.channel === x.channel) === i;
    return newest && x.withdrawn === undefined ? { ...x, withdrawn: day } : x;
  });
  return { record: { ...(rest as ClientRecord), pinnedKeys: {}, consents, forgotten: day }, deleted };
}
