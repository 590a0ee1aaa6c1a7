//! `GET /order/certificate/{order_id}/reissue` (DigiCert's "List reissues"): the reissues of an
//! order. Quirks: docs/API-NOTES.md.

#[cfg(feature = "testing")]
use super::decode_json;
use super::Endpoint;
use crate::error::{Error, Result};
use crate::query::{path_id, query_pairs, unknown_parameter, IdInput};
use serde::Deserialize;
#[cfg(feature = "testing")]
use std::collections::HashSet;
use tsify::Tsify;

crate::record::record! {
/// One certificate of an order's reissue list.
///
/// `date_issued`, `valid_till`, `days_remaining`, `thumbprint` and `serial_number` are `null`
/// for pending and rejected reissues.
pub struct ReissuedCertificate {
    required {
        /// Certificate id.
        pub id: i64 = "crate::lenient::int",
    }
    /// Thumbprint (issued only).
    pub thumbprint: Option<String> = "crate::lenient::opt_text",
    /// Serial number (issued only).
    pub serial_number: Option<String> = "crate::lenient::opt_text",
    /// Common name.
    pub common_name: Option<String> = "crate::lenient::opt_text",
    /// Other names on the certificate.
    pub dns_names: Vec<String> = "crate::lenient::text_list",
    /// `issued`, `pending`, `rejected`, ... (open).
    pub status: Option<String> = "crate::lenient::opt_text",
    /// When the reissue was requested (ISO 8601).
    pub date_created: Option<String> = "crate::lenient::opt_text",
    /// When it was issued.
    pub date_issued: Option<String> = "crate::lenient::opt_text",
    /// Expiry date, `yyyy-MM-dd`.
    pub valid_till: Option<String> = "crate::lenient::opt_text",
    /// Days until expiry.
    pub days_remaining: Option<i64> = "crate::lenient::opt_int",
    /// The CSR.
    pub csr: Option<String> = "crate::lenient::opt_text",
    /// Key size in bits.
    pub key_size: Option<i64> = "crate::lenient::opt_int",
    /// Requesting user id.
    pub user_id: Option<i64> = "crate::lenient::opt_int",
    /// Requesting user's email.
    pub email: Option<String> = "crate::lenient::opt_text",
    /// Requesting user's first name.
    pub firstname: Option<String> = "crate::lenient::opt_text",
    /// Requesting user's last name.
    pub lastname: Option<String> = "crate::lenient::opt_text",
    /// Receipt id (sent as a string).
    pub receipt_id: Option<i64> = "crate::lenient::opt_int",
    /// Domains added and charged for (sent as a string).
    pub purchased_dns_names: Option<i64> = "crate::lenient::opt_int",
    /// Wildcards added and charged for (sent as a string).
    pub purchased_wildcard_names: Option<i64> = "crate::lenient::opt_int",
    /// Whether the reissue is archived (the API sends 0/1).
    pub archived: Option<bool> = "crate::lenient::opt_bool",
}
}

crate::record::record! {
/// The response of `listOrderReissues`.
pub struct ReissueList {
    required {}
    /// The certificates.
    pub certificates: Vec<ReissuedCertificate> = "crate::lenient::list",
}
}

/// Options of `listOrderReissues`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReissueOptions {
    /// Include archived reissues (`show_archived=true`).
    #[serde(default)]
    #[tsify(optional)]
    pub show_archived: Option<bool>,
    /// Drop later certificates whose serial number repeats an earlier one (the API's
    /// duplicate-primary bug, docs/API-NOTES.md).
    #[serde(default)]
    #[tsify(optional)]
    pub dedupe_by_serial: Option<bool>,
}

/// The validated arguments of `listOrderReissues`: what the request is made of.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReissueArgs {
    /// The order (a positive integer up to 2^53 - 1).
    pub order_id: u64,
    /// Include archived reissues (`?show_archived=true`).
    pub show_archived: bool,
}

/// How a reissue list is read (nothing is sent for it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReissueReading {
    /// Keep only the first certificate of each serial number (`dedupe_by_serial`).
    pub dedupe_by_serial: bool,
}

/// `GET /order/certificate/{order_id}/reissue`: `listOrderReissues`. One query parameter,
/// `show_archived` (`true` or `false`).
#[derive(Clone, Copy, Debug)]
pub struct ListOrderReissues;

impl Endpoint for ListOrderReissues {
    type Input = (IdInput, ReissueOptions);
    type Args = ReissueArgs;
    type Reading = ReissueReading;
    type Output = ReissueList;
    const PATH: &'static str = "/order/certificate/{order_id}/reissue";

    fn args((id, opts): &(IdInput, ReissueOptions)) -> Result<(ReissueArgs, ReissueReading)> {
        let args = ReissueArgs {
            order_id: path_id(id, "orderId")?,
            show_archived: opts.show_archived == Some(true),
        };
        let reading = ReissueReading {
            dedupe_by_serial: opts.dedupe_by_serial == Some(true),
        };
        Ok((args, reading))
    }

    fn parts(a: &ReissueArgs) -> (Option<u64>, String) {
        let q = if a.show_archived {
            "?show_archived=true"
        } else {
            ""
        };
        (Some(a.order_id), q.to_owned())
    }

    fn parse_query(id: Option<u64>, raw: &str) -> Result<ReissueArgs> {
        let order_id = id.ok_or_else(|| Error::invalid_input("the order id is missing"))?;
        let mut show_archived = false;
        for (name, value) in query_pairs(raw)? {
            show_archived = match (name.as_str(), value.as_str()) {
                ("show_archived", "true") => true,
                ("show_archived", "false") => false,
                ("show_archived", _) => {
                    return Err(Error::invalid_input("show_archived must be true or false"))
                }
                _ => return Err(unknown_parameter(&name)),
            };
        }
        Ok(ReissueArgs {
            order_id,
            show_archived,
        })
    }

    #[cfg(feature = "testing")]
    fn decode(_: &ReissueArgs, r: &ReissueReading, body: &str) -> Result<ReissueList> {
        let opts = ReissueOptions {
            show_archived: None,
            dedupe_by_serial: Some(r.dedupe_by_serial),
        };
        decode(body, &opts)
    }
}

/// Decodes a JSON body, de-duplicating by serial number when asked.
#[cfg(feature = "testing")]
pub fn decode(body: &str, opts: &ReissueOptions) -> Result<ReissueList> {
    let mut list: ReissueList = decode_json(body)?;
    if opts.dedupe_by_serial == Some(true) {
        dedupe_by_serial(&mut list.certificates);
    }
    Ok(list)
}

/// Keeps the first certificate of each serial number; those without one are all kept.
#[cfg(feature = "testing")]
pub fn dedupe_by_serial(certs: &mut Vec<ReissuedCertificate>) {
    let mut seen = HashSet::new();
    certs.retain(|c| match &c.serial_number {
        Some(s) => seen.insert(s.clone()),
        None => true,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_JSON: &str = r#"{
"certificates": [
{
"id": 12345,
"thumbprint": "<thumbprint>",
"serial_number": "<serial_number>",
"common_name": "example.com",
"dns_names": ["yourexample.com", "anotherexample.com", "*.myexample.com"],
"status": "issued",
"date_created": "2019-04-08T17:33:26+00:00",
"valid_till": "2020-04-08",
"days_remaining": 267,
"csr": "<csr>",
"key_size": 2048,
"user_id": 1576,
"email": "logan.nelson@example.com",
"firstname": "Logan",
"lastname": "Nelson",
"receipt_id":"1234",
"purchased_dns_names":"2",
"purchased_wildcard_names":"1"
},
{
"id": 23456,
"common_name": "anewdomain.com",
"dns_names": ["anewdomain.com"],
"status": "rejected",
"date_created": "2018-11-14T19:57:09+00:00",
"csr": "<csr>",
"key_size": 2048,
"user_id": 1576,
"email": "logan.nelson@example.com",
"firstname": "Logan",
"lastname": "Nelson"
},
{
"id": 34567,
"common_name": "example.net",
"dns_names": ["example.net"],
"status": "pending",
"date_created": "2018-11-15T22:41:43+00:00",
"csr": "<csr>",
"key_size": 2048,
"user_id": 1576,
"email": "logan.nelson@example.com",
"firstname": "Logan",
"lastname": "Nelson"
}
]
}"#;

    #[test]
    fn decodes_the_seed_example() {
        let l = decode(SEED_JSON, &ReissueOptions::default()).unwrap();
        assert_eq!(l.certificates.len(), 3);
        let c = &l.certificates[0];
        assert_eq!(c.id, 12345);
        assert_eq!(c.thumbprint.as_deref(), Some("<thumbprint>"));
        assert_eq!(c.serial_number.as_deref(), Some("<serial_number>"));
        assert_eq!(
            c.dns_names,
            vec!["yourexample.com", "anotherexample.com", "*.myexample.com"]
        );
        assert_eq!(c.status.as_deref(), Some("issued"));
        assert_eq!(c.valid_till.as_deref(), Some("2020-04-08"));
        assert_eq!(c.days_remaining, Some(267));
        assert_eq!((c.key_size, c.user_id), (Some(2048), Some(1576)));
        assert_eq!(c.email.as_deref(), Some("logan.nelson@example.com"));
        assert_eq!(
            (
                c.receipt_id,
                c.purchased_dns_names,
                c.purchased_wildcard_names
            ),
            (Some(1234), Some(2), Some(1))
        );
        let r = &l.certificates[1];
        assert_eq!(r.status.as_deref(), Some("rejected"));
        assert_eq!(
            (
                r.thumbprint.clone(),
                r.serial_number.clone(),
                r.valid_till.clone(),
                r.days_remaining
            ),
            (None, None, None, None)
        );
        assert_eq!(r.receipt_id, None);
        assert_eq!(
            l.certificates[2].date_created.as_deref(),
            Some("2018-11-15T22:41:43+00:00")
        );
    }

    #[test]
    fn dedupes_duplicate_primaries_only_when_asked() {
        let body = r#"{"certificates":[
            {"id":1,"serial_number":"AA","archived":0},
            {"id":2,"serial_number":"AA","archived":"1"},
            {"id":3,"serial_number":"BB"},
            {"id":4},{"id":5}]}"#;
        assert_eq!(
            decode(body, &ReissueOptions::default())
                .unwrap()
                .certificates
                .len(),
            5
        );
        let opts = ReissueOptions {
            show_archived: None,
            dedupe_by_serial: Some(true),
        };
        let ids: Vec<i64> = decode(body, &opts)
            .unwrap()
            .certificates
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(ids, vec![1, 3, 4, 5]);
        assert_eq!(
            decode(body, &ReissueOptions::default())
                .unwrap()
                .certificates[1]
                .archived,
            Some(true)
        );
        assert!(decode("{}", &opts).unwrap().certificates.is_empty());
    }

    #[test]
    fn requests() {
        let args = |show_archived| ReissueArgs {
            order_id: 9,
            show_archived,
        };
        assert_eq!(
            ListOrderReissues::request(&args(false)).path,
            "/order/certificate/9/reissue"
        );
        assert_eq!(
            ListOrderReissues::request(&args(true)).path,
            "/order/certificate/9/reissue?show_archived=true"
        );
    }
}
