import { uncompressSync } from 'snappy';
import { RemoteWriteError } from './remote-write-error.ts';

/** Prometheus's limit on a decoded remote request (its `decodeReadLimit`): 32 MiB. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 32 * 1024 * 1024;

/**
 * The largest snappy block that can decompress to `decompressedBytes` (snappy's worst-case
 * expansion), so a body over it can be refused before it is read in full.
 */
export function maxCompressedBytes(decompressedBytes: number): number {
  return 32 + decompressedBytes + Math.floor(decompressedBytes / 6);
}

/**
 * Decompresses a snappy block-format body. The length the block declares (its leading
 * varint) is checked against `maxBytes` before any memory is allocated for it.
 */
export function decompressWriteRequest(
  body: Uint8Array,
  maxBytes: number = DEFAULT_MAX_DECOMPRESSED_BYTES,
): Uint8Array {
  const declared = declaredLength(body);
  if (declared > maxBytes) {
    throw new RemoteWriteError(
      'too-large',
      `decompressed body of ${declared} bytes exceeds the limit of ${maxBytes} bytes`,
    );
  }
  try {
    return uncompressSync(body, { asBuffer: true }) as Buffer;
  } catch (err) {
    throw new RemoteWriteError('snappy', (err as Error).message);
  }
}

function declaredLength(body: Uint8Array): number {
  let length = 0;
  for (let i = 0; i < 5 && i < body.length; i++) {
    const b = body[i]!;
    length += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) {
      if (length > 0xffffffff) break;
      return length;
    }
  }
  throw new RemoteWriteError('snappy', 'snappy: corrupt input (no valid length header)');
}
