/**
 * The e-mail channel: SMTP through nodemailer. E-mail is not confidential, so the mail carries
 * no content: a neutral line in the client's language and the passphrase viewer attached
 * (`delivery.viewerPath`). TLS (port 465) or STARTTLS is required; a plain connection is
 * allowed only to this machine (localhost, 127.0.0.1, ::1).
 */
import { statSync } from "node:fs";
import { stat } from "node:fs/promises";
import { packagePath } from "../package-root.js";
import * as z from "../zod.js";
import type { Channel, ChannelProfile, ChannelType, Delivery, DeliveryPlan, DeliveryResult, FollowUpShape, HealthReport, PlanTarget } from "./contract.js";
import { t, type MessageKey, type MessageParams } from "../messages/index.js";
import { ExitCode, UserError } from "../errors.js";
import { firstCodePoints, isTerminalUnsafe } from "../printable.js";
import { requireCertificateChecks } from "./transport.js";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

export const SECURITY = ["tls", "starttls", "none"] as const;
export type Security = (typeof SECURITY)[number];

/** Implicit TLS on 465; STARTTLS (required) elsewhere; plain only where nothing leaves the machine. */
export function defaultSecurity(host: string, port: number): Security {
  if (port === 465) return "tls";
  return LOCAL_HOSTS.has(host.toLowerCase()) ? "none" : "starttls";
}

const settings = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    user: z.string().min(1),
    /** Sender address, optionally with a display name: `Praxis Beispiel <praxis@example.org>`. */
    from: z.string().min(3),
    security: z.enum(SECURITY),
    /** Largest attachment (the viewer) in MB; `channels add email --max-attachment-mb N`. Default 10. */
    maxAttachmentMB: z.number().positive().max(1000).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.security === "none" && !LOCAL_HOSTS.has(s.host.toLowerCase())) {
      ctx.addIssue({ code: "custom", path: ["security"], message: t("en", "email.insecure", { host: s.host }) });
    }
  });
export type EmailSettings = z.infer<typeof settings>;

/**
 * Default largest attachment. Many providers refuse mails of 20–25 MB, and the attachment grows
 * by a third in the mail (base64): 10 MB attached is about 14 MB on the way.
 */
export const DEFAULT_MAX_ATTACHMENT_MB = 10;
/** Markup, styles and settings of the viewer page around its decryptor script, with room. */
const VIEWER_MARKUP_BYTES = 16 * 1024;
let viewerPageBytes: number | undefined;

/** The viewer page around the payload: the built decryptor script (as it is now, not as it once was) and its markup. */
function viewerPage(): number {
  if (viewerPageBytes === undefined) {
    let script: number;
    try {
      script = statSync(packagePath("dist", "viewer", "decryptor.js")).size;
    } catch {
      script = 512 * 1024; // no build: the estimate errs on the large side
    }
    viewerPageBytes = script + VIEWER_MARKUP_BYTES;
  }
  return viewerPageBytes;
}

const MB = 1024 * 1024;
const mb = (bytes: number) => (Math.ceil(Math.round((bytes / MB) * 1000) / 100) / 10).toFixed(1);

/** `--host`: a host name or address, without blanks (a blank one would only fail at the first mail). */
function hostOption(value: string): string {
  const host = value.trim();
  if (!/^(?:[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/.test(host)) throw new UserError(ExitCode.usage, "email.badHost", { value });
  return host;
}

/** `--from`: an address (`praxis@example.org`), bare or after a display name (`Praxis <praxis@example.org>`). */
function fromOption(value: string): string {
  const from = value.trim();
  // A line break would end the From header and begin another.
  if ([...from].some(isTerminalUnsafe)) throw new UserError(ExitCode.usage, "option.controlChars", { option: "--from" });
  const address = /^[^<>]*<([^<>]+)>$/.exec(from)?.[1] ?? from;
  if (!/^[^@\s<>"]+@[^@\s<>"]+$/.test(address)) throw new UserError(ExitCode.usage, "email.badFrom", { value });
  return from;
}

/** `--port`: a whole number 1..65535, said in the user's words rather than the settings schema's. */
function portOption(value: string | number): number {
  const n = Number(value);
  if (!/^\d+$/.test(String(value).trim()) || n < 1 || n > 65535) throw new UserError(ExitCode.usage, "email.badPort", { value: String(value) });
  return n;
}

/** `--max-attachment-mb`: more than 0, at most 1000 (MB). */
function attachmentMbOption(value: unknown): number {
  const n = typeof value === "number" ? value : Number(String(value).trim().replace(",", "."));
  if (!Number.isFinite(n) || n <= 0 || n > 1000 || String(value).trim() === "") throw new UserError(ExitCode.usage, "email.badAttachmentMb", { value: String(value) });
  return n;
}

export function maxAttachmentBytes(s: EmailSettings): number {
  return Math.round((s.maxAttachmentMB ?? DEFAULT_MAX_ATTACHMENT_MB) * MB);
}

/** The viewer made from a bundle of `bundleBytes`: the payload base64 with line breaks, plus the page. */
export function viewerBytesFor(bundleBytes: number): number {
  const b64 = Math.ceil(bundleBytes / 3) * 4;
  return b64 + Math.ceil(b64 / 76) + viewerPage();
}

function tooLarge(s: EmailSettings, channel: string, alias: string, bytes: number) {
  return { key: "email.tooLarge" as const, params: { alias, channel, size: mb(bytes), limit: mb(maxAttachmentBytes(s)) } };
}

function plan(s: EmailSettings, shape: FollowUpShape, { alias, channel }: PlanTarget): DeliveryPlan {
  const bytes = viewerBytesFor(shape.bundleBytes);
  const limitBytes = maxAttachmentBytes(s);
  return { messages: 1, attachment: { bytes, limitBytes }, ...(bytes > limitBytes ? { refuse: tooLarge(s, channel, alias, bytes) } : {}) };
}

interface SmtpError {
  readonly code?: string;
  /** The socket's own code, e.g. DEPTH_ZERO_SELF_SIGNED_CERT, when nodemailer wraps it. */
  readonly originalCode?: string;
  readonly responseCode?: number;
  readonly command?: string;
  readonly message?: string;
}

/** Certificate and TLS handshake failures (Node's codes) under nodemailer's ESOCKET. */
const TLS_FAILURE = /CERT|SELF_SIGNED|UNABLE_TO_|ERR_SSL|ERR_TLS/;

function tlsFailed(e: SmtpError): boolean {
  return TLS_FAILURE.test(e.originalCode ?? "") || TLS_FAILURE.test(e.code ?? "");
}

/** Commands after which the server may already hold the message: repeating could duplicate it. */
const AFTER_DATA = new Set(["DATA", "BDAT", "MESSAGE"]);

/**
 * A server's answer as a short reason. A server may repeat what it was sent (`535 bad
 * credentials …`): every form in which the password crossed the wire — as is, base64 for AUTH
 * LOGIN, base64 of `\0user\0password` for AUTH PLAIN — is masked before the text is cut, so no
 * part of it reaches a message, `--json` or the ledger.
 */
function reasonOf(error: SmtpError, user: string, password: string): string {
  const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
  const forms = [password, b64(password), b64(`\0${user}\0${password}`)].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
  let text = error.message ?? error.code ?? "unknown error";
  for (const form of forms) text = text.split(form).join("********");
  text = text.replace(/\s+/g, " ").trim();
  const cut = firstCodePoints(text, 200);
  return cut.length < text.length ? `${cut}…` : cut;
}

export function attachmentName(delivery: Pick<Delivery, "followUp" | "recipient">): string {
  // The day as this computer's calendar shows it (the practice's, as a rule), not UTC's: a
  // follow-up sealed in Berlin at 00:30 is of that day, not of the one before.
  const created = new Date(delivery.followUp.manifest.created);
  const day = [created.getFullYear(), created.getMonth() + 1, created.getDate()].map((n, i) => String(n).padStart(i === 0 ? 4 : 2, "0")).join("-");
  return `${delivery.recipient.lang === "de" ? "Nachricht" : "Message"}-${day}.html`;
}

function domainOf(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  return address.slice(address.lastIndexOf("@") + 1).trim() || "localhost";
}

/** What practitioners weigh when they choose e-mail (channels compare, consent texts). */
const profile: ChannelProfile = {
  type: "email",
  label: { de: "E-Mail", en: "E-mail" },
  inSentence: { de: "E-Mail", en: "e-mail" },
  endToEnd: "viewer",
  phoneNumberRequired: false,
  readsAddressBook: { de: "nein", en: "no" },
  provider: { de: "der E-Mail-Anbieter der Praxis und der Klient:in", en: "the practice's and the client's mail providers" },
  basedIn: { de: "je nach Anbieter", en: "depends on the providers" },
  clientCost: { de: "kostenlos", en: "free" },
  clientInstalls: { de: "nichts: ein Browser öffnet die Datei offline", en: "nothing: a browser opens the file offline" },
  automatic: true,
  metadata: {
    de: "E-Mail ist für sich nicht vertraulich: Absender, Empfänger, Zeit und Betreff sind für die Anbieter sichtbar; der Inhalt reist nur passphrasegeschützt im Anhang",
    en: "E-mail is not confidential by itself: sender, recipient, time and subject are visible to the providers; content travels only passphrase-protected in the attachment",
  },
  recommended: true,
};

export const emailChannel: ChannelType<EmailSettings> = {
  type: "email",
  address: "email",
  textLimitBytes: null,
  // A second mail is a second mail.
  repeatHarmless: false,
  // The viewer is made from the items, so they are extracted.
  handsOverBundle: false,
  profile,
  settings,
  secrets: ["password"],
  options: ["host", "port", "user", "passwordFile", "from", "maxAttachmentMb"],
  wantsViewer: () => true,
  plan,
  describe: (s) => ({
    host: s.host,
    port: String(s.port),
    security: s.security,
    user: s.user,
    from: s.from,
    password: "(secrets.age)",
    maxAttachment: `${s.maxAttachmentMB ?? DEFAULT_MAX_ATTACHMENT_MB} MB`,
  }),
  async configure(options, current) {
    await Promise.resolve();
    const host = typeof options.host === "string" ? hostOption(options.host) : (current?.host ?? "");
    const port = typeof options.port === "string" || typeof options.port === "number" ? portOption(options.port) : (current?.port ?? 587);
    const secretFiles: Record<string, string> = typeof options.passwordFile === "string" ? { password: options.passwordFile } : {};
    // A new server or port gets the security that fits it; an unchanged one keeps its own.
    const moved = current === undefined || host !== current.host || port !== current.port;
    const max = options.maxAttachmentMb;
    return {
      settings: {
        ...(current === undefined ? {} : current),
        host,
        port,
        user: options.user ?? current?.user,
        from: typeof options.from === "string" ? fromOption(options.from) : current?.from,
        security: moved ? defaultSecurity(host, port) : current.security,
        ...(max === undefined ? {} : { maxAttachmentMB: attachmentMbOption(max) }),
      },
      secretFiles,
    };
  },
  create(context): Channel {
    const s = context.settings;
    if (s.security !== "none") requireCertificateChecks(context.name);
    // nodemailer (and Node's TLS, DNS and HTTP with it) loads only when a mail is checked or sent.
    const transport = async (password: string) =>
      (await import("nodemailer")).default.createTransport({
        host: s.host,
        port: s.port,
        // What the server records as the client's name (and passes on in a Received: header):
        // the sender's domain, never this computer's host name ("Dr-Mueller-MacBook.local").
        name: domainOf(s.from),
        secure: s.security === "tls",
        requireTLS: s.security === "starttls",
        ignoreTLS: s.security === "none",
        auth: { user: s.user, pass: password },
        connectionTimeout: 20_000,
        greetingTimeout: 20_000,
        socketTimeout: 60_000,
      });
    const failed = (reason: MessageKey, params: MessageParams, retryable: boolean): DeliveryResult => ({ status: "failed", reason, params, retryable });
    return {
      name: context.name,
      type: "email",
      async check(): Promise<HealthReport> {
        const password = context.secret("password");
        if (password === undefined) return { ok: false, lines: [{ key: "email.noPassword", params: { name: context.name }, ok: false }] };
        const mailer = await transport(password);
        try {
          await mailer.verify();
          return { ok: true, lines: [{ key: "email.ready", params: { host: s.host, port: s.port, security: s.security, user: s.user }, ok: true }] };
        } catch (error) {
          const e = error as SmtpError;
          const key: MessageKey =
            e.code === "EAUTH" ? "email.loginRefused" : e.code === "ETLS" ? "email.noTls" : tlsFailed(e) ? "email.tlsFailed" : "email.unreachable";
          return { ok: false, lines: [{ key, params: { host: s.host, port: s.port, user: s.user, reason: reasonOf(e, s.user, password) }, ok: false }] };
        } finally {
          mailer.close();
        }
      },
      async deliver(delivery: Delivery): Promise<DeliveryResult> {
        const { recipient } = delivery;
        const already = delivery.progress.done.get("mail");
        if (already !== undefined) return { status: "sent", ids: [already] };
        if (recipient.address === null) return failed("email.noAddress", { alias: recipient.alias }, false);
        if (delivery.viewerPath === undefined) return failed("email.noViewer", { alias: recipient.alias }, true);
        // Checked again here, exactly: a follow-up sealed before the limit was lowered, or rerouted here.
        const attached = (await stat(delivery.viewerPath)).size;
        if (attached > maxAttachmentBytes(s)) {
          const refusal = tooLarge(s, context.name, recipient.alias, attached);
          return { status: "failed", reason: refusal.key, params: refusal.params, retryable: true, permanent: true };
        }
        const password = context.secret("password");
        if (password === undefined) return failed("email.noPassword", { name: context.name }, true);
        const practice = delivery.followUp.manifest.practice.name ?? s.from.replace(/\s*<[^>]*>\s*/, "").trim();
        const file = attachmentName(delivery);
        const mailer = await transport(password);
        try {
          const info = (await mailer.sendMail({
            from: s.from,
            to: recipient.address,
            subject: t(recipient.lang, "email.subject", { practice }),
            text: t(recipient.lang, "email.body", { practice, file }),
            messageId: `<${delivery.bundleId}@${domainOf(s.from)}>`,
            attachments: [{ filename: file, path: delivery.viewerPath, contentType: "text/html; charset=utf-8" }],
          })) as { messageId?: string };
          const id = info.messageId ?? `<${delivery.bundleId}>`;
          await delivery.progress.record("mail", id);
          return { status: "sent", ids: [id] };
        } catch (error) {
          const e = error as SmtpError;
          const reason = reasonOf(e, s.user, password);
          if (e.code === "EAUTH") return failed("email.loginRefused", { host: s.host, user: s.user, reason }, false);
          if (e.code === "ETLS") return failed("email.noTls", { host: s.host, port: s.port, reason }, false);
          if (tlsFailed(e)) return failed("email.tlsFailed", { host: s.host, port: s.port, reason }, false);
          if (e.responseCode !== undefined && e.responseCode >= 500) return failed("email.rejected", { alias: recipient.alias, reason }, false);
          // After DATA the server may have taken the mail although the answer was lost.
          const retryable = e.command === undefined ? e.code !== "ESTREAM" : !AFTER_DATA.has(e.command.toUpperCase());
          return failed("email.failed", { alias: recipient.alias, reason }, retryable);
        } finally {
          mailer.close();
        }
      },
    };
  },
};

