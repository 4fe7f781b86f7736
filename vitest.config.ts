// Tests run against the TypeScript sources: `@devtx/<pkg>` resolves to packages/<pkg>/src/index.ts
// and `@devtx/<pkg>/internals` to packages/<pkg>/src/internals.ts (by pattern: a new package needs
// no entry here), so `npm test` never depends on a stale dist/.
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const root = fileURLToPath(new URL(".", import.meta.url))

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@devtx\/bench$/, replacement: `${root}bench/src/index.ts` },
      { find: /^@devtx\/([a-z0-9-]+)\/internals$/, replacement: `${root}packages/$1/src/internals.ts` },
      { find: /^@devtx\/([a-z0-9-]+)$/, replacement: `${root}packages/$1/src/index.ts` }
    ]
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "bench/test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000
  }
})
