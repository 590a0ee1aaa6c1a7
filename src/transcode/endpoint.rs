//! [`Transcode`]: each endpoint's JSON body through the one-pass transcoder, into what the wasm
//! client hands to JS. It sits here, over [`crate::api::Endpoint`], so that the endpoints do not
//! point up at the transcoder (which reads their records' schemas).

use crate::api::reissues::{ListOrderReissues, ReissueArgs, ReissueReading};
use crate::api::subaccount_orders::ListSubaccountOrders;
use crate::api::used_codes::ListUsedVoucherCodes;
use crate::api::voucher_order::GetVoucherOrder;
use crate::api::Endpoint;
use crate::error::Result;
use crate::query::ListQuery;

/// An endpoint whose JSON body the one-pass transcoder reads.
pub trait Transcode: Endpoint {
    /// Transcodes a JSON body into the JSON of [`Endpoint::Output`] (what the wasm client hands
    /// to JS): as a JSON value, what the endpoint's serde `decode` gives (`testing`), printed by
    /// serde_json.
    fn transcode(args: &Self::Args, reading: &Self::Reading, body: &str) -> Result<String>;
}

impl Transcode for ListUsedVoucherCodes {
    fn transcode(_: &ListQuery, _: &(), body: &str) -> Result<String> {
        super::used_codes(body)
    }
}

impl Transcode for GetVoucherOrder {
    fn transcode(_: &u64, _: &(), body: &str) -> Result<String> {
        super::voucher_order(body)
    }
}

impl Transcode for ListOrderReissues {
    fn transcode(_: &ReissueArgs, r: &ReissueReading, body: &str) -> Result<String> {
        super::reissues(body, r.dedupe_by_serial)
    }
}

impl Transcode for ListSubaccountOrders {
    fn transcode(q: &ListQuery, _: &(), body: &str) -> Result<String> {
        let page = Self::page(q, body)?;
        Self::check(q, &page.page)?;
        Ok(page.into_list_json())
    }
}

// An inherent method of the endpoint, written here beside the transcoder it runs.
impl ListSubaccountOrders {
    /// One page for the pagers: the orders as a JSON array, with the page and where each order
    /// ends ([`super::subaccount_orders_page`]); no offset check (the paginator makes its own).
    pub fn page(q: &ListQuery, body: &str) -> Result<super::OrdersPage> {
        super::subaccount_orders_page(body, q.offset().unwrap_or(0))
    }
}
