/**
 * Runs the example app: `pnpm start` from the repository root, or
 * `node --conditions=@pyrometer/source examples/instrument-http/server.ts`.
 * PORT (default 8080) and HOST (default 127.0.0.1) choose where it listens.
 */
import { startServer } from './app.ts';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const running = await startServer(port, host);
console.log(`Listening on ${running.url} (metrics on ${running.url}/metrics)`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, shutting down`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
