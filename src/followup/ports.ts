/**
 * The small interfaces the workflow needs from the media pipeline, the template library, the
 * bundle and the channels. The CLI wires the real modules in (src/followup/wiring.ts); tests
 * may pass their own.
 */
import type { ItemKind } from "../bundle/manifest.js";
import type { OpenedFollowUp } from "../bundle/open.js";
import type { Channel, AddressKind, DeliveryPlan, FollowUpShape } from "../channels/contract.js";
import type { ClientRecord } from "../practice/clients.js";
import type { Lang, MessageKey, MessageParams } from "../messages/index.js";
import type { MediaInput } from "./draft.js";

/** A processed file ready to be sealed, in a private temporary folder. */
export interface PreparedItem {
  readonly file: string;
  readonly kind: ItemKind;
  readonly mime: string;
  /** The name inside the bundle (`items/<name>`); the file's base name when absent. */
  readonly name?: string;
  readonly caption?: string;
  readonly width?: number;
  readonly height?: number;
  readonly durationSeconds?: number;
}

export interface Problem {
  readonly key: MessageKey;
  readonly params: MessageParams;
}

/** Stage names for progress reports. */
export type Stage = "photos" | "audio" | "homework" | "seal" | "deliver";

export interface MediaPort {
  photo(input: MediaInput, outDir: string, channelType: string): Promise<PreparedItem>;
  audio(input: MediaInput, outDir: string, channelType: string): Promise<PreparedItem>;
}

export interface RenderedHomework {
  readonly title: string;
  /** The template's front-matter kind (homework, exercise, impulse, onboarding, reminder, …). */
  readonly kind?: string;
  readonly items: readonly PreparedItem[];
}

export interface HomeworkPort {
  /** Every problem with this choice: unknown template, unknown or missing variable. */
  check(id: string, lang: Lang, vars: Readonly<Record<string, string>>, defaults?: Readonly<Record<string, string>>): Promise<readonly Problem[]>;
  /**
   * `defaults` fill variables the template declares and `vars` leaves out (the appointment's
   * `date` and `time` for a reminder); variables the template does not declare are ignored there.
   */
  render(id: string, lang: Lang, vars: Readonly<Record<string, string>>, outDir: string, defaults?: Readonly<Record<string, string>>): Promise<RenderedHomework>;
  /** Templates in a language, for the wizard; titles as `titleOutline` shows them (nothing filled in). */
  list(lang: Lang): Promise<readonly { id: string; title: string; kind?: string; variables: readonly WizardVariable[] }[]>;
}

/** A template variable as the wizard asks for it. */
export interface WizardVariable {
  readonly name: string;
  readonly required: boolean;
  readonly description?: string;
  /** Its type, for the wizard's line when a value does not fit: integer, date, time, url, enum, string. */
  readonly type: string;
  /** An enum's values. */
  readonly values?: readonly string[];
  /** Whether a value typed for it is one the template takes (as the render will coerce it). */
  accepts(raw: string): boolean;
}

export interface SealedBundle {
  readonly bundleId: string;
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
}

export interface SealPort {
  seal(input: { client: ClientRecord; message: string; items: readonly PreparedItem[]; outDir: string }): Promise<SealedBundle>;
}

export interface OpenPort {
  /** Open and verify a sealed bundle; `dispose` removes the plaintext. */
  open(bundlePath: string): Promise<{ followUp: OpenedFollowUp; dispose(): Promise<void> }>;
  /**
   * Check a sealed bundle completely (decrypt, every hash, the signature) without extracting
   * it: the follow-up carries the signed manifest and no item files. For channels that hand
   * over the sealed bundle itself.
   */
  verify(bundlePath: string): Promise<OpenedFollowUp>;
}

/** The passphrase-protected offline viewer, for channels that cannot carry content (e-mail). */
export interface ViewerPort {
  /** Write `<bundle-id>.html` into `dir` and return its path. */
  write(followUp: OpenedFollowUp, passphrase: string, dir: string): Promise<string>;
}

export interface ResolvedChannel {
  readonly name: string;
  readonly type: string;
  readonly address: AddressKind;
  /** The channel's type asks for the passphrase viewer with these settings (e-mail; folder --viewer). */
  readonly wantsViewer?: boolean;
  /** Delivering the same follow-up again gives the client nothing twice (the type's `repeatHarmless`). */
  readonly repeatHarmless: boolean;
  /** The channel hands over the sealed bundle and never reads the items (the type's `handsOverBundle`). */
  readonly handsOverBundle: boolean;
  /** The channel type's `plan` with this channel's settings; absent when the type declares none. */
  readonly plan?: (shape: FollowUpShape, alias: string) => DeliveryPlan;
  create(): Promise<Channel>;
}

export interface ChannelPort {
  /**
   * Resolve a channel name (or a bare type such as `folder`); a UserError when unknown. May
   * answer later: the real port loads the channel modules only when a channel is first asked for.
   */
  resolve(name: string): ResolvedChannel | Promise<ResolvedChannel>;
}
