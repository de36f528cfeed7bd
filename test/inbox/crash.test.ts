/**
 * `inbox serve` killed with SIGKILL in the middle of a burst: every callback it answered 200
 * must be readable afterwards (the Gateway retries only what it did not get 200 for).
 */
import { request, Agent } from "node:http";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toHex } from "../../src/channels/threema/crypto.js";
import { initHome, runCli, writeText } from "../helpers/cli.js";
import { GatewayEmulator, makeIdentity, type CallbackPost } from "../channels/threema/emulator.js";
import { startServe } from "./helpers.js";

const TOTAL = 200;
const KILL_AFTER = 40;
const CONCURRENCY = 16;

function post(agent: Agent, url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", agent, headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("inbox serve killed mid-burst", () => {
  let home: string;
  let cleanup: () => Promise<void>;
  let emulator: GatewayEmulator;
  const client = makeIdentity("CRASHTST");

  beforeAll(async () => {
    ({ home, cleanup } = await initHome());
    emulator = await new GatewayEmulator().start();
    emulator.addIdentity(client);
    const secretFile = await writeText(join(home, "..", "secret.txt"), emulator.secret);
    const keyFile = await writeText(join(home, "..", "key.txt"), toHex(emulator.gateway.privateKey));
    for (const args of [
      ["channels", "add", "threema", "--gateway-id", emulator.gatewayId, "--secret-file", secretFile, "--private-key-file", keyFile, "--api-url", emulator.url],
      ["client", "add", "k1", "--lang", "en", "--threema", client.id],
      ["consent", "record", "k1", "--channel", "threema"],
    ]) {
      const result = await runCli(args, { home });
      if (result.code !== 0) throw new Error(`${args.join(" ")}: ${result.stderr}`);
    }
  });
  afterAll(async () => {
    await emulator.stop();
    await cleanup();
  });

  it("loses nothing that was answered 200", async () => {
    const serve = await startServe(home);
    const callbacks: CallbackPost[] = Array.from({ length: TOTAL }, (_, i) => emulator.clientText(client, `burst message ${i}`));
    const texts = new Map(callbacks.map((c, i) => [c.messageId, `burst message ${i}`]));
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const answered: string[] = [];
    let failed = 0;
    let next = 0;
    const worker = async () => {
      while (next < callbacks.length) {
        const callback = callbacks[next++]!;
        try {
          const status = await post(agent, serve.url, callback.body);
          if (status === 200) answered.push(callback.messageId);
          if (answered.length === KILL_AFTER) serve.child.kill("SIGKILL");
        } catch {
          failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    agent.destroy();
    await serve.stop();
    expect(serve.child.signalCode).toBe("SIGKILL");
    expect(answered.length).toBeGreaterThanOrEqual(KILL_AFTER);
    // The kill happened with requests still open.
    expect(failed).toBeGreaterThan(0);

    const read = await runCli(["--json", "inbox", "read", "k1"], { home });
    expect(read.code, read.stderr).toBe(0);
    const shown = new Set((JSON.parse(read.stdout) as { messages: { text: string }[] }).messages.map((m) => m.text));
    for (const id of answered) expect(shown, `answered 200 but lost: ${texts.get(id)}`).toContain(texts.get(id));
    // Nothing appears that was never sent, and nothing twice.
    expect(shown.size).toBe((JSON.parse(read.stdout) as { messages: unknown[] }).messages.length);
    for (const text of shown) expect([...texts.values()]).toContain(text);

    // The next start removes what the killed process left half-written (sealed, but garbage).
    const again = await startServe(home);
    await again.stop();
    expect(await readdir(join(home, "inbox", "tmp"))).toEqual([]);
  });
});
