/**
 * One XOR chunk of a series as a reader sees it: its time range, its bytes (only the first
 * `byteLength` are valid) and how many samples to decode. For a head chunk that is still
 * growing, `count` and `byteLength` are a snapshot taken when the querier read it.
 */
export interface ChunkView {
  mint: number;
  maxt: number;
  bytes: Uint8Array;
  byteLength: number;
  count: number;
  /** True for a head chunk still being appended to: its bytes may change after the snapshot. */
  open?: boolean;
}
