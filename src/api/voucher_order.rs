//! `GET /voucher/{id}` (DigiCert's "Get voucher order details"): one voucher order and its codes.
//! Quirks: docs/API-NOTES.md.

#[cfg(feature = "testing")]
use super::decode_json;
use super::{Endpoint, Product};
use crate::error::Result;
use crate::query::{no_parameters, path_id, IdInput};

crate::record::record! {
/// A code inside a voucher order.
///
/// The docs list `product_name_id`; the example nests `product {group_name, name_id, name}`.
/// Both are kept: `product_name_id` falls back to `product.name_id`.
pub struct VoucherCode {
    fallback product_name_id <- product.name_id;
    required {
        /// Voucher code id (documented as a string, sent as a number).
        pub id: i64 = "crate::lenient::int",
    }
    /// The code.
    pub value: Option<String> = "crate::lenient::opt_text",
    /// The product, when the API nests it.
    pub product: Option<Product> = "crate::lenient::nested",
    /// Product identifier (from `product_name_id`, else `product.name_id`).
    pub product_name_id: Option<String> = "crate::lenient::opt_text",
    /// FQDN SAN slots.
    pub no_of_fqdns: Option<i64> = "crate::lenient::opt_int",
    /// Wildcard SAN slots.
    pub no_of_wildcards: Option<i64> = "crate::lenient::opt_int",
    /// Validity in years.
    pub validity_years: Option<i64> = "crate::lenient::opt_int",
    /// Validity in days.
    pub validity_days: Option<i64> = "crate::lenient::opt_int",
    /// Code status (open vocabulary: `active`, `used`, ...).
    pub status: Option<String> = "crate::lenient::opt_text",
}
}

crate::record::record! {
/// A voucher order.
pub struct VoucherOrder {
    required {
        /// Voucher order id.
        pub id: i64 = "crate::lenient::int",
    }
    /// Organization name.
    pub name: Option<String> = "crate::lenient::opt_text",
    /// Order status (open: `active`, `used`, `completed`, `canceled`, ...).
    pub status: Option<String> = "crate::lenient::opt_text",
    /// Total cost.
    pub cost: Option<f64> = "crate::lenient::opt_num",
    /// Currency of `cost`.
    pub currency: Option<String> = "crate::lenient::opt_text",
    /// Creation time, `YYYY-MM-DD HH:MM:SS`.
    pub created_date: Option<String> = "crate::lenient::opt_text",
    /// Expiry date, `YYYY-MM-DD`.
    pub expiration_date: Option<String> = "crate::lenient::opt_text",
    /// Whether the order can still be canceled.
    pub can_cancel: Option<bool> = "crate::lenient::opt_bool",
    /// The codes of the order.
    pub codes: Vec<VoucherCode> = "crate::lenient::list",
    /// Order note.
    pub notes: Option<String> = "crate::lenient::opt_text",
    /// When a code was used for a certificate request.
    pub used_from: Option<String> = "crate::lenient::opt_text",
    /// When the voucher expires.
    pub valid_till: Option<String> = "crate::lenient::opt_text",
}
}

/// `GET /voucher/{id}`: `getVoucherOrder`. No query parameters.
#[derive(Clone, Copy, Debug)]
pub struct GetVoucherOrder;

impl Endpoint for GetVoucherOrder {
    type Input = IdInput;
    /// The voucher order id.
    type Args = u64;
    type Reading = ();
    type Output = VoucherOrder;
    const PATH: &'static str = "/voucher/{id}";

    fn args(id: &IdInput) -> Result<(u64, ())> {
        Ok((path_id(id, "voucherOrderId")?, ()))
    }

    fn parts(id: &u64) -> (Option<u64>, String) {
        (Some(*id), String::new())
    }

    fn parse_query(id: Option<u64>, raw: &str) -> Result<u64> {
        no_parameters(raw)?;
        id.ok_or_else(|| crate::error::Error::invalid_input("the voucher order id is missing"))
    }

    #[cfg(feature = "testing")]
    fn decode(_: &u64, _: &(), body: &str) -> Result<VoucherOrder> {
        decode(body)
    }
}

/// Decodes a JSON body.
#[cfg(feature = "testing")]
pub fn decode(body: &str) -> Result<VoucherOrder> {
    let mut order: VoucherOrder = decode_json(body)?;
    for code in &mut order.codes {
        if code.product_name_id.is_none() {
            code.product_name_id = code.product.as_ref().and_then(|p| p.name_id.clone());
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of "Get voucher order details" with `{id}` filled in and its trailing comma
    /// removed.
    const SEED_JSON: &str = r#"{
"id": 5531,
"name": "ACME CORP",
"status": "completed",
"cost": 37,
"currency": "USD",
"created_date": "2020-01-20 01:26:02",
"expiration_date": "2021-01-20",
"can_cancel": true,
"codes": [
{
"id": 1001,
"value": "B6TEM44GLJE2KASGWXDI5LER7LK6MYYG",
"product": {
"group_name": "dv_ssl_certificate",
"name_id": "ssl_dv_geotrust_flex",
"name": "GeoTrust DV SSL"
},
"no_of_fqdns": 1,
"no_of_wildcards": 1,
"validity_years": 1,
"status": "active"
},
{
"id": 1002,
"value": "P2KLM44GLJE2KASGWXDI5LER7LK6MYYG",
"product": {
"group_name": "dv_ssl_certificate",
"name_id": "ssl_dv_thawte",
"name": "Thawte SSL123 DV"
},
"no_of_fqdns": 5,
"no_of_wildcards": 1,
"validity_years": 1,
"status": "active"
}
],
"notes": "Example note",
"page": {
"total": 0,
"limit": 0,
"offset": 0
}
}"#;

    #[test]
    fn decodes_the_seed_example() {
        let o = decode(SEED_JSON).unwrap();
        assert_eq!(o.id, 5531);
        assert_eq!(o.name.as_deref(), Some("ACME CORP"));
        assert_eq!(o.status.as_deref(), Some("completed"));
        assert_eq!(o.cost, Some(37.0));
        assert_eq!(o.currency.as_deref(), Some("USD"));
        assert_eq!(o.created_date.as_deref(), Some("2020-01-20 01:26:02"));
        assert_eq!(o.expiration_date.as_deref(), Some("2021-01-20"));
        assert_eq!(o.can_cancel, Some(true));
        assert_eq!(o.notes.as_deref(), Some("Example note"));
        assert_eq!((o.used_from.clone(), o.valid_till.clone()), (None, None));
        assert_eq!(o.codes.len(), 2);
        let c = &o.codes[1];
        assert_eq!(c.id, 1002);
        assert_eq!(c.value.as_deref(), Some("P2KLM44GLJE2KASGWXDI5LER7LK6MYYG"));
        assert_eq!(c.product_name_id.as_deref(), Some("ssl_dv_thawte"));
        let p = c.product.as_ref().unwrap();
        assert_eq!(p.group_name.as_deref(), Some("dv_ssl_certificate"));
        assert_eq!(p.name.as_deref(), Some("Thawte SSL123 DV"));
        assert_eq!(
            (
                c.no_of_fqdns,
                c.no_of_wildcards,
                c.validity_years,
                c.validity_days
            ),
            (Some(5), Some(1), Some(1), None)
        );
        assert_eq!(c.status.as_deref(), Some("active"));
    }

    #[test]
    fn documented_variants() {
        let o = decode(r#"{"id":"7","codes":[{"id":"1001","product_name_id":"ssl_plus"}],"used_from":"2020-01-01 00:00:00","valid_till":" "}"#).unwrap();
        assert_eq!(o.id, 7);
        assert_eq!(o.codes[0].id, 1001);
        assert_eq!(o.codes[0].product_name_id.as_deref(), Some("ssl_plus"));
        assert!(o.codes[0].product.is_none());
        assert_eq!(o.used_from.as_deref(), Some("2020-01-01 00:00:00"));
        assert_eq!(o.valid_till, None);
        assert!(decode(r#"{"id":7}"#).unwrap().codes.is_empty());
        // The page's example as printed has a trailing comma: that is invalid JSON and must say so.
        let err = decode(r#"{"id":1,"codes":[{"id":1},]}"#).unwrap_err();
        assert_eq!(err.kind, crate::error::ErrorKind::Decode);
    }
}
