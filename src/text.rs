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
