// CRC-32 with the Castagnoli polynomial (reflected 0x82f63b78), which every checksum in
// Prometheus's on-disk formats uses.
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/** CRC32-Castagnoli of `bytes[from, to)`, continuing from `crc` (0 to start). */
export function crc32c(bytes: Uint8Array, from = 0, to = bytes.length, crc = 0): number {
  let c = ~crc;
  for (let i = from; i < to; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
