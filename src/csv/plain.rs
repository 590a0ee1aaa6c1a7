//! The simple-line fast path: most lines of an export end in LF or CRLF and quote a field,
//! if at all, without `""` or a line break inside, so the line splits on its commas with the
//! quotes stripped. [`plain_line`] finds that out and the field bounds in one scan, eight bytes
//! at a time, so `csv_core`'s byte-by-byte state machine (and its copy of every field) only
//! runs for the lines that need it. Used only at a record boundary (see `CsvParser::feed`);
//! anything it is not sure of goes to `csv_core`.

/// `0x01` in every byte.
const LO: u64 = 0x0101_0101_0101_0101;
/// `0x80` in every byte.
const HI: u64 = 0x8080_8080_8080_8080;

/// The bytes of `x` that are zero, as their high bit. The lowest set bit is exact (a false
/// positive can only sit above a true zero byte), which is all [`next_special`] uses.
#[inline(always)]
fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(LO) & !x & HI
}

/// The bytes of `w` that are `,`, `"`, `\n` or `\r` (the lowest set bit is exact).
#[inline(always)]
fn specials(w: u64) -> u64 {
    zero_bytes(w ^ (LO * u64::from(b',')))
        | zero_bytes(w ^ (LO * u64::from(b'"')))
        | zero_bytes(w ^ (LO * u64::from(b'\n')))
        | zero_bytes(w ^ (LO * u64::from(b'\r')))
}

/// The first `,`, `"`, `\n` or `\r` at or after `i`, ORing the bytes before it into `high`.
#[inline(always)]
fn next_special(input: &[u8], mut i: usize, high: &mut u64) -> Option<(usize, u8)> {
    while let Some(w) = input
        .get(i..i.wrapping_add(8))
        .and_then(|s| <[u8; 8]>::try_from(s).ok())
        .map(u64::from_le_bytes)
    {
        let m = specials(w);
        if m != 0 {
            let k = (m.trailing_zeros() / 8) as usize;
            // The bytes before the hit (k < 8, so the shift is in range).
            *high |= w & ((1u64 << (8 * k)) - 1);
            let at = i.wrapping_add(k);
            return input.get(at).map(|&b| (at, b));
        }
        *high |= w;
        i = i.wrapping_add(8);
    }
    while let Some(&b) = input.get(i) {
        if matches!(b, b',' | b'"' | b'\n' | b'\r') {
            return Some((i, b));
        }
        *high |= u64::from(b);
        i = i.wrapping_add(1);
    }
    None
}

/// Where the line ends if the byte at `at` is its terminator (`\n`, or `\r` then `\n`): the
/// offset just after it.
#[inline(always)]
fn line_end(input: &[u8], at: usize) -> Option<usize> {
    match input.get(at)? {
        b'\n' => Some(at.wrapping_add(1)),
        b'\r' if input.get(at.wrapping_add(1)) == Some(&b'\n') => Some(at.wrapping_add(2)),
        _ => None,
    }
}

/// A simple line found by [`plain_line`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Line {
    /// Its length without the terminator.
    pub(crate) len: usize,
    /// Its length with the terminator (where the next line starts).
    pub(crate) next: usize,
    /// All its bytes are ASCII.
    pub(crate) ascii: bool,
}

/// If `input` starts with a whole simple line, writes where each of its fields starts and
/// ends to `starts` and `ends` and returns the [`Line`]. A simple line ends in `\n` or
/// `\r\n`, holds no other CR or LF, and has at most `max_fields` fields, each either
/// unquoted without any `"`, or quoted without `"` (so without `""`), CR or LF inside and
/// followed directly by `,` or the line's end. `csv_core` reads such a line to the same
/// fields (the inside of the quotes for a quoted one). `None` (`starts` and `ends`
/// unspecified) for any other line, or when `input` holds no whole line.
pub(crate) fn plain_line(
    input: &[u8],
    starts: &mut Vec<usize>,
    ends: &mut Vec<usize>,
    max_fields: usize,
) -> Option<Line> {
    starts.clear();
    ends.clear();
    let mut high = 0u64;
    // Where the current field starts.
    let mut i = 0usize;
    loop {
        if starts.len() >= max_fields {
            return None;
        }
        // Where the field's content ends, and the byte after the field (`,` or a line end).
        let (end, after) = if input.get(i) == Some(&b'"') {
            let open = i.wrapping_add(1);
            let mut j = open;
            let close = loop {
                match next_special(input, j, &mut high)? {
                    (at, b',') => j = at.wrapping_add(1),
                    (at, b'"') => break at,
                    _ => return None,
                }
            };
            starts.push(open);
            (close, close.wrapping_add(1))
        } else {
            let (at, _) = next_special(input, i, &mut high)?;
            starts.push(i);
            (at, at)
        };
        ends.push(end);
        if input.get(after) == Some(&b',') {
            i = after.wrapping_add(1);
            continue;
        }
        let next = line_end(input, after)?;
        return Some(Line {
            len: after,
            next,
            ascii: high & HI == 0,
        });
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    type Split = Option<(usize, usize, bool, Vec<(usize, usize)>)>;

    fn split(s: &[u8], max: usize) -> Split {
        let (mut starts, mut ends) = (Vec::new(), Vec::new());
        plain_line(s, &mut starts, &mut ends, max).map(|l| {
            (
                l.len,
                l.next,
                l.ascii,
                starts.into_iter().zip(ends).collect(),
            )
        })
    }

    /// The same answer from a plain byte loop.
    fn naive(s: &[u8], max: usize) -> Split {
        let nl = s.iter().position(|&b| b == b'\n')?;
        let (line, next) = match s[..nl].strip_suffix(b"\r") {
            Some(l) => (l, nl + 1),
            None => (&s[..nl], nl + 1),
        };
        if line.contains(&b'\r') {
            return None;
        }
        let mut fields = Vec::new();
        let mut i = 0;
        loop {
            if fields.len() >= max {
                return None;
            }
            let (start, end, after) = if line.get(i) == Some(&b'"') {
                let close = i + 1 + line[i + 1..].iter().position(|&b| b == b'"')?;
                (i + 1, close, close + 1)
            } else {
                let end = i + line[i..]
                    .iter()
                    .position(|&b| b == b',')
                    .unwrap_or(line.len() - i);
                if line[i..end].contains(&b'"') {
                    return None;
                }
                (i, end, end)
            };
            fields.push((start, end));
            match line.get(after) {
                None => return Some((line.len(), next, line.is_ascii(), fields)),
                Some(b',') => i = after + 1,
                _ => return None,
            }
        }
    }

    #[test]
    fn splits_simple_lines_and_refuses_the_rest() {
        let f = |v: &[(usize, usize)]| v.to_vec();
        let ok = |len, next, ascii, v: &[(usize, usize)]| Some((len, next, ascii, f(v)));
        assert_eq!(
            split(b"a,bc,,d\nx", 21),
            ok(7, 8, true, &[(0, 1), (2, 4), (5, 5), (6, 7)])
        );
        assert_eq!(split(b"a,bc\r\nx", 21), ok(4, 6, true, &[(0, 1), (2, 4)]));
        assert_eq!(split(b"\n", 21), ok(0, 1, true, &[(0, 0)]));
        assert_eq!(split(b"\r\n", 21), ok(0, 2, true, &[(0, 0)]));
        assert_eq!(
            split(b"caf\xc3\xa9,1\n", 21),
            ok(7, 8, false, &[(0, 5), (6, 7)])
        );
        assert_eq!(
            split(b"1,\"a, b\",\" \"\n", 21),
            ok(12, 13, true, &[(0, 1), (3, 7), (10, 11)])
        );
        assert_eq!(split(b"1,\" \"\r\n", 21), ok(5, 7, true, &[(0, 1), (3, 4)]));
        assert_eq!(split(b"\"\"\n", 21), ok(2, 3, true, &[(1, 1)]));
        assert_eq!(split(b"a,\"b\"\"c\"\n", 21), None);
        assert_eq!(split(b"a,\"b\"c\n", 21), None);
        assert_eq!(split(b"a,b\"c\n", 21), None);
        assert_eq!(split(b"a,\"b\nc\"\n", 21), None);
        assert_eq!(split(b"a,\"b\r\nc\"\n", 21), None);
        assert_eq!(split(b"a,b\rc\n", 21), None);
        assert_eq!(split(b"a,b\r", 21), None);
        assert_eq!(split(b"a,b\r\r\n", 21), None);
        assert_eq!(split(b"a,b", 21), None);
        assert_eq!(split(b"a,\"b", 21), None);
        assert_eq!(split(b"a,b,c\n", 2), None);
        assert_eq!(split(b"a,b\n", 2), ok(3, 4, true, &[(0, 1), (2, 3)]));
        // Non-ASCII after the line's end does not count.
        assert_eq!(split(b"abcdef\n\xff\xff", 21), ok(6, 7, true, &[(0, 6)]));
    }

    #[test]
    fn agrees_with_a_byte_loop() {
        let mut rng = crate::test_support::Rng::new(99);
        const BYTES: &[u8] = b",,,\"\"\r\n\nab z\x01\x7f\x80\xc3\xa9\xff";
        for _ in 0..20_000 {
            let n = rng.below(40);
            let s: Vec<u8> = (0..n).map(|_| BYTES[rng.below(BYTES.len())]).collect();
            let max = 1 + rng.below(8);
            assert_eq!(split(&s, max), naive(&s, max), "{s:?} max {max}");
        }
    }
}
