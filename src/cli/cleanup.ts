/**
 * Clean-up on success, failure and Ctrl-C. Libraries register removal of temporary
 * plaintext through `src/temp.ts`; the CLI runs what is left when it exits or is interrupted.
 */
export { runCleanups } from "../temp.js";
