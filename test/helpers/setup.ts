import { afterEach } from "vitest";
import { removeTempDirs } from "./tmp.js";

/**
 * Run before every test file (vitest.config.ts's setupFiles), also where files share a worker's
 * module graph (isolate: false): a hook registered by a helper module when it is first imported would
 * hold only for the first file of each worker, and every later file would leave its folders behind.
 */
afterEach(removeTempDirs);
