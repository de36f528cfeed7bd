/**
 * Reading a file of the template library — a template (`*.md`) or a partial (`*.liquid`) — by
 * one rule: it is opened without blocking and read only if it is a regular file of a size a
 * template can have. Nothing bounds a read in time (the render's time limit is not checked while
 * a file is read), so a named pipe would hold `templates list`, `send` or a render for ever, and a
 * huge file would be read whole (or, past 2 GiB, end in an internal error) before any limit
 * refuses it.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from "node:fs";
import { open } from "node:fs/promises";

/** The most characters liquidjs parses in one template or partial (its `parseLimit`). */
export const TEMPLATE_PARSE_CHARS = 200_000;
/** The most bytes a template file or partial may have: four bytes a character of the parse limit. */
export const TEMPLATE_FILE_MAX_BYTES = TEMPLATE_PARSE_CHARS * 4;
/**
 * Opened without blocking, so that a named pipe is refused rather than waited on, and without
 * following a symbolic link (a library file is read where it is, as includes are: a link could
 * point anywhere).
 */
const FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;

/** A link met by O_NOFOLLOW is no regular file of the library. */
function refusedLink(file: string, error: unknown): unknown {
  return (error as NodeJS.ErrnoException).code === "ELOOP" ? new TemplateFileRefused(file, "notFile") : error;
}

/** A library file that is not read: not a regular file (`notFile`) or larger than the limit (`tooLarge`). */
export class TemplateFileRefused extends Error {
  constructor(
    readonly file: string,
    readonly reason: "notFile" | "tooLarge",
  ) {
    super(reason === "notFile" ? `not a regular file: ${file}` : `larger than ${TEMPLATE_FILE_MAX_BYTES} bytes: ${file}`);
    this.name = "TemplateFileRefused";
  }
}

function check(file: string, info: Stats): void {
  if (!info.isFile()) throw new TemplateFileRefused(file, "notFile");
  if (info.size > TEMPLATE_FILE_MAX_BYTES) throw new TemplateFileRefused(file, "tooLarge");
}

/** The file as UTF-8; throws `TemplateFileRefused`, or the system's error when it cannot be opened. */
export async function readTemplateFile(file: string): Promise<string> {
  const handle = await open(file, FLAGS).catch((error: unknown) => {
    throw refusedLink(file, error);
  });
  try {
    check(file, await handle.stat());
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
}

/** `readTemplateFile` for liquidjs's synchronous file system. */
export function readTemplateFileSync(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, FLAGS);
  } catch (error) {
    throw refusedLink(file, error);
  }
  try {
    check(file, fstatSync(fd));
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}
