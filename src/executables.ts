/** Finding a program to run: a regular file this user may execute, by its path or on the PATH. */
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

/** Whether `path` names a regular file this user may execute. */
export function isExecutable(path: string | undefined): path is string {
  if (path === undefined || path === "") return false;
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The first executable `name` (`name.exe` on Windows) in the folders of `env.PATH`, or undefined. */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const exe = process.platform === "win32" ? `${name}.exe` : name;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, exe);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}
