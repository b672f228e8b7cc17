// Header values built from text a user may have typed (error texts echo names and ids). HTTP/1.1 headers carry
// bytes, and Node refuses anything outside Latin-1 (throwing after the status line is decided), so such a value
// is made ASCII here: printable ASCII stays, everything else (CJK, emoji, U+2028, control characters) and `%`
// itself become UTF-8 percent escapes, which decodeURIComponent turns back into the text. Long values are cut:
// Python's http.client (cs, CloudMonkey) refuses a header line over 64 KiB.

/** Longest header value we write, in bytes (a CloudStack errortext is far shorter). */
export const MAX_HEADER_VALUE_BYTES = 4096;

const PLAIN = /^[\x20-\x24\x26-\x7E]*$/;

export function headerSafe(value: string, max = MAX_HEADER_VALUE_BYTES): string {
  let out = '';
  if (PLAIN.test(value)) out = value;
  else {
    for (const ch of value) {
      const c = ch.codePointAt(0)!;
      out += c >= 0x20 && c <= 0x7E && ch !== '%' ? ch : encodeURIComponent(ch === '%' ? '%' : wellFormed(ch));
    }
  }
  if (out.length <= max) return out;
  // Cut before an escape that would be split, and say the text goes on.
  let cut = max - 3;
  const pct = out.lastIndexOf('%', cut);
  if (pct >= 0 && cut - pct < 3) cut = pct;
  return `${out.slice(0, cut)}...`;
}

/** A lone surrogate cannot be UTF-8 encoded (encodeURIComponent throws): it becomes U+FFFD. */
const wellFormed = (ch: string) => (ch.length === 1 && ch >= '\uD800' && ch <= '\uDFFF' ? '\uFFFD' : ch);
