//! The module graph of src/ runs one way, and only src/js/ touches JavaScript.
//!
//! The layers are the numbered list in the comment at the top of src/lib.rs (bottom first); a
//! module may use only modules of a lower layer. This test reads the sources (no build): every
//! `crate::X` and `$crate::X` path outside comments is an edge of the module holding it, string
//! literals included (a `record!` rule such as `"crate::lenient::opt_int"` is a real path), and
//! a macro invocation adds the `$crate::` paths of the macro's body to the invoking module.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The crates only src/js/ may name.
const JS_CRATES: &[&str] = &[
    "wasm_bindgen",
    "wasm_bindgen_futures",
    "serde_wasm_bindgen",
    "js_sys",
    "web_sys",
    "gloo_net",
];

struct Source {
    /// Relative to the crate root, with `/`: `src/api/mod.rs`.
    path: String,
    /// The text without comments (string literals kept).
    code: String,
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// `text` without its comments. Strings, raw strings and char literals are skipped over whole
/// (so a `//` inside a URL is not a comment) but kept.
fn strip_comments(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if rest.starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if b[i] == b'r'
            && (i == 0
                || !is_ident(b[i - 1])
                || (b[i - 1] == b'b' && (i < 2 || !is_ident(b[i - 2]))))
            && rest[1..]
                .iter()
                .position(|&c| c != b'#')
                .is_some_and(|n| rest[1 + n] == b'"')
        {
            let hashes = rest[1..].iter().take_while(|&&c| c == b'#').count();
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat(b'#').take(hashes))
                .collect();
            let start = i;
            i += 2 + hashes;
            while i < b.len() && !b[i..].starts_with(&close) {
                i += 1;
            }
            i = (i + close.len()).min(b.len());
            out.extend_from_slice(&b[start..i]);
        } else if b[i] == b'"' {
            let start = i;
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(b.len());
            out.extend_from_slice(&b[start..i]);
        } else if b[i] == b'\'' {
            // A char literal ('"', '\'', '\u{..}') is copied whole; a lifetime is just a quote.
            let end = if rest.get(1) == Some(&b'\\') {
                rest.iter().skip(3).position(|&c| c == b'\'').map(|n| n + 4)
            } else {
                let ch = std::str::from_utf8(&rest[1..rest.len().min(5)])
                    .or_else(|e| std::str::from_utf8(&rest[1..1 + e.valid_up_to()]))
                    .ok()
                    .and_then(|s| s.chars().next())
                    .map_or(1, char::len_utf8);
                (rest.get(1 + ch) == Some(&b'\'')).then_some(ch + 2)
            };
            let n = end.unwrap_or(1);
            out.extend_from_slice(&rest[..n.min(rest.len())]);
            i += n;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The top-level module a source file belongs to (`None` for src/lib.rs).
fn module_of(path: &str) -> Option<String> {
    let rest = path.strip_prefix("src/")?;
    if rest == "lib.rs" {
        return None;
    }
    let first = rest.split('/').next()?;
    Some(first.strip_suffix(".rs").unwrap_or(first).to_owned())
}

/// Positions where `word` occurs as a whole identifier in `code`.
fn find_word<'a>(code: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    code.match_indices(word).filter_map(move |(at, _)| {
        let b = code.as_bytes();
        let before = at.checked_sub(1).map(|p| b[p]);
        let after = b.get(at + word.len()).copied();
        (!before.is_some_and(is_ident) && !after.is_some_and(is_ident)).then_some(at)
    })
}

/// The identifier right after each `crate::` (also `$crate::`) in `code`.
fn crate_paths(code: &str) -> BTreeSet<String> {
    find_word(code, "crate")
        .filter_map(|at| {
            let rest = code[at + "crate".len()..].strip_prefix("::")?;
            let n = rest.bytes().take_while(|&c| is_ident(c)).count();
            (n > 0).then(|| rest[..n].to_owned())
        })
        .collect()
}

/// The layers listed in src/lib.rs: module name -> layer number.
fn layers(lib: &str) -> BTreeMap<String, u32> {
    let mut out = BTreeMap::new();
    for line in lib.lines() {
        let Some(item) = line.trim_start().strip_prefix("//") else {
            continue;
        };
        let item = item.trim_start();
        let Some((num, rest)) = item.split_once(". ") else {
            continue;
        };
        let (Ok(num), Some((names, _))) = (num.parse::<u32>(), rest.split_once(':')) else {
            continue;
        };
        for name in names.split(',') {
            out.insert(name.trim().to_owned(), num);
        }
    }
    out
}

/// Names re-exported at the crate root (`pub use error::{Error, ErrorKind};`) -> module.
fn root_reexports(lib: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in lib.lines() {
        let Some(rest) = line.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, names)) = rest.trim_end_matches(';').split_once("::") else {
            continue;
        };
        for name in names.trim_matches(|c| c == '{' || c == '}').split(',') {
            out.insert(name.trim().to_owned(), module.to_owned());
        }
    }
    out
}

/// The `$crate::` modules in the body of each `macro_rules!` of `sources`.
fn macro_paths(sources: &[Source]) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for s in sources {
        for at in find_word(&s.code, "macro_rules") {
            let rest = s.code[at..]
                .trim_start_matches("macro_rules")
                .trim_start_matches(['!', ' ']);
            let name: String = rest
                .bytes()
                .take_while(|&c| is_ident(c))
                .map(char::from)
                .collect();
            let Some(open) = rest.find('{') else { continue };
            let mut depth = 0usize;
            let mut end = rest.len();
            for (i, c) in rest[open..].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = open + i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            out.insert(name, crate_paths(&rest[open..end]));
        }
    }
    out
}

/// Every breach of the layering and of the JS boundary, as sentences.
fn check(sources: &[Source], lib: &str) -> Vec<String> {
    let layer = layers(lib);
    let reexports = root_reexports(lib);
    let macros = macro_paths(sources);
    let mut problems = Vec::new();
    if layer.is_empty() {
        problems.push("src/lib.rs lists no layers".to_owned());
    }
    let mut modules = BTreeSet::new();
    for s in sources {
        let Some(m) = module_of(&s.path) else {
            continue;
        };
        modules.insert(m.clone());
        if m != "js" {
            for name in JS_CRATES {
                if find_word(&s.code, name).next().is_some() {
                    problems.push(format!(
                        "{} uses `{name}`: only src/js/ may touch JS",
                        s.path
                    ));
                }
            }
        }
        let Some(&own) = layer.get(&m) else {
            problems.push(format!(
                "{}: module `{m}` is not in the layers of src/lib.rs",
                s.path
            ));
            continue;
        };
        let mut used = crate_paths(&s.code);
        for (name, paths) in &macros {
            let invoked = find_word(&s.code, name).any(|at| {
                s.code[at + name.len()..].starts_with('!')
                    && !s.code[..at].trim_end().ends_with("macro_rules!")
            });
            if invoked {
                used.extend(paths.iter().cloned());
            }
        }
        for u in used {
            let target = reexports.get(&u).cloned().unwrap_or(u);
            if target == m {
                continue;
            }
            match layer.get(&target) {
                Some(&t) if t < own => {}
                Some(&t) => problems.push(format!(
                    "{} (`{m}`, layer {own}) uses `crate::{target}` (layer {t}): against the layers of src/lib.rs",
                    s.path
                )),
                None => problems.push(format!(
                    "{} uses `crate::{target}`, which is not in the layers of src/lib.rs",
                    s.path
                )),
            }
        }
    }
    for m in layer.keys() {
        if !modules.contains(m) {
            problems.push(format!(
                "src/lib.rs lists a layer module `{m}` that src/ does not have"
            ));
        }
    }
    problems
}

fn read_tree(dir: &Path, root: &Path, out: &mut Vec<Source>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read src/")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            read_tree(&p, root, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&p).expect("read a source");
            let rel = p
                .strip_prefix(root)
                .expect("under the root")
                .to_string_lossy()
                .replace('\\', "/");
            out.push(Source {
                path: rel,
                code: strip_comments(&text),
            });
        }
    }
}

#[test]
fn modules_follow_the_layers_and_only_js_touches_js() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = Vec::new();
    read_tree(&root.join("src"), root, &mut sources);
    assert!(sources.len() > 20, "found only {} sources", sources.len());
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).expect("read src/lib.rs");
    let problems = check(&sources, &lib);
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn the_check_finds_breaches() {
    let lib = "pub mod a;\npub mod b;\n// Layers:\n//   1. a: the bottom\n//   2. b, c: above it\npub use a::{Thing};\n";
    let src = |path: &str, text: &str| Source {
        path: path.to_owned(),
        code: strip_comments(text),
    };
    let sources = [
        // Downward edges, a `crate::Thing` re-export, a comment and a string: all fine.
        src(
            "src/b.rs",
            "use crate::a::X; fn f() -> crate::Thing { g(\"http://x\") } // crate::b\n",
        ),
        src(
            "src/c/mod.rs",
            "use crate::a::X; #[serde(with = \"crate::a::f\")] struct S;",
        ),
        // Upward edges, directly, in a rule string, through a macro, and a JS crate.
        src(
            "src/a.rs",
            "use crate::b::Y;\nmacro_rules! m { () => { $crate::c::Z } }\nfn g() { let _ = '\"'; }",
        ),
        src(
            "src/a/x.rs",
            "#[serde(deserialize_with = \"crate::c::rule\")] struct T;",
        ),
        src("src/a/y.rs", "fn h() { m! {} }"),
        src("src/b/y.rs", "use wasm_bindgen::prelude::*; /* js_sys */"),
        src("src/d.rs", "fn f() {}"),
    ];
    let problems = check(&sources, lib);
    let want = [
        "src/a.rs (`a`, layer 1) uses `crate::b` (layer 2)",
        "src/a.rs (`a`, layer 1) uses `crate::c` (layer 2)",
        "src/a/x.rs (`a`, layer 1) uses `crate::c` (layer 2)",
        "src/a/y.rs (`a`, layer 1) uses `crate::c` (layer 2)",
        "src/b/y.rs uses `wasm_bindgen`",
        "src/d.rs: module `d` is not in the layers",
    ];
    for w in want {
        assert!(
            problems.iter().any(|p| p.starts_with(w)),
            "missing {w:?} in {problems:#?}"
        );
    }
    assert_eq!(problems.len(), want.len(), "{problems:#?}");
}
