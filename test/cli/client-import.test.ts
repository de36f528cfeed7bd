/**
 * `nachklang client import FILE.csv` and finding clients by name, through the real CLI: every
 * row is checked before any is written (one bad row: nothing written, exit 2, the line names the
 * row), consent columns, one registry for all rows; `client list --names TERM` matches aliases
 * and names regardless of case and umlaut spelling, and names appear nowhere in plain text.
 */
import { readFile, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initHome, runCli, writeText } from "../helpers/cli.js";

let home: string;
let cleanup: () => Promise<void>;

const HEADER = "alias,name,lang,email,phone,threema,channel,consent,consent-date";
const NAMES = ["Anna Keller", "Jürgen Größe-Özdemir", "Ben Ortner", "Clara Weiß", "David Öztürk", "Eva Schön", "Felix Braun", "Greta Lange", "Hanna Vogel", "Ida Sommer"];

function rows(bad?: { row: number; line: string }): string {
  const lines = NAMES.map((name, i) => {
    const n = String(i + 1).padStart(2, "0");
    return `k1${n},"${name}",${i % 2 === 0 ? "de" : "en"},k1${n}@example.org,+49 170 10000${n},,email,email;folder,2026-11-0${(i % 9) + 1}`;
  });
  if (bad !== undefined) lines[bad.row - 2] = bad.line;
  return [HEADER, ...lines].join("\n") + "\n";
}

async function listed(): Promise<{ alias: string; name?: string | null; consents: string[] }[]> {
  const r = await runCli(["--json", "client", "list", "--names"], { home });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { alias: string; name?: string | null; consents: string[] }[];
}

beforeAll(async () => {
  ({ home, cleanup } = await initHome());
});
afterAll(() => cleanup());

describe("client import", () => {
  it("writes nothing when one of ten rows is bad, and names that row", async () => {
    const dir = join(home, "..");
    const cases = [
      { row: 7, line: "k107,Eva Schön,de,k107@example.org,0170 123,,email,email,2026-11-07", text: "row 7: Client 'k107': invalid value for 'phone'" },
      { row: 4, line: "k104,Ben Ortner,fr,,,,,,", text: "row 4:" },
      { row: 11, line: "k101,Doppelt,de,,,,,,", text: "row 11: 'k101' is already in row 2." },
      { row: 5, line: "k105,Clara,de,,,,,whatsapp,", text: "row 5:" },
      { row: 6, line: "k106,Eva,de,,,,,email,2026-13-45", text: "row 6:" },
      { row: 3, line: "k 102,Eva,de,,,,,,", text: "row 3: 'k 102' is not a valid alias" },
      // A consent date with no channel to consent to was dropped silently (no consent, exit 0).
      { row: 8, line: "k108,Felix,de,,,,,,2026-11-02", text: "row 8: k108: consent-date or consent-info without a channel in the consent column" },
    ];
    for (const c of cases) {
      const file = await writeText(join(dir, `bad-${c.row}.csv`), rows(c));
      const r = await runCli(["client", "import", file], { home });
      expect(r.code, r.stderr).toBe(c.line.includes("whatsapp") ? 4 : 2);
      expect(r.stderr).toContain(c.text);
      expect(r.stderr).toContain("Nothing was added");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).not.toContain("    at ");
    }
    const none = await runCli(["client", "list"], { home });
    expect(none.stdout).toContain("No clients yet.");
    await expect(stat(join(home, "clients.age"))).rejects.toThrow();
  });

  it("refuses unknown columns, a file without rows or without an alias column", async () => {
    const dir = join(home, "..");
    const unknown = await runCli(["client", "import", await writeText(join(dir, "cols.csv"), "alias,nickname\nk1,Anni\n")], { home });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown column(s) nickname");
    const empty = await runCli(["client", "import", await writeText(join(dir, "empty.csv"), "alias,name\n")], { home });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("no rows below the header");
    const noAlias = await runCli(["client", "import", await writeText(join(dir, "noalias.csv"), "name,lang\nAnna,de\n")], { home });
    expect(noAlias.code).toBe(2);
    expect(noAlias.stderr).toContain("needs an 'alias' column");
    const missing = await runCli(["client", "import", join(dir, "nosuch.csv")], { home });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nosuch.csv");
  });

  it("refuses a CSV that is not UTF-8 (a spreadsheet saved in the Windows encoding) instead of importing garbled names", async () => {
    const file = join(home, "..", "latin1.csv");
    await writeFile(file, Buffer.from("alias,name\nk1,Jürgen Größe\n", "latin1"));
    const r = await runCli(["client", "import", file], { home });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toBe(`${file}: not UTF-8 text (save a spreadsheet e.g. as 'CSV UTF-8'); nothing was processed.\n`);
    expect((await runCli(["client", "list"], { home })).stdout).toContain("No clients yet.");
  });

  it("names a row with a stray comma or an unclosed quote in the user's words, not the CSV parser's", async () => {
    const comma = join(home, "..", "comma.csv");
    await writeFile(comma, "alias,name\nk1,Keller, Anna\n");
    const r = await runCli(["client", "import", comma], { home });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toBe(`${comma}, row 2: 3 values, the header has 2 columns (a comma in a value? then put the value in "…"); nothing was added.\n`);
    const quote = join(home, "..", "quote.csv");
    await writeFile(quote, 'alias,name\nk1,"Anna\n');
    const q = await runCli(["--lang", "de", "client", "import", quote], { home });
    expect(q.code, q.stderr).toBe(2);
    expect(q.stderr).toBe(`${quote}, Zeile 2: ein Anführungszeichen " ist nicht geschlossen; nichts angelegt.\n`);
    expect((await runCli(["client", "list"], { home })).stdout).toContain("No clients yet.");
  });

  it("adds ten good rows with their consents, all listed", async () => {
    const file = await writeText(join(home, "..", "good.csv"), rows());
    const r = await runCli(["client", "import", file], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`10 clients added from ${file}.`);
    const clients = await listed();
    expect(clients.map((c) => c.alias)).toEqual(NAMES.map((_, i) => `k1${String(i + 1).padStart(2, "0")}`));
    expect(clients.map((c) => c.name)).toEqual(NAMES);
    expect(clients.every((c) => c.consents.join(",") === "email,folder")).toBe(true);
    const shown = JSON.parse((await runCli(["--json", "client", "show", "k102"], { home })).stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({ lang: "en", phone: "+491701000002", email: "k102@example.org", channel: "email" });
    expect((shown.consents as { date: string }[])[0]?.date).toBe("2026-11-02");

    // Importing again: every alias exists; nothing is added twice.
    const again = await runCli(["client", "import", file], { home });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("row 2: Client 'k101' already exists");
    expect(await listed()).toHaveLength(10);
  });
});

describe("client import from a spreadsheet in German settings", () => {
  it("reads semicolon-separated rows with a byte order mark", async () => {
    const file = await writeText(join(home, "..", "excel.csv"), "\uFEFFalias;name;lang;consent\r\nk201;Karl Jäger;de;folder email\r\nk202;\"Lena Brandt; geb. Roth\";en;\r\n");
    const r = await runCli(["--json", "client", "import", file], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ file, added: ["k201", "k202"] });
    const shown = JSON.parse((await runCli(["--json", "client", "show", "k202"], { home })).stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({ name: "Lena Brandt; geb. Roth", lang: "en", consents: [] });
    const karl = JSON.parse((await runCli(["--json", "client", "show", "k201"], { home })).stdout) as { consents: { channel: string }[] };
    expect(karl.consents.map((c) => c.channel)).toEqual(["folder", "email"]);
  });
});

describe("finding clients by name", () => {
  it("matches alias or name, ignoring case and umlaut spelling; names only with --names", async () => {
    for (const term of ["größe", "GROESSE", "grosse", "Özdemir", "ozdemir"]) {
      const r = await runCli(["client", "list", "--names", term], { home });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim(), term).toBe("k102\tJürgen Größe-Özdemir\ten\tphone, email");
    }
    const byAlias = await runCli(["client", "list", "K105"], { home });
    expect(byAlias.stdout.trim()).toBe("k105\tde\tphone, email");
    const withoutNames = await runCli(["client", "list", "weiss"], { home });
    expect(withoutNames.stdout.trim()).toBe("k104\ten\tphone, email");
    expect(withoutNames.stdout).not.toContain("Weiß");
    const json = JSON.parse((await runCli(["--json", "client", "list", "weiß"], { home })).stdout) as Record<string, unknown>[];
    expect(json).toHaveLength(1);
    expect(json[0]).not.toHaveProperty("name");
    const none = await runCli(["client", "list", "--names", "Zimmermann"], { home });
    expect(none.code).toBe(0);
    expect(none.stdout.trim()).toBe("No client matches 'Zimmermann'.");
  });

  it("writes no name anywhere in plain text", async () => {
    const files = (await readdir(home, { recursive: true, withFileTypes: true })).filter((f) => f.isFile()).map((f) => join(f.parentPath, f.name));
    expect(files.length).toBeGreaterThan(2);
    for (const file of files) {
      const bytes = await readFile(file);
      for (const name of ["Keller", "Özdemir", "Schön"]) expect(bytes.includes(name), `${file}: ${name}`).toBe(false);
    }
  });
});
