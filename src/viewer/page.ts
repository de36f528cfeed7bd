/**
 * The viewer page around the decryptor: one HTML document with a strict Content-Security-Policy
 * (nothing from the network; the one script and the one style allowed by their SHA-256), the
 * page settings as JSON and the age-encrypted follow-up as base64 in non-executed data blocks.
 */
import { createHash } from "node:crypto";
import { t, type Lang } from "../messages/index.js";

const STYLE = `
:root{color-scheme:light dark;--fg:#1d232a;--bg:#fbfaf7;--muted:#5b6570;--accent:#2f6f73;--bad:#a4262c;--card:#fff}
@media (prefers-color-scheme:dark){:root{--fg:#e8e6e1;--bg:#16191d;--muted:#a3abb3;--accent:#7fc3c7;--bad:#ff8a8a;--card:#1f2328}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:42rem;margin:0 auto;padding:1.5rem 1rem 4rem}
h1{font-size:1.35rem;line-height:1.3;margin:0 0 1rem}
form{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;margin-top:1.25rem}
label{flex-basis:100%;font-weight:600}
label.show{font-weight:400;color:var(--muted);font-size:.95rem;display:flex;gap:.5rem;align-items:center}
label.show input{flex:none;width:1.1rem;height:1.1rem;margin:0;padding:0}
input{flex:1 1 14rem;font:inherit;padding:.6rem .7rem;border:1px solid var(--muted);border-radius:.4rem;background:var(--card);color:var(--fg)}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:.4rem;background:var(--accent);color:var(--bg);cursor:pointer}
button:disabled,input:disabled{opacity:.6}
#nk-progress{flex-basis:100%;width:100%;height:.5rem;accent-color:var(--accent)}
#nk-progress[hidden]{display:none}
#nk-status{flex-basis:100%;min-height:1.5em;margin:.25rem 0 0;color:var(--muted)}
#nk-status.wrong,.refused{color:var(--bad);font-weight:600}
.sender{color:var(--muted);font-size:.95rem}
.text{white-space:pre-wrap;overflow-wrap:anywhere}
.text.markdown,.message{white-space:normal}
.message{margin:1.25rem 0 2rem;font-size:1.05rem;overflow-wrap:anywhere}
.message p,.markdown p,.message ul,.markdown ul,.message ol,.markdown ol{margin:0 0 .9em}
.message blockquote,.markdown blockquote{margin:0 0 .9em;padding-left:.8rem;border-left:3px solid var(--muted)}
.message a,.markdown a{color:var(--accent)}
figure{margin:0 0 1.75rem;padding:1rem;background:var(--card);border-radius:.6rem}
figure img{display:block;max-width:100%;height:auto;border-radius:.3rem}
figure audio{display:block;width:100%}
figcaption{margin-top:.5rem}
h2{font-size:1.1rem;margin:0 0 .5rem}
.save{display:inline-block;margin-top:.5rem;color:var(--accent);font-size:.9rem}
`;

function sha256Base64(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("base64");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that can sit inside a <script> data block: no `<`, so no `</script>` or `<!--`. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

export interface PageParts {
  readonly lang: Lang;
  /** minisign public key file text. */
  readonly publicKey: string;
  /** The age file (scrypt recipient), base64. */
  readonly payloadBase64: string;
  /** The bundled decryptor. */
  readonly script: string;
}

export function contentSecurityPolicy(script: string, style: string): string {
  return [
    "default-src 'none'",
    `script-src 'sha256-${sha256Base64(script)}'`,
    `style-src 'sha256-${sha256Base64(style)}'`,
    "img-src blob:",
    "media-src blob:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

export function renderPage(parts: PageParts): string {
  if (/<\/script|<!--/i.test(parts.script)) throw new Error("decryptor bundle contains </script or <!--");
  const { lang } = parts;
  // No name here: the page names the sender only from the signed manifest, once it verified.
  const config = scriptSafeJson({ lang, publicKey: parts.publicKey });
  return (
    `<!DOCTYPE html>\n<html lang="${lang}">\n<head>\n<meta charset="utf-8">\n` +
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(parts.script, STYLE)}">\n` +
    `<meta name="referrer" content="no-referrer">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<title>${escapeHtml(t(lang, "viewer.page.title"))}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n` +
    // What stays when the script does not run: off (noscript), or blocked by the policy because
    // the page was changed after it was sent (its hash no longer matches). The script replaces it.
    `<main id="nk"><noscript>${escapeHtml(t(lang, "viewer.page.noscript"))}</noscript><p class="refused">${escapeHtml(t(lang, "viewer.page.notStarted"))}</p></main>\n` +
    `<script type="application/json" id="nk-config">${config}</script>\n` +
    `<script type="application/octet-stream" id="nk-payload">\n${parts.payloadBase64.replace(/.{1,76}/g, "$&\n")}</script>\n` +
    `<script>${parts.script}</script>\n</body>\n</html>\n`
  );
}
