//! Embeds the default rule pack (`rules/**/*.yaml`) into the binary.
//!
//! The generated file is a sorted list of the pack's files, so the embedded
//! pack is byte-for-byte what is in the repository and its order is
//! deterministic. Each file also gets a precompiled form: its YAML read once
//! here and written as JSON, which `claimlint check` reads at start-up
//! instead of parsing the YAML (about 3 ms of a 20 ms run). A file whose
//! YAML does not parse gets none, so the loader reads the YAML and reports
//! the error with its location.
//!
//! It also compiles the pack's prefix-gated regexes (the ones run anchored
//! at their gate literals, listed in `src/scan/pack_gates.rs`) to dense
//! DFAs, so that a run deserialises a table instead of parsing the regex,
//! compiling its NFA and building lazy-DFA states. A regex whose DFA would
//! exceed [`MAX_DFA_BYTES`] is compiled lazily at run time, as is any
//! regex not in the list.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use regex_automata::dfa::{StartKind, dense};
use regex_automata::nfa::thompson;

/// The enum `src/scan/pack_gates.rs` names through `super`; only `Prefix`
/// matters here.
#[allow(dead_code)]
enum PackGate {
    Prefix(&'static [&'static str], Option<&'static [&'static str]>),
    Inner(&'static [&'static str]),
}

#[path = "src/scan/pack_gates.rs"]
mod pack_gates;

/// Largest DFA embedded, once minimised. 243 of the pack's 257 anchored
/// regexes fit, about 7.5 MB together; the larger ones (bounded gaps such
/// as `[^.;]{0,40}?` multiply states) stay lazy and build only the states
/// a text needs.
const MAX_DFA_BYTES: usize = 256 << 10;

/// The anchored dense DFA of `source`, serialised in the target's byte
/// order, as `rx::AnchoredRegex` would otherwise build it lazily: the same
/// parser, the same Thompson NFA (no captures), leftmost-first matching,
/// then minimised (a sixth fewer bytes on the pack). Determinized up to
/// four times the cap, as minimising can bring a DFA under it. `None` when
/// it does not compile or its minimal DFA exceeds [`MAX_DFA_BYTES`].
fn anchored_dfa(source: &str, big_endian: bool) -> Option<Vec<u8>> {
    let hir = regex_syntax::Parser::new().parse(source).ok()?;
    let nfa = thompson::Compiler::new()
        .configure(thompson::Config::new().which_captures(thompson::WhichCaptures::None))
        .build_from_hir(&hir)
        .ok()?;
    let dfa = dense::Builder::new()
        .configure(
            dense::Config::new()
                .start_kind(StartKind::Anchored)
                .minimize(true)
                .dfa_size_limit(Some(4 * MAX_DFA_BYTES))
                .determinize_size_limit(Some(16 * MAX_DFA_BYTES)),
        )
        .build_from_nfa(&nfa)
        .ok()?;
    let mut bytes = vec![0; dfa.write_to_len()];
    let written = if big_endian {
        dfa.write_to_big_endian(&mut bytes)
    } else {
        dfa.write_to_little_endian(&mut bytes)
    };
    written.ok()?;
    (bytes.len() <= MAX_DFA_BYTES).then_some(bytes)
}

/// Writes `anchored_dfas.bin` (the DFAs, each at a multiple of 8 bytes)
/// and `anchored_dfas.rs` (source and byte range of each, sorted by
/// source).
fn write_anchored_dfas(out_dir: &Path, enabled: bool) {
    println!("cargo:rerun-if-changed=src/scan/pack_gates.rs");
    let big_endian = std::env::var("CARGO_CFG_TARGET_ENDIAN").is_ok_and(|e| e == "big");
    let mut blob = Vec::new();
    let mut code = String::from(
        "/// Anchored dense DFAs of the pack's prefix-gated regexes: (source,\n\
         /// start, end) in `ANCHORED_DFA_BYTES`, sorted by source.\n\
         pub static ANCHORED_DFAS: &[(&str, usize, usize)] = &[\n",
    );
    // PACK_GATES is sorted by source, as the lookup needs.
    for (source, gate) in pack_gates::PACK_GATES {
        if !enabled || !matches!(gate, Some(PackGate::Prefix(..))) {
            continue;
        }
        let Some(bytes) = anchored_dfa(source, big_endian) else {
            continue;
        };
        let start = blob.len();
        blob.extend_from_slice(&bytes);
        writeln!(code, "    ({source:?}, {start}, {}),", blob.len()).expect("writing to a String");
        blob.resize(blob.len().next_multiple_of(8), 0);
    }
    code.push_str("];\n");
    let bin = out_dir.join("anchored_dfas.bin");
    std::fs::write(&bin, &blob).expect("write anchored_dfas.bin");
    writeln!(
        code,
        "/// The DFAs' bytes, aligned for their `u32` transitions.\n\
         pub static ANCHORED_DFA_BYTES: &super::Aligned<[u8]> = \
         &super::Aligned {{ _align: [], bytes: *include_bytes!({:?}) }};",
        bin.display().to_string()
    )
    .expect("writing to a String");
    std::fs::write(out_dir.join("anchored_dfas.rs"), code).expect("write anchored_dfas.rs");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            out.push(path);
        }
    }
}

/// `text` as JSON, when it is valid YAML. Only `true` and `false` become
/// booleans (a negator lexicon lists `no`); a value whose JSON type differs
/// from what the rule format expects makes the loader read that file's YAML,
/// and a test requires that no file of the pack does.
fn precompile(text: &str) -> Option<String> {
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    let value: serde_json::Value = serde_saphyr::from_str_with_options(text, options).ok()?;
    serde_json::to_string(&value).ok()
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets this"));
    let rules = root.join("rules");
    println!("cargo:rerun-if-changed=rules");
    // Without the `default-rules` feature the pack is not embedded (and
    // `default_rules` does not exist); without `prebuilt-dfas` its regexes
    // are all compiled lazily at run time, for a smaller binary.
    let pack = std::env::var_os("CARGO_FEATURE_DEFAULT_RULES").is_some();
    let dfas = pack && std::env::var_os("CARGO_FEATURE_PREBUILT_DFAS").is_some();
    let mut files = Vec::new();
    if pack {
        collect(&rules, &mut files);
    }
    files.sort();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets this"));
    let json_dir = out_dir.join("rules-json");
    std::fs::create_dir_all(&json_dir).expect("create the folder for the precompiled pack");
    let mut code = String::from("/// The default rule pack, in path order.\n");
    code.push_str("pub static EMBEDDED_RULES: &[super::EmbeddedFile] = &[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let rel = file
            .strip_prefix(&rules)
            .expect("collected under rules/")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(file).expect("read a rule file");
        let json = match precompile(&text) {
            Some(json) => {
                let path = json_dir.join(format!("{}.json", rel.replace('/', "__")));
                std::fs::write(&path, json).expect("write a precompiled rule file");
                format!("Some(include_str!({:?}))", path.display().to_string())
            }
            None => "None".to_string(),
        };
        writeln!(
            code,
            "    super::EmbeddedFile {{ path: {rel:?}, yaml: include_str!({:?}), json: {json} }},",
            file.display().to_string()
        )
        .expect("writing to a String");
    }
    code.push_str("];\n");
    std::fs::write(out_dir.join("embedded_rules.rs"), code).expect("write embedded_rules.rs");
    write_anchored_dfas(&out_dir, dfas);
}
