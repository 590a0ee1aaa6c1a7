//! Outside text in our output: cut for a message ([`clip`], [`clip_marked`]) or escaped as a
//! JSON string ([`write_json_str`]). A leaf module: it uses nothing else of the crate.

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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

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
}
