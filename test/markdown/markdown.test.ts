import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { markdownToHtml, markdownToMessenger, markdownToPlain } from "../../src/markdown/index.js";

const NOTE = [
  "Schön, dass **Sie** da waren. _Bis bald._ ~~alt~~",
  "",
  "- eins",
  "- zwei **fett**",
  "",
  "Siehe [den Artikel](https://example.org/a) und https://elvi.example.org/raum_a_b",
  "",
  "> Der Weg entsteht",
  "> im Gehen.",
  "",
  "## Für die Woche",
  "",
  "Herzliche Grüße",
  "Praxis",
].join("\n");

describe("Markdown through its one door", () => {
  it("renders HTML for the viewer, with line breaks kept and links opened safely", () => {
    const html = markdownToHtml(NOTE);
    expect(html).toContain("<p>Schön, dass <strong>Sie</strong> da waren. <em>Bis bald.</em> <s>alt</s></p>");
    expect(html).toContain("<li>zwei <strong>fett</strong></li>");
    expect(html).toContain('<a href="https://example.org/a" target="_blank" rel="noopener noreferrer">den Artikel</a>');
    expect(html).toContain('<a href="https://elvi.example.org/raum_a_b" target="_blank" rel="noopener noreferrer">https://elvi.example.org/raum_a_b</a>');
    expect(html).toContain("<p>Herzliche Grüße<br>\nPraxis</p>");
    expect(html).toContain("<h2>Für die Woche</h2>");
  });

  it("shows raw HTML as text, and makes no image and no script link", () => {
    const html = markdownToHtml('Hallo <script>alert(1)</script> <img src=x onerror=alert(1)> ![p](https://tracker.example/p.png) [x](javascript:alert(1)) <a href="https://e.example">a</a>');
    expect(html).not.toMatch(/<script|<img|href="javascript/);
    expect(html).toContain("&lt;script&gt;");
    expect(html).toContain("&lt;a href=");
  });

  it("links web and mail addresses only: another scheme or a relative address stays text", () => {
    // Found by the property below: markdown-it's own check let `<A-:>` through as a link.
    for (const source of ["<A-:>", "<ms-settings:privacy>", "[x](tel:+491234)", "[x](notes.html)", "[x](//evil.example)", "<file:///etc/passwd>"]) {
      expect(markdownToHtml(source), source).not.toMatch(/<a /);
    }
    expect(markdownToHtml("[Buch](https://buch.example/a) <mailto:praxis@example.org> http://alt.example")).toMatch(
      /href="https:\/\/buch\.example\/a".*href="mailto:praxis@example\.org".*href="http:\/\/alt\.example"/s,
    );
  });

  it("gives messengers their own markup, and plain text none", () => {
    const messenger = markdownToMessenger(NOTE);
    expect(messenger).toBe(
      [
        "Schön, dass *Sie* da waren. _Bis bald._ ~alt~",
        "",
        "- eins",
        "- zwei *fett*",
        "",
        "Siehe den Artikel (https://example.org/a) und https://elvi.example.org/raum_a_b",
        "",
        "> Der Weg entsteht",
        "> im Gehen.",
        "",
        "*Für die Woche*",
        "",
        "Herzliche Grüße",
        "Praxis",
      ].join("\n"),
    );
    const plain = markdownToPlain(NOTE);
    expect(plain).toContain("Schön, dass Sie da waren. Bis bald. alt");
    expect(plain).toContain("- zwei fett");
    expect(plain).not.toMatch(/[*~]|_B/);
  });

  it("leaves a message without Markdown as it is", () => {
    const message = "Hallo Anna,\n\nSchön, dass Sie da waren.\n\nImpulse:\n– Zitat: Der Weg entsteht im Gehen.\n– Link: https://example.org/a_b\n\nHerzliche Grüße\nPraxis Beispiel";
    expect(markdownToMessenger(message)).toBe(message);
    expect(markdownToPlain(message)).toBe(message);
  });

  it("never lets raw HTML through, whatever the text (property)", () => {
    const piece = fc.constantFrom(
      "<script>alert(1)</script>",
      "<img src=x onerror=alert(1)>",
      '<a href="javascript:alert(1)">x</a>',
      "<iframe src=//evil>",
      "<style>body{}</style>",
      "[x](javascript:alert(1))",
      "[x](JaVaScRiPt:alert(1))",
      "[x](data:text/html;base64,PHNjcmlwdD4=)",
      "![i](https://t.example/p.png)",
      "**b**",
      "_i_",
      "`c`",
      "> q",
      "- l",
      "1. o",
      "# h",
      "```\n<b>\n```",
      "<!-- c -->",
      "&lt;b&gt;",
      "&#60;script&#62;",
      "\n",
      "\n\n",
      " ",
      "<",
      ">",
      '"',
      "'",
    );
    const text = fc.array(fc.oneof(piece, fc.string({ maxLength: 8 })), { maxLength: 30 }).map((parts) => parts.join(""));
    const ALLOWED = new Set(["p", "br", "strong", "em", "s", "a", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "code", "pre", "hr"]);
    fc.assert(
      fc.property(text, (source) => {
        const html = markdownToHtml(source);
        for (const [, name, attrs] of html.matchAll(/<\/?([A-Za-z][A-Za-z0-9]*)([^>]*)>/g)) {
          expect(ALLOWED.has(name!.toLowerCase()), `${name} in ${html}`).toBe(true);
          // Attributes: only a link's address (http, https, mailto) with its target and rel, a list's start, a code block's language.
          const rest = attrs!
            .replace(/ href="(?:https?:|mailto:)[^"]*"/g, "")
            .replace(/ target="_blank"| rel="noopener noreferrer"| start="\d+"| class="language-[^"]*"/g, "")
            .trim();
          expect(rest, html).toBe("");
        }
        expect(html).not.toMatch(/<!--/);
      }),
      { numRuns: 500 },
    );
  });
});
