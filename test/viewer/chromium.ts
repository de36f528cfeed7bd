/** Headless Chromium (Debian's /usr/bin/chromium via playwright-core) for the viewer tests. */
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export interface OpenedPage {
  readonly page: Page;
  /** Every request the page made other than loading its own file. */
  readonly requests: string[];
  /** Content-Security-Policy violations reported in the page. */
  readonly violations: () => Promise<string[]>;
  readonly close: () => Promise<void>;
}

/** Open a viewer file in a fresh context that counts requests and CSP violations. */
export async function openViewer(browser: Browser, file: string): Promise<OpenedPage> {
  const context = await browser.newContext();
  const url = `file://${file}`;
  const requests: string[] = [];
  context.on("request", (request) => {
    if (request.url() !== url) requests.push(request.url());
  });
  // Anything that would leave the machine is recorded above and then refused here.
  await context.route("**/*", (route) => (route.request().url() === url ? route.continue() : route.abort()));
  await context.addInitScript(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  await page.goto(url);
  return {
    page,
    requests,
    violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations),
    close: () => context.close(),
  };
}

/** Type a passphrase, submit, and wait until the page settles (open, wrong or refused). */
export async function submitPassphrase(page: Page, passphrase: string): Promise<string> {
  await page.waitForSelector("#nk-passphrase:not([disabled])");
  await page.fill("#nk-passphrase", passphrase);
  await page.click("#nk-form button");
  await page.waitForFunction(() => ["open", "wrong", "refused"].includes(document.body.dataset.state ?? ""), undefined, { timeout: 60_000 });
  return (await page.evaluate(() => document.body.dataset.state)) ?? "";
}
