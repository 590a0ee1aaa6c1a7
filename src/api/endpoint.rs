//! [`Endpoint`]: what each of the four endpoints is, in one place, both ways.
//!
//! Forward, for the client: the caller's arguments ([`Endpoint::Input`]) are validated into
//! [`Endpoint::Args`], which build the request ([`Endpoint::request`]); the body is transcoded
//! (`crate::transcode::Transcode`, the one-pass path the wasm client uses, one layer up) or,
//! with the `testing` feature, decoded (`Endpoint::decode`, the serde path).
//!
//! Backward, for a proxy: a method, a path relative to the base URL and a raw query string are
//! matched to an endpoint and parsed into the same validated `Args` ([`route`],
//! [`Endpoint::parse`]), under the same rules, so what a proxy rebuilds with
//! [`Route::request`] is always a request the client itself could have sent.
//!
//! ```
//! use certcentral_wasm::api::{route, Route};
//! let r = route("GET", "/voucher/5531", "").unwrap();
//! assert_eq!(r, Route::VoucherOrder(5531));
//! assert_eq!(r.request().path, "/voucher/5531");
//! assert!(route("GET", "/voucher/..%2f..", "").is_err());
//! assert!(route("GET", "/account/subaccount/order", "limit=5&limit=6").is_err());
//! ```

use super::reissues::{ListOrderReissues, ReissueArgs};
use super::subaccount_orders::ListSubaccountOrders;
use super::used_codes::ListUsedVoucherCodes;
use super::voucher_order::GetVoucherOrder;
use super::{Accept, RequestSpec};
use crate::error::{Error, Result};
use crate::query::{path_id, IdInput, ListQuery};
use std::fmt::Debug;

/// One endpoint of the API: its path, arguments, request, and how its body is read.
pub trait Endpoint {
    /// The arguments as a caller passes them (already read from JS into Rust values).
    type Input;
    /// The validated arguments: everything the request is made of.
    type Args: Clone + Debug + PartialEq;
    /// How the body is read, beside the request (nothing is sent for it): the reissues'
    /// de-duplication by serial number; `()` elsewhere.
    type Reading: Clone + Debug + Default;
    /// What a JSON body decodes into.
    type Output;

    /// The path pattern relative to the base URL; a `{name}` segment is an id
    /// (a positive integer up to 2^53 - 1).
    const PATH: &'static str;
    /// The media types the endpoint answers in; the first is what [`Endpoint::request`] asks.
    const FORMATS: &'static [Accept] = &[Accept::Json];

    /// Validates a caller's arguments (`invalid_input` errors).
    fn args(input: &Self::Input) -> Result<(Self::Args, Self::Reading)>;

    /// The id segment and the query string of the request for `args` (`""` or `?...`,
    /// percent-encoded).
    fn parts(args: &Self::Args) -> (Option<u64>, String);

    /// Parses a raw query string (the text after `?`) into arguments, given the id from the
    /// path (for an endpoint whose path has one).
    fn parse_query(id: Option<u64>, raw: &str) -> Result<Self::Args>;

    /// Decodes a JSON body with serde (`testing` only: the tests hold the transcoder to it).
    #[cfg(feature = "testing")]
    fn decode(args: &Self::Args, reading: &Self::Reading, body: &str) -> Result<Self::Output>;

    /// The request for `args`, in the endpoint's first format.
    fn request(args: &Self::Args) -> RequestSpec {
        let (id, query) = Self::parts(args);
        RequestSpec {
            path: format!("{}{query}", fill_path(Self::PATH, id)),
            accept: Self::FORMATS.first().copied().unwrap_or(Accept::Json),
        }
    }

    /// The request for `args` asking for `accept`; `invalid_input` when the endpoint does not
    /// answer in that format.
    fn request_as(args: &Self::Args, accept: Accept) -> Result<RequestSpec> {
        if !Self::FORMATS.contains(&accept) {
            return Err(Error::invalid_input(format!(
                "{} does not answer in {}",
                Self::PATH,
                accept.header()
            )));
        }
        Ok(RequestSpec {
            accept,
            ..Self::request(args)
        })
    }

    /// Parses a path relative to the base URL (as sent, not decoded) and a raw query string:
    /// `None` when the path is not this endpoint's; otherwise the arguments, or an
    /// `invalid_input` error (a bad id, an unknown, repeated or invalid parameter).
    fn parse(path: &str, raw_query: &str) -> Option<Result<Self::Args>> {
        let (name, segment) = match_path(Self::PATH, path)?;
        Some(
            segment
                .map(|s| path_id(&IdInput::Text(s.to_owned()), name))
                .transpose()
                .and_then(|id| Self::parse_query(id, raw_query)),
        )
    }
}

/// The arguments of a list endpoint, in its `impl Endpoint`: the caller's [`Query`] validated
/// against `$spec` into a [`ListQuery`], sent and parsed back as the query string.
///
/// [`Query`]: crate::query::Query
macro_rules! list_arguments {
    ($spec:expr) => {
        type Input = $crate::query::Query;
        type Args = $crate::query::ListQuery;
        type Reading = ();

        fn args(q: &Self::Input) -> $crate::error::Result<(Self::Args, ())> {
            Ok(($crate::query::ListQuery::new(q, &$spec)?, ()))
        }

        fn parts(q: &Self::Args) -> (Option<u64>, String) {
            (None, q.to_query_string())
        }

        fn parse_query(_: Option<u64>, raw: &str) -> $crate::error::Result<Self::Args> {
            $crate::query::ListQuery::parse(raw, &$spec)
        }
    };
}
pub(crate) use list_arguments;

/// The segments of a path pattern or a path after its leading `/`; `None` without one.
fn segments(path: &str) -> Option<std::str::Split<'_, char>> {
    path.strip_prefix('/').map(|p| p.split('/'))
}

/// The pattern's id segment filled in: `/voucher/{id}` with 5 is `/voucher/5`.
fn fill_path(pattern: &str, id: Option<u64>) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    for seg in segments(pattern).into_iter().flatten() {
        out.push('/');
        match (seg.starts_with('{'), id) {
            (true, Some(id)) => out.push_str(&id.to_string()),
            _ => out.push_str(seg),
        }
    }
    out
}

/// Matches `path` against `pattern` segment by segment: `None` when it does not match;
/// otherwise the id placeholder's name and the path's segment there (not yet validated).
/// Literal segments must be exactly equal (no decoding, no `.` or `..`, no empty segment).
fn match_path<'p>(pattern: &'static str, path: &'p str) -> Option<(&'static str, Option<&'p str>)> {
    let (mut want, mut got) = (segments(pattern)?, segments(path)?);
    let mut id = ("id", None);
    loop {
        match (want.next(), got.next()) {
            (None, None) => return Some(id),
            (Some(w), Some(g)) => {
                if let Some(name) = w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                    id = (name, Some(g));
                } else if w != g {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

/// A request a proxy may forward: one endpoint with its validated arguments.
#[derive(Clone, Debug, PartialEq)]
pub enum Route {
    /// `GET /voucher/download/used-codes`
    UsedVoucherCodes(ListQuery),
    /// `GET /voucher/{id}`
    VoucherOrder(u64),
    /// `GET /order/certificate/{order_id}/reissue`
    OrderReissues(ReissueArgs),
    /// `GET /account/subaccount/order`
    SubaccountOrders(ListQuery),
}

impl Route {
    /// The request to send for this route (JSON; ask the used codes for CSV with
    /// [`Endpoint::request_as`]).
    pub fn request(&self) -> RequestSpec {
        match self {
            Route::UsedVoucherCodes(a) => ListUsedVoucherCodes::request(a),
            Route::VoucherOrder(a) => GetVoucherOrder::request(a),
            Route::OrderReissues(a) => ListOrderReissues::request(a),
            Route::SubaccountOrders(a) => ListSubaccountOrders::request(a),
        }
    }
}

/// Finds the endpoint of `method` and `path` (relative to the base URL, as sent, e.g.
/// `/voucher/123`) and parses `raw_query` (the text after `?`, `""` for none) into its
/// validated arguments.
///
/// `invalid_input` errors: a path that is none of the four endpoints (traversal, encoded or
/// empty segments, a trailing `/` included); a method other than `GET` on one of them; an
/// invalid id; a query parameter the endpoint does not take, one given twice, or a value its
/// rules refuse.
pub fn route(method: &str, path: &str, raw_query: &str) -> Result<Route> {
    let found = ListUsedVoucherCodes::parse(path, raw_query)
        .map(|r| r.map(Route::UsedVoucherCodes))
        .or_else(|| GetVoucherOrder::parse(path, raw_query).map(|r| r.map(Route::VoucherOrder)))
        .or_else(|| ListOrderReissues::parse(path, raw_query).map(|r| r.map(Route::OrderReissues)))
        .or_else(|| {
            ListSubaccountOrders::parse(path, raw_query).map(|r| r.map(Route::SubaccountOrders))
        });
    let Some(found) = found else {
        return Err(Error::invalid_input(format!(
            "{:?} is not an endpoint of this client",
            crate::text::clip(path, 200)
        )));
    };
    if method != "GET" {
        return Err(Error::invalid_input(format!(
            "method {:?} is not allowed: the endpoints are read with GET",
            crate::text::clip(method, 20)
        )));
    }
    found
}

#[cfg(test)]
mod tests;
