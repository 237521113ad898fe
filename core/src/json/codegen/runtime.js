const $own = Object.prototype.hasOwnProperty
const $o = (v) => typeof v === 'object' && v !== null && !Array.isArray(v)
const $esc = (k) => (k.indexOf('~') < 0 && k.indexOf('/') < 0 ? k : k.replace(/~/g, '~0').replace(/\//g, '~1'))
// An instance path from its place: the parent's place ({b, s} or null at the root) and the
// segment in it ('/' and an escaped name, an index, or undefined for the parent's instance).
function $path(b, s) {
  let p = $seg(s)
  for (; b !== null; b = b.b) p = $seg(b.s) + p
  return p
}
const $seg = (s) => (s === undefined ? '' : typeof s === 'number' ? '/' + s : s)
// The shortest decimal digits of a non-negative number and the exponent of the first one.
function $digits(a) {
  const t = a.toExponential()
  const at = t.indexOf('e')
  return [t.slice(0, at).replace('.', ''), Number(t.slice(at + 1))]
}
// A float as the registry prints it: the shortest digits, fixed notation for exponents -5 to
// 15 (100.0, 0.00001), else 1.5e+16 and 1e-7.
function $float(x) {
  const sign = x < 0 ? '-' : ''
  const [digits, exp] = $digits(Math.abs(x))
  const n = digits.length
  let out
  if (exp >= -5 && exp <= 15) {
    if (n - 1 <= exp) out = digits + '0'.repeat(exp - n + 1) + '.0'
    else if (exp >= 0) out = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1)
    else out = '0.' + '0'.repeat(-exp - 1) + digits
  } else {
    out = digits[0] + (n > 1 ? '.' + digits.slice(1) : '') + 'e' + (exp >= 0 ? '+' : '-') + Math.abs(exp)
  }
  return sign + out
}
// A number as the registry prints it: integers as written (within 64 bits), others as floats.
function $n(x) {
  if (Number.isSafeInteger(x)) return '' + x
  if (!Number.isFinite(x)) return 'null'
  const a = Math.abs(x)
  if (!Number.isInteger(x) && (a >= 1e-5 || a < 1e-6)) return '' + x
  const s = JSON.stringify(x)
  if (/^-?\d+$/.test(s)) {
    const b = BigInt(s)
    if (b <= 18446744073709551615n && b >= -9223372036854775808n) return s
  }
  return $float(x)
}
// A value as the registry prints it in messages: compact JSON. JSON.stringify prints numbers as
// the registry does except integers of 20 digits or more and numbers from 1e-6 to 1e-5; only a
// text that may hold one is printed the slow way.
function $j(v) {
  if (typeof v === 'string') return $q(v)
  if (typeof v === 'number') return $n(v)
  const fast = JSON.stringify(v)
  if (typeof v !== 'object' || v === null || !$suspect.test(fast)) return fast
  return $slow(v)
}
const $suspect = /\d{20}|0\.00000\d/
// A string as JSON: quoted as it is unless it holds a character JSON escapes.
const $q = (t) => ($escaped.test(t) ? JSON.stringify(t) : '"' + t + '"')
const $escaped = /[\u0000-\u001f"\\\ud800-\udfff]/
function $slow(v) {
  if (typeof v === 'number') return $n(v)
  if (v === null || typeof v !== 'object') return JSON.stringify(v)
  let s
  if (Array.isArray(v)) {
    s = '['
    for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + $slow(v[i])
    return s + ']'
  }
  s = '{'
  let first = true
  for (const k in v) {
    if (!$own.call(v, k) || v[k] === undefined) continue
    s += (first ? '' : ',') + JSON.stringify(k) + ':' + $slow(v[k])
    first = false
  }
  return s + '}'
}
function $eq(a, b) {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!$eq(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  for (const k of ka) if (!$own.call(b, k) || !$eq(a[k], b[k])) return false
  return true
}
function $unique(a) {
  for (let i = 1; i < a.length; i++) for (let j = 0; j < i; j++) if ($eq(a[i], a[j])) return false
  return true
}
// Unicode code points, as the registry counts a string's length.
function $len(s) {
  let n = s.length
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--
        i++
      }
    }
  }
  return n
}
// The end of an "are not allowed (...)" message: the items, then was/were unexpected.
function $unexpected(items) {
  return items.join(', ') + (items.length === 1 ? ' was unexpected)' : ' were unexpected)')
}
function $keys(v) {
  let n = 0
  for (const k in v) if ($own.call(v, k) && v[k] !== undefined) n++
  return n
}
// multipleOf with a whole divisor; past 2^53 on the decimal the number prints as, exactly.
function $mi(x, m) {
  if (!Number.isInteger(x)) return false
  if (Math.abs(x) >= 9007199254740992) {
    const t = JSON.stringify(x)
    if (!t.includes('e')) return BigInt(t) % BigInt(m) === 0n
  }
  return x % m === 0
}
// A number as mantissa / 10^decimals, in the decimal it prints as.
function $dec(x) {
  const [digits, exp] = $digits(Math.abs(x))
  return [BigInt(digits) * (x < 0 ? -1n : 1n), digits.length - 1 - exp]
}
// multipleOf with a fractional divisor: exact in decimal, as 0.3 is a multiple of 0.1.
function $mf(x, m) {
  if (x === 0) return true
  if (Math.abs(x) < m) return false
  const [vm, vd] = $dec(x)
  const [mm, md] = $dec(m)
  const shared = Math.min(vd, md)
  return (vm * 10n ** BigInt(md - shared)) % (mm * 10n ** BigInt(vd - shared)) === 0n
}
