import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.{ts,tsx}"],
    // Generous: on a loaded machine a real process or terminal can take many times its usual time.
    // Tests wait for states, so a long timeout costs nothing unless something is really stuck.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Shared, noisy machines: timing belongs in `npm run bench`, not in test assertions.
    retry: 0,
  },
});
