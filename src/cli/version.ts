import { readFileSync } from "node:fs";
import { packageFile } from "../system/package-file.js";

/** The package version, read once from package.json beside dist/. */
export const VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(packageFile("package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "0.0.0";
  }
})();
