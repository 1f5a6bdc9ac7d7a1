import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID (48-bit ms time, 80 random bits, Crockford base32): how blocks are named. */
export function newUlid(time = Date.now()): string {
  let out = '';
  let t = time;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[t % 32]! + out;
    t = Math.floor(t / 32);
  }
  const rnd = randomBytes(10);
  // 80 bits → 16 characters of 5 bits.
  let acc = 0n;
  for (const b of rnd) acc = (acc << 8n) | BigInt(b);
  let tail = '';
  for (let i = 0; i < 16; i++) {
    tail = CROCKFORD[Number(acc & 31n)]! + tail;
    acc >>= 5n;
  }
  return out + tail;
}

export function isUlid(name: string): boolean {
  return /^[0-9A-HJKMNP-TV-Z]{26}$/.test(name);
}
