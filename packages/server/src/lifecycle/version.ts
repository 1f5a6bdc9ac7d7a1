import { createRequire } from 'node:module';

// By the package's own name, so the source and the bundled build both find it.
const pkg = createRequire(import.meta.url)('@pyrometer/server/package.json') as { version: string };

/** The Pyrometer package version. */
export const PYROMETER_VERSION = pkg.version;

/**
 * The version `buildinfo` reports: the Prometheus release whose API Pyrometer answers, with
 * Pyrometer's own version as semver build metadata. Clients such as Grafana pick API
 * features by comparing this version; build metadata does not take part in the comparison.
 */
export const API_VERSION = `3.0.0+pyrometer.${PYROMETER_VERSION}`;

export const BUILD_INFO = {
  version: API_VERSION,
  revision: 'unknown',
  branch: 'unknown',
  buildUser: 'unknown',
  buildDate: 'unknown',
  goVersion: `node${process.versions.node}`,
};
