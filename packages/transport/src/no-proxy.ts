import { BlockList, isIP } from 'node:net';

/**
 * Prometheus's `no_proxy`: a comma-separated list of IP addresses, CIDR ranges and domain
 * names; a domain also matches its subdomains, a leading dot or `*.` means the same.
 */
export class NoProxyList {
  readonly #ranges = new BlockList();
  readonly #domains: string[] = [];
  #matchAll = false;

  constructor(spec: string) {
    for (const raw of spec.split(',')) {
      const entry = raw.trim().toLowerCase();
      if (entry === '') continue;
      if (entry === '*') {
        this.#matchAll = true;
        continue;
      }
      const [address, bits] = entry.split('/');
      const family = isIP(address!);
      if (family !== 0) {
        const type = family === 4 ? 'ipv4' : 'ipv6';
        if (bits === undefined) this.#ranges.addAddress(address!, type);
        else this.#ranges.addSubnet(address!, Number(bits), type);
        continue;
      }
      this.#domains.push(entry.replace(/^\*?\./, '').replace(/:\d+$/, ''));
    }
  }

  matches(hostname: string): boolean {
    if (this.#matchAll) return true;
    const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const family = isIP(host);
    if (family !== 0) return this.#ranges.check(host, family === 4 ? 'ipv4' : 'ipv6');
    return this.#domains.some((d) => host === d || host.endsWith(`.${d}`));
  }
}
