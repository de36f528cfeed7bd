/**
 * Text that signal-cli writes (error messages, its version) reaches the terminal inside one of
 * nachklang's lines: a program at the daemon's address must not be able to send escape
 * sequences, newlines or bidi overrides through it, nor a phone number into the ledger.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSignalChannelType } from "../../../src/channels/signal.js";
import { oneLine, scrub } from "../../../src/channels/signal/text.js";
import { initHome, runCli } from "../../helpers/cli.js";

const ACCOUNT = "+4930123456";
const HOSTILE = "\u001b]0;pwned\u0007\u001b[2J\nFehler\r\u202eexe.txt für +49 151 1234567";
const UNPRINTABLE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

describe("signal-cli's own text, shown on one line", () => {
  it("is cut at 200 characters without halving one", () => {
    expect(oneLine(`${"x".repeat(199)}😀 more`)).toBe(`${"x".repeat(199)}😀`);
  });

  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString("utf8")));
      req.on("end", () => {
        if (req.url === "/api/v1/check") return void res.writeHead(200).end();
        const { id, method } = JSON.parse(body) as { id: string; method: string };
        const answer =
          method === "version"
            ? { result: { version: `0.14.0${HOSTILE}` } }
            : method === "listAccounts"
              ? { result: [{ number: ACCOUNT }] }
              : { error: { code: -3, message: HOSTILE } };
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id, ...answer }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("check(): the version without control characters", async () => {
    const type = makeSignalChannelType();
    const channel = type.create({ name: "signal", settings: type.settings.parse({ account: ACCOUNT, rpcUrl: url }), secret: () => undefined, home: "/nonexistent" });
    const report = await channel.check();
    const version = String(report.lines[0]?.params?.version);
    expect(version.startsWith("0.14.0")).toBe(true);
    expect(version).not.toMatch(UNPRINTABLE);
  });

  it("inbox fetch: signal-cli's error in one line, without escape sequences or the number", async () => {
    const { home, cleanup } = await initHome();
    try {
      expect((await runCli(["channels", "add", "signal", "--account", ACCOUNT, "--rpc-url", url], { home })).code).toBe(0);
      const result = await runCli(["inbox", "fetch"], { home });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(result.stderr.trimEnd()).not.toMatch(UNPRINTABLE);
      expect(result.stderr).toContain("Fehler");
      expect(result.stderr).not.toContain("1234567");
    } finally {
      await cleanup();
    }
  });

  it("scrub(): never a control or format character, at most 200 characters", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (text) => {
        const line = scrub(text);
        expect(line).not.toMatch(UNPRINTABLE);
        expect(line.length).toBeLessThanOrEqual(200);
      }),
    );
  });
});
