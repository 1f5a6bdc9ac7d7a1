import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpClientConfigInput, validateHttpClientConfig } from '../src/config.ts';
import { HttpClient } from '../src/http-client.ts';
import { makeCertificates, type TestCertificates } from './certificates.ts';

interface Seen {
  url: string;
  headers: IncomingMessage['headers'];
  clientCertCN?: string;
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const seen: Seen[] = [];
function recordingHandler(req: IncomingMessage, res: import('node:http').ServerResponse): void {
  const cert =
    'getPeerCertificate' in req.socket
      ? (req.socket as import('node:tls').TLSSocket).getPeerCertificate()
      : undefined;
  const entry: Seen = { url: req.url ?? '', headers: req.headers };
  if (cert?.subject?.CN !== undefined) entry.clientCertCN = String(cert.subject.CN);
  seen.push(entry);
  if (req.url === '/redirect') {
    res.writeHead(302, { location: '/target' }).end();
    return;
  }
  res.end(`ok ${req.url}`);
}

let plain: Server;
let plainHost: string;
let tlsServer: Server;
let tlsHost: string;
let proxy: Server;
let proxyHost: string;
let proxied: string[];
let certs: TestCertificates;
const clients: HttpClient[] = [];

function client(input: HttpClientConfigInput, baseDir?: string): HttpClient {
  const c = new HttpClient(validateHttpClientConfig(input), baseDir === undefined ? {} : { baseDir });
  clients.push(c);
  return c;
}

async function get(c: HttpClient, url: string): Promise<{ status: number; body: string }> {
  const res = await c.request(url);
  return { status: res.statusCode, body: await res.body.text() };
}

beforeAll(async () => {
  certs = makeCertificates();
  plain = createHttpServer(recordingHandler);
  plainHost = await listen(plain);
  tlsServer = createHttpsServer(
    {
      cert: certs.serverCert,
      key: certs.serverKey,
      ca: certs.ca,
      requestCert: true,
      rejectUnauthorized: false,
    },
    recordingHandler,
  );
  tlsHost = await listen(tlsServer);
  // A small forward proxy: absolute-URI requests for http targets, CONNECT tunnels otherwise.
  proxied = [];
  proxy = createHttpServer((req, res) => {
    proxied.push(`${req.method} ${req.url}`);
    const upstream = httpRequest(req.url!, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode!, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  proxy.on('connect', (req, socket, head) => {
    proxied.push(`CONNECT ${req.url}`);
    const [host, port] = req.url!.split(':');
    const upstream = connect(Number(port), host!, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
  });
  proxyHost = await listen(proxy);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  for (const s of [plain, tlsServer, proxy]) s.closeAllConnections();
  await Promise.all([plain, tlsServer, proxy].map((s) => new Promise((r) => s.close(r))));
});

describe('HttpClient against real servers', () => {
  it('sends basic auth', async () => {
    await get(client({ basic_auth: { username: 'user', password: 'pa:ss' } }), `http://${plainHost}/basic`);
    expect(seen.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('user:pa:ss').toString('base64')}`);
  });

  it('reads the bearer token file at each request, relative to the base dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pyrometer-token-'));
    writeFileSync(join(dir, 'token'), 'first\n');
    const c = client({ bearer_token_file: 'token' }, dir);
    await get(c, `http://${plainHost}/t1`);
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer first');
    writeFileSync(join(dir, 'token'), 'second');
    await get(c, `http://${plainHost}/t2`);
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer second');
  });

  it('names a missing credentials file', async () => {
    await expect(
      get(client({ authorization: { credentials_file: '/nonexistent/creds' } }), `http://${plainHost}/`),
    ).rejects.toThrow('unable to read secret file /nonexistent/creds');
  });

  it('sends a custom authorization type and extra headers', async () => {
    await get(
      client({
        authorization: { type: 'Token', credentials: 'abc' },
        http_headers: { 'X-Team': { values: ['a', 'b'] } },
      }),
      `http://${plainHost}/custom`,
    );
    expect(seen.at(-1)!.headers.authorization).toBe('Token abc');
    expect(seen.at(-1)!.headers['x-team']).toBe('a, b');
  });

  it('follows redirects by default and not when follow_redirects is false', async () => {
    expect(await get(client({}), `http://${plainHost}/redirect`)).toEqual({
      status: 200,
      body: 'ok /target',
    });
    expect((await get(client({ follow_redirects: false }), `http://${plainHost}/redirect`)).status).toBe(302);
  });

  it('verifies the server against the configured CA, with a client certificate', async () => {
    const c = client({
      tls_config: { ca_file: certs.caFile, cert_file: certs.clientCertFile, key_file: certs.clientKeyFile },
    });
    expect((await get(c, `https://${tlsHost}/tls`)).body).toBe('ok /tls');
    expect(seen.at(-1)!.clientCertCN).toBe('pyrometer');
  });

  it('rejects an unknown CA unless insecure_skip_verify is set', async () => {
    await expect(get(client({}), `https://${tlsHost}/`)).rejects.toThrow(/certificate/i);
    expect(
      (await get(client({ tls_config: { insecure_skip_verify: true } }), `https://${tlsHost}/skip`)).status,
    ).toBe(200);
  });

  it('checks the certificate against server_name', async () => {
    const good = client({ tls_config: { ca: certs.ca, server_name: 'scrape.example' } });
    expect((await get(good, `https://${tlsHost}/sni`)).status).toBe(200);
    const bad = client({ tls_config: { ca: certs.ca, server_name: 'other.example' } });
    await expect(get(bad, `https://${tlsHost}/sni`)).rejects.toThrow(/other\.example|altnames/i);
  });

  it('goes through proxy_url, with absolute URIs for http and CONNECT for https', async () => {
    const c = client({ proxy_url: `http://${proxyHost}`, tls_config: { ca: certs.ca } });
    expect((await get(c, `http://${plainHost}/via-proxy`)).body).toBe('ok /via-proxy');
    expect(proxied).toContain(`GET http://${plainHost}/via-proxy`);
    expect((await get(c, `https://${tlsHost}/via-tunnel`)).body).toBe('ok /via-tunnel');
    expect(proxied).toContain(`CONNECT ${tlsHost}`);
  });

  it('bypasses the proxy for no_proxy hosts', async () => {
    const before = proxied.length;
    const c = client({ proxy_url: `http://${proxyHost}`, no_proxy: '127.0.0.0/8' });
    expect((await get(c, `http://${plainHost}/direct`)).body).toBe('ok /direct');
    expect(proxied.length).toBe(before);
  });
});
