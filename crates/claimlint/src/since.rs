//! `--since REF`: the lines changed since a git revision, to report only
//! findings on them.
//!
//! Computed once per run with the `git` binary, from the current folder's
//! repository: `git diff -U0 REF` (the working tree against REF, staged or
//! not) gives the added and changed lines of each file; a file that git
//! does not track (untracked, ignored, or outside the repository) is
//! entirely new. A tracked file the diff does not name has no changed
//! line.

use std::collections::{HashMap, HashSet};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::process::Command;

use claimlint_core::diagnostic::Diagnostic;
use claimlint_core::rule::{RuleKind, RuleSet};
use claimlint_core::source::SourceFile;

/// The changed lines of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changes {
    /// Every line (a file git does not track).
    All,
    /// These 1-based line ranges (empty: nothing changed).
    Lines(Vec<RangeInclusive<usize>>),
}

impl Changes {
    fn any(&self) -> bool {
        match self {
            Changes::All => true,
            Changes::Lines(lines) => !lines.is_empty(),
        }
    }

    fn touches(&self, first: usize, last: usize) -> bool {
        match self {
            Changes::All => true,
            Changes::Lines(lines) => lines
                .iter()
                .any(|r| *r.start() <= last && first <= *r.end()),
        }
    }

    /// Whether `d` (in `file`, found by `rules`) is about a changed line.
    /// A finding of a document-level rule (`require`, `repetition`) is
    /// when any line of the file changed; any other when a line of its
    /// span did.
    pub fn keeps(&self, rules: &RuleSet, file: &SourceFile, d: &Diagnostic) -> bool {
        let document_level = rules
            .rule(&d.rule)
            .is_some_and(|r| matches!(r.kind, RuleKind::Require(_) | RuleKind::Repetition(_)));
        if document_level {
            return self.any();
        }
        let first = file.line_of(d.span.start);
        let last = file.line_of(d.span.end.saturating_sub(1).max(d.span.start));
        self.touches(first, last)
    }
}

/// The changes since a revision, for every file of the repository.
#[derive(Debug)]
pub struct Since {
    /// Canonical repository root.
    root: PathBuf,
    /// Changed files (relative to the root, `/`-separated) and their lines.
    changed: HashMap<String, Vec<RangeInclusive<usize>>>,
    /// Files git tracks (relative to the root, `/`-separated).
    tracked: HashSet<String>,
}

/// Checks that `reference` can only be read as a revision (never as an
/// option of git).
pub fn validate(reference: &str) -> Result<(), String> {
    if reference.is_empty() {
        return Err("--since needs a git revision (a branch, tag or commit)".into());
    }
    if reference.starts_with('-') {
        return Err(format!(
            "--since `{reference}`: a git revision cannot start with `-`"
        ));
    }
    if reference
        .chars()
        .any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(format!(
            "--since `{}`: a git revision has no spaces or control characters",
            reference.escape_debug()
        ));
    }
    Ok(())
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, String> {
    Command::new("git")
        .current_dir(dir)
        .args(["-c", "core.quotePath=false"])
        .args(args)
        .output()
        .map_err(|e| {
            format!(
                "--since needs git, which could not be run: {}",
                crate::walk::io_message(&e)
            )
        })
}

fn stderr_line(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string()
}

impl Since {
    /// The changes since `reference` in the repository of folder `dir`.
    pub fn load(dir: &Path, reference: &str) -> Result<Since, String> {
        validate(reference)?;
        let top = git(dir, &["rev-parse", "--show-toplevel"])?;
        if !top.status.success() {
            return Err(format!(
                "--since: {} is not in a git repository",
                crate::walk::display_path(&std::path::absolute(dir).unwrap_or(dir.to_path_buf()))
            ));
        }
        let root = PathBuf::from(String::from_utf8_lossy(&top.stdout).trim_end_matches('\n'));
        let root = std::fs::canonicalize(&root).unwrap_or(root);
        // The revision is resolved to a commit id first, so that what reaches
        // `git diff` is hexadecimal.
        let spec = format!("{reference}^{{commit}}");
        let commit = git(
            &root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &spec,
            ],
        )?;
        if !commit.status.success() {
            return Err(format!(
                "--since `{reference}`: no such revision in this repository"
            ));
        }
        let commit = String::from_utf8_lossy(&commit.stdout).trim().to_string();
        if commit.is_empty() || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "--since `{reference}`: git did not resolve it to a commit"
            ));
        }
        let diff = git(
            &root,
            &[
                "diff",
                "-U0",
                "--no-color",
                "--no-ext-diff",
                "--no-renames",
                "--no-textconv",
                &commit,
                "--",
            ],
        )?;
        if !diff.status.success() {
            return Err(format!("--since: git diff failed: {}", stderr_line(&diff)));
        }
        let tracked = git(&root, &["ls-files", "-z", "--full-name"])?;
        if !tracked.status.success() {
            return Err(format!(
                "--since: git ls-files failed: {}",
                stderr_line(&tracked)
            ));
        }
        Ok(Since {
            root,
            changed: parse_diff(&String::from_utf8_lossy(&diff.stdout)),
            tracked: tracked
                .stdout
                .split(|&b| b == 0)
                .filter(|p| !p.is_empty())
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect(),
        })
    }

    /// The changes of the file at `path`.
    pub fn changes(&self, path: &Path) -> Changes {
        let Ok(canonical) = std::fs::canonicalize(path) else {
            return Changes::All;
        };
        let Ok(rel) = canonical.strip_prefix(&self.root) else {
            return Changes::All;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if let Some(lines) = self.changed.get(&rel) {
            return Changes::Lines(lines.clone());
        }
        if self.tracked.contains(&rel) {
            Changes::Lines(Vec::new())
        } else {
            Changes::All
        }
    }
}

/// A path of a `+++ b/…` line: as is, or C-quoted when it has unusual
/// characters.
fn diff_path(raw: &str) -> Option<String> {
    let raw = raw.trim_end_matches('\t');
    if raw == "/dev/null" {
        return None;
    }
    let unquoted = if let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        let mut bytes = Vec::new();
        let mut it = inner.bytes().peekable();
        while let Some(b) = it.next() {
            if b != b'\\' {
                bytes.push(b);
                continue;
            }
            match it.next()? {
                b'n' => bytes.push(b'\n'),
                b't' => bytes.push(b'\t'),
                b'a' => bytes.push(7),
                b'b' => bytes.push(8),
                b'f' => bytes.push(12),
                b'v' => bytes.push(11),
                b'r' => bytes.push(b'\r'),
                d @ b'0'..=b'3' => {
                    let mut v = u32::from(d - b'0');
                    for _ in 0..2 {
                        let o = it.next()?;
                        v = v * 8 + u32::from(o.checked_sub(b'0')?);
                    }
                    bytes.push(u8::try_from(v).ok()?);
                }
                other => bytes.push(other),
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    } else {
        raw.to_string()
    };
    unquoted.strip_prefix("b/").map(str::to_string)
}

/// The added lines of each file of a `git diff -U0` (new-side line
/// numbers, 1-based).
fn parse_diff(diff: &str) -> HashMap<String, Vec<RangeInclusive<usize>>> {
    let mut changed: HashMap<String, Vec<RangeInclusive<usize>>> = HashMap::new();
    let mut current: Option<String> = None;
    for line in diff.lines() {
        if let Some(path) = line.strip_prefix("+++ ") {
            current = diff_path(path);
            if let Some(p) = &current {
                changed.entry(p.clone()).or_default();
            }
        } else if line.starts_with("diff --git ") {
            current = None;
        } else if let (Some(hunk), Some(path)) = (line.strip_prefix("@@ "), &current) {
            // `@@ -a[,b] +c[,d] @@`: d lines from c are new (d = 0: none).
            let Some(new) = hunk.split(' ').find_map(|w| w.strip_prefix('+')) else {
                continue;
            };
            let (start, count) = match new.split_once(',') {
                Some((s, c)) => (s.parse::<usize>(), c.parse::<usize>()),
                None => (new.parse::<usize>(), Ok(1)),
            };
            if let (Ok(start), Ok(count)) = (start, count)
                && count > 0
            {
                changed
                    .entry(path.clone())
                    .or_default()
                    .push(start..=start + count - 1);
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_give_new_side_lines() {
        let diff = "diff --git a/a.md b/a.md\nindex 1..2 100644\n--- a/a.md\n+++ b/a.md\n@@ -3 +3 @@ x\n-old\n+new\n@@ -10,0 +11,2 @@\n+one\n+two\n@@ -20,2 +21,0 @@\n-gone\n-gone\ndiff --git a/gone.md b/gone.md\ndeleted file mode 100644\n--- a/gone.md\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\ndiff --git \"a/t\\303\\251st \\\"q\\\".md\" \"b/t\\303\\251st \\\"q\\\".md\"\n--- \"a/t\\303\\251st \\\"q\\\".md\"\n+++ \"b/t\\303\\251st \\\"q\\\".md\"\n@@ -0,0 +1 @@\n+hi\n";
        let changed = parse_diff(diff);
        assert_eq!(changed["a.md"], vec![3..=3, 11..=12]);
        assert_eq!(changed["t\u{e9}st \"q\".md"], vec![1..=1]);
        assert_eq!(changed.len(), 2);
    }

    #[test]
    fn a_revision_never_reads_as_an_option() {
        assert!(validate("-x").is_err());
        assert!(validate("--output=/tmp/x").is_err());
        assert!(validate("").is_err());
        assert!(validate("main two").is_err());
        assert!(validate("origin/main").is_ok());
        assert!(validate("HEAD~3").is_ok());
    }
}
