/** A real local SMTP server (the `smtp-server` package) that keeps what it receives, parsed. */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import type { AddressInfo, Server } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

export interface LocalSmtp {
  readonly port: number;
  readonly mails: ParsedMail[];
  readonly raw: Buffer[];
  /** The name each client greeted with (EHLO), as a receiving server records it. */
  readonly greetings: string[];
  close(): Promise<void>;
}

const run = promisify(execFile);

export const SMTP_USER = "praxis@example.org";
export const SMTP_PASSWORD = "smtp secret 123";

/** A self-signed certificate for localhost and 127.0.0.1 (openssl), for the TLS tests. */
export async function selfSignedCertificate(dir: string): Promise<{ key: string; cert: string; certFile: string }> {
  const keyFile = join(dir, "smtp-key.pem");
  const certFile = join(dir, "smtp-cert.pem");
  await run("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", keyFile, "-out", certFile,
    "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
  ]);
  return { key: await readFile(keyFile, "utf8"), cert: await readFile(certFile, "utf8"), certFile };
}

export async function startSmtp(options: Partial<SMTPServerOptions> & { key?: string; cert?: string } = {}): Promise<LocalSmtp> {
  const mails: ParsedMail[] = [];
  const raw: Buffer[] = [];
  const greetings: string[] = [];
  const server = new SMTPServer({
    // No STARTTLS offered: this server is for the localhost-only plain case.
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) callback(null, { user: auth.username });
      else callback(new Error("Invalid username or password"));
    },
    onData(stream, session, callback) {
      greetings.push(session.hostNameAppearsAs);
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const message = Buffer.concat(chunks);
        raw.push(message);
        simpleParser(message)
          .then((mail) => {
            mails.push(mail);
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
    ...options,
  });
  // A client that rejects the certificate drops the connection; the server reports it as an error.
  server.on("error", () => undefined);
  await new Promise<void>((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = ((server as unknown as { server: Server }).server.address() as AddressInfo).port;
  return { port, mails, raw, greetings, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
