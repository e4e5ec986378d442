//! `--fix` and `--diff`: showing and writing fixed files.
//!
//! Writes are atomic — a temporary file in the same folder, the original
//! permissions, then a rename — and a file whose bytes changed since it was
//! read is left alone.

use std::io::Write;
use std::path::Path;

/// A unified diff of `old` → `new` for `path` (`a/…`, `b/…` headers).
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// Why a fixed file was not written.
#[derive(Debug)]
pub enum WriteError {
    /// The file's bytes are no longer what was linted.
    Changed,
    Io(std::io::Error),
}

/// Replaces `path`, whose content was `original` when read, with `new`:
/// atomically, keeping its permissions, and only if it still holds
/// `original`.
pub fn write_fixed(path: &Path, original: &str, new: &str) -> Result<(), WriteError> {
    let current = std::fs::read(path).map_err(WriteError::Io)?;
    if current != original.as_bytes() {
        return Err(WriteError::Changed);
    }
    let permissions = std::fs::metadata(path)
        .map_err(WriteError::Io)?
        .permissions();
    replace(path, new, Some(permissions)).map_err(WriteError::Io)
}

/// Writes `text` to `path` atomically (a new file gets default permissions).
pub fn write_atomic_new(path: &Path, text: &str) -> std::io::Result<()> {
    let permissions = std::fs::metadata(path).ok().map(|m| m.permissions());
    replace(path, text, permissions)
}

fn replace(
    path: &Path,
    text: &str,
    permissions: Option<std::fs::Permissions>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".claimlint-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    if let Some(p) = permissions {
        std::fs::set_permissions(tmp.path(), p)?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn writes_keep_permissions_and_refuse_changed_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("post.md");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_fixed(&p, "old", "new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert!(matches!(
            write_fixed(&p, "old", "newer"),
            Err(WriteError::Changed)
        ));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1);
    }
}
