/**
 * The Threema channel's receiving side against the Gateway emulator: what a client's app sends
 * (built by the emulator with the client's key, to the Gateway ID's key) is opened, checked and
 * decoded; everything forged, misaddressed or undecryptable is refused; read receipts and texts
 * go back and the emulator decrypts and checks them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChannelInbox, DeliveryRecipient, OpenedEnvelope } from "../../../src/channels/contract.js";
import { callbackMacMatches, readCallbackForm } from "../../../src/channels/threema/callback.js";
import { FILE_NONCE, secretbox, toHex } from "../../../src/channels/threema/crypto.js";
import { readFileMessage } from "../../../src/channels/threema/inbox.js";
import { channelFor } from "./fixtures.js";
import { GatewayEmulator, makeIdentity, type CallbackPost } from "./emulator.js";

const LIMIT = { fileBytes: 1000 };

describe("receiving through the Threema Gateway", () => {
  let emulator: GatewayEmulator;
  let inbox: ChannelInbox;
  const client = makeIdentity("ECHOECHO");
  const pinned: Record<string, string> = {};
  const recipient: DeliveryRecipient = {
    alias: "k042",
    lang: "de",
    address: client.id,
    pinnedKeys: pinned,
    pinKey(name, value) {
      pinned[name] = value;
      return Promise.resolve();
    },
  };
  const senders = { find: (address: string) => (address === client.id ? recipient : undefined) };
  const open = (callback: CallbackPost | string) => inbox.open(new TextEncoder().encode(typeof callback === "string" ? callback : callback.body), senders, LIMIT);

  beforeAll(async () => {
    emulator = await new GatewayEmulator().start();
    emulator.addIdentity(client);
    const channel = channelFor(emulator);
    if (channel.inbox === undefined) throw new Error("the Threema channel has no inbox");
    inbox = channel.inbox;
  });
  afterAll(() => emulator.stop());

  it("agrees with the published callback MAC vectors", () => {
    // dbrgn/threema-gateway-rs src/receive.rs and marchof/three4j GatewayCallbackTest.java, as in vectors.test.ts
    const rs = "from=ECHOECHO&to=*TESTTST&messageId=0102030405060708&date=1616950936&nonce=ffffffffffffffffffffffffffffffffffffffffffffffff&box=012345abcdef&mac=622b362e8353658ee649a5548acecc9ce9b88384d6b7e08e212446d68455b14e";
    expect(callbackMacMatches(rs, "nevergonnagiveyouup")).toBe(true);
    expect(callbackMacMatches(rs, "nevergonnaletyoudown")).toBe(false);
    expect(callbackMacMatches(rs.replace("date=1616950936", "date=1616950937"), "nevergonnagiveyouup")).toBe(false);
    const j = "from=SENDERXY&to=RECEIVER&messageId=0011223344556677&date=1650000000&nonce=001122334455667700112233445566770011223344556677&box=0123456789abcdef&nickname=three4j&mac=c1d77e5a605511635c9150fb7c1f6ad9eaedf02352e981b6a1d687c742e84c15";
    expect(callbackMacMatches(j, "secret")).toBe(true);
    expect(readCallbackForm(j)).toMatchObject({ ok: true, form: { from: "SENDERXY", to: "RECEIVER", messageId: "0011223344556677" } });
    expect(readCallbackForm(j.replace("&box=0123456789abcdef", ""))).toEqual({ ok: false, problem: "fields" });
    expect(readCallbackForm(j.replace("box=0123456789abcdef", "box=0123x"))).toEqual({ ok: false, problem: "format" });
  });

  it("opens a client's text, pinning the key on first contact", async () => {
    const callback = emulator.clientText(client, "Grüße, und danke ✨");
    const opened = await open(callback);
    expect(opened).toEqual({ kind: "message", from: client.id, ids: [callback.messageId], text: "Grüße, und danke ✨", files: [], skipped: [] });
    expect(pinned.threema).toBe(toHex(client.publicKey));
  });

  it("fetches and opens a file message's blob, within the size limit", async () => {
    const data = new Uint8Array(Array.from({ length: 900 }, (_, i) => i % 251));
    const opened = await open(emulator.clientFile(client, { data, mime: "application/pdf", name: "notizen.pdf", caption: "meine Notizen" }));
    expect(opened.kind).toBe("message");
    const message = opened as Extract<OpenedEnvelope, { kind: "message" }>;
    expect(message.files).toHaveLength(1);
    expect(message.files[0]).toMatchObject({ name: "notizen.pdf", mime: "application/pdf", caption: "meine Notizen" });
    expect(Buffer.from(message.files[0]!.data)).toEqual(Buffer.from(data));

    const big = await open(emulator.clientFile(client, { data: new Uint8Array(1001), mime: "image/jpeg", name: "gross.jpg", caption: "zu groß" }));
    expect(big).toMatchObject({ kind: "message", text: "zu groß", files: [], skipped: [{ name: "gross.jpg", size: 1001, reason: "tooLarge" }] });

    // A blob whose declared size lies is still cut off at the limit.
    const key = new Uint8Array(32).fill(7);
    emulator.blobs.set("ab".repeat(16), secretbox(new Uint8Array(2000), FILE_NONCE, key));
    const liar = { b: "ab".repeat(16), k: toHex(key), m: "image/jpeg", n: "luege.jpg", s: 10, j: 0, i: 0 };
    expect(await open(emulator.callbackFor(client, 0x17, new TextEncoder().encode(JSON.stringify(liar))))).toMatchObject({ skipped: [{ name: "luege.jpg", reason: "tooLarge" }] });
    const gone = emulator.clientFile(client, { data: new Uint8Array(10), mime: "image/jpeg", name: "weg.jpg" });
    emulator.blobs.clear();
    expect(await open(gone)).toMatchObject({ kind: "message", files: [], skipped: [{ name: "weg.jpg", reason: "unavailable" }] });
  });

  it("refuses a wrong MAC, another Gateway ID, a box that does not decrypt, and a malformed body", async () => {
    expect(await open(emulator.clientText(client, "x", { secret: "forged" }))).toEqual({ kind: "refused", problem: "mac" });
    const other = new GatewayEmulator({ gatewayId: "*ANDERES", secret: emulator.secret });
    other.addIdentity(client);
    expect(await open(other.clientText(client, "x"))).toEqual({ kind: "refused", problem: "wrongGateway" });
    // Someone else's key under the client's ID: the pinned key does not open it.
    const impostor = makeIdentity(client.id);
    expect(await open(emulator.clientText(impostor, "x"))).toEqual({ kind: "refused", problem: "decrypt" });
    expect(await open("from=ECHOECHO&to=*NACHKLG")).toEqual({ kind: "refused", problem: "format" });
  });

  it("leaves a stranger's message for later, and waits while the client's key has changed", async () => {
    const stranger = makeIdentity("STRANGER");
    emulator.addIdentity(stranger);
    expect(await open(emulator.clientText(stranger, "hallo"))).toEqual({ kind: "unknownSender" });
    emulator.publishedKeys.set(client.id, makeIdentity("NEWPHONE").publicKey);
    try {
      expect(await open(emulator.clientText(client, "neues Handy?"))).toMatchObject({ kind: "retry", reason: "threema.keyMismatch" });
    } finally {
      emulator.publishedKeys.delete(client.id);
    }
  });

  it("reads a client's delivery receipt as a receipt, not as a message", async () => {
    const receipt = emulator.callbackFor(client, 0x80, Uint8Array.from([2, 1, 2, 3, 4, 5, 6, 7, 8]));
    expect(await open(receipt)).toEqual({ kind: "receipt", from: client.id, status: "read", messageIds: ["0102030405060708"] });
  });

  it("sends a read receipt the client decrypts, naming the messages it read", async () => {
    const a = emulator.clientText(client, "eins");
    const b = emulator.clientText(client, "zwei");
    const result = await inbox.sendReadReceipt(recipient, [a.messageId, b.messageId]);
    expect(result.status).toBe("sent");
    expect(emulator.violations).toEqual([]);
    const last = emulator.received[emulator.received.length - 1];
    expect(last).toMatchObject({ to: client.id, type: 0x80, receipt: { status: "read", messageIds: [a.messageId, b.messageId] } });
    // A receipt for a message the client never sent is caught by the emulator.
    expect((await inbox.sendReadReceipt(recipient, ["ffffffffffffffff"])).status).toBe("failed");
    expect(emulator.violations).toEqual(["receipt names message ffffffffffffffff, which ECHOECHO never sent"]);
    emulator.violations.length = 0;
  });

  it("reads the file message JSON defensively", () => {
    const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    const ok = { b: "0".repeat(32), k: "1".repeat(64), m: "image/png", n: "a.png", s: 3 };
    expect(readFileMessage(json(ok))).toMatchObject({ blobId: "0".repeat(32), mime: "image/png", name: "a.png", size: 3 });
    expect(readFileMessage(json({ ...ok, m: "not a mime\r\n" }))?.mime).toBe("application/octet-stream");
    expect(readFileMessage(json({ ...ok, n: "" }))?.name).toBe("file");
    for (const bad of [{ ...ok, b: "xyz" }, { ...ok, k: "12" }, { ...ok, s: -1 }, { ...ok, s: "3" }, [ok], null]) expect(readFileMessage(json(bad))).toBeUndefined();
    expect(readFileMessage(new Uint8Array([0xff, 0xfe]))).toBeUndefined();
  });
});
