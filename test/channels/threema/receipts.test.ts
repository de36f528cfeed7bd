/** Receipt processing as a library: MAC, decryption with the pinned key, decoding, recording. */
import { describe, expect, it } from "vitest";
import { callbackMac } from "../../../src/channels/threema/callback.js";
import { toHex } from "../../../src/channels/threema/crypto.js";
import { encodeDeliveryReceipt, encryptMessage, MessageType, type ReceiptStatus } from "../../../src/channels/threema/message.js";
import { processReceipts, type ReceiptContext, type ReceiptState } from "../../../src/channels/threema/receipts.js";
import { makeIdentity } from "./emulator.js";

const gateway = makeIdentity("*NACHKLG");
const client = makeIdentity("ECHOECHO");
const stranger = makeIdentity("STRANGER");
const SECRET = "callback-secret";

function body(from: typeof client, type: number, data: Uint8Array, to = gateway.id): string {
  const message = encryptMessage(type, data, gateway.publicKey, from.privateKey);
  const fields = { from: from.id, to, messageId: "00112233aabbccdd", date: "1763800000", nonce: toHex(message.nonce), box: toHex(message.box) };
  return new URLSearchParams({ ...fields, mac: callbackMac(fields, SECRET) }).toString();
}

const receipt = (status: ReceiptStatus, ids: string[]) => body(client, MessageType.deliveryReceipt, encodeDeliveryReceipt({ status, messageIds: ids }));

function context(recorded: [string, ReceiptState][]): ReceiptContext {
  return {
    gatewayId: gateway.id,
    secret: SECRET,
    privateKey: gateway.privateKey,
    // Only the client's pinned key is known; the stranger has none.
    senderKey: (id) => Promise.resolve(id === client.id ? client.publicKey : undefined),
    record: (id, status) => {
      recorded.push([id, status]);
      return Promise.resolve();
    },
  };
}

describe("threema receipts", () => {
  it("records delivered and read per message id, and skips everything else with a reason", async () => {
    const recorded: [string, ReceiptState][] = [];
    const text = [
      receipt("received", ["1111111111111111", "2222222222222222"]),
      receipt("read", ["1111111111111111"]),
      receipt("acknowledged", ["2222222222222222"]),
      body(client, MessageType.text, new TextEncoder().encode("Danke!")),
      body(stranger, MessageType.deliveryReceipt, encodeDeliveryReceipt({ status: "read", messageIds: ["4444444444444444"] })),
      body(client, MessageType.deliveryReceipt, encodeDeliveryReceipt({ status: "read", messageIds: ["5555555555555555"] }), "*SOMEONE"),
      receipt("read", ["6666666666666666"]).replace(/mac=[0-9a-f]{4}/, "mac=0000"),
      // A box the client did not make for us: decrypting with the pinned key fails.
      body(stranger, MessageType.deliveryReceipt, new Uint8Array([2, 1, 1, 1, 1, 1, 1, 1, 1])).replace("from=STRANGER", "from=ECHOECHO").replace(/&mac=.*/, ""),
    ].join("\n");
    // The last line lost its MAC with the substitution; give it a valid one for the edited fields.
    const lines = text.split("\n");
    const last = new URLSearchParams(lines[7] ?? "");
    const fields = { from: last.get("from") ?? "", to: last.get("to") ?? "", messageId: last.get("messageId") ?? "", date: last.get("date") ?? "", nonce: last.get("nonce") ?? "", box: last.get("box") ?? "" };
    lines[7] = new URLSearchParams({ ...fields, mac: callbackMac(fields, SECRET) }).toString();

    const outcomes = await processReceipts(lines.join("\n") + "\n\n", context(recorded));
    expect(outcomes.map((o) => (o.ok ? o.status : o.problem))).toEqual(["delivered", "read", "read", "notReceipt", "unknownSender", "wrongGateway", "mac", "malformed"]);
    expect(outcomes[0]).toMatchObject({ ok: true, receipt: "received", messageIds: ["1111111111111111", "2222222222222222"] });
    expect(recorded).toEqual([
      ["1111111111111111", "delivered"],
      ["2222222222222222", "delivered"],
      ["1111111111111111", "read"],
      ["2222222222222222", "read"],
    ]);
  });
});
