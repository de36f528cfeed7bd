/**
 * An append-only file of JSON lines, like the ledger: each line fsync'd before it counts,
 * appends under a short lock, a torn last line (a crash mid-write) ignored when read and cut
 * off before the next append. Unlike the ledger it can be rewritten as a whole — only by the
 * retention purge and by `client forget`, which write the new file beside the old one and
 * rename it into place, under the same lock.
 */
import { basename, dirname, join } from "node:path";
import lockfile from "proper-lockfile";
import { appendLines, ensurePrivateDir, parseJsonLine, readLines, writePrivateFile } from "../files.js";

const LOCK = { stale: 5000, realpath: false, retries: { retries: 200, minTimeout: 10, maxTimeout: 100, factor: 1.3 } } as const;

export interface JournalLines {
  /** Every whole line, parsed, in file order (lines that are no JSON are `undefined`). */
  readonly values: unknown[];
  /** The raw whole lines, without their newline. */
  readonly lines: string[];
  readonly tornTail: boolean;
}

export class Journal {
  constructor(readonly file: string) {}

  private get lockPath(): string {
    return join(dirname(this.file), `${basename(this.file)}.lock`);
  }

  async read(): Promise<JournalLines> {
    const { lines, tornTail } = await readLines(this.file);
    const whole = lines.filter((l) => l.length > 0);
    return { lines: whole, values: whole.map(parseJsonLine), tornTail };
  }

  private async locked<T>(work: () => Promise<T>): Promise<T> {
    await ensurePrivateDir(dirname(this.file));
    const release = await lockfile.lock(this.file, { ...LOCK, lockfilePath: this.lockPath });
    try {
      return await work();
    } finally {
      await release();
    }
  }

  /** Append lines and fsync them; returns when they are on disk. */
  async append(values: readonly unknown[]): Promise<void> {
    await this.locked(() => this.appendHeld(values));
  }

  /**
   * Read the file and append what `decide` returns from it, under one lock: no other append or
   * rewrite comes between, so what is appended was decided on the file as it then stands (a
   * correction checked against one version and written into another could break a rule both
   * versions keep). `decide` may throw, and nothing is appended.
   */
  async readThenAppend<T>(decide: (current: JournalLines) => { readonly values: readonly unknown[]; readonly result: T }): Promise<T> {
    return this.locked(async () => {
      const { values, result } = decide(await this.read());
      await this.appendHeld(values);
      return result;
    });
  }

  private async appendHeld(values: readonly unknown[]): Promise<void> {
    if (values.length === 0) return;
    const data = Buffer.from(values.map((v) => JSON.stringify(v) + "\n").join(""), "utf8");
    await appendLines(this.file, data);
  }

  /**
   * Replace the file with the lines `keep` accepts (raw line and its parsed value), atomically.
   * Returns the lines removed, in order.
   */
  async rewrite(keep: (value: unknown, line: string) => boolean): Promise<string[]> {
    return this.locked(async () => {
      const { lines, values } = await this.read();
      const kept: string[] = [];
      const removed: string[] = [];
      lines.forEach((line, i) => (keep(values[i], line) ? kept : removed).push(line));
      if (removed.length > 0) await writePrivateFile(this.file, kept.map((l) => l + "\n").join(""));
      return removed;
    });
  }
}
