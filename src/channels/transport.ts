/**
 * Where a channel may send to over HTTP: `https`, or plain `http` only to this machine (a
 * loopback address: 127.0.0.0/8, ::1, localhost), where nothing crosses a network. Follow-ups,
 * and with the Threema Gateway the API secret, would otherwise travel in clear text. Checked
 * when a channel is added and again whenever its configuration is loaded (older configs).
 */

import { ExitCode, UserError } from "../errors.js";

/** Whether `hostname` (as `URL` gives it) names this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Whether `url` is an address a channel may send to (see above). */
export function isSafeServiceUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (carriesSecrets(parsed)) return false;
  return parsed.protocol === "https:" || (parsed.protocol === "http:" && isLoopbackHost(parsed.hostname));
}

/**
 * A user name, password, query or fragment in a service's address: the address is stored in
 * plain text (config.json) and shown (`channels list`, error lines), so a password or token
 * there would be too. Neither service needs one in its address.
 */
function carriesSecrets(url: URL): boolean {
  return url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "";
}

/**
 * Refuse, with its own line, an address that carries credentials or a query (`carriesSecrets`),
 * showing it without them; other addresses pass to the https check.
 */
export function refuseSecretsInUrl(url: string, channel: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return;
  }
  if (!carriesSecrets(parsed)) return;
  throw new UserError(ExitCode.usage, "channel.urlCarriesSecrets", { url: `${parsed.protocol}//${parsed.host}${parsed.pathname}`, channel });
}

/**
 * `fetch` for a channel's service, bounded by `timeoutMs` (connecting, the answer and its body).
 * It never follows a redirect: a 307 or 308 would send the request again, body and all (the
 * Gateway's secret, a follow-up), to wherever the answer points, plain `http` to another host
 * included, past `isSafeServiceUrl`. A redirect comes back as the 3xx answer it is.
 */
export function serviceFetch(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  return fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
}

/**
 * Throws UserError (exit 2, `channel.certificatesUnchecked`) when Node's check of server
 * certificates is off for the whole process (`NODE_TLS_REJECT_UNAUTHORIZED=0`): a channel that
 * connects over TLS would then hand its secret and the follow-ups to whoever answers, with no
 * more than a warning on stderr that nobody reads in a timer's run. Every channel that connects
 * over TLS calls this when it is created; a test server's own certificate is trusted with
 * `NODE_EXTRA_CA_CERTS` instead.
 */
export function requireCertificateChecks(channel: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env.NODE_TLS_REJECT_UNAUTHORIZED === "0") throw new UserError(ExitCode.usage, "channel.certificatesUnchecked", { channel });
}

/** The zod message for a URL that fails `isSafeServiceUrl`. */
export const UNSAFE_URL = "must be https (plain http only to this machine: localhost, 127.0.0.1, ::1)";

/**
 * The body of `response` as text, or undefined when it is longer than `maxBytes`. Reading stops
 * at the limit and the body is cancelled, which closes the connection, so a service that keeps
 * sending is cut off at once instead of when the timeout ends.
 */
export async function readBounded(response: Response, maxBytes: number): Promise<string | undefined> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  const reader = response.body?.getReader();
  if (reader === undefined) return "";
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    total += next.value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(next.value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
