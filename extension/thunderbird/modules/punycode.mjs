// Shows internationalised domain names as people write them (xn--cole-9oa.example ->
// école.example). Decoding only (RFC 3492); invalid labels are kept as they are.

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;

function adapt(delta, points, first) {
  let d = first ? Math.floor(delta / DAMP) : delta >> 1;
  d += Math.floor(d / points);
  let k = 0;
  while (d > ((BASE - T_MIN) * T_MAX) >> 1) {
    d = Math.floor(d / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * d) / (d + SKEW));
}

function digitOf(code) {
  if (code >= 48 && code <= 57) return code - 22; // 0-9 -> 26-35
  if (code >= 65 && code <= 90) return code - 65; // A-Z
  if (code >= 97 && code <= 122) return code - 97; // a-z
  return BASE;
}

/** Decode one punycode label (without the xn-- prefix); throws on malformed input. */
function decodeLabel(input) {
  const output = [];
  const basicEnd = input.lastIndexOf("-");
  for (let j = 0; j < Math.max(basicEnd, 0); j++) {
    output.push(input.charCodeAt(j));
  }
  let n = INITIAL_N;
  let bias = INITIAL_BIAS;
  let i = 0;
  for (let index = basicEnd > 0 ? basicEnd + 1 : 0; index < input.length;) {
    const oldI = i;
    for (let w = 1, k = BASE; ; k += BASE) {
      if (index >= input.length) throw new RangeError("truncated");
      const digit = digitOf(input.charCodeAt(index++));
      if (digit >= BASE) throw new RangeError("bad digit");
      i += digit * w;
      const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
      if (digit < t) break;
      w *= BASE - t;
      if (!Number.isSafeInteger(i) || !Number.isSafeInteger(w)) throw new RangeError("overflow");
    }
    bias = adapt(i - oldI, output.length + 1, oldI === 0);
    n += Math.floor(i / (output.length + 1));
    i %= output.length + 1;
    if (n > 0x10ffff) throw new RangeError("code point");
    output.splice(i++, 0, n);
  }
  return String.fromCodePoint(...output);
}

/** `xn--` labels of a domain (or of the domain of an address) decoded for display. */
export function toUnicodeDomain(text) {
  const value = String(text ?? "");
  if (!/xn--/i.test(value)) {
    return value;
  }
  return value.replace(/(^|[.@])xn--([a-z0-9-]+)/gi, (whole, before, label) => {
    try {
      return before + decodeLabel(label);
    } catch {
      return whole;
    }
  });
}
