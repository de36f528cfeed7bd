/**
 * The emulator itself must catch what a faulty client would send; otherwise the channel tests
 * that pass against it would prove nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignalCliEmulator } from "./emulator.js";

const ACCOUNT = "+4930123456";

async function post(url: string, body: unknown, contentType = "application/json"): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${url}/api/v1/rpc`, {
    method: "POST",
    headers: { "content-type": contentType },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text.length > 0 ? (JSON.parse(text) as unknown) : null };
}

const send = (params: Record<string, unknown>) => ({ jsonrpc: "2.0", method: "send", id: 7, params });
const png = (bytes: Buffer) => `data:image/png;filename=x.png;base64,${bytes.toString("base64")}`;

describe("signal-cli emulator checks what it receives", () => {
  let emulator: SignalCliEmulator;
  beforeAll(async () => {
    emulator = await SignalCliEmulator.start({ accounts: [ACCOUNT] });
  });
  afterAll(() => emulator.stop());

  it("answers the HTTP layer like signal-cli", async () => {
    expect((await fetch(`${emulator.url}/api/v1/check`)).status).toBe(200);
    expect((await fetch(`${emulator.url}/api/v1/rpc`)).status).toBe(405);
    expect((await post(emulator.url, send({}), "text/plain")).status).toBe(415);
    expect((await fetch(`${emulator.url}/api/v1/other`, { method: "POST" })).status).toBe(404);
  });

  it.each([
    ["not JSON", "{", -32700],
    ["no jsonrpc", { method: "version", id: 1 }, -32600],
    ["wrong version", { jsonrpc: "1.0", method: "version", id: 1 }, -32600],
    ["a notification (no id)", { jsonrpc: "2.0", method: "version" }, -32600],
    ["params as an array", { jsonrpc: "2.0", method: "version", id: 1, params: [] }, -32600],
    ["an extra member", { jsonrpc: "2.0", method: "version", id: 1, extra: true }, -32600],
  ])("rejects %s", async (_name, body, code) => {
    const before = emulator.violations.length;
    const { status, json } = await post(emulator.url, body);
    expect(status).toBe(200);
    expect(json).toMatchObject({ jsonrpc: "2.0", error: { code }, id: null });
    expect(emulator.violations.length).toBe(before + 1);
  });

  it.each([
    ["an unknown param", { account: ACCOUNT, recipient: ["+4915112345678"], message: "x", groupId: "g" }, /unexpected param groupId/],
    ["a recipient that is not an array", { account: ACCOUNT, recipient: "+4915112345678", message: "x" }, /array of one/],
    ["a national number", { account: ACCOUNT, recipient: ["015112345678"], message: "x" }, /E\.164/],
    ["an empty message", { account: ACCOUNT, recipient: ["+4915112345678"], message: "" }, /empty message/],
    ["an attachment path instead of data", { account: ACCOUNT, recipient: ["+4915112345678"], attachments: ["/tmp/x.png"] }, /not data:/],
    [
      "an attachment without a file name",
      { account: ACCOUNT, recipient: ["+4915112345678"], attachments: ["data:image/png;base64,iVBORw0KGgo="] },
      /not data:/,
    ],
    ["non-canonical base64", { account: ACCOUNT, recipient: ["+4915112345678"], attachments: ["data:image/png;filename=x.png;base64,iVBORw0KGgp="] }, /canonical/],
    ["bytes that are no image", { account: ACCOUNT, recipient: ["+4915112345678"], attachments: [png(Buffer.from("hello"))] }, /not a decodable image/],
  ])("rejects a send with %s", async (_name, params, pattern) => {
    const { json } = await post(emulator.url, send(params));
    expect(json).toMatchObject({ error: { code: -32602 }, id: 7 });
    expect(emulator.violations.at(-1)).toMatch(pattern);
    expect(emulator.sends).toHaveLength(0);
  });

  it("answers a failed send the way signal-cli does: an error carrying the results", async () => {
    emulator.answer({ type: "RATE_LIMIT_FAILURE", retryAfterSeconds: 60 });
    const { json } = await post(emulator.url, send({ account: ACCOUNT, recipient: ["+4915112345678"], message: "x" }));
    expect(json).toMatchObject({
      error: { code: -5, data: { response: { results: [{ type: "RATE_LIMIT_FAILURE", retryAfterSeconds: 60, recipientAddress: { number: "+4915112345678" } }] } } },
      id: 7,
    });
    const ok = await post(emulator.url, send({ account: ACCOUNT, recipient: ["+4915112345678"], message: "x" }));
    expect(ok.json).toMatchObject({ result: { timestamp: expect.any(Number) as unknown, results: [{ type: "SUCCESS" }] }, id: 7 });
  });
});
