/**
 * Markdown in notes and templates, through its one door (markdown-it is imported nowhere
 * else): to HTML for the offline viewer, to the markup messengers understand (Threema and
 * Signal: `*bold*`, `_italic_`, `~strike~`), and to plain text. Raw HTML is never passed
 * through (`html: false`: it is shown as text), images are not rendered (a remote image would
 * tell its server that the message was opened), and only links with an explicit scheme
 * (`http://…`, `https://…`, `mailto:…`) are made clickable; every other scheme
 * (`javascript:`, `data:`, `file:`, an app's own scheme) and a relative address stay text.
 */
import MarkdownIt from "markdown-it";
import type Token from "markdown-it/lib/token.mjs";

let parser: MarkdownIt | undefined;

function markdown(): MarkdownIt {
  if (parser !== undefined) return parser;
  const md = new MarkdownIt("default", { html: false, linkify: true, breaks: true, typographer: false });
  md.disable(["image"]);
  md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });
  // Only web and mail addresses become links. markdown-it's own check refuses a few dangerous
  // schemes but lets any other through (`<ms-settings:>`, `<a-:>` as an autolink); a link with
  // another scheme or none is left as text.
  md.validateLink = (url) => /^(?:https?:\/\/|mailto:)/i.test(url.trim());
  // A link leaves the (offline) viewer in a new tab, and tells the target nothing about it.
  md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
    const token = tokens[idx];
    token?.attrSet("target", "_blank");
    token?.attrSet("rel", "noopener noreferrer");
    return self.renderToken(tokens, idx, options);
  };
  parser = md;
  return md;
}

/** HTML for the viewer: paragraphs, emphasis, lists, quotes, code and links; never raw HTML. */
export function markdownToHtml(text: string): string {
  return markdown().render(text);
}

/** Text for Threema and Signal, with their markup for bold, italic and struck-through text. */
export function markdownToMessenger(text: string): string {
  return toText(text, "messenger");
}

/** Plain text: the words without markup; links as "text (address)". */
export function markdownToPlain(text: string): string {
  return toText(text, "plain");
}

type Style = "messenger" | "plain";

const MARKS: Readonly<Record<string, string>> = { strong: "*", em: "_", s: "~" };

function inlineText(tokens: readonly Token[], style: Style): string {
  let out = "";
  const links: { href: string; start: number }[] = [];
  for (const tok of tokens) {
    const mark = MARKS[tok.type.replace(/_(?:open|close)$/, "")];
    if (mark !== undefined) {
      if (style === "messenger") out += mark;
      continue;
    }
    switch (tok.type) {
      case "softbreak":
      case "hardbreak":
        out += "\n";
        break;
      case "link_open":
        links.push({ href: tok.attrGet("href") ?? "", start: out.length });
        break;
      case "link_close": {
        const link = links.pop();
        if (link === undefined) break;
        const label = out.slice(link.start);
        const bare = link.href.replace(/^mailto:/, "");
        if (link.href !== "" && label !== link.href && label !== bare) out += ` (${bare})`;
        break;
      }
      default:
        // text, text_special (escapes, entities), code_inline, html_inline shown as text
        out += tok.content;
    }
  }
  return out;
}

interface Frame {
  readonly kind: "root" | "list" | "item" | "quote";
  readonly blocks: string[];
  readonly ordered?: boolean;
  next?: number;
}

function toText(text: string, style: Style): string {
  const tokens = markdown().parse(text, {});
  const stack: Frame[] = [{ kind: "root", blocks: [] }];
  const top = () => stack[stack.length - 1] as Frame;
  let heading = false;
  for (const tok of tokens) {
    switch (tok.type) {
      case "heading_open":
        heading = true;
        break;
      case "heading_close":
        heading = false;
        break;
      case "inline": {
        const line = inlineText(tok.children ?? [], style);
        top().blocks.push(heading && style === "messenger" && line.length > 0 ? `*${line}*` : line);
        break;
      }
      case "fence":
      case "code_block":
        top().blocks.push(tok.content.replace(/\n$/, ""));
        break;
      case "hr":
        top().blocks.push("———");
        break;
      case "bullet_list_open":
      case "ordered_list_open":
        stack.push({ kind: "list", blocks: [], ordered: tok.type === "ordered_list_open", next: Number(tok.attrGet("start") ?? 1) });
        break;
      case "list_item_open":
      case "blockquote_open":
        stack.push({ kind: tok.type === "list_item_open" ? "item" : "quote", blocks: [] });
        break;
      case "list_item_close": {
        const item = stack.pop() as Frame;
        const list = top();
        const marker = list.ordered === true ? `${list.next ?? 1}. ` : "- ";
        list.next = (list.next ?? 1) + 1;
        const body = item.blocks.join("\n").split("\n");
        list.blocks.push(body.map((l, i) => (i === 0 ? marker + l : " ".repeat(marker.length) + l)).join("\n"));
        break;
      }
      case "bullet_list_close":
      case "ordered_list_close": {
        const list = stack.pop() as Frame;
        top().blocks.push(list.blocks.join("\n"));
        break;
      }
      case "blockquote_close": {
        const quote = stack.pop() as Frame;
        top().blocks.push(quote.blocks.join("\n\n").split("\n").map((l) => `> ${l}`.trimEnd()).join("\n"));
        break;
      }
      default:
        break;
    }
  }
  return (stack[0] as Frame).blocks.join("\n\n");
}
