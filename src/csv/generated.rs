// Test-only module: mod.rs includes it under #[cfg(test)].
//! The JS and TypeScript that follow from the used-code record's declaration, rendered here and
//! held equal to the files: the generated region of `src/js/csv_build.js` (the column lists and
//! the specialised `buildRecords` loop) and of `src/js/types/csv.d.ts` (`UsedVoucherCodeColumns`).
//!
//! A field added to (or changed in) the `record!` declaration of `UsedVoucherCode` makes
//! `generated_js_and_typescript_follow_the_record` fail, printing the text expected; run
//! `BLESS=1 cargo test --lib csv::generated` to write it into the files. (The marker lines
//! are short: the .d.ts region ships, pasted into `certcentral_wasm.d.ts`.) The builder stays a
//! plain file (no code built at run time), so it is exactly as fast as a hand-written one.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::columns::{INTS, INT_COLS, TEXT_COLS};
use super::row::{is_int, FIELDS};
use std::fmt::Write;
use std::path::Path;

const BEGIN: &str = "// BEGIN GENERATED";
const END: &str = "// END GENERATED";

/// The first lines of a generated region (after [`BEGIN`]).
const NOTE: &str = " by src/csv/generated.rs: do not edit\n";

fn list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = names.into_iter().map(|n| format!("'{n}'")).collect();
    format!("[{}]", quoted.join(", "))
}

fn names(cols: &[u8]) -> impl Iterator<Item = &'static str> + '_ {
    cols.iter().map(|c| FIELDS[usize::from(*c)].name)
}

/// The JS local holding a text field in `buildRecords`: its name (the object literal then uses
/// the shorthand), unless that is a reserved word or a name the function already uses.
fn local(name: &str) -> String {
    const TAKEN: &[&str] = &[
        "out",
        "nums",
        "T",
        "n",
        "at",
        "N",
        "i",
        "k",
        "arguments",
        "await",
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "eval",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "implements",
        "import",
        "in",
        "instanceof",
        "interface",
        "let",
        "new",
        "null",
        "package",
        "private",
        "protected",
        "public",
        "return",
        "static",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "yield",
    ];
    if TAKEN.contains(&name) {
        format!("f_{name}")
    } else {
        name.to_owned()
    }
}

/// The generated region of `src/js/csv_build.js`.
pub(crate) fn js() -> String {
    let mut s = String::new();
    s.push_str("/** The integer columns, in the order of each record's numbers in `nums`. */\n");
    writeln!(s, "const INTS = {};", list(names(&INT_COLS))).unwrap();
    s.push_str("/** The text columns, in the order of each record's text cells. */\n");
    writeln!(s, "const TEXTS = {};", list(names(&TEXT_COLS))).unwrap();
    s.push_str("/** Every field, in the records' order. */\n");
    writeln!(s, "const FIELDS = {};", list(FIELDS.iter().map(|f| f.name))).unwrap();
    s.push_str(
        "
/**
 * @param {object[]} out
 * @param {Float64Array} nums
 * @param {NextCell} T
 * @param {number} n
 */
function buildRecords(out, nums, T, n) {
  const at = out.length;
  /** @type {(x: number) => number | null} */
  const N = (x) => (x === x ? x : null);
",
    );
    writeln!(s, "  for (let i = 0, k = 0; i < n; i++, k += {INTS}) {{").unwrap();
    // The text cells, read in their order into locals (one declaration, wrapped at 100).
    let mut line = String::from("    const");
    for (c, name) in names(&TEXT_COLS).enumerate() {
        let item = format!(
            " {} = T({c}){}",
            local(name),
            if c + 1 < TEXT_COLS.len() { ',' } else { ';' }
        );
        if line.len() + item.len() > 100 {
            writeln!(s, "{line}").unwrap();
            line = String::from("     ");
        }
        line.push_str(&item);
    }
    writeln!(s, "{line}").unwrap();
    s.push_str("    out[at + i] = {\n");
    let mut int = 0;
    for f in FIELDS {
        let k = if int == 0 {
            "k".to_owned()
        } else {
            format!("k + {int}")
        };
        if is_int(f.kind) {
            if f.kind.required() {
                writeln!(s, "      {}: nums[{k}],", f.name).unwrap();
            } else {
                writeln!(s, "      {}: N(nums[{k}]),", f.name).unwrap();
            }
            int += 1;
        } else if local(f.name) == f.name {
            writeln!(s, "      {},", f.name).unwrap();
        } else {
            writeln!(s, "      {}: {},", f.name, local(f.name)).unwrap();
        }
    }
    s.push_str("    };\n  }\n}\n");
    s
}

/// The generated region of `src/js/types/csv.d.ts`.
pub(crate) fn ts() -> String {
    let mut s = String::from(
        "/**
 * The records of a used-codes export in columns, for summaries and charts: index `i` of every
 * column belongs to record `i`, the record `parseUsedVoucherCodesCsv` returns at index `i`.
 * Integer columns are `Float64Array`s; `NaN` stands for a record's `null`.
 */
export interface UsedVoucherCodeColumns {
  /** Number of records: the length of every column. */
  length: number;
",
    );
    for f in FIELDS {
        let ty = match (is_int(f.kind), f.kind.required()) {
            (true, _) => "Float64Array",
            (false, true) => "string[]",
            (false, false) => "(string | null)[]",
        };
        writeln!(s, "  {}: {ty};", f.name).unwrap();
    }
    s.push_str("}\n");
    s
}

/// `text` with its generated region replaced by `body` (the markers kept), or `None` when it
/// has no (single, well-formed) region.
fn splice(text: &str, body: &str) -> Option<String> {
    let b = text.find(BEGIN)?;
    let e = text.find(END)?;
    if e < b || text[b + 1..].contains(BEGIN) {
        return None;
    }
    Some(format!("{}{BEGIN}{NOTE}{body}{}", &text[..b], &text[e..]))
}

/// Checks (or with `BLESS=1`, writes) the generated region of `file`.
fn check(file: &str, body: &str) -> Result<(), String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{file}: {e}"))?;
    let want = splice(&text, body)
        .ok_or_else(|| format!("{file}: expected one region from `{BEGIN}` to `{END}`"))?;
    if want == text {
        return Ok(());
    }
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, want).map_err(|e| format!("{file}: {e}"))?;
        return Ok(());
    }
    Err(format!(
        "{file} does not match the used-code record's declaration; \
         run `BLESS=1 cargo test --lib csv::generated`, or write this between the markers:\n\
         {BEGIN}{NOTE}{body}{END}\n"
    ))
}

#[test]
fn generated_js_and_typescript_follow_the_record() {
    let errors: Vec<String> = [
        check("src/js/csv_build.js", &js()),
        check("src/js/types/csv.d.ts", &ts()),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn splice_replaces_only_the_region() {
    let text = format!("a\n{BEGIN} old\nx\n{END}\nb\n");
    assert_eq!(
        splice(&text, "y\n").unwrap(),
        format!("a\n{BEGIN}{NOTE}y\n{END}\nb\n")
    );
    assert!(splice("no markers", "y").is_none());
    assert!(splice(&format!("{BEGIN}{END}{BEGIN}"), "y").is_none());
}

#[test]
fn every_field_is_in_the_js_builder_once() {
    let js = js();
    for f in FIELDS {
        let line = |sep: &str| js.matches(&format!("\n      {}{sep}", f.name)).count();
        assert_eq!(line(": ") + line(",\n"), 1, "{}", f.name);
    }
    assert_eq!(INT_COLS.len() + TEXT_COLS.len(), FIELDS.len());
    assert_eq!(local("status"), "status");
    assert_eq!(local("default"), "f_default");
}
