/**
 * A child process serving N fake targets at /metrics/<i> on one loopback port, each with S
 * series (counters, gauges and a histogram's buckets, realistic label sets) whose values
 * change on every scrape. Prints its port, then serves until killed or --max-seconds pass.
 */
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const targets = Number(args.get('targets') ?? 100);
const series = Number(args.get('series') ?? 1000);
const maxSeconds = Number(args.get('max-seconds') ?? 120);

const lines: string[][] = [];
for (let t = 0; t < targets; t++) {
  const out: string[] = [];
  for (let i = 0; i < series; i++) {
    const kind = i % 10;
    if (kind < 6)
      out.push(
        `http_requests_total{handler="/api/v1/item/${i % 50}",method="${i % 2 ? 'GET' : 'POST'}",code="${200 + (i % 5)}",shard="${i}"}`,
      );
    else if (kind < 9)
      out.push(
        `node_filesystem_avail_bytes{device="/dev/sd${String.fromCharCode(97 + (i % 8))}",mountpoint="/mnt/${i}",fstype="ext4"}`,
      );
    else out.push(`rpc_duration_seconds_bucket{service="svc${i % 20}",le="${(i % 11) * 0.25}",n="${i}"}`);
  }
  lines.push(out);
}

let scrape = 0;
const server = createServer((req, res) => {
  const i = Number(req.url?.split('/').at(-1));
  const names = lines[i];
  if (names === undefined) return res.writeHead(404).end();
  scrape++;
  let body = '';
  for (let k = 0; k < names.length; k++) body += `${names[k]} ${k % 5 === 0 ? k : scrape * 3 + k}\n`;
  const gzip = String(req.headers['accept-encoding'] ?? '').includes('gzip');
  res.writeHead(200, {
    'content-type': 'text/plain; version=0.0.4',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  res.end(gzip ? gzipSync(body, { level: 1 }) : body);
});
server.listen(0, '127.0.0.1', () => {
  console.log((server.address() as { port: number }).port);
});
setTimeout(() => process.exit(0), maxSeconds * 1000).unref();
