//! Embeds the default rule pack (`rules/**/*.yaml`) into the binary.
//!
//! The generated file is a sorted list of the pack's files, so the embedded
//! pack is byte-for-byte what is in the repository and its order is
//! deterministic. Each file also gets a precompiled form: its YAML read once
//! here and written as JSON, which `claimlint check` reads at start-up
//! instead of parsing the YAML (about 3 ms of a 20 ms run). A file whose
//! YAML does not parse gets none, so the loader reads the YAML and reports
//! the error with its location.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

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
    let mut files = Vec::new();
    collect(&rules, &mut files);
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
}
