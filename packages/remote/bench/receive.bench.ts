/**
 * Remote-write receive throughput: requests of 10k series × 10 samples (labels shaped like
 * node_exporter's), decompressed, decoded and appended into MemoryStorage: into a fresh one
 * (every series new), and request after request into one (the steady state of a sender).
 */
import { Labels, MemoryStorage } from '@pyrometer/model';
import { measure, printFigures } from '../../../scripts/bench-kit.ts';
import { appendWriteRequest, applyWriteRequest } from '../src/append-write-request.ts';
import { decompressWriteRequest } from '../src/snappy-body.ts';
import { decodeWriteRequest } from '../src/write-request-decoder.ts';
import { compressWriteRequest } from '../src/write-request-encoder.ts';

const SERIES = 10_000;
const SAMPLES = 10;
const now = Date.now() - 3 * 60 * 60_000;
const seriesAt = (start: number) =>
  Array.from({ length: SERIES }, (_, i) => ({
    labels: Labels.from({
      __name__: `node_cpu_seconds_total_${i % 50}`,
      cpu: String(i % 64),
      instance: `host-${Math.floor(i / 500)}.example.com:9100`,
      job: 'node',
      mode: ['idle', 'user', 'system', 'iowait'][i % 4]!,
    }),
    samples: Array.from({ length: SAMPLES }, (_, j) => ({ t: start + j * 15_000, v: i * 1000 + j * 0.25 })),
  }));
const series = seriesAt(now);
const samplesPerRequest = SERIES * SAMPLES;
const body = compressWriteRequest(series);
const raw = decompressWriteRequest(body);

async function measureAsync(fn: () => Promise<unknown>, minMs = 3000): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    await fn();
    calls++;
  }
  return (calls * 1000) / (performance.now() - start);
}

const decode = measure(() => decodeWriteRequest(decompressWriteRequest(body)));
const append = await measureAsync(() => appendWriteRequest(new MemoryStorage(), decodeWriteRequest(raw)));
const full = await measureAsync(() => applyWriteRequest(new MemoryStorage(), body));
// Consecutive requests, each 150 s after the one before, as a sender's batches.
const REQUESTS = 30;
const batches = Array.from({ length: REQUESTS }, (_, k) =>
  compressWriteRequest(seriesAt(now + k * SAMPLES * 15_000)),
);
const steady = new MemoryStorage();
await applyWriteRequest(steady, batches[0]!);
const steadyStart = performance.now();
for (const batch of batches.slice(1)) await applyWriteRequest(steady, batch);
const steadyHz = ((REQUESTS - 1) * 1000) / (performance.now() - steadyStart);
const encode = measure(() => compressWriteRequest(series));

console.log(
  `request: ${SERIES} series × ${SAMPLES} samples, ${raw.length} bytes protobuf, ${body.length} bytes snappy`,
);
printFigures('remote write receive (10k series × 10 samples per request)', [
  { case: 'decompress + decode', unit: 'samples/s', value: decode.hz * samplesPerRequest },
  { case: 'decode + append, new series', unit: 'samples/s', value: append * samplesPerRequest },
  { case: 'decompress + decode + append, new series', unit: 'samples/s', value: full * samplesPerRequest },
  {
    case: 'decompress + decode + append, existing series (steady state)',
    unit: 'samples/s',
    value: steadyHz * samplesPerRequest,
  },
  { case: 'encode + compress (sender side)', unit: 'samples/s', value: encode.hz * samplesPerRequest },
]);
