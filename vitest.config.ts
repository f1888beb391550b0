import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.{ts,tsx}"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Shared, noisy machines: timing belongs in `npm run bench`, not in test assertions.
    retry: 0,
  },
});
