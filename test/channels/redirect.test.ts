/**
 * Channels never follow a redirect: a service (or whatever answers at its address) that says
 * 307/308 would otherwise get the request sent again, body and all — the Threema Gateway's
 * secret, a follow-up for signal-cli — to an address nobody configured or checked.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Gateway } from "../../src/channels/threema/gateway.js";
import { callRpc } from "../../src/channels/signal.js";

const SECRET = "gateway-secret-0123456789";

interface Local {
  readonly url: string;
  readonly seen: string[];
  readonly server: Server;
}

async function listen(handle: (request: IncomingMessage, body: string) => { status: number; headers?: Record<string, string>; body?: string }): Promise<Local> {
  const seen: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push(`${request.method ?? "?"} ${request.url ?? ""} ${body}`);
      const answer = handle(request, body);
      response.writeHead(answer.status, answer.headers).end(answer.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

let sink: Local;
let redirector: Local;

beforeAll(async () => {
  // What a redirect points to: it would answer as the Gateway and signal-cli do.
  sink = await listen((request) =>
    request.url?.startsWith("/api/v1/rpc")
      ? { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: null, result: {} }) }
      : { status: 200, body: request.url?.startsWith("/credits") ? "100" : "0123456789abcdef" },
  );
  redirector = await listen((request) => ({ status: request.url?.startsWith("/credits") ? 302 : 307, headers: { location: `${sink.url}${request.url ?? "/"}` } }));
});
afterAll(async () => {
  for (const local of [sink, redirector]) await new Promise((resolve) => local?.server.close(resolve));
});

describe("channels and redirects", () => {
  it("the Threema Gateway client sends nothing on: a redirect is a failure with its status", async () => {
    const gateway = new Gateway({ apiUrl: redirector.url, gatewayId: "*NACHKLA", secret: SECRET, retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 } });
    await expect(gateway.sendE2e("ECHOECHO", new Uint8Array(24), new Uint8Array(40))).rejects.toMatchObject({ problem: "status", status: 307, endpoint: "send_e2e" });
    await expect(gateway.uploadBlob(new Uint8Array(10))).rejects.toMatchObject({ problem: "status", status: 307, endpoint: "upload_blob" });
    await expect(gateway.credits()).rejects.toMatchObject({ problem: "status", status: 302, endpoint: "credits" });
    expect(redirector.seen.some((r) => r.includes(SECRET))).toBe(true);
    expect(sink.seen).toEqual([]);
  });

  it("signal-cli's JSON-RPC call sends nothing on: a redirect is refused (nothing ran)", async () => {
    const before = sink.seen.length;
    expect(await callRpc(redirector.url, "send", { message: "Bis bald" }, 5_000)).toEqual({ kind: "rejected", detail: "HTTP 307" });
    expect(sink.seen.length).toBe(before);
  });
});
