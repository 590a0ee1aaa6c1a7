//! `GET /voucher/download/used-codes` (DigiCert's "List used voucher codes"): used voucher codes,
//! as JSON or CSV. Quirks: docs/API-NOTES.md.

#[cfg(feature = "testing")]
use super::decode_json;
use super::{Accept, Endpoint, Page};
#[cfg(feature = "testing")]
use crate::error::Result;
use crate::query::{EndpointSpec, FilterKind};
use crate::record::Wire;

use tsify::Tsify;

/// The fields of a used code, in the order of the JSON record and the CSV header: the names
/// of [`UsedVoucherCode`]'s declaration (its schema), not a second list.
pub const COLUMNS: [&str; <UsedVoucherCode as Wire>::SCHEMA.fields.len()] =
    crate::record::names(<UsedVoucherCode as Wire>::SCHEMA.fields);

/// Filters and sort keys of this endpoint.
pub const SPEC: EndpointSpec = EndpointSpec {
    filters: &[
        ("product_name_id", FilterKind::Text),
        ("voucher_order_id", FilterKind::Int),
        ("certificate_order_id", FilterKind::Int),
        ("date_valid_till", FilterKind::Date),
        ("code", FilterKind::Text),
        ("id", FilterKind::Int),
    ],
    sort_keys: &COLUMNS,
    paged: true,
};

crate::record::record! {
/// One used voucher code. Dates stay the text the API sent (`YYYY-MM-DD hh:mm:ss`); an
/// unset one (the API sends `" "`) is `null`. `certificate_order_id` and `server_licenses`
/// are numbers here though the JSON endpoint sends them as strings.
pub struct UsedVoucherCode {
    required {
        /// Voucher code id.
        pub id: i64 = "crate::lenient::int",
        /// The code itself.
        pub value: String = "crate::lenient::req_text",
    }
    /// Product display name, e.g. `Basic OV` (not an identifier).
    pub product_name: Option<String> = "crate::lenient::opt_text",
    /// FQDNs the voucher allows.
    pub no_of_fqdns: Option<i64> = "crate::lenient::opt_int",
    /// Wildcard names the voucher allows.
    pub no_of_wildcards: Option<i64> = "crate::lenient::opt_int",
    /// `N/A`, `STANDARD`, `EXPEDITED`, ...
    pub shipping_method: Option<String> = "crate::lenient::opt_text",
    /// Order validity in years (0 when set in days).
    pub validity_years: Option<i64> = "crate::lenient::opt_int",
    /// Order validity in days (0 when set in years).
    pub validity_days: Option<i64> = "crate::lenient::opt_int",
    /// Always `used` for this endpoint; kept open.
    pub status: Option<String> = "crate::lenient::opt_text",
    /// When the code was created.
    pub created_date: Option<String> = "crate::lenient::opt_text",
    /// The voucher order the code belongs to.
    pub voucher_order_id: Option<i64> = "crate::lenient::opt_int",
    /// When the code was used to request a certificate.
    pub cert_request_date: Option<String> = "crate::lenient::opt_text",
    /// Certificate validity start (`null` until issued).
    pub cert_validity_start_date: Option<String> = "crate::lenient::opt_text",
    /// Certificate validity end (`null` until issued).
    pub cert_validity_end_date: Option<String> = "crate::lenient::opt_text",
    /// Organization on the certificate request.
    pub cert_organization: Option<String> = "crate::lenient::opt_text",
    /// Common name on the certificate request.
    pub cert_common_name: Option<String> = "crate::lenient::opt_text",
    /// Certificate order id (sent as a string by the JSON endpoint).
    pub certificate_order_id: Option<i64> = "crate::lenient::opt_int",
    /// When the voucher code expires (`YYYY-MM-DD`).
    pub voucher_validity_end_date: Option<String> = "crate::lenient::opt_text",
    /// Order validity start (`null` until issued).
    pub order_valid_from: Option<String> = "crate::lenient::opt_text",
    /// Order validity end (`null` until issued).
    pub order_valid_till: Option<String> = "crate::lenient::opt_text",
    /// Server licenses included (sent as a string by the JSON endpoint).
    pub server_licenses: Option<i64> = "crate::lenient::opt_int",
}
}

crate::record::record! {
/// The response of `listUsedVoucherCodes`.
pub struct UsedVoucherCodeList {
    required {}
    /// The codes (empty when the API sends none).
    pub codes: Vec<UsedVoucherCode> = "crate::lenient::list",
    /// Present when the API paginated the answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<Page> = "crate::lenient::nested",
}
}

/// Filters of `listUsedVoucherCodes`.
#[derive(Tsify)]
pub struct UsedVoucherCodeFilters {
    /// Product identifier, e.g. `ssl_basic`.
    #[tsify(optional)]
    pub product_name_id: Option<String>,
    /// Voucher order id.
    #[tsify(optional)]
    pub voucher_order_id: Option<f64>,
    /// Certificate order id.
    #[tsify(optional)]
    pub certificate_order_id: Option<f64>,
    /// The code's expiry date: a range, before or after.
    #[tsify(optional)]
    pub date_valid_till: Option<crate::query::DateFilter>,
    /// The code value.
    #[tsify(optional)]
    pub code: Option<String>,
    /// Voucher code id.
    #[tsify(optional)]
    pub id: Option<f64>,
}

/// Query of `listUsedVoucherCodes` and `exportUsedVoucherCodesCsv`.
#[derive(Tsify)]
pub struct UsedVoucherCodesQuery {
    /// Filters; `undefined`/`null` values are left out.
    #[tsify(optional)]
    pub filters: Option<UsedVoucherCodeFilters>,
    /// A field name, `-name` for descending, or several.
    #[tsify(optional, type = "string | string[]")]
    pub sort: Option<String>,
    /// Index of the first result.
    #[tsify(optional)]
    pub offset: Option<f64>,
    /// Page size, 1 to 1000.
    #[tsify(optional)]
    pub limit: Option<f64>,
}

/// `GET /voucher/download/used-codes`: `listUsedVoucherCodes` (JSON) and
/// `exportUsedVoucherCodesCsv` (CSV, the body handed over as text).
#[derive(Clone, Copy, Debug)]
pub struct ListUsedVoucherCodes;

impl Endpoint for ListUsedVoucherCodes {
    super::endpoint::list_arguments!(SPEC);
    type Output = UsedVoucherCodeList;
    const PATH: &'static str = "/voucher/download/used-codes";
    const FORMATS: &'static [Accept] = &[Accept::Json, Accept::Csv];

    #[cfg(feature = "testing")]
    fn decode(_: &Self::Args, _: &(), body: &str) -> Result<UsedVoucherCodeList> {
        decode(body)
    }
}

/// Decodes a JSON body.
#[cfg(feature = "testing")]
pub fn decode(body: &str) -> Result<UsedVoucherCodeList> {
    decode_json(body)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The JSON example of "List used voucher codes", as printed.
    pub const SEED_JSON: &str = r#"{
"codes": [
{
"id": 49170,
"value": "ZVB3LWIH3H3U53AOZU5QZ4W4TUTRPPCS",
"product_name": "Basic OV",
"no_of_fqdns": 5,
"no_of_wildcards": 0,
"shipping_method": "N/A",
"validity_years": 6,
"validity_days": 0,
"status": "used",
"created_date": "2022-03-03 13:31:03",
"voucher_order_id": 25252,
"cert_request_date": "2022-03-03 13:41:41",
"cert_validity_start_date": " ",
"cert_validity_end_date": " ",
"cert_organization": "Example Inc.",
"cert_common_name": "example.com",
"certificate_order_id": "204928159",
"voucher_validity_end_date": "2023-03-03",
"order_valid_from": " ",
"order_valid_till": " ",
"server_licenses": "1"
}
]
}"#;

    #[test]
    fn decodes_the_seed_example() {
        let list = decode(SEED_JSON).unwrap();
        assert!(list.page.is_none());
        assert_eq!(list.codes.len(), 1);
        let c = &list.codes[0];
        assert_eq!(c.id, 49170);
        assert_eq!(c.value, "ZVB3LWIH3H3U53AOZU5QZ4W4TUTRPPCS");
        assert_eq!(c.product_name.as_deref(), Some("Basic OV"));
        assert_eq!(c.no_of_fqdns, Some(5));
        assert_eq!(c.no_of_wildcards, Some(0));
        assert_eq!(c.shipping_method.as_deref(), Some("N/A"));
        assert_eq!((c.validity_years, c.validity_days), (Some(6), Some(0)));
        assert_eq!(c.status.as_deref(), Some("used"));
        assert_eq!(c.created_date.as_deref(), Some("2022-03-03 13:31:03"));
        assert_eq!(c.voucher_order_id, Some(25252));
        assert_eq!(c.cert_request_date.as_deref(), Some("2022-03-03 13:41:41"));
        assert_eq!(c.cert_validity_start_date, None);
        assert_eq!(c.cert_validity_end_date, None);
        assert_eq!(c.cert_organization.as_deref(), Some("Example Inc."));
        assert_eq!(c.cert_common_name.as_deref(), Some("example.com"));
        assert_eq!(c.certificate_order_id, Some(204928159));
        assert_eq!(c.voucher_validity_end_date.as_deref(), Some("2023-03-03"));
        assert_eq!(
            (c.order_valid_from.clone(), c.order_valid_till.clone()),
            (None, None)
        );
        assert_eq!(c.server_licenses, Some(1));
    }

    #[test]
    fn serializes_nulls_and_numbers() {
        let list = decode(SEED_JSON).unwrap();
        let out = serde_json::to_string(&list).unwrap();
        assert!(out.contains(r#""certificate_order_id":204928159"#));
        assert!(out.contains(r#""cert_validity_start_date":null"#));
        assert!(!out.contains("page"));
    }

    #[test]
    fn empty_and_paged_variants() {
        assert!(decode("{}").unwrap().codes.is_empty());
        let l =
            decode(r#"{"codes":[],"page":{"total":0,"limit":10,"offset":0},"extra":1}"#).unwrap();
        assert_eq!(l.page.unwrap().limit, 10);
        assert!(decode(r#"{"codes":[{"id":"x","value":"A"}]}"#).is_err());
        assert!(decode(r#"{"codes":[{"id":1}]}"#).is_err());
    }

    #[test]
    fn requests() {
        let q: crate::query::Query = serde_json::from_str(r#"{"filters":{"date_valid_till":{"after":"2023-01-01"},"product_name_id":"ssl_basic"},"sort":"-id","limit":50}"#).unwrap();
        let (args, ()) = ListUsedVoucherCodes::args(&q).unwrap();
        let r = ListUsedVoucherCodes::request_as(&args, Accept::Csv).unwrap();
        assert_eq!(r.accept, Accept::Csv);
        assert_eq!(r.path, "/voucher/download/used-codes?filters%5Bdate_valid_till%5D=%3E2023-01-01&filters%5Bproduct_name_id%5D=ssl_basic&sort=-id&limit=50");
    }

    #[test]
    fn typings_name_every_known_filter() {
        let decl = <UsedVoucherCodeFilters as tsify::Tsify>::DECL;
        for (name, _) in SPEC.filters {
            assert!(
                decl.contains(&format!("{name}?:")),
                "{name} missing from {decl}"
            );
        }
    }
}
