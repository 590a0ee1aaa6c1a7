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

    /// The request for this route in the format an `Accept` header asks for, when the
    /// endpoint answers in it (the media type alone, `text/csv` or `application/json`,
    /// ASCII case ignored); otherwise in the endpoint's first format, as [`Route::request`].
    pub fn request_for(&self, accept: &str) -> RequestSpec {
        let wanted = accept.split(';').next().unwrap_or("").trim();
        let pick = |formats: &[Accept]| {
            formats
                .iter()
                .copied()
                .find(|f| f.header().eq_ignore_ascii_case(wanted))
        };
        let formats = match self {
            Route::UsedVoucherCodes(_) => ListUsedVoucherCodes::FORMATS,
            Route::VoucherOrder(_) => GetVoucherOrder::FORMATS,
            Route::OrderReissues(_) => ListOrderReissues::FORMATS,
            Route::SubaccountOrders(_) => ListSubaccountOrders::FORMATS,
        };
        let req = self.request();
        match pick(formats) {
            Some(accept) => RequestSpec { accept, ..req },
            None => req,
        }
    }
}

/// Why [`route_request`] refused a request: the HTTP status a proxy answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// 404: the path is none of the four endpoints.
    NotFound,
    /// 405: an endpoint's path with a method other than `GET` or `HEAD`.
    MethodNotAllowed,
    /// 400: an endpoint's path and method with an invalid id or query.
    BadRequest,
}

impl Refusal {
    /// The HTTP status: 404, 405 or 400.
    pub fn status(self) -> u16 {
        match self {
            Refusal::NotFound => 404,
            Refusal::MethodNotAllowed => 405,
            Refusal::BadRequest => 400,
        }
    }

    /// The error code of a CertCentral-shaped error body.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotFound => "not_found",
            Refusal::MethodNotAllowed => "method_not_allowed",
            Refusal::BadRequest => "invalid_request",
        }
    }
}

/// A refused request: which refusal, and the `invalid_input` error saying why.
#[derive(Clone, Debug, PartialEq)]
pub struct Refused {
    /// 404, 405 or 400.
    pub refusal: Refusal,
    /// What was wrong (never quotes more than a clipped piece of the request).
    pub error: Error,
}

/// Finds the endpoint of `method` and `path` (relative to the base URL, as sent, e.g.
/// `/voucher/123`) and parses `raw_query` (the text after `?`, `""` for none) into its
/// validated arguments. `GET` and `HEAD` are the methods allowed (exactly so spelled).
///
/// Refused ([`Refusal`]): a path that is none of the four endpoints (traversal, encoded or
/// empty segments, a trailing `/` included) is `NotFound`; another method on one of them is
/// `MethodNotAllowed`; an invalid id, or a query parameter the endpoint does not take, one
/// given twice, or a value its rules refuse is `BadRequest`.
pub fn route_request(
    method: &str,
    path: &str,
    raw_query: &str,
) -> std::result::Result<Route, Refused> {
    let found = ListUsedVoucherCodes::parse(path, raw_query)
        .map(|r| r.map(Route::UsedVoucherCodes))
        .or_else(|| GetVoucherOrder::parse(path, raw_query).map(|r| r.map(Route::VoucherOrder)))
        .or_else(|| ListOrderReissues::parse(path, raw_query).map(|r| r.map(Route::OrderReissues)))
        .or_else(|| {
            ListSubaccountOrders::parse(path, raw_query).map(|r| r.map(Route::SubaccountOrders))
        });
    let refused = |refusal, message: String| Refused {
        refusal,
        error: Error::invalid_input(message),
    };
    let Some(found) = found else {
        return Err(refused(
            Refusal::NotFound,
            format!(
                "{} is not an endpoint of this client",
                crate::text::Quoted(crate::text::clip(path, 200))
            ),
        ));
    };
    if method != "GET" && method != "HEAD" {
        return Err(refused(
            Refusal::MethodNotAllowed,
            format!(
                "method {} is not allowed: the endpoints are read with GET",
                crate::text::Quoted(crate::text::clip(method, 20))
            ),
        ));
    }
    found.map_err(|error| Refused {
        refusal: Refusal::BadRequest,
        error,
    })
}

/// [`route_request`] with the refusal as a plain `invalid_input` error.
pub fn route(method: &str, path: &str, raw_query: &str) -> Result<Route> {
    route_request(method, path, raw_query).map_err(|r| r.error)
}

#[cfg(test)]
mod tests;
