// Child process for the crash tests: appends forever to the database in argv[2], printing
// "ack <k>" once sample k of every series (at timestamp k × step, value k) is committed. The
// parent kills it with SIGKILL. With a large step (argv[3], ms), the head spans block ranges
// quickly, so kills also land in compactions and checkpoints.
import { Labels } from '@pyrometer/model';
import { openTSDB } from '../src/index.ts';

const SERIES = 20;
const step = Number(process.argv[3] ?? 1);
const db = openTSDB(process.argv[2]!, { retentionTime: 0, logger: (m) => process.stderr.write(`${m}\n`) });
const labels = Array.from({ length: SERIES }, (_, i) => Labels.from({ __name__: 'crash', s: String(i) }));
let k = Number.isFinite(db.head.maxTime)
  ? db.head.maxTime / step + 1
  : (db.blocks.at(-1)?.maxTime ?? 0) / step + 1;
k = Math.max(1, Math.ceil(k));
const refs = new Array<number>(SERIES).fill(0);
for (;;) {
  const app = db.appender();
  const n = 1 + Math.floor(Math.random() * 60);
  for (let j = 0; j < n; j++, k++) {
    for (let i = 0; i < SERIES; i++) refs[i] = app.append(refs[i] as never, labels[i]!, 0, k * step, k);
  }
  await app.commit();
  process.stdout.write(`ack ${k - 1}\n`);
  // Give the event loop a turn between commits, as a scrape loop waiting on the network does,
  // so compaction (which runs in slices between other work) makes progress.
  await new Promise((resolve) => setImmediate(resolve));
}
