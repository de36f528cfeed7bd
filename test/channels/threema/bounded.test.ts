/**
 * A server at the Gateway's address that answers without end: the client reads at most
 * ANSWER_LIMIT_BYTES of an answer (blobs have their own limit), closes the connection at once and
 * fails with problem "answer"; for send_e2e the message may have gone out, so it says so.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANSWER_LIMIT_BYTES, Gateway } from "../../../src/channels/threema/gateway.js";

/** Stop flooding here, so that a client without the bound fails the test instead of filling memory. */
const FLOOD_CAP = 64 * 1024 * 1024;

describe("Threema Gateway client: answers are read up to a bound", () => {
  let server: Server;
  const floods: { written: number; closed: boolean }[] = [];
  let gateway: Gateway;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const flood = { written: 0, closed: false };
        floods.push(flood);
        res.writeHead(200, { "content-type": "text/plain" });
        const chunk = Buffer.alloc(64 * 1024, "1");
        const pump = () => {
          while (!flood.closed && flood.written < FLOOD_CAP) {
            flood.written += chunk.length;
            if (!res.write(chunk)) return;
          }
          if (!flood.closed) res.end();
        };
        res.on("drain", pump);
        res.on("close", () => (flood.closed = true));
        pump();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    gateway = new Gateway({ apiUrl: url, gatewayId: "*NACHKLG", secret: "s3cr3t", retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 }, sleep: () => Promise.resolve() });
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it.each([
    ["credits", () => gateway.credits(), false],
    ["send_e2e", () => gateway.sendE2e("ECHOECHO", new Uint8Array(24), new Uint8Array(100)), true],
  ] as const)("%s: problem 'answer', cut off near the bound, connection closed", async (endpoint, call, maybeDelivered) => {
    floods.length = 0;
    await expect(call()).rejects.toMatchObject({ problem: "answer", endpoint, maybeDelivered });
    expect(floods).toHaveLength(1);
    await expect.poll(() => floods[0]?.closed, { timeout: 2_000 }).toBe(true);
    expect(floods[0]?.written).toBeLessThan(ANSWER_LIMIT_BYTES + 16 * 1024 * 1024);
  });
});
