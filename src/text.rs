//! Outside text in our output: cut for a message ([`clip`], [`clip_marked`]) or escaped as a
//! JSON string ([`write_json_str`]); a float as text ([`f64_text`]). A leaf module: it uses
//! nothing else of the crate.

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)]

use std::borrow::Cow;

/// FNV-1a, 64 bits: a cheap, stable hash of a text (a page's or a record's JSON).
pub fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The first `max_chars` characters of `s` (all of `s` when it is shorter), cut on a char
/// boundary: the one helper for quoting outside text in a message.
pub(crate) fn clip(s: &str, max_chars: usize) -> &str {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

/// `s` cut to at most `max_chars` characters, the last of them `…` when something was cut.
pub(crate) fn clip_marked(s: &str, max_chars: usize) -> Cow<'_, str> {
    if s.char_indices().nth(max_chars).is_none() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(max_chars.saturating_add(3));
    out.push_str(clip(s, max_chars.saturating_sub(1)));
    if max_chars > 0 {
        out.push('…');
    }
    Cow::Owned(out)
}

/// `s` quoted for a message: `"…"` with `"`, `\` and control characters escaped as Rust's
/// `{:?}` escapes them (`\n`, `\"`, `\u{1b}`); any other character is kept as it is
/// (`{:?}` also escapes the few non-printable and combining ones). Used instead of `{:?}`,
/// which brings core's Unicode printable tables into the .wasm.
pub(crate) struct Quoted<'a>(pub(crate) &'a str);

impl std::fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write as _;
        f.write_char('"')?;
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                '\0' => f.write_str("\\0")?,
                c if c.is_control() => write!(f, "\\u{{{:x}}}", u32::from(c))?,
                c => f.write_char(c)?,
            }
        }
        f.write_char('"')
    }
}

#[allow(clippy::indexing_slicing)] // const evaluation: an out-of-range index fails the build
/// 0: copy; otherwise the escape letter (`u`: `\u00XX`), as serde_json's table.
static ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = b'u';
        i += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0a] = b'n';
    t[0x0c] = b'f';
    t[0x0d] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Writes `s` as a JSON string, escaped exactly as serde_json does.
#[inline]
pub(crate) fn write_json_str(out: &mut String, s: &str) {
    out.push('"');
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let esc = ESCAPE.get(usize::from(b)).copied().unwrap_or(0);
        if esc == 0 {
            continue;
        }
        // `i` and `start` sit next to ASCII bytes, so both are char boundaries.
        out.push_str(s.get(start..i).unwrap_or(""));
        start = i.saturating_add(1);
        match esc {
            b'u' => {
                out.push_str("\\u00");
                let hi = HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
                let lo = HEX.get(usize::from(b & 0xf)).copied().unwrap_or(b'0');
                out.push(char::from(hi));
                out.push(char::from(lo));
            }
            c => {
                out.push('\\');
                out.push(char::from(c));
            }
        }
    }
    out.push_str(s.get(start..).unwrap_or(""));
    out.push('"');
}

/// `f` as Rust's `Display` writes it (`f.to_string()`): the shortest digits that read back as
/// `f`, laid out without an exponent (`100`, `0.001`, `-0`, `1e300` as 301 digits; `NaN`,
/// `inf`, `-inf`). The digits come from ryu (the formatter serde_json used for years), which is
/// much smaller in the .wasm than core's float formatting (Grisu with its Dragon fallback,
/// exact and shortest modes, and their tables); nothing shipped formats a float with `{}`.
pub(crate) fn f64_text(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_owned();
    }
    let mut out = String::with_capacity(24);
    if f.is_sign_negative() {
        out.push('-');
    }
    if f.is_infinite() {
        out.push_str("inf");
        return out;
    }
    let mut buf = ryu::Buffer::new();
    // ryu writes `d.ddd`, `ddd.d`, `0.000ddd` or `d.ddde±x`: split off the exponent.
    let s = buf.format_finite(f.abs());
    let (mant, exp) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().unwrap_or(0)),
        None => (s, 0),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    // The significant digits as an integer `d` (at most 17 of them), and `f ≈ d * 10^x`.
    let all = || int.bytes().chain(frac.bytes());
    let mut d: u64 = 0;
    let mut x = i64::try_from(int.len()).unwrap_or(0).saturating_add(exp);
    for c in all() {
        d = d
            .saturating_mul(10)
            .saturating_add(u64::from(c.wrapping_sub(b'0')));
        x = x.saturating_sub(1);
    }
    if d == 0 {
        out.push('0');
        return out;
    }
    while d % 10 == 0 {
        d /= 10;
        x = x.saturating_add(1);
    }
    // When `f` lies exactly halfway between two shortest candidates, ryu takes the even one
    // and core takes the upper one (its last digit is then odd: no carry).
    if halfway_above(f.abs(), d, x) {
        d = d.saturating_add(1);
    }
    let digits = d.to_string();
    let n = i64::try_from(digits.len()).unwrap_or(0);
    let point = x.saturating_add(n);
    let zeros = |out: &mut String, k: i64| out.extend((0..k).map(|_| '0'));
    if point <= 0 {
        out.push_str("0.");
        zeros(&mut out, -point);
        out.push_str(&digits);
    } else if point >= n {
        out.push_str(&digits);
        zeros(&mut out, point - n);
    } else {
        let (a, b) = digits.split_at(usize::try_from(point).unwrap_or(0));
        out.push_str(a);
        out.push('.');
        out.push_str(b);
    }
    out
}

/// True when `f` (finite, positive) is exactly `(10 d + 5) * 10^(x - 1)`: halfway between
/// `d * 10^x` and `(d + 1) * 10^x`. With `f = m * 2^e` (`m` odd) and `t = 10 d + 5` (odd),
/// `m * 2^e = t * 2^p * 5^p` (`p = x - 1`) holds exactly when `e = p` and the odd parts agree.
fn halfway_above(f: f64, d: u64, x: i64) -> bool {
    let bits = f.to_bits();
    let (raw_exp, frac) = ((bits >> 52) & 0x7ff, bits & ((1 << 52) - 1));
    let (mut m, mut e) = if raw_exp == 0 {
        (frac, -1074i64)
    } else {
        (frac | (1 << 52), i64::try_from(raw_exp).unwrap_or(0) - 1075)
    };
    if m == 0 {
        return false;
    }
    let tz = m.trailing_zeros();
    m >>= tz;
    e += i64::from(tz);
    let p = x.saturating_sub(1);
    let Some(t) = d.checked_mul(10).and_then(|v| v.checked_add(5)) else {
        return false;
    };
    if e != p {
        return false;
    }
    let pow5 = |k: i64| u32::try_from(k).ok().and_then(|k| 5u128.checked_pow(k));
    if p >= 0 {
        pow5(p).and_then(|q| q.checked_mul(u128::from(t))) == Some(u128::from(m))
    } else {
        pow5(-p).and_then(|q| q.checked_mul(u128::from(m))) == Some(u128::from(t))
    }
}

/// `s.parse::<f64>().ok()`, to the bit: the same texts accepted (`12.5`, `-.5e-3`, `5.`, `+1`,
/// `inf`, `Infinity`, `nan`, any case), each read as the nearest `f64` (ties to even). Core's
/// parser keeps a 10 KB table of powers of five in the .wasm for its fast Eisel-Lemire step;
/// this one takes the exact shortcut for up to 15 digits times a power of ten up to 1e22 (all
/// the API's amounts), and otherwise divides big integers (slow, exact and small).
pub(crate) fn parse_f64(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let (neg, rest) = match b.split_first() {
        Some((b'-', r)) => (true, r),
        Some((b'+', r)) => (false, r),
        _ => (false, b),
    };
    let v = if rest.eq_ignore_ascii_case(b"inf") || rest.eq_ignore_ascii_case(b"infinity") {
        f64::INFINITY
    } else if rest.eq_ignore_ascii_case(b"nan") {
        f64::NAN
    } else {
        match fast(rest) {
            Some(v) => v,
            None => parse_decimal(rest)?,
        }
    };
    Some(if neg { -v } else { v })
}

/// Significant digits kept; a longer number keeps a nonzero last digit for what was cut, which
/// rounds the same (a halfway point between two f64s has at most 767 significant digits).
const MAX_DIGITS: usize = 800;

/// The usual number without allocating: `ddd[.ddd]` with at most 15 digits and no exponent
/// (`12.50`, `37`), as one exact operation (Clinger's fast path); `None` for anything else.
fn fast(b: &[u8]) -> Option<f64> {
    if b.len() > 16 {
        return None;
    }
    let (mut d, mut scale, mut point, mut any) = (0u64, 0usize, false, false);
    for &c in b {
        match c {
            b'0'..=b'9' => {
                d = d * 10 + u64::from(c - b'0');
                scale += usize::from(point);
                any = true;
            }
            b'.' if !point => point = true,
            _ => return None,
        }
    }
    // At most 16 bytes, one of them the point when there is a fraction: d < 10^16, and it is
    // below 2^53 when it has at most 15 digits, so `d as f64` is exact.
    if !any || d >= 1 << 53 {
        return None;
    }
    let p = POW10.get(scale).copied()?;
    Some(d as f64 / p)
}

/// `ddd[.ddd][e[±]ddd]` (at least one digit before the exponent) as the nearest f64.
fn parse_decimal(b: &[u8]) -> Option<f64> {
    let mut digits: Vec<u8> = Vec::new();
    let mut cut = false;
    // The value is `digits * 10^exp`.
    let mut exp: i64 = 0;
    let mut any = false;
    let mut it = b.iter().copied().peekable();
    let mut push = |d: u8, exp: &mut i64| {
        if digits.is_empty() && d == 0 {
            return;
        }
        if digits.len() < MAX_DIGITS {
            digits.push(d);
        } else {
            cut |= d != 0;
            *exp += 1;
        }
    };
    while let Some(c) = it.next_if(u8::is_ascii_digit) {
        any = true;
        push(c - b'0', &mut exp);
    }
    if it.next_if_eq(&b'.').is_some() {
        while let Some(c) = it.next_if(u8::is_ascii_digit) {
            any = true;
            push(c - b'0', &mut exp);
            exp -= 1;
        }
    }
    if !any {
        return None;
    }
    if it.next_if(|c| matches!(c, b'e' | b'E')).is_some() {
        let eneg = match it.next_if(|c| matches!(c, b'-' | b'+')) {
            Some(c) => c == b'-',
            None => false,
        };
        let mut e: i64 = 0;
        let mut any_e = false;
        while let Some(c) = it.next_if(u8::is_ascii_digit) {
            any_e = true;
            e = e
                .saturating_mul(10)
                .saturating_add(i64::from(c - b'0'))
                .min(1 << 40);
        }
        if !any_e {
            return None;
        }
        exp = if eneg { exp - e } else { exp + e };
    }
    if it.next().is_some() {
        return None;
    }
    if cut {
        digits.push(1);
        exp -= 1;
    }
    while digits.last() == Some(&0) {
        digits.pop();
        exp += 1;
    }
    let n = digits.len() as i64;
    if n == 0 || n + exp <= -324 {
        // Zero, or below 1e-324: under half the smallest subnormal.
        return Some(0.0);
    }
    if n + exp > 309 {
        // At least 1e309.
        return Some(f64::INFINITY);
    }
    if n <= 15 && (-22..=22).contains(&exp) {
        // Both exact, so one correctly rounded multiplication or division (Clinger's fast path).
        let d = digits.iter().fold(0u64, |a, &x| a * 10 + u64::from(x)) as f64;
        let p = POW10
            .get(exp.unsigned_abs() as usize)
            .copied()
            .unwrap_or(1.0);
        return Some(if exp >= 0 { d * p } else { d / p });
    }
    let mut num = Big::default();
    for &d in &digits {
        num.mul_add(10, u32::from(d));
    }
    if exp >= 0 {
        for _ in 0..exp {
            num.mul_add(10, 0);
        }
        let len = num.bits();
        let sh = len.saturating_sub(64);
        let q = num.bits_at(sh);
        let sticky = num.any_below(sh);
        return Some(round(q, sh as i64, sticky));
    }
    let mut den = Big::default();
    den.mul_add(1, 1);
    for _ in 0..exp.unsigned_abs() {
        den.mul_add(10, 0);
    }
    // Scale so that the quotient has 55 or 56 bits: value = q * 2^e2 (+ a remainder).
    let t = num.bits() as i64 - den.bits() as i64 - 55;
    if t > 0 {
        den.shl(t as usize);
    } else {
        num.shl(t.unsigned_abs() as usize);
    }
    den.shl(56);
    let mut q: u64 = 0;
    for _ in 0..=56 {
        q <<= 1;
        if num.ge(&den) {
            num.sub(&den);
            q |= 1;
        }
        den.shr1();
    }
    Some(round(q, t, !num.is_zero()))
}

/// 1e0 to 1e22: the powers of ten an f64 holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The f64 nearest `q * 2^e2` (ties to even), `sticky` when the value is a little more than that
/// (by less than `2^e2`; then `q` has at least 55 bits).
fn round(q: u64, e2: i64, sticky: bool) -> f64 {
    if q == 0 {
        return 0.0;
    }
    let len = i64::from(64 - q.leading_zeros());
    let mut lsb = (e2 + len - 53).max(-1074);
    let mut m: u64 = if lsb <= e2 {
        q << (e2 - lsb)
    } else {
        let sh = (lsb - e2) as u32;
        let q = u128::from(q);
        let m = q.checked_shr(sh).unwrap_or(0);
        let rem = q - m.checked_shl(sh).unwrap_or(0);
        let half = 1u128.checked_shl(sh - 1).unwrap_or(u128::MAX);
        let up = rem > half || (rem == half && (sticky || m & 1 == 1));
        (m as u64) + u64::from(up)
    };
    if m == 1 << 53 {
        m = 1 << 52;
        lsb += 1;
    }
    if lsb > 971 {
        return f64::INFINITY;
    }
    let bits = if m < 1 << 52 {
        m
    } else {
        (((lsb + 1075) as u64) << 52) | (m - (1 << 52))
    };
    f64::from_bits(bits)
}

/// An unsigned big integer, 32-bit limbs, least significant first, no high zero limb.
#[derive(Default)]
struct Big(Vec<u32>);

impl Big {
    /// `self = self * m + a`.
    fn mul_add(&mut self, m: u32, a: u32) {
        let mut carry = u64::from(a);
        for l in &mut self.0 {
            let v = u64::from(*l) * u64::from(m) + carry;
            *l = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn bits(&self) -> usize {
        match self.0.last() {
            Some(&top) => self.0.len() * 32 - top.leading_zeros() as usize,
            None => 0,
        }
    }

    fn bit(&self, i: usize) -> bool {
        self.0.get(i / 32).is_some_and(|l| l >> (i % 32) & 1 == 1)
    }

    /// The (at most 64) bits from bit `lo` up.
    fn bits_at(&self, lo: usize) -> u64 {
        (lo..self.bits())
            .rev()
            .fold(0, |a, i| a << 1 | u64::from(self.bit(i)))
    }

    /// True when a bit below `n` is set.
    fn any_below(&self, n: usize) -> bool {
        (0..n).any(|i| self.bit(i))
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn shl(&mut self, n: usize) {
        if self.0.is_empty() {
            return;
        }
        let (limbs, bits) = (n / 32, (n % 32) as u32);
        if bits > 0 {
            let mut carry = 0u32;
            for l in &mut self.0 {
                let v = *l;
                *l = v << bits | carry;
                carry = v >> (32 - bits);
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        self.0.splice(0..0, std::iter::repeat(0).take(limbs));
    }

    fn shr1(&mut self) {
        let mut carry = 0u32;
        for l in self.0.iter_mut().rev() {
            let v = *l;
            *l = v >> 1 | carry << 31;
            carry = v & 1;
        }
        self.trim();
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn ge(&self, o: &Big) -> bool {
        if self.0.len() != o.0.len() {
            return self.0.len() > o.0.len();
        }
        self.0.iter().rev().cmp(o.0.iter().rev()) != std::cmp::Ordering::Less
    }

    /// `self -= o` (`self >= o`).
    fn sub(&mut self, o: &Big) {
        let mut borrow = 0i64;
        for (i, l) in self.0.iter_mut().enumerate() {
            let v = i64::from(*l) - i64::from(o.0.get(i).copied().unwrap_or(0)) - borrow;
            borrow = i64::from(v < 0);
            *l = (v + (borrow << 32)) as u32;
        }
        self.trim();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn quoted_is_debug_for_every_ascii_char_and_printable_text() {
        // Every ASCII char, alone and in text, and printable non-ASCII text: as `{:?}` writes it.
        for b in 0u8..128 {
            let c = char::from(b);
            for s in [c.to_string(), format!("a{c}b\"{c}\\")] {
                assert_eq!(Quoted(&s).to_string(), format!("{s:?}"), "{b}");
            }
        }
        for s in ["", "é", "2023-13-01", "ä\u{1F600}x", "日付", "\u{85}\u{9f}"] {
            assert_eq!(Quoted(s).to_string(), format!("{s:?}"));
        }
    }

    /// `parse_f64(s)` is `s.parse::<f64>().ok()`, to the bit (NaN as NaN).
    fn same_as_core(s: &str) {
        let (ours, core) = (parse_f64(s), s.parse::<f64>().ok());
        let same = match (ours, core) {
            (Some(a), Some(b)) => a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
            (a, b) => a.is_none() && b.is_none(),
        };
        assert!(same, "{s:?}: ours {ours:?}, core {core:?}");
    }

    #[test]
    fn parse_f64_reads_what_core_reads_at_the_edges() {
        let long_half = format!("9007199254740993{}", "0".repeat(900));
        let long_above = format!("9007199254740993{}1", "0".repeat(900));
        // 2^-1075 exactly: half the smallest subnormal (a tie, to even: 0).
        let tiny_half = format!("0.{}{}", "0".repeat(323), concat!(
            "247032822920623272088284396434110686182529901307162382212792841250337753635104375932649918",
            "180817996189898282347722858865463328355177969898199387398005390939063150356595155702263922",
            "908583924491051844359318028499365361525003193704576782492193656236698636584807570015857692",
            "699037063119282795585513329278343384093519780155312465972635795746227664652728272200563740",
            "064854999770965994704540208281662262378573934507363390079677619305775067401763246736009689",
            "513405355374585166611342237666786041621596804619144672918403005300575308490487653917113865",
            "916462395249126236538818796362393732804238910186723484976682350898633885879256283027559956",
            "575244555072551893136908362547791869486679949683240497058210285131854513962138377228261454",
            "37693412532098591327667236328125",
        ));
        for s in [
            "0",
            "-0",
            "+0",
            "0.0",
            "00012.50",
            "12.5",
            "-12.50",
            ".5",
            "5.",
            "1e5",
            "1E+5",
            "-.5e-3",
            "1.00000000000000011102230246251565404236316680908203125",
            "1.000000000000000111022302462515654042363166809082031251",
            "1e",
            "e5",
            ".",
            "",
            "+",
            "-",
            "1.2.3",
            "1e+",
            "1e-",
            " 1",
            "1 ",
            "0x10",
            "inf",
            "-Infinity",
            "INF",
            "nan",
            "-NaN",
            "infin",
            "nana",
            "9007199254740993",
            "9007199254740992.5",
            "123456789012345678",
            "1e22",
            "1e23",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "1e309",
            "2e308",
            "4.9e-324",
            "2.4703282292062328e-324",
            "2.4703282292062327e-324",
            "2.2250738585072011e-308",
            "2.2250738585072014e-308",
            "1e-400",
            "1e-323",
            "0.1",
            "0.3",
            "3.14159265358979323846",
            "1e99999999999999999999",
            "1e-99999999999999999999",
            "0e99999",
            "7.038531e-26",
            "4.35679e-10",
            &long_half,
            &long_above,
            &tiny_half,
            "1e-324",
            "123.456e-300",
        ] {
            same_as_core(s);
        }
    }

    #[test]
    fn parse_f64_reads_what_core_reads_for_random_texts() {
        // Seeded xorshift: texts of digits, points, signs, exponents, mostly well formed.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for _ in 0..200_000 {
            let mut s = String::new();
            if next(4) == 0 {
                s.push(if next(2) == 0 { '-' } else { '+' });
            }
            let digits = |n: u64, s: &mut String, next: &mut dyn FnMut(u64) -> u64| {
                for _ in 0..n {
                    s.push(char::from(b'0' + next(10) as u8));
                }
            };
            let long = if next(20) == 0 { 400 } else { 20 };
            let n = next(long);
            digits(n, &mut s, &mut next);
            if next(2) == 0 {
                s.push('.');
                let n = next(long);
                digits(n, &mut s, &mut next);
            }
            if next(2) == 0 {
                s.push(if next(2) == 0 { 'e' } else { 'E' });
                match next(3) {
                    0 => s.push('-'),
                    1 => s.push('+'),
                    _ => {}
                }
                let n = next(4);
                digits(n, &mut s, &mut next);
            }
            if next(50) == 0 {
                s.push(char::from(
                    b"x.e ".get(next(4) as usize).copied().unwrap_or(b'x'),
                ));
            }
            same_as_core(&s);
        }
    }

    #[test]
    fn clipping_cuts_on_char_boundaries() {
        assert_eq!(clip("abc", 5), "abc");
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("abcdef", 3), "abc");
        assert_eq!(clip("éé😀x", 3), "éé😀");
        assert_eq!(clip("abc", 0), "");
        assert_eq!(clip_marked("abc", 3), "abc");
        assert!(matches!(clip_marked("abc", 3), Cow::Borrowed(_)));
        assert_eq!(clip_marked("abcd", 3), "ab…");
        assert_eq!(clip_marked("日本語テキスト", 4), "日本語…");
        assert_eq!(clip_marked("abcd", 1), "…");
        assert_eq!(clip_marked("abcd", 0), "");
        for n in 0..12 {
            let s = "a😀é日".repeat(3);
            assert!(clip_marked(&s, n).chars().count() <= n);
            assert_eq!(clip(&s, n).chars().count(), n.min(12));
        }
    }

    #[test]
    fn escapes_like_serde_json() {
        let mut all = String::new();
        for c in (0u32..0x80).filter_map(char::from_u32) {
            all.push(c);
        }
        all.push_str("é€😀\u{2028}\u{2029}\u{feff}/</script>");
        for s in [all.as_str(), "", "plain", "\"", "\\", "a\r\nb"] {
            let mut out = String::new();
            write_json_str(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap());
        }
    }

    #[test]
    fn floats_read_as_display_writes_them() {
        let mut all = vec![
            0.0,
            -0.0,
            1.0,
            -1.5,
            100.0,
            0.1,
            0.001,
            1e-7,
            123.456,
            1e15,
            1e16,
            1e21,
            1e300,
            -1e-300,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            9007199254740993.0,
            18446744073709551616.0,
            0.30000000000000004,
            // Exactly halfway between two shortest candidates: core rounds up, ryu to even.
            6_760_242_883_325_293.0 / 4.0, // 1690060720831323.25
            6_760_242_883_325_295.0 / 4.0, // 1690060720831323.75
            2.5,
            0.125,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        // Seeded random bit patterns (every exponent), and random decimals of a few digits.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..200_000 {
            all.push(f64::from_bits(next()));
            let r = next();
            let scale = [1.0, 10.0, 100.0, 1e3, 1e6]
                .get((r >> 40) as usize % 5)
                .copied()
                .unwrap_or(1.0);
            all.push((r % 100_000) as f64 / scale);
        }
        for f in all {
            assert_eq!(f64_text(f), f.to_string(), "{:x}", f.to_bits());
        }
    }
}
