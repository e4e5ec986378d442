//! Finding and reading `.claimlint.yaml`: the nearest one at or above a
//! file's folder, as ruff and typos find theirs. Parsing and the policy it
//! resolves to live in [`claimlint_core::config`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use claimlint_core::config::Config;
use claimlint_core::error::LocatedError;

use crate::walk::{display_path, io_message};

/// File names looked for, in order, in each folder.
pub const CONFIG_NAMES: &[&str] = &[".claimlint.yaml", ".claimlint.yml"];

/// Reads and parses the configuration file at `path` (checks that need
/// the rules are done by [`Config::validate`]).
pub fn load(path: &Path) -> Result<Config, Vec<LocatedError>> {
    let shown = display_path(path);
    let bytes = std::fs::read(path).map_err(|e| {
        vec![LocatedError::new(
            &shown,
            format!("cannot read configuration: {}", io_message(&e)),
        )]
    })?;
    let text: Arc<str> = Arc::from(
        claimlint_core::error::text_from_bytes(
            &shown,
            bytes,
            claimlint_core::config::MAX_CONFIG_BYTES,
            "configuration",
        )
        .map_err(|e| vec![e])?,
    );
    let dir = absolute(path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    Config::parse(&shown, text, dir)
}

/// `path` made absolute against the current folder, with `.` and `..`
/// resolved lexically (symbolic links are not followed).
pub fn absolute(path: &Path) -> PathBuf {
    lexical(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// [`absolute`] with the current folder given (`cwd`, itself from
/// [`absolute`]), for many paths: a relative path is joined to it instead
/// of asking the system for the current folder each time.
pub fn absolute_from(cwd: &Path, path: &Path) -> PathBuf {
    use std::path::Component;
    match path.components().next() {
        Some(Component::Normal(_) | Component::CurDir | Component::ParentDir) => {
            lexical(&cwd.join(path))
        }
        _ => absolute(path),
    }
}

/// `abs` with `.` and `..` resolved lexically.
fn lexical(abs: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(c);
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Finds the nearest configuration file for folders, remembering every
/// folder it has looked at.
#[derive(Debug, Default)]
pub struct Discovery {
    cache: HashMap<PathBuf, Option<PathBuf>>,
}

impl Discovery {
    /// The nearest configuration file at or above `dir` (absolute).
    pub fn find(&mut self, dir: &Path) -> Option<PathBuf> {
        let mut visited = Vec::new();
        let mut current = Some(dir);
        let mut found = None;
        while let Some(d) = current {
            if let Some(hit) = self.cache.get(d) {
                found = hit.clone();
                break;
            }
            visited.push(d.to_path_buf());
            if let Some(name) = CONFIG_NAMES.iter().find(|n| d.join(n).is_file()) {
                found = Some(d.join(name));
                break;
            }
            current = d.parent();
        }
        for v in visited {
            self.cache.insert(v, found.clone());
        }
        found
    }
}

/// The starter configuration `claimlint init` writes.
pub const STARTER: &str = include_str!("starter.claimlint.yaml");

#[cfg(test)]
mod tests {
    use super::*;

    /// Joining to the current folder given once resolves paths as asking
    /// the system for it each time does.
    #[test]
    fn absolute_from_the_current_folder_matches_absolute() {
        let cwd = absolute(Path::new("."));
        for p in [
            "",
            ".",
            "..",
            "a.md",
            "./a.md",
            "../x/./y.md",
            "a/../../b",
            "a//b/",
            "/abs/../c",
            "/",
            "posts/../../..",
        ] {
            let p = Path::new(p);
            assert_eq!(absolute_from(&cwd, p), absolute(p), "{p:?}");
        }
    }
}
