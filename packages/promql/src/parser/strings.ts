/**
 * Unquotes a PromQL string literal as Go's strconv.Unquote does: double and single quotes
 * take Go escapes, backquotes are raw. Returns an error text for a bad escape.
 */
export function unquoteString(raw: string): { value: string } | { error: string } {
  const quote = raw[0];
  const body = raw.slice(1, -1);
  if (quote === '`') return { value: body };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    switch (e) {
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case '\\':
        out += '\\';
        break;
      case '"':
      case "'":
        if (e !== quote) return { error: `unknown escape sequence` };
        out += e;
        break;
      case 'x':
      case 'u':
      case 'U': {
        const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = body.slice(i + 1, i + 1 + len);
        if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) return { error: 'invalid escape sequence' };
        const code = Number.parseInt(hex, 16);
        i += len;
        if (e === 'x') {
          // \x gives one byte; Go strings hold bytes, ours hold UTF-16: take bytes as UTF-8.
          const bytes = [code];
          while (
            body[i + 1] === '\\' &&
            body[i + 2] === 'x' &&
            /^[0-9a-fA-F]{2}$/.test(body.slice(i + 3, i + 5))
          ) {
            bytes.push(Number.parseInt(body.slice(i + 3, i + 5), 16));
            i += 4;
          }
          out += decodeBytes(bytes);
        } else {
          if (code > 0x10ffff || (code >= 0xd800 && code < 0xe000))
            return { error: 'invalid escape sequence' };
          out += String.fromCodePoint(code);
        }
        break;
      }
      default:
        if (e !== undefined && e >= '0' && e <= '7') {
          const oct = body.slice(i, i + 3);
          if (!/^[0-7]{3}$/.test(oct)) return { error: 'invalid escape sequence' };
          const code = Number.parseInt(oct, 8);
          if (code > 255) return { error: 'invalid escape sequence' };
          out += String.fromCharCode(code);
          i += 2;
          break;
        }
        return { error: 'unknown escape sequence' };
    }
  }
  return { value: out };
}

/** Quotes a string the way Prometheus prints label values and string literals (Go %q). */
export function quoteString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0xdc80 && c <= 0xdcff) out += `\\x${(c - 0xdc00).toString(16)}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * UTF-8 bytes from `\x` escapes to a string. Go keeps invalid bytes as they are; here each
 * becomes a lone surrogate U+DC80..U+DCFF, so the string is not well-formed (an invalid label
 * name, as in Prometheus) and prints back as `\xNN`.
 */
function decodeBytes(bytes: number[]): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    let out = '';
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i]!;
      const len =
        b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
      if (len > 0 && i + len <= bytes.length) {
        try {
          out += new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes.slice(i, i + len)));
          i += len;
          continue;
        } catch {
          // fall through to the byte-wise escape
        }
      }
      out += b < 0x80 ? String.fromCharCode(b) : String.fromCharCode(0xdc00 + b);
      i++;
    }
    return out;
  }
}
