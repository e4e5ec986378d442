//! Finding and reading inputs.
//!
//! Folders are walked with the `ignore` crate: `.gitignore`, `.ignore` and
//! `.claimlintignore` are respected (in or out of a git repository) and
//! hidden files are skipped; only `.md`, `.markdown`, `.mdx`, `.html`,
//! `.htm` and `.txt` files are taken. A file named explicitly is always
//! linted, whatever its extension. Symbolic links are followed; a link that
//! loops back to a parent folder or points nowhere is reported with its path.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::WalkBuilder;

use crate::encoding::{self, EncodingChoice, Transcoded};

/// Files larger than this are skipped with a warning (by default).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

const EXTENSIONS: &[&str] = &["md", "markdown", "txt", "mdx", "html", "htm"];

/// One thing to lint.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    /// Standard input, shown under `name`.
    Stdin { name: String },
    /// A file; `explicit` if named on the command line.
    File { path: PathBuf, explicit: bool },
}

/// A path that could not be walked.
#[derive(Debug, Clone)]
pub struct WalkError {
    pub path: String,
    pub message: String,
}

/// Display form of a path: forward slashes, no leading `./`.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    match s.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => s,
    }
}

fn has_lint_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Expands command-line paths into inputs, sorted and without duplicates.
pub fn collect(paths: &[String], stdin_name: Option<&str>) -> (Vec<Input>, Vec<WalkError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    // Walked files reached through a symbolic link (to the file itself).
    let mut links = HashSet::new();
    for arg in paths {
        if arg == "-" {
            inputs.push(Input::Stdin {
                name: stdin_name.unwrap_or("<stdin>").to_string(),
            });
            continue;
        }
        let path = PathBuf::from(arg);
        match std::fs::metadata(&path) {
            Err(e) => errors.push(WalkError {
                path: display_path(&path),
                message: io_message(&e),
            }),
            Ok(meta) if meta.is_dir() => walk_dir(&path, &mut inputs, &mut links, &mut errors),
            Ok(_) => inputs.push(Input::File {
                path,
                explicit: true,
            }),
        }
    }
    inputs.sort();
    // The same file reached twice (named twice, or through a link) is linted once.
    let mut seen = HashSet::new();
    let mut folders = HashMap::new();
    inputs.retain(|input| match input {
        Input::File { path, explicit } => {
            let link = match explicit {
                true => std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()),
                false => links.contains(path),
            };
            seen.insert(canonical_file(path, link, &mut folders))
        }
        Input::Stdin { .. } => true,
    });
    errors.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    errors.dedup_by(|a, b| a.path == b.path && a.message == b.message);
    (inputs, errors)
}

/// The canonical path of file `path` (`link`: whether `path` itself is a
/// symbolic link), or `path` when it has none. A file that is not a link
/// is its canonical folder (one lookup per folder, kept in `folders`) and
/// its name: resolving every file's path would cost a system call per
/// component and file.
fn canonical_file(
    path: &Path,
    link: bool,
    folders: &mut HashMap<PathBuf, Option<PathBuf>>,
) -> PathBuf {
    if !link && let Some(name) = path.file_name() {
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let canonical = folders
            .entry(folder.to_path_buf())
            .or_insert_with(|| std::fs::canonicalize(folder).ok());
        if let Some(canonical) = canonical {
            return canonical.join(name);
        }
    }
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn walk_dir(
    dir: &Path,
    inputs: &mut Vec<Input>,
    links: &mut HashSet<PathBuf>,
    errors: &mut Vec<WalkError>,
) {
    // Folders already walked, by canonical path: a symbolic link to one of
    // them is not walked again (it is a loop if it points to an ancestor).
    let visited: Arc<Mutex<HashSet<PathBuf>>> = Arc::default();
    let loops: Arc<Mutex<Vec<WalkError>>> = Arc::default();
    if let Ok(root) = std::fs::canonicalize(dir) {
        lock(&visited).insert(root);
    }
    let (visited_f, loops_f) = (visited.clone(), loops.clone());
    let walker = WalkBuilder::new(dir)
        .hidden(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .ignore(true)
        .parents(true)
        .add_custom_ignore_filename(".claimlintignore")
        .follow_links(true)
        .filter_entry(move |entry| {
            if !entry.file_type().is_some_and(|t| t.is_dir()) {
                return true;
            }
            let Ok(canonical) = std::fs::canonicalize(entry.path()) else {
                return true;
            };
            let parent = entry
                .path()
                .parent()
                .and_then(|p| std::fs::canonicalize(p).ok());
            if entry.path_is_symlink() && parent.is_some_and(|p| p.starts_with(&canonical)) {
                lock(&loops_f).push(WalkError {
                    path: display_path(entry.path()),
                    message: format!(
                        "symbolic link loops back to its ancestor {}",
                        display_path(&canonical)
                    ),
                });
                return false;
            }
            // A second way into a folder already walked.
            if !lock(&visited_f).insert(canonical) {
                return false;
            }
            true
        })
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if is_file && has_lint_extension(entry.path()) {
                    if entry.path_is_symlink() {
                        links.insert(entry.path().to_path_buf());
                    }
                    inputs.push(Input::File {
                        path: entry.into_path(),
                        explicit: false,
                    });
                }
            }
            Err(err) => errors.push(WalkError {
                path: err_path(&err).unwrap_or_else(|| display_path(dir)),
                message: walk_message(&err),
            }),
        }
    }
    errors.append(&mut lock(&loops));
}

fn err_path(err: &ignore::Error) -> Option<String> {
    match err {
        ignore::Error::Loop { child, .. } => Some(display_path(child)),
        ignore::Error::WithPath { path, .. } => Some(display_path(path)),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            err_path(err)
        }
        _ => None,
    }
}

fn walk_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::Loop { ancestor, .. } => format!(
            "symbolic link loops back to its ancestor {}",
            display_path(ancestor)
        ),
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => walk_message(err),
        ignore::Error::Io(e) => io_message(e),
        other => other.to_string(),
    }
}

/// An I/O error as a short sentence without the OS error number.
pub fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "no such file or directory".into(),
        ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}

/// Why a file's text could not be linted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadProblem {
    /// Not text: skipped silently when walked, an error when named.
    Binary,
    /// Larger than the limit: skipped with a warning.
    TooLarge {
        size: u64,
        limit: u64,
    },
    /// Not UTF-8 (and no other encoding could be told): an error, with
    /// where decoding failed.
    InvalidUtf8 {
        offset: usize,
        line: usize,
        column: usize,
    },
    /// Not valid in the encoding given with `--encoding` (or detected).
    Undecodable(&'static str),
    Io(String),
}

/// Looks like binary: a NUL byte in the first 8 KiB (what git and ripgrep
/// use).
pub fn looks_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8192)].contains(&0)
}

/// Text read from a file, and how it was decoded when it was not UTF-8.
#[derive(Debug, Clone)]
pub struct Text {
    pub text: String,
    pub transcoded: Option<Transcoded>,
}

/// Decodes bytes as text: UTF-8, or as `choice` says.
pub fn decode(bytes: Vec<u8>, choice: EncodingChoice) -> Result<Text, ReadProblem> {
    if looks_binary(&bytes) {
        return Err(ReadProblem::Binary);
    }
    let bytes = match choice {
        EncodingChoice::Fixed(e) if e != encoding_rs::UTF_8 => bytes,
        _ => match String::from_utf8(bytes) {
            Ok(text) => {
                return Ok(Text {
                    text,
                    transcoded: None,
                });
            }
            Err(e) if choice == EncodingChoice::Auto => e.into_bytes(),
            Err(e) => return Err(utf8_problem(e)),
        },
    };
    match encoding::decode(&bytes, choice) {
        Ok((text, transcoded)) => Ok(Text {
            text,
            transcoded: Some(transcoded),
        }),
        Err(Some(e)) if choice != EncodingChoice::Auto => Err(ReadProblem::Undecodable(e.name())),
        Err(_) => Err(utf8_problem(
            String::from_utf8(bytes).expect_err("not UTF-8"),
        )),
    }
}

/// Where UTF-8 decoding failed.
fn utf8_problem(e: std::string::FromUtf8Error) -> ReadProblem {
    {
        let offset = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        // The valid prefix decodes, so its lines and characters can be counted.
        let prefix = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
        let line = prefix.matches('\n').count() + 1;
        let line_start = prefix.rfind('\n').map_or(0, |i| i + 1);
        let column = prefix[line_start..].chars().count() + 1;
        ReadProblem::InvalidUtf8 {
            offset,
            line,
            column,
        }
    }
}

/// Reads a file's text, checking its size first.
pub fn read_file(path: &Path, limit: u64, choice: EncodingChoice) -> Result<Text, ReadProblem> {
    let file = std::fs::File::open(path).map_err(|e| ReadProblem::Io(io_message(&e)))?;
    let size = file
        .metadata()
        .map_err(|e| ReadProblem::Io(io_message(&e)))?
        .len();
    if size > limit {
        return Err(ReadProblem::TooLarge { size, limit });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadProblem::Io(io_message(&e)))?;
    if bytes.len() as u64 > limit {
        return Err(ReadProblem::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    decode(bytes, choice)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files named twice, named and walked, or reached through a link to
    /// the file or to its folder are collected once; different files are
    /// all kept.
    #[cfg(unix)]
    #[test]
    fn a_file_reached_twice_is_collected_once() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("posts/sub")).unwrap();
        std::fs::create_dir_all(d.join("other")).unwrap();
        for f in ["posts/a.md", "posts/sub/b.md", "other/a.md"] {
            std::fs::write(d.join(f), "text\n").unwrap();
        }
        std::os::unix::fs::symlink(d.join("posts/a.md"), d.join("posts/alias.md")).unwrap();
        std::os::unix::fs::symlink(d.join("posts/sub"), d.join("other/sub-link")).unwrap();
        std::os::unix::fs::symlink(d.join("other/a.md"), d.join("link-to-other.md")).unwrap();
        let arg = |p: &str| d.join(p).to_string_lossy().into_owned();
        let args = [
            arg("posts"),
            arg("posts/a.md"),
            arg("posts/sub/../a.md"),
            arg("other"),
            arg("other/sub-link/b.md"),
            arg("link-to-other.md"),
        ];
        let (inputs, errors) = collect(&args, None);
        assert!(errors.is_empty(), "{errors:?}");
        let mut files: Vec<PathBuf> = inputs
            .iter()
            .map(|i| match i {
                Input::File { path, .. } => std::fs::canonicalize(path).unwrap(),
                Input::Stdin { .. } => unreachable!(),
            })
            .collect();
        assert_eq!(files.len(), 3, "{inputs:?}");
        files.sort();
        files.dedup();
        assert_eq!(files.len(), 3, "{inputs:?}");
    }
}
