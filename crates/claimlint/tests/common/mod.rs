//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The command-line crate's folder (`tests/fixtures/` is under it).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The repository root (`seeds/` and `README.md` are there).
pub fn repo() -> PathBuf {
    root()
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// The seed articles' folder as the tests name it from [`root`].
pub const SEEDS: &str = "../../seeds/";

/// `claimlint` run from the crate's folder with a clean environment.
pub fn claimlint() -> Command {
    claimlint_in(&root())
}

/// `claimlint` run from `dir` with a clean environment.
pub fn claimlint_in(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("claimlint").expect("binary built");
    cmd.current_dir(dir).env_clear().env("NO_COLOR", "1");
    cmd
}

/// The seed articles, sorted.
pub fn seeds() -> Vec<PathBuf> {
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(repo().join("seeds"))
        .expect("seeds/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    seeds.sort();
    seeds
}

/// Path relative to the repository root, with forward slashes.
pub fn rel(path: &Path) -> String {
    path.strip_prefix(repo())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// 1-based line and column (in chars, a leading BOM not counted) of a byte
/// offset, computed independently of claimlint.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let mut col_text = &text[line_start..offset];
    if line_start == 0 {
        col_text = col_text.strip_prefix('\u{feff}').unwrap_or(col_text);
    }
    (line, col_text.chars().count() + 1)
}

/// Rules of the JSON diagnostics overlapping the first occurrence of
/// `needle` in `text`.
pub fn rules_at(text: &str, found: &[serde_json::Value], needle: &str) -> Vec<String> {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is in the fixture"));
    found
        .iter()
        .filter(|d| {
            let s = d["start"].as_u64().unwrap() as usize;
            let e = d["end"].as_u64().unwrap() as usize;
            s < at + needle.len() && at < e
        })
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}
