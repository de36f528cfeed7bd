/**
 * The decryptor inside the offline viewer page. Bundled by scripts/build-viewer.js (esbuild)
 * into one inline script; the page allows it by hash and nothing else (no network at all).
 * Flow: passphrase → age scrypt decryption (with a progress bar) → checks (signature, paths,
 * hashes) → render.
 * Nothing decrypted is put on the page before every check has passed.
 */
import { decryptWithPassphrase, WebAgeError } from "../../age/web.js";
import { formatFingerprint, parsePublicKey, signerFingerprint } from "../../bundle/signature.js";
import { viewer } from "../../messages/viewer.js";
import { canonicalPassphrase } from "../passphrase.js";
import { checkViewerArchive, type CheckedFollowUp, type CheckedItem } from "./checks.js";
import { markdownToHtml } from "../../markdown/index.js";

type Lang = "de" | "en";
type PageKey = keyof typeof viewer & `viewer.page.${string}`;

/** The page settings. Unsigned (anyone can edit them): nothing shown about the sender comes from here but the key that must verify. */
interface PageConfig {
  readonly lang: Lang;
  readonly publicKey: string;
}

const config = JSON.parse(document.getElementById("nk-config")?.textContent ?? "{}") as PageConfig;
const lang: Lang = config.lang === "de" ? "de" : "en";

function text(key: PageKey, params: Record<string, string> = {}): string {
  return viewer[key][lang].replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

function decodeBase64(b64: string): Uint8Array {
  const clean = b64.replace(/\s+/g, "");
  const binary = atob(clean);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

const root = document.getElementById("nk")!;

/** The fingerprint of the key that must verify the follow-up, for the client to compare with the one on the consent information. */
function keyFingerprint(): string {
  try {
    return formatFingerprint(signerFingerprint(parsePublicKey(config.publicKey)));
  } catch {
    return "?";
  }
}

function showRefusal(): void {
  root.replaceChildren(el("h1", { textContent: text("viewer.page.title") }), el("p", { className: "refused", role: "alert", textContent: text("viewer.page.refused") }));
  document.body.dataset.state = "refused";
}

/**
 * Markdown (the message, texts from templates) as HTML. markdownToHtml never passes raw HTML
 * through (it is escaped), and the page's CSP runs no inline script or handler either way.
 */
function markdownBlock(className: string, markdown: string): HTMLElement {
  const block = el("div", { className });
  block.innerHTML = markdownToHtml(markdown);
  return block;
}

function fileName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

const IMAGE = /^image\/(?:jpeg|png|webp|gif|avif)$/;
const AUDIO = /^audio\/(?:ogg|opus|mpeg|mp4|aac|x-m4a|webm|wav|x-wav|flac)$/;
const TEXT = /^text\/(?:plain|markdown)(?:;.*)?$/;

function renderItem({ item, data }: CheckedItem): HTMLElement {
  const url = URL.createObjectURL(new Blob([data as Uint8Array<ArrayBuffer>], { type: item.mime }));
  const name = fileName(item.path);
  const save = el("a", { href: url, download: name, className: "save", textContent: text("viewer.page.save", { name }) });
  const caption = item.caption !== undefined && item.caption.length > 0 ? el("figcaption", { textContent: item.caption }) : null;
  const figure = el("figure", { className: `item ${item.kind}` });
  if (IMAGE.test(item.mime)) {
    figure.append(el("img", { src: url, alt: item.caption ?? name }));
  } else if (AUDIO.test(item.mime)) {
    figure.append(el("audio", { src: url, controls: true, preload: "metadata" }));
  } else if (TEXT.test(item.mime)) {
    // Texts (homework, impulses) carry their caption as a heading above, not below.
    if (caption) figure.append(el("h2", { textContent: caption.textContent }));
    // Homework and other texts from templates are Markdown (so is a text/markdown item); other text stays as it is.
    let body = new TextDecoder().decode(data);
    // A homework's file begins with its title (for the channels that show the file as it is);
    // under the heading of the same words it would stand twice.
    const [first, ...rest] = body.split("\n");
    if (caption && first?.trim() === item.caption?.trim()) body = rest.join("\n").replace(/^\s*\n/, "");
    if (item.kind === "homework" || item.mime.startsWith("text/markdown")) figure.append(markdownBlock("text markdown", body));
    else figure.append(el("div", { className: "text", textContent: body }));
    figure.append(save);
    return figure;
  }
  if (caption) figure.append(caption);
  figure.append(save);
  return figure;
}

function render(followUp: CheckedFollowUp): void {
  const { manifest } = followUp;
  const date = new Date(manifest.created).toLocaleString(lang === "de" ? "de-DE" : "en-GB", { dateStyle: "long", timeStyle: "short" });
  // The sender's name as the signed manifest gives it: verified, unlike anything else in the page.
  const practice = manifest.practice.name?.trim() ?? "";
  const signer = { keyId: followUp.keyId, fingerprint: keyFingerprint(), date };
  root.replaceChildren(
    el("h1", { textContent: practice.length > 0 ? text("viewer.page.opened", { practice }) : text("viewer.page.openedUnnamed") }),
    el("p", { className: "sender", textContent: practice.length > 0 ? text("viewer.page.verified", { practice, ...signer }) : text("viewer.page.verifiedUnnamed", signer) }),
    markdownBlock("message", manifest.message),
    ...followUp.items.map(renderItem),
  );
  document.body.dataset.state = "open";
}

function showForm(): void {
  const input = el("input", { type: "password", id: "nk-passphrase", name: "passphrase", autocomplete: "off", spellcheck: false, required: true });
  input.setAttribute("autocapitalize", "off");
  input.setAttribute("autocorrect", "off");
  const status = el("p", { id: "nk-status", role: "status" });
  const progress = el("progress", { id: "nk-progress", max: 1, value: 0, hidden: true });
  const button = el("button", { type: "submit", textContent: text("viewer.page.open") });
  // Long generated passphrases are easier to type on a phone when they can be seen.
  const show = el("input", { type: "checkbox", id: "nk-show" });
  show.addEventListener("change", () => {
    input.type = show.checked ? "text" : "password";
  });
  const form = el(
    "form",
    { id: "nk-form" },
    el("label", { htmlFor: "nk-passphrase", textContent: text("viewer.page.label") }),
    input,
    button,
    el("label", { className: "show" }, show, text("viewer.page.show")),
    progress,
    status,
  );
  root.replaceChildren(
    el("h1", { textContent: text("viewer.page.from") }),
    el("p", { textContent: text("viewer.page.intro") }),
    el("p", { className: "sender", textContent: text("viewer.page.fingerprint", { fingerprint: keyFingerprint() }) }),
    form,
  );
  document.body.dataset.state = "locked";
  input.focus();

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const typed = input.value;
    if (typed.trim().length === 0) return;
    input.disabled = button.disabled = true;
    status.className = "";
    status.textContent = text("viewer.page.opening");
    document.body.dataset.state = "opening";
    progress.value = 0;
    progress.hidden = false;
    // Let the browser paint the status first; scrypt then yields now and then to show progress.
    setTimeout(() => void attempt(typed), 30);
  });

  async function attempt(typed: string): Promise<void> {
    let tar: Uint8Array;
    try {
      // noble's scrypt yields now and then: the page stays responsive and shows progress.
      tar = await decryptWithPassphrase(decodeBase64(document.getElementById("nk-payload")?.textContent ?? ""), canonicalPassphrase(typed), (fraction) => {
        progress.value = fraction;
      });
    } catch (error) {
      if (error instanceof WebAgeError && error.kind === "wrong-passphrase") {
        progress.hidden = true;
        input.disabled = button.disabled = false;
        input.value = "";
        status.className = "wrong";
        status.textContent = text("viewer.page.wrong");
        document.body.dataset.state = "wrong";
        input.focus();
        return;
      }
      showRefusal();
      return;
    }
    try {
      render(await checkViewerArchive(tar, parsePublicKey(config.publicKey)));
    } catch {
      // A ViewerRefusal, or anything unexpected while checking: either way nothing is shown.
      showRefusal();
    }
  }
}

showForm();
