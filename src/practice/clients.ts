/**
 * The client registry: personal health data, so the whole registry is one age file encrypted
 * to the practice's own key. Clients are addressed by an alias (a pseudonym such as `k042`).
 */
import * as z from "../zod-mini.js";
import { ExitCode, UserError, unreadableFile } from "../errors.js";
import { exists } from "../files.js";
import type { Identity } from "../age/index.js";
import { readSealedWithIdentity, writeSealedToRecipients } from "./sealed-file.js";

export const ALIAS_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const consentSchema = z.strictObject({
  /** Channel type (threema, signal, email, folder, wire). */
  channel: z.string(),
  /** Day consent was given (YYYY-MM-DD). */
  date: z.string().check(z.regex(DAY)),
  /** Version of the information the client was given. */
  infoVersion: z.string(),
  /** Day consent was withdrawn, if it was. */
  withdrawn: z.optional(z.string().check(z.regex(DAY))),
});
export type ConsentRecord = z.infer<typeof consentSchema>;

/**
 * How a missing client is named: an alias no client can have as such (`client.badAlias`), rather
 * than answered with a `client add ALIAS` that would fail; any other as unknown.
 */
export function noClientKey(alias: string): "client.badAlias" | "client.unknown" {
  return ALIAS_PATTERN.test(alias) ? "client.unknown" : "client.badAlias";
}

export const clientSchema = z.strictObject({
  alias: z.string().check(z.regex(ALIAS_PATTERN)),
  name: z.optional(z.string()),
  /** How follow-ups greet the client (src/followup/greeting.ts); absent: "Hallo {name},". */
  salutation: z.optional(z.enum(["formal", "informal", "none"])),
  /** Form of address for a formal greeting, free text ("Frau", "Herr", "Dr.", "Ms"). */
  title: z.optional(z.string().check(z.minLength(1), z.maxLength(60))),
  /** For an informal greeting; absent: the first word of `name`. */
  givenName: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  /** For a formal greeting; absent: the last word of `name`. */
  familyName: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  lang: z.enum(["de", "en"]),
  threema: z.optional(z.string().check(z.regex(/^[0-9A-Z*][0-9A-Z]{7}$/))),
  phone: z.optional(z.string().check(z.regex(/^\+[1-9]\d{6,14}$/))),
  email: z.optional(z.email()),
  ageRecipient: z.optional(z.string().check(z.startsWith("age1"))),
  /** Preferred channel name. */
  channel: z.optional(z.string()),
  /** Keys pinned per channel type and purpose, e.g. `threema` → 64 hex digits. */
  pinnedKeys: z._default(z.record(z.string(), z.string()), {}),
  consents: z._default(z.array(consentSchema), []),
  /** Passphrase agreed for the offline viewer. */
  viewerPassphrase: z.optional(z.string()),
  /** false: no read receipts to this client when the practice reads their messages (inbox). */
  readReceipts: z.optional(z.boolean()),
  /** Billing profile for contact time; absent: the practice default (`billing set --profile`). */
  billing: z.optional(z.enum(["hourly", "goae", "none"])),
  /** Day the client asked to be forgotten (GDPR Art. 17): contact details were deleted then. */
  forgotten: z.optional(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/))),
  created: z.string(),
});
export type ClientRecord = z.infer<typeof clientSchema>;

const fileSchema = z.strictObject({ version: z.literal(1), clients: z.array(clientSchema) });

export class ClientRegistry {
  private constructor(
    private readonly path: string,
    private readonly recipient: string,
    private readonly clients: Map<string, ClientRecord>,
  ) {}

  /**
   * Load the registry with the practice identity (the keyring's, or the agent's); an absent file
   * is an empty registry. A file that does not decrypt with the practice key or is not a
   * registry is damaged: a UserError (exit 5) naming it.
   */
  static async load(path: string, identity: string | Identity, recipient: string): Promise<ClientRegistry> {
    const clients = new Map<string, ClientRecord>();
    if (await exists(path)) {
      let data: z.infer<typeof fileSchema>;
      try {
        const text = new TextDecoder("utf-8", { fatal: true }).decode(await readSealedWithIdentity(path, identity));
        data = fileSchema.parse(JSON.parse(text));
      } catch (error) {
        // An agent that locked or vanished mid-command says so itself: that is no damage.
        if (error instanceof UserError) throw error;
        throw unreadableFile(path, error) ?? new UserError(ExitCode.integrity, "clients.damaged", { file: path }, { cause: error });
      }
      for (const c of data.clients) clients.set(c.alias, c);
    }
    return new ClientRegistry(path, recipient, clients);
  }

  list(): readonly ClientRecord[] {
    return [...this.clients.values()].sort((a, b) => a.alias.localeCompare(b.alias));
  }

  get(alias: string): ClientRecord | undefined {
    return this.clients.get(alias);
  }

  /** The client, or a UserError (exit 2) that names the alias and how to list clients. */
  require(alias: string): ClientRecord {
    const c = this.clients.get(alias);
    if (c === undefined) throw new UserError(ExitCode.usage, noClientKey(alias), { alias });
    return c;
  }

  /**
   * A client nothing more may be recorded for or sent to: not forgotten (GDPR Art. 17). What is
   * kept of a forgotten client waits, unchanged, for the retention that limits it; a new entry
   * (contact time, a consent) would move that date or reopen the way to them.
   */
  requireActive(alias: string): ClientRecord {
    const c = this.require(alias);
    if (c.forgotten !== undefined) throw new UserError(ExitCode.usage, "client.forgottenUse", { alias, date: c.forgotten });
    return c;
  }

  /** Add or replace a record and store the registry. */
  async put(record: ClientRecord): Promise<void> {
    this.clients.set(record.alias, clientSchema.parse(record));
    await this.save();
  }

  /** Add or replace several records and store the registry once (all or nothing: each is checked first). */
  async putAll(records: readonly ClientRecord[]): Promise<void> {
    const checked = records.map((r) => clientSchema.parse(r));
    for (const r of checked) this.clients.set(r.alias, r);
    await this.save();
  }

  async remove(alias: string): Promise<void> {
    this.require(alias);
    this.clients.delete(alias);
    await this.save();
  }

  private async save(): Promise<void> {
    const data = { version: 1 as const, clients: this.list() };
    await writeSealedToRecipients(this.path, JSON.stringify(data), [this.recipient]);
  }
}
