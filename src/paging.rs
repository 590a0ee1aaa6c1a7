//! Checks on the pages of an offset-paged list, so a server that ignores `offset` (or answers
//! another page than the one asked) stops the pager with an error instead of making it
//! deliver the same records forever.
//!
//! Pure logic: the pagers in `src/js/` feed it each page as it arrives.

use crate::api::Page;
use crate::error::{Error, Result};

/// What the pager has seen so far.
#[derive(Debug, Default)]
pub struct PageGuard {
    /// A hash of the previous page's records (`None` before the first page).
    previous: Option<u64>,
}

/// FNV-1a, 64 bits: a cheap fingerprint of a page's records.
pub fn fingerprint(records: &str) -> u64 {
    records.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Errors (kind `decode`) when the response's offset is not `asked`, the one sent.
pub fn check_offset(asked: i64, page: &Page) -> Result<()> {
    if page.offset != asked {
        return Err(Error::decode(format!(
            "asked for the page at offset {asked} and got the one at offset {}: the server does not page as documented",
            page.offset
        )));
    }
    Ok(())
}

/// Checks the page that answered a request for `asked` (the offset sent) on its own: `page` is
/// what the response said, `len` how many records it held.
///
/// Errors (kind `decode`): the response's offset is not the one asked; the page is empty while
/// its `total` says there are records at and after `asked`.
pub fn check_page(asked: i64, page: &Page, len: usize) -> Result<()> {
    check_offset(asked, page)?;
    if len == 0 && page.total > asked {
        return Err(Error::decode(format!(
            "the page at offset {asked} is empty though the total is {}: the list cannot be read to its end",
            page.total
        )));
    }
    Ok(())
}

impl PageGuard {
    /// [`check_page`], then [`PageGuard::progress`] with the records' JSON.
    pub fn check(&mut self, asked: i64, page: &Page, len: usize, records: &str) -> Result<()> {
        check_page(asked, page, len)?;
        if len == 0 {
            return Ok(());
        }
        self.progress(asked, fingerprint(records))
    }

    /// Errors (kind `decode`) when a non-empty page's records (their [`fingerprint`]) are the
    /// same as the page before it: the server ignores `offset`, and paging would never end.
    pub fn progress(&mut self, asked: i64, print: u64) -> Result<()> {
        if self.previous == Some(print) {
            return Err(Error::decode(format!(
                "the page at offset {asked} repeats the page before it (no progress): the server seems to ignore offset"
            )));
        }
        self.previous = Some(print);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn page(total: i64, offset: i64) -> Page {
        Page {
            total,
            limit: 0,
            offset,
        }
    }

    #[test]
    fn pages_in_order_pass() {
        let mut g = PageGuard::default();
        g.check(0, &page(3, 0), 2, "[{\"id\":1},{\"id\":2}]")
            .unwrap();
        g.check(2, &page(3, 2), 1, "[{\"id\":3}]").unwrap();
        g.check(3, &page(3, 3), 0, "[]").unwrap();
    }

    #[test]
    fn another_offset_is_refused() {
        let mut g = PageGuard::default();
        let e = g
            .check(1000, &page(1e15 as i64, 0), 1, "[{\"id\":1}]")
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Decode);
        assert!(e.message.contains("offset 1000"), "{}", e.message);
    }

    #[test]
    fn a_repeated_page_is_no_progress() {
        let mut g = PageGuard::default();
        g.check(0, &page(10, 0), 1, "[{\"id\":1}]").unwrap();
        let e = g.check(1, &page(10, 1), 1, "[{\"id\":1}]").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Decode);
        assert!(e.message.contains("no progress"), "{}", e.message);
    }

    #[test]
    fn an_empty_page_short_of_the_total_is_refused() {
        let mut g = PageGuard::default();
        let e = g.check(5, &page(10, 5), 0, "[]").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Decode);
        // Past the end it is the normal last answer.
        PageGuard::default()
            .check(10, &page(10, 10), 0, "[]")
            .unwrap();
    }
}
