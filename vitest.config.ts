import { readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// Every package's tests, run straight from source: the "@pyrometer/source" export
// condition points each workspace package at its src/index.ts, so no build is needed.
const packages = readdirSync(new URL('./packages', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

export default defineConfig({
  resolve: { conditions: ['@pyrometer/source'] },
  ssr: { resolve: { conditions: ['@pyrometer/source'] } },
  test: {
    projects: [
      ...packages.map((name) => ({
        extends: true,
        test: { name, root: `packages/${name}`, include: ['test/**/*.test.ts'] },
      })),
      // Checks that span the repository (README examples).
      { extends: true, test: { name: 'repo', include: ['test/**/*.test.ts'] } },
    ],
  },
});
