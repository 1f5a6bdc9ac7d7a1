/**
 * The configuration Pyrometer runs when there is no `prometheus.yml` and `--config.file`
 * was not given: it scrapes itself every 15 s at the address it listens on.
 */
export function defaultConfigYaml(selfAddress: string): string {
  return `# Pyrometer's built-in configuration: no --config.file was given and prometheus.yml does not exist.
global:
  scrape_interval: 15s
  evaluation_interval: 15s

scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: [${JSON.stringify(selfAddress)}]
`;
}

/** `host:port` the server can scrape itself at, from the listen host and the bound port. */
export function selfScrapeAddress(listenHost: string, port: number): string {
  if (listenHost === '' || listenHost === '0.0.0.0') return `localhost:${port}`;
  if (listenHost === '::') return `localhost:${port}`;
  return listenHost.includes(':') ? `[${listenHost}]:${port}` : `${listenHost}:${port}`;
}

/** Splits `--web.listen-address` (`0.0.0.0:9090`, `:9090`, `[::1]:9090`) into host and port. */
export function parseListenAddress(address: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(address);
  if (m === null)
    throw new Error(`invalid --web.listen-address ${JSON.stringify(address)}: expected host:port`);
  const port = Number(m[3]);
  if (port > 65535)
    throw new Error(`invalid --web.listen-address ${JSON.stringify(address)}: port out of range`);
  return { host: m[1] ?? m[2] ?? '', port };
}
