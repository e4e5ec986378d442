//! Baselines for legacy content (their fingerprints are
//! [`claimlint_core::fingerprint`]).
//!
//! A finding's fingerprint hashes its rule, the matched text and the
//! sentence around it, whitespace-normalised — never its line or offset — so
//! adding or removing text above a finding does not make it new. Entries are
//! counted: a sentence that occurs twice needs two entries.
//!
//! ```json
//! {"version": 1,
//!  "findings": [{"path": "content/blog/post.md", "rule": "cure.cure-claim",
//!                "fingerprint": "9f2c…", "text": "cures", "line": 12}]}
//! ```
//!
//! Paths are relative to the baseline file's folder, so the file works from
//! any working directory. `text` and `line` are for people reading the file;
//! matching ignores them.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One baselined finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub fingerprint: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub line: usize,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

/// A loaded baseline: remaining counts per path, rule and fingerprint.
#[derive(Debug, Default)]
pub struct Baseline {
    /// Folder paths are relative to (absolute).
    dir: PathBuf,
    by_path: HashMap<String, BTreeMap<(String, String), usize>>,
}

/// Path of `file` as recorded in a baseline kept in folder `dir`.
/// (`../` where needed; the display path if there is no relative path, as
/// across Windows drives).
pub fn entry_path(dir: &Path, file: &Path, shown: &str) -> String {
    use std::path::Component;
    let abs = crate::config::absolute(file);
    let a: Vec<Component<'_>> = abs.components().collect();
    let d: Vec<Component<'_>> = dir.components().collect();
    let common = a.iter().zip(&d).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return shown.to_string();
    }
    let mut parts: Vec<String> = vec!["..".to_string(); d.len() - common];
    parts.extend(
        a[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

impl Baseline {
    /// Folder of a baseline file at `path` (absolute).
    pub fn dir_of(path: &Path) -> PathBuf {
        crate::config::absolute(path)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read baseline: {}", crate::walk::io_message(&e)))?;
        let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
            format!(
                "invalid baseline (line {}, column {}): {e}",
                e.line(),
                e.column()
            )
        })?;
        if file.version != 1 {
            return Err(format!(
                "baseline version {} is not supported (this claimlint writes version 1)",
                file.version
            ));
        }
        let mut by_path: HashMap<String, BTreeMap<(String, String), usize>> = HashMap::new();
        for e in file.findings {
            *by_path
                .entry(e.path)
                .or_default()
                .entry((e.rule, e.fingerprint))
                .or_insert(0) += 1;
        }
        Ok(Baseline {
            dir: Self::dir_of(path),
            by_path,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Removes from `found` (rule, fingerprint per diagnostic) what the
    /// baseline holds for `path`. Returns which diagnostics to keep, how many
    /// were matched and how many entries of `path` are now gone (fixed).
    pub fn filter(&self, path: &str, found: &[(&str, String)]) -> (Vec<bool>, usize, usize) {
        let Some(entries) = self.by_path.get(path) else {
            return (vec![true; found.len()], 0, 0);
        };
        let mut left = entries.clone();
        let mut keep = Vec::with_capacity(found.len());
        let mut matched = 0;
        for (rule, fp) in found {
            match left.get_mut(&(rule.to_string(), fp.clone())) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    matched += 1;
                    keep.push(false);
                }
                _ => keep.push(true),
            }
        }
        (keep, matched, left.values().sum())
    }
}

/// Writes a baseline with `entries` to `path` (sorted, one finding a line).
pub fn write(path: &Path, mut entries: Vec<Entry>) -> std::io::Result<()> {
    entries.sort();
    let mut out = String::from("{\"version\": 1,\n \"findings\": [");
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("\n  ");
        out.push_str(&serde_json::to_string(e).map_err(std::io::Error::other)?);
    }
    out.push_str(if entries.is_empty() {
        "]}\n"
    } else {
        "\n ]}\n"
    });
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    crate::fix::write_atomic_new(path, &out)
}
