import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readRegular } from "../../src/system/open-regular.js";
import { tempDir } from "../helpers/tmp.js";

describe("readRegular", () => {
  it("reads a file whole, whatever its size against the read buffers", async () => {
    const dir = await tempDir();
    for (const size of [0, 1, 4095, 4096, 4097, 65535, 65536, 65537, 200_003]) {
      const bytes = Buffer.alloc(size, 0);
      for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) % 251;
      const file = path.join(dir, `f${size}`);
      writeFileSync(file, bytes);
      const read = readRegular(file);
      expect(read.length).toBe(size);
      expect(read.equals(bytes)).toBe(true);
    }
  });
});
