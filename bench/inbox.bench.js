// @ts-check
// `nachklang inbox serve` accepting Threema Gateway callbacks: 1,000 real callbacks (a client's
// text boxed to the Gateway key, with its MAC) from 16 concurrent keep-alive clients, the server
// pinned to one core (taskset) and the client to the other. Prints callbacks per second, p50 and
// p99 latency, the server's peak RSS, and checks that every callback answered 200 is stored
// (a burst of 1,000 must lose none). Reference in the same run: a bare node:http server that
// answers 200 without storing anything, on the same core.
// NACHKLANG_BENCH_INBOX_REQUESTS=1000 and NACHKLANG_BENCH_INBOX_CONCURRENCY=16 change the load.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { join } from "node:path";
import { BIN, fmt, hasCommand, nachklang, practice, workDir } from "./lib.js";

const REQUESTS = Number(process.env.NACHKLANG_BENCH_INBOX_REQUESTS ?? 1000);
const CONCURRENCY = Number(process.env.NACHKLANG_BENCH_INBOX_CONCURRENCY ?? 16);
const WARMUP = 50;
const GATEWAY_ID = "*NACHKLG";
const SECRET = "bench-gateway-secret";

const { box, publicKeyOf, toHex } = await import("../dist/channels/threema/crypto.js");
const { callbackMac } = await import("../dist/channels/threema/callback.js");

const pin = hasCommand("taskset");
// The client keeps off the server's core.
if (pin) spawnSync("taskset", ["-p", "-c", "1", String(process.pid)], { stdio: "ignore" });

/** A client's text message as the Gateway POSTs it: padded, boxed to the Gateway key, MAC'd. */
function callbacks(/** @type {number} */ count, /** @type {Uint8Array} */ gatewayPublic) {
  const clientKey = new Uint8Array(randomBytes(32));
  return Array.from({ length: count }, (_, i) => {
    const text = new TextEncoder().encode(`Nachricht ${i}: Die Übung hat mir gutgetan, danke für die Anregung von letzter Woche.`);
    const padding = 1 + (i % 200);
    const plain = new Uint8Array(1 + text.length + padding);
    plain[0] = 0x01;
    plain.set(text, 1);
    plain.fill(padding, 1 + text.length);
    const nonce = new Uint8Array(randomBytes(24));
    const fields = { from: "ECHOECHO", to: GATEWAY_ID, messageId: randomBytes(8).toString("hex"), date: String(1_765_000_000 + i), nonce: toHex(nonce), box: toHex(box(plain, nonce, gatewayPublic, clientKey)) };
    return new URLSearchParams({ ...fields, nickname: "Erika", mac: callbackMac(fields, SECRET) }).toString();
  });
}

/** @param {Agent} agent @param {string} url @param {string} body @returns {Promise<number>} */
function post(agent, url, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", agent, headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Send `bodies` with CONCURRENCY keep-alive connections; latencies in ms. */
async function load(/** @type {string} */ url, /** @type {readonly string[]} */ bodies) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  /** @type {number[]} */
  const latencies = [];
  /** @type {Record<number, number>} */
  const statuses = {};
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++] ?? "";
        const t0 = process.hrtime.bigint();
        const status = await post(agent, url, body);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (/** @type {number} */ p) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? Number.NaN;
  return { perSecond: bodies.length / seconds, p50: pct(50), p99: pct(99), statuses };
}

/** Start a server process (pinned to core 0) and wait for the URL it prints. */
function startServer(/** @type {readonly string[]} */ args, /** @type {NodeJS.ProcessEnv} */ env) {
  const command = pin ? "taskset" : process.execPath;
  const child = spawn(command, pin ? ["-c", "0", process.execPath, ...args] : [...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr.on("data", (/** @type {Buffer} */ d) => (err += d.toString()));
  return /** @type {Promise<{ url: string, peakMb: () => number, stop: () => Promise<void> }>} */ (
    new Promise((resolve, reject) => {
      child.on("exit", (code) => reject(new Error(`server exited ${code}: ${err}`)));
      child.stdout.on("data", (/** @type {Buffer} */ d) => {
        out += d.toString();
        const url = /(http:\/\/\S+\/threema)/.exec(out)?.[1];
        if (url === undefined) return;
        child.removeAllListeners("exit");
        resolve({
          url,
          peakMb: () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? Number.NaN) / 1024,
          stop: () =>
            new Promise((done) => {
              child.on("exit", () => done());
              child.kill("SIGTERM");
            }),
        });
      });
    })
  );
}

const dir = workDir("inbox");
try {
  const home = join(dir, "home");
  const { env } = practice(home);
  const gatewayPrivate = new Uint8Array(randomBytes(32));
  writeFileSync(join(dir, "secret.txt"), SECRET);
  writeFileSync(join(dir, "key.txt"), toHex(gatewayPrivate));
  nachklang(["channels", "add", "threema", "--gateway-id", GATEWAY_ID, "--secret-file", join(dir, "secret.txt"), "--private-key-file", join(dir, "key.txt"), "--api-url", "http://127.0.0.1:9"], { env });
  const gatewayPublic = publicKeyOf(gatewayPrivate);
  const incoming = join(home, "inbox", "incoming");
  const stored = () => readdirSync(incoming).filter((f) => statSync(join(incoming, f)).size > 0).length;

  console.log(`${REQUESTS} callbacks, ${CONCURRENCY} concurrent keep-alive clients, server ${pin ? "pinned to one core" : "not pinned (no taskset)"}`);
  console.log("server                                   callbacks/s   p50 ms   p99 ms   peak RSS   stored");

  // The reference: node:http answering 200 without reading the keys, sealing or writing.
  const bare = join(dir, "bare.mjs");
  writeFileSync(bare, `import { createServer } from "node:http";
const s = createServer((req, res) => { req.resume(); req.on("end", () => res.writeHead(200, { "content-length": "0" }).end()); });
s.listen(0, "127.0.0.1", () => console.log("listening at http://127.0.0.1:" + s.address().port + "/threema"));\n`);
  const reference = await startServer([bare], env);
  await load(reference.url, callbacks(WARMUP, gatewayPublic));
  const ref = await load(reference.url, callbacks(REQUESTS, gatewayPublic));
  const refPeak = reference.peakMb();
  await reference.stop();
  console.log(`node:http, answers 200 only (reference)   ${fmt(ref.perSecond, 0).padStart(11)}   ${fmt(ref.p50).padStart(6)}   ${fmt(ref.p99).padStart(6)}   ${fmt(refPeak, 0).padStart(5)} MB        -`);

  /** @type {Record<string, number>} */
  const rates = {};
  for (const [label, extra] of /** @type {const} */ ([
    ["inbox serve (MAC checked when read)", []],
    ["inbox serve --check-mac", ["--check-mac"]],
  ])) {
    rmSync(join(home, "inbox"), { recursive: true, force: true });
    const server = await startServer([BIN, "inbox", "serve", "--listen", "127.0.0.1:0", ...extra], env);
    const warm = await load(server.url, callbacks(WARMUP, gatewayPublic));
    const result = await load(server.url, callbacks(REQUESTS, gatewayPublic));
    const peak = server.peakMb();
    await server.stop();
    const ok = (warm.statuses[200] ?? 0) + (result.statuses[200] ?? 0);
    const kept = stored();
    rates[label] = result.perSecond;
    console.log(`${label.padEnd(40)} ${fmt(result.perSecond, 0).padStart(11)}   ${fmt(result.p50).padStart(6)}   ${fmt(result.p99).padStart(6)}   ${fmt(peak, 0).padStart(5)} MB   ${kept}/${ok}`);
    if (ok !== WARMUP + REQUESTS || kept !== ok) {
      console.log(`LOST: ${ok} answered 200 of ${WARMUP + REQUESTS}, ${kept} stored (statuses ${JSON.stringify(result.statuses)})`);
      process.exitCode = 1;
    }
  }
  const main = rates["inbox serve (MAC checked when read)"] ?? Number.NaN;
  console.log(`inbox serve / node:http reference: ${fmt(main / ref.perSecond)}× the callbacks per second (each one sealed, fsync'd twice, before its 200)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
