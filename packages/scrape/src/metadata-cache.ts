import type { ExpositionParser } from '@pyrometer/exposition';
import type { MetricType } from '@pyrometer/model';
import { MetadataLines } from './metadata-lines.ts';

/** A metric family's metadata as a target exposes it: its `# TYPE`, `# HELP` and `# UNIT`. */
export interface MetricMetadata {
  /** The family name the metadata lines give (`http_requests` for OpenMetrics' `_total` counters). */
  readonly metric: string;
  /** 'unknown' until a TYPE line says otherwise (the text format's `untyped` is 'unknown'). */
  readonly type: MetricType;
  /** '' until a HELP line says otherwise. */
  readonly help: string;
  /** '' until a UNIT line (OpenMetrics) says otherwise. */
  readonly unit: string;
}

/**
 * As Prometheus: a family's metadata is kept for this many scrapes after the last one that
 * exposed it, then forgotten at the end of the next successful scrape.
 */
export const METADATA_KEPT_SCRAPES = 10;

interface Family {
  metadata: MetricMetadata;
  /** The scrape that last had a metadata line for the family. */
  lastSeen: number;
}

const NO_BYTES: Uint8Array = new Uint8Array(0);
const NO_VIEW: DataView = new DataView(NO_BYTES.buffer);

/**
 * The metric metadata of one target, from its recent scrapes, kept as Prometheus keeps it in
 * the scrape cache. The scrape loop calls `beginScrape` with the body, `note` for each HELP,
 * TYPE and UNIT entry, and `endScrape`; nothing else of the scrape touches it.
 *
 * A scrape costs next to nothing when its metadata lines repeat the previous scrape's: each
 * is compared with the line at the same position last time, and an equal line is neither
 * decoded nor looked up (the family it named is kept with it). For a line the text parser
 * replayed from its series cache (`replayId()`: in steady state, every metadata line before a
 * series line) the comparison is one number; for the others (OpenMetrics, lines after the
 * last series) it is the line's bytes, of which a copy is kept. Only a line that differs is
 * read, and only a changed text makes a new string. The `MetricMetadata` objects handed out
 * are immutable and stay the same objects while their family's lines do not change.
 */
export class MetadataCache {
  readonly #families = new Map<string, Family>();
  /** The scrape in progress, counted from 0; failed scrapes count too. */
  #scrape = 0;
  /** The metadata lines of the last successful scrape. */
  #lines = new MetadataLines<Family>();
  // The scrape in progress: its body, how many metadata lines it has had, and, from the
  // first one that differs from the same position last time, its own list of lines.
  #body: Uint8Array = NO_BYTES;
  #view: DataView = NO_VIEW;
  #count = 0;
  /** How many families this scrape has had lines for. */
  #seen = 0;
  #next: MetadataLines<Family> | undefined;

  /** How many families have metadata. */
  get size(): number {
    return this.#families.size;
  }

  /** Every family's metadata, in the order the families were first seen. */
  list(): MetricMetadata[] {
    const out: MetricMetadata[] = [];
    for (const family of this.#families.values()) out.push(family.metadata);
    return out;
  }

  /** The metadata of the family named `metric`, or undefined when the target exposes none. */
  get(metric: string): MetricMetadata | undefined {
    return this.#families.get(metric)?.metadata;
  }

  /** Starts a scrape whose body the parser given to `note` reads. */
  beginScrape(body: Uint8Array): void {
    this.#body = body;
    this.#view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    this.#count = 0;
    this.#seen = 0;
    this.#next = undefined;
  }

  /** Records the current entry of `parser`, a HELP, TYPE or UNIT line of the body `beginScrape` was given. */
  note(kind: 'help' | 'type' | 'unit', parser: ExpositionParser): void {
    const id = parser.replayId();
    const start = parser.entryStart();
    const end = parser.entryEnd();
    const k = this.#count++;
    const lines = this.#lines;
    let family: Family;
    const before = k < lines.count ? lines.idAt(k) : -2;
    if (before >= 0 ? before === id : before === -1 && lines.matches(k, this.#body, this.#view, start, end)) {
      family = lines.valueAt(k);
      this.#see(family);
      // Compared as bytes but now replayed: keep the id instead of the bytes from now on.
      if (before === -1 && id >= 0) this.#next ??= lines.prefix(k);
    } else {
      this.#next ??= lines.prefix(k);
      family = this.#read(kind, parser);
    }
    this.#next?.append(id, this.#body, start, end, family);
  }

  /**
   * Ends the scrape (one that failed before it read a body too). After a successful one,
   * forgets the families no scrape has had metadata lines for in the last
   * `METADATA_KEPT_SCRAPES` scrapes; a failed scrape forgets none.
   */
  endScrape(succeeded: boolean): void {
    if (succeeded) {
      if (this.#next !== undefined) this.#lines = this.#next;
      else this.#lines.truncate(this.#count);
      // When every family was seen, none can expire (the usual case: no need to look).
      if (this.#seen < this.#families.size) this.#expire();
    } else if (this.#next !== undefined) {
      // The lines read are not a whole scrape's: compare the next scrape with none.
      this.#lines = new MetadataLines<Family>();
    }
    this.#scrape++;
    this.#seen = 0;
    this.#body = NO_BYTES;
    this.#view = NO_VIEW;
    this.#next = undefined;
  }

  #see(family: Family): void {
    if (family.lastSeen === this.#scrape) return;
    family.lastSeen = this.#scrape;
    this.#seen++;
  }

  #expire(): void {
    for (const [name, family] of this.#families) {
      if (this.#scrape - family.lastSeen > METADATA_KEPT_SCRAPES) this.#families.delete(name);
    }
  }

  // Reads a line that is not the same as last time.
  #read(kind: 'help' | 'type' | 'unit', parser: ExpositionParser): Family {
    const name = parser.name();
    let family = this.#families.get(name);
    if (family === undefined) {
      family = { metadata: { metric: name, type: 'unknown', help: '', unit: '' }, lastSeen: -1 };
      this.#families.set(name, family);
    }
    this.#see(family);
    const m = family.metadata;
    if (kind === 'type') {
      const type = parser.type();
      if (type !== m.type) family.metadata = { ...m, type };
    } else if (kind === 'help') {
      if (!parser.textEquals(m.help)) family.metadata = { ...m, help: parser.help() };
    } else if (!parser.textEquals(m.unit)) {
      family.metadata = { ...m, unit: parser.unit() };
    }
    return family;
  }
}
