// Groups `twiggy top -f json` rows (shallow bytes per item) by owner: our modules (split into
// serde decode / serde encode / other), dependency crates, data segments and wasm-bindgen shims.
//   node bench/client/twiggy-crates.mjs <wasm with a name section>   (prints a markdown table)
// Also used by run.mjs. Shallow sizes: a generic instantiated for our types counts for the
// crate that DEFINES the function (serde_json::de::... -> serde_json) unless the item is the
// derive's code in our modules (its path starts with certcentral_wasm::).
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export function owner(name) {
  if (name.startsWith('data segment')) return 'data segments (.rodata: strings, tables)';
  if (name.startsWith('"') || name.startsWith('custom section')) return 'custom sections (names; not shipped)';
  if (/ shim\b|^__wbg|^__wbindgen|^wasm_bindgen::|^export |^import /.test(name)) {
    if (/^export |^import /.test(name)) return 'wasm-bindgen exports/imports';
    if (/shim/.test(name)) return 'wasm-bindgen shims';
  }
  if (name.startsWith('js_sys::futures::future_to_promise')) return 'ours: async method bodies (inlined into js_sys future_to_promise closures)';
  // `<f64 as core::str::FromStr>::from_str`: a primitive's impl belongs to the trait's crate.
  name = name.replace(/^<+&?(?:mut )?(?:f32|f64|[iu](?:8|16|32|64|128|size)|bool|char|str|\[[^\]]*\]) as /, '');
  const m = /^[<&\s]*(?:dyn |impl |mut )*([A-Za-z_][A-Za-z0-9_]*)(?:\[[0-9a-f]+\])?::(?:([A-Za-z_][A-Za-z0-9_]*)(?:::([A-Za-z_][A-Za-z0-9_]*))?)?/.exec(name);
  if (!m) {
    if (/^(table|elem|type|func|global|memory|code|data)\[/.test(name)) return 'wasm sections (types, table, ...)';
    return 'other';
  }
  let crate = m[1];
  if (crate === 'certcentral_wasm') {
    const mod = m[2] === 'api' || m[2] === 'js' ? `${m[2]}::${m[3] ?? ''}` : m[2] ?? '';
    const what = /Deserialize|Visitor|visit_map|DeserializeWith/.test(name)
      ? 'serde Deserialize (derive)'
      : /Serialize|serialize/.test(name)
        ? 'serde Serialize (derive)'
        : /Tsify|tsify/.test(name)
          ? 'tsify'
          : 'code';
    return `ours: ${mod.replace(/::$/, '')} (${what})`;
  }
  if (crate === 'core' || crate === 'alloc' || crate === 'std') {
    const sub = m[2] ?? '';
    if (sub === 'fmt' || sub === 'num' && /flt2dec|dec2flt|fmt/.test(name)) return `${crate}::${sub} (formatting / float parsing)`;
    if (sub === 'num') return `${crate}::num`;
    return `${crate}::${sub}`;
  }
  if (crate === 'serde_core' || crate === 'serde') return 'serde (core)';
  return crate;
}

export function crateTable(wasm, twiggy = 'twiggy', top = 25) {
  const rows = JSON.parse(execFileSync(twiggy, ['top', '-n', '1000000', '-f', 'json', wasm], { encoding: 'utf8', maxBuffer: 256 << 20 }));
  const groups = new Map();
  let total = 0;
  for (const r of rows) {
    if (r.name.startsWith('"') || r.name.startsWith('custom section')) continue; // names section: not shipped
    const k = owner(r.name);
    const g = groups.get(k) ?? { bytes: 0, items: 0, biggest: r.name, biggestBytes: 0 };
    g.bytes += r.shallow_size;
    g.items++;
    if (r.shallow_size > g.biggestBytes) { g.biggest = r.name; g.biggestBytes = r.shallow_size; }
    groups.set(k, g);
    total += r.shallow_size;
  }
  const sorted = [...groups.entries()].sort((a, b) => b[1].bytes - a[1].bytes);
  const short = (s) => (s.length > 90 ? s.slice(0, 87) + '...' : s).replace(/\|/g, '\\|');
  const lines = [
    '| owner | bytes | % | items | biggest item |',
    '| --- | --- | --- | --- | --- |',
    ...sorted.slice(0, top).map(([k, g]) => `| ${k} | ${g.bytes} | ${(100 * g.bytes / total).toFixed(1)}% | ${g.items} | \`${short(g.biggest)}\` (${g.biggestBytes}) |`),
    `| (all, without the name section) | ${total} | 100% | | |`,
  ];
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(crateTable(process.argv[2], process.env.TWIGGY ?? 'twiggy', Number(process.argv[3] ?? 40)) + '\n');
}
