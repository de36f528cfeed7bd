/**
 * A program at the daemon's address that answers without end (hostile, or a broken signal-cli):
 * nachklang reads at most the bound of one answer, closes the connection at once, and says so
 * in one line. Without the bound it read until memory or the timeout ran out.
 */
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Channel } from "../../../src/channels/contract.js";
import { makeSignalChannelType, RPC_ANSWER_LIMIT_BYTES } from "../../../src/channels/signal.js";
import { attachmentAnswerLimit } from "../../../src/channels/signal/inbox.js";
import { LANGS, t } from "../../../src/messages/index.js";
import { initHome, runCli, tempDir } from "../../helpers/cli.js";
import { makeDelivery } from "./delivery.js";

const ACCOUNT = "+4930123456";
const CLIENT = "+4915112345678";
const fast = makeSignalChannelType({ attempts: 1, delaysMs: [10], timeoutMs: 60_000 });
/** What the flood sends at most, so that a nachklang without the bound fails the test instead of filling memory. */
const FLOOD_CAP = 96 * 1024 * 1024;

/** One connection's flood: how much was written, and whether the reader went away. */
interface Flood {
  written: number;
  closed: boolean;
}

/**
 * Answers `method` (or the check) with a JSON-RPC answer that never ends; every other call is
 * answered as signal-cli would. `receive` lists one message whose attachment claims 10 bytes.
 */
class FloodServer {
  readonly floods: Flood[] = [];
  floodMethod = "";

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FloodServer> {
    const server = createServer();
    const flood = new FloodServer(server);
    server.on("request", (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => flood.answer(req.url ?? "", Buffer.concat(chunks).toString("utf8"), res));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return flood;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(path: string, body: string, res: ServerResponse): void {
    const request = path === "/api/v1/rpc" ? (JSON.parse(body) as { id: string; method: string }) : { id: "", method: "check" };
    if (request.method !== this.floodMethod) {
      const result =
        request.method === "receive"
          ? [{ account: ACCOUNT, envelope: { source: CLIENT, sourceNumber: CLIENT, timestamp: 1, dataMessage: { timestamp: 1, message: "hi", attachments: [{ contentType: "image/jpeg", filename: "a.jpg", id: "att1", size: 10 }] } } }]
          : { version: "0.14.0" };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: request.id, result }));
      return;
    }
    const flood: Flood = { written: 0, closed: false };
    this.floods.push(flood);
    res.writeHead(200, { "content-type": "application/json" });
    res.write(`{"jsonrpc":"2.0","id":"${request.id}","result":{"data":"`);
    const chunk = Buffer.alloc(64 * 1024, "A");
    const pump = () => {
      while (!flood.closed && flood.written < FLOOD_CAP) {
        flood.written += chunk.length;
        if (!res.write(chunk)) return;
      }
      if (!flood.closed) res.end('"}}');
    };
    res.on("drain", pump);
    res.on("close", () => (flood.closed = true));
    pump();
  }
}

describe("signal channel: answers are read up to a bound", () => {
  let server: FloodServer;
  let channel: Channel;

  beforeAll(async () => {
    server = await FloodServer.start();
    channel = fast.create({ name: "signal", settings: fast.settings.parse({ account: ACCOUNT, rpcUrl: server.url }), secret: () => undefined, home: "/nonexistent" });
  });
  afterAll(() => server.stop());
  afterEach(() => (server.floods.length = 0));

  /** The one flood of the test was cut off near the bound and its connection closed. */
  async function expectCutOff(limit: number): Promise<void> {
    expect(server.floods).toHaveLength(1);
    const [flood] = server.floods;
    await expect.poll(() => flood?.closed, { timeout: 2_000 }).toBe(true);
    // The bound, plus what socket buffers held when reading stopped.
    expect(flood?.written).toBeLessThan(limit + 16 * 1024 * 1024);
  }

  it("send: stops reading at 4 MiB; the message may have gone out, so it is not retried", async () => {
    server.floodMethod = "send";
    const { dir, cleanup } = await tempDir();
    try {
      const result = await channel.deliver(await makeDelivery({ dir, address: CLIENT }));
      expect(result).toMatchObject({ status: "failed", reason: "signal.uncertain", retryable: false, params: { detail: "answer over 4 MiB, not read" } });
      if (result.status === "failed") for (const lang of LANGS) expect(t(lang, result.reason, result.params)).toContain("k042");
      await expectCutOff(RPC_ANSWER_LIMIT_BYTES);
    } finally {
      await cleanup();
    }
  });

  it("check: an endless answer to the health check is a protocol error", async () => {
    server.floodMethod = "check";
    const report = await channel.check();
    expect(report).toMatchObject({ ok: false, lines: [{ key: "signal.protocolError", params: { detail: "check: answer too large" } }] });
    await expectCutOff(64 * 1024);
  });

  it("inbox fetch: an endless receive answer fails with the bound; an endless attachment counts as too large", async () => {
    const stored: Uint8Array[] = [];
    const store = (_id: string, envelope: Uint8Array) => {
      stored.push(envelope);
      return Promise.resolve();
    };
    server.floodMethod = "receive";
    const pulled = await channel.inbox?.pull?.(store, { fileBytes: 1024 * 1024 });
    expect(pulled).toEqual({ ok: false, stored: 0, reason: "inbox.fetch.tooLarge", params: { url: server.url, limit: 4 } });
    await expectCutOff(RPC_ANSWER_LIMIT_BYTES);

    server.floods.length = 0;
    server.floodMethod = "getAttachment";
    const withFile = await channel.inbox?.pull?.(store, { fileBytes: 1024 * 1024 });
    expect(withFile).toMatchObject({ ok: true, stored: 1 });
    const record = JSON.parse(new TextDecoder().decode(stored[0])) as { attachments: unknown[] };
    expect(record.attachments).toEqual([{ name: "a.jpg", mime: "image/jpeg", size: 10, skipped: "tooLarge" }]);
    await expectCutOff(attachmentAnswerLimit(1024 * 1024));
  });

  it("the CLI: `inbox fetch` says it in one line in the practice's language, exit 1, and does not hang", async () => {
    server.floodMethod = "receive";
    const { home, cleanup } = await initHome();
    try {
      const added = await runCli(["channels", "add", "signal", "--account", ACCOUNT, "--rpc-url", server.url], { home });
      expect(added.code, added.stderr).toBe(0);
      for (const [lang, text] of [
        ["en", `signal-cli at ${server.url} sent an answer over 4 MiB; nachklang stopped reading it.`],
        ["de", `signal-cli unter ${server.url} hat eine Antwort über 4 MiB geschickt; nachklang hat sie nicht weitergelesen.`],
      ] as const) {
        const result = await runCli(["--lang", lang, "inbox", "fetch"], { home });
        expect(result.code, result.stderr).toBe(1);
        expect(result.stderr.trim().split("\n")).toHaveLength(1);
        expect(result.stderr).toContain(text);
      }
    } finally {
      await cleanup();
    }
  });
});
