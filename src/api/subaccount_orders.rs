//! `GET /account/subaccount/order` (DigiCert's "List subaccount orders"): orders of subaccounts,
//! paginated. Quirks: docs/API-NOTES.md.

#[cfg(feature = "testing")]
use super::decode_json;
use super::{check_offset, Endpoint, Page, Price, Product};
use crate::error::Result;
#[cfg(feature = "testing")]
use crate::lenient::MAX_SAFE_INTEGER;
use crate::query::{EndpointSpec, FilterKind, ListQuery};
#[cfg(feature = "testing")]
use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// Filters and sort keys of this endpoint.
pub const SPEC: EndpointSpec = EndpointSpec {
    filters: &[
        ("id", FilterKind::Int),
        ("certificate_id", FilterKind::Int),
        ("valid_till", FilterKind::Date),
        ("common_name", FilterKind::Text),
        ("status", FilterKind::Text),
        ("product_name_id", FilterKind::Text),
        ("date_created", FilterKind::Date),
        ("subaccount", FilterKind::Int),
        ("account_type", FilterKind::Text),
        ("search", FilterKind::Text),
    ],
    sort_keys: &[
        "id",
        "common_name",
        "product_name_id",
        "date_created",
        "validity_years",
    ],
    paged: true,
};

crate::record::record! {
/// The certificate of an order (immediate subaccounts only).
pub struct OrderCertificate {
    required {}
    /// Certificate id.
    pub id: Option<i64> = "crate::lenient::opt_int",
    /// Thumbprint (issued only).
    pub thumbprint: Option<String> = "crate::lenient::opt_text",
    /// Serial number (issued only).
    pub serial_number: Option<String> = "crate::lenient::opt_text",
    /// Common name.
    pub common_name: Option<String> = "crate::lenient::opt_text",
    /// Other names.
    pub dns_names: Vec<String> = "crate::lenient::text_list",
    /// Expiry date, `yyyy-MM-dd` (issued only).
    pub valid_till: Option<String> = "crate::lenient::opt_text",
    /// Organization units.
    pub organization_units: Vec<String> = "crate::lenient::text_list",
    /// Signature hash, e.g. `sha256`.
    pub signature_hash: Option<String> = "crate::lenient::opt_text",
}
}

crate::record::record! {
/// The subaccount that placed an order.
pub struct OrderSubaccount {
    required {}
    /// Subaccount id.
    pub account_id: Option<i64> = "crate::lenient::opt_int",
    /// `retail`, `enterprise`, `reseller`, `managed`, ... (open).
    pub account_type: Option<String> = "crate::lenient::opt_text",
    /// The subaccount's primary organization.
    pub organization_name: Option<String> = "crate::lenient::opt_text",
}
}

crate::record::record! {
/// The organization of an order (immediate subaccounts only).
pub struct OrderOrganization {
    required {}
    /// Organization id.
    pub id: Option<i64> = "crate::lenient::opt_int",
    /// Organization name.
    pub name: Option<String> = "crate::lenient::opt_text",
}
}

crate::record::record! {
/// One order of a subaccount.
pub struct SubaccountOrder {
    required {
        /// Order id.
        pub id: i64 = "crate::lenient::int",
    }
    /// The certificate (immediate subaccounts only).
    pub certificate: Option<OrderCertificate> = "crate::lenient::nested",
    /// The organization (immediate subaccounts only).
    pub organization: Option<OrderOrganization> = "crate::lenient::nested",
    /// The subaccount that placed the order.
    pub subaccount: Option<OrderSubaccount> = "crate::lenient::nested",
    /// The product.
    pub product: Option<Product> = "crate::lenient::nested",
    /// Order price.
    pub order_price: Option<Price> = "crate::lenient::nested",
    /// Reissue costs per other currency (present only after such reissues).
    pub order_prices: Vec<Price> = "crate::lenient::list",
    /// Order status (open vocabulary).
    pub status: Option<String> = "crate::lenient::opt_text",
    /// Domains on the order.
    pub number_of_sans: Option<i64> = "crate::lenient::opt_int",
    /// Creation time, ISO 8601 with offset.
    pub date_created: Option<String> = "crate::lenient::opt_text",
    /// Issue time (issued only; a date or a full timestamp, as sent).
    pub date_issued: Option<String> = "crate::lenient::opt_text",
    /// Validity in years.
    pub validity_years: Option<i64> = "crate::lenient::opt_int",
}
}

/// The response of `listSubaccountOrders`.
#[derive(Clone, Debug, PartialEq, Tsify)]
#[cfg_attr(feature = "testing", derive(Serialize))]
pub struct SubaccountOrderList {
    /// The orders of this page (empty when the API leaves the key out).
    pub orders: Vec<SubaccountOrder>,
    /// Where this page sits. When the API sends no `page`, it is made from the request.
    pub page: Page,
}

#[cfg(feature = "testing")]
#[derive(Deserialize)]
struct Wire {
    #[serde(default, deserialize_with = "crate::lenient::list")]
    orders: Vec<SubaccountOrder>,
    #[serde(default)]
    page: Option<Page>,
}

/// Filters of `listSubaccountOrders`.
#[derive(Tsify)]
pub struct SubaccountOrderFilters {
    /// Order id.
    #[tsify(optional)]
    pub id: Option<f64>,
    /// Certificate id.
    #[tsify(optional)]
    pub certificate_id: Option<f64>,
    /// Certificate expiry: a range, before or after.
    #[tsify(optional)]
    pub valid_till: Option<crate::query::DateFilter>,
    /// Common name (exact; see `search`).
    #[tsify(optional)]
    pub common_name: Option<String>,
    /// Order status, e.g. `issued` (also matches expired orders).
    #[tsify(optional)]
    pub status: Option<String>,
    /// Product identifier, e.g. `ssl_plus`.
    #[tsify(optional)]
    pub product_name_id: Option<String>,
    /// Creation date: a range, before or after.
    #[tsify(optional)]
    pub date_created: Option<crate::query::DateFilter>,
    /// Subaccount id.
    #[tsify(optional)]
    pub subaccount: Option<f64>,
    /// `retail`, `enterprise`, `reseller`, `managed`.
    #[tsify(optional)]
    pub account_type: Option<String>,
    /// Substring search: start the value with `%`.
    #[tsify(optional)]
    pub search: Option<String>,
}

/// A sort key of `listSubaccountOrders`, `-` for descending.
#[derive(Tsify)]
#[tsify(
    type = "\"id\" | \"-id\" | \"common_name\" | \"-common_name\" | \"product_name_id\" | \"-product_name_id\" | \"date_created\" | \"-date_created\" | \"validity_years\" | \"-validity_years\""
)]
pub struct SubaccountOrderSortKey;

/// Query of `listSubaccountOrders` (and the iterators).
#[derive(Tsify)]
pub struct SubaccountOrdersQuery {
    /// Filters; `undefined`/`null` values are left out.
    #[tsify(optional)]
    pub filters: Option<SubaccountOrderFilters>,
    /// One key or several in priority order.
    #[tsify(optional, type = "SubaccountOrderSortKey | SubaccountOrderSortKey[]")]
    pub sort: Option<String>,
    /// Index of the first result.
    #[tsify(optional)]
    pub offset: Option<f64>,
    /// Page size, 1 to 1000 (the API's default and maximum is 1000).
    #[tsify(optional)]
    pub limit: Option<f64>,
}

/// `GET /account/subaccount/order`: `listSubaccountOrders`, and the pages of
/// `iterateSubaccountOrders` and `collectSubaccountOrders` ([`crate::paging::Paginator`]).
///
/// When the query sends an `offset`, an answer whose `page.offset` is another one is a
/// `decode` error ([`check_offset`]). Its one-pass transcoding, and the pagers' pages, are
/// [`crate::transcode::Transcode`] and `ListSubaccountOrders::page` in [`crate::transcode`].
#[derive(Clone, Copy, Debug)]
pub struct ListSubaccountOrders;

impl ListSubaccountOrders {
    /// When the query sent an `offset`: a `decode` error unless the answer's page is there.
    pub(crate) fn check(q: &ListQuery, page: &Page) -> Result<()> {
        match q.offset() {
            Some(asked) => check_offset(asked, page),
            None => Ok(()),
        }
    }
}

impl Endpoint for ListSubaccountOrders {
    super::endpoint::list_arguments!(SPEC);
    type Output = SubaccountOrderList;
    const PATH: &'static str = "/account/subaccount/order";

    #[cfg(feature = "testing")]
    fn decode(q: &ListQuery, _: &(), body: &str) -> Result<SubaccountOrderList> {
        let list = decode(body, q.offset().unwrap_or(0))?;
        Self::check(q, &list.page)?;
        Ok(list)
    }
}

/// Decodes a JSON body. `offset` is the one requested, used when the API sends no `page`
/// (then `total` is `offset` plus the orders, at most [`MAX_SAFE_INTEGER`]).
#[cfg(feature = "testing")]
pub fn decode(body: &str, offset: i64) -> Result<SubaccountOrderList> {
    let wire: Wire = decode_json(body)?;
    let page = wire.page.unwrap_or(Page {
        total: offset
            .saturating_add(wire.orders.len() as i64)
            .min(MAX_SAFE_INTEGER),
        limit: 0,
        offset,
    });
    Ok(SubaccountOrderList {
        orders: wire.orders,
        page,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_JSON: &str = r#"{
"orders": [
{"id": 123456,
"subaccount": {"account_id": 112233, "account_type": "enterprise", "organization_name": "Sub account organization"},
"product": {"name_id": "ssl_plus", "name": "Standard SSL", "type": "ssl_certificate"},
"order_price": {"cost": 198, "currency": "USD"},
"status": "pending", "number_of_sans": 1, "date_created": "2019-05-07T09:33:08+00:00", "validity_years": 1},
{"id": 123457,
"certificate": {"id": 101015, "thumbprint": "03F6", "serial_number": "0FDA", "common_name": "example.com",
"dns_names": ["sub1.example.com","sub2.example.com","sub3.example.com","sub4.example.com"],
"valid_till": "2020-06-15", "organization_units": ["IT Dept."], "signature_hash": "sha256"},
"subaccount": {"account_id": 123445, "account_type": "enterprise", "organization_name": "Sub account organization"},
"product": {"name_id": "ssl_multi_domain", "name": "Multi-Domain SSL", "type": "ssl_certificate"},
"order_price": {"cost": 358, "currency": "USD"},
"status": "issued", "number_of_sans": 4, "date_created": "2019-06-11T07:08:04+00:00",
"date_issued": "2019-06-11T07:09:00+00:00", "validity_years": 1},
{"id": 123458,
"certificate": {"id": 3179443638, "common_name": "example2.com", "dns_names": ["sub.example2.com"],
"organization_units": ["Finance Department"], "signature_hash": "sha256"},
"subaccount": {"account_id": 123445, "account_type": "enterprise", "organization_name": "Sub account organization"},
"product": {"name_id": "ssl_securesite", "name": "Secure Site SSL", "type": "ssl_certificate"},
"order_price": {"cost": 399, "currency": "USD"},
"status": "pending", "number_of_sans": 1, "date_created": "2019-06-21T09:06:47+00:00", "validity_years": 1}
],
"page": {"total": 3, "limit": 1000, "offset": 0}
}"#;

    #[test]
    fn decodes_the_seed_example() {
        let l = decode(SEED_JSON, 0).unwrap();
        assert_eq!(
            l.page,
            Page {
                total: 3,
                limit: 1000,
                offset: 0
            }
        );
        assert_eq!(l.orders.len(), 3);
        let a = &l.orders[0];
        assert_eq!(a.id, 123456);
        assert!(a.certificate.is_none());
        let s = a.subaccount.as_ref().unwrap();
        assert_eq!(
            (s.account_id, s.account_type.as_deref()),
            (Some(112233), Some("enterprise"))
        );
        let p = a.product.as_ref().unwrap();
        assert_eq!(
            (p.name_id.as_deref(), p.type_.as_deref()),
            (Some("ssl_plus"), Some("ssl_certificate"))
        );
        assert_eq!(a.order_price.as_ref().unwrap().cost, Some(198.0));
        assert!(a.order_prices.is_empty());
        assert_eq!(
            (a.status.as_deref(), a.number_of_sans, a.validity_years),
            (Some("pending"), Some(1), Some(1))
        );
        assert_eq!(a.date_issued, None);
        let b = &l.orders[1];
        let c = b.certificate.as_ref().unwrap();
        assert_eq!(
            (c.id, c.thumbprint.as_deref(), c.serial_number.as_deref()),
            (Some(101015), Some("03F6"), Some("0FDA"))
        );
        assert_eq!(c.dns_names.len(), 4);
        assert_eq!(c.organization_units, vec!["IT Dept."]);
        assert_eq!(b.date_issued.as_deref(), Some("2019-06-11T07:09:00+00:00"));
        assert_eq!(
            l.orders[2].certificate.as_ref().unwrap().id,
            Some(3179443638)
        );
        assert_eq!(l.orders[2].certificate.as_ref().unwrap().valid_till, None);
    }

    #[test]
    fn empty_page_without_orders_key() {
        let l = decode(r#"{"page":{"total":0,"limit":1,"offset":0}}"#, 0).unwrap();
        assert!(l.orders.is_empty());
        assert_eq!(l.page.total, 0);
        let l = decode(
            r#"{"orders":[{"id":"5","order_prices":[{"cost":"12.5","currency":"EUR"}]}]}"#,
            40,
        )
        .unwrap();
        assert_eq!(
            l.page,
            Page {
                total: 41,
                limit: 0,
                offset: 40
            }
        );
        assert_eq!(l.orders[0].order_prices[0].cost, Some(12.5));
    }

    #[test]
    fn typings_name_every_known_filter_and_sort_key() {
        let decl = <SubaccountOrderFilters as tsify::Tsify>::DECL;
        for (name, _) in SPEC.filters {
            assert!(
                decl.contains(&format!("{name}?:")),
                "{name} missing from {decl}"
            );
        }
        let sort = <SubaccountOrderSortKey as tsify::Tsify>::DECL;
        for k in SPEC.sort_keys {
            assert!(
                sort.contains(&format!("\"{k}\"")) && sort.contains(&format!("\"-{k}\"")),
                "{k}"
            );
        }
    }
}
