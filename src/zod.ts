/**
 * zod as all of nachklang uses it: without its JIT. On the first parse of an object schema, zod
 * compiles a fast parser with `new Function`. A command or the viewer page parses each schema
 * once or a few times, so compiling costs more than it saves, and the viewer page's
 * Content-Security-Policy forbids eval (it would report a violation).
 * Import `z` from here, never from "zod" directly, so that the setting precedes every schema.
 */
import { z } from "zod";

z.config({ jitless: true });

export { z };
