//! Errors that stop linting (the command line exits with status 2).
//!
//! A [`LocatedError`] points into a file claimlint read as configuration — a
//! rule or lexicon file — with the byte span of the offending value, so it can
//! be shown like a finding: path, line, column and a snippet.

use std::ops::Range;
use std::sync::Arc;

use crate::source::SourceFile;

/// A problem in a rule, lexicon or configuration file.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}: {message}")]
pub struct LocatedError {
    pub path: String,
    /// The file's text, for the snippet (absent if it could not be read).
    pub text: Option<Arc<str>>,
    /// Byte span of the offending value, when known.
    pub span: Option<Range<usize>>,
    pub message: String,
    /// Label under the span.
    pub label: Option<String>,
    pub notes: Vec<String>,
}

impl LocatedError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            text: None,
            span: None,
            message: message.into(),
            label: None,
            notes: Vec::new(),
        }
    }

    pub fn in_text(mut self, text: Arc<str>, span: Option<Range<usize>>) -> Self {
        if let Some(s) = &span {
            let end = s.end.min(text.len());
            let start = s.start.min(end);
            self.span = Some(start..end);
        }
        self.text = Some(text);
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// `path:line:col` of the error (line and column 1-based).
    pub fn location(&self) -> String {
        match (&self.text, &self.span) {
            (Some(text), Some(span)) => {
                let file = SourceFile::new(self.path.clone(), text.to_string());
                let lc = file.line_col(span.start);
                format!("{}:{}:{}", self.path, lc.line, lc.column)
            }
            _ => self.path.clone(),
        }
    }
}

/// An HTML selector (`--html-skip`) that does not parse: what is wrong
/// and what a selector may be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SelectorError(pub String);

/// Everything that stops the core from linting.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Rule or lexicon files that do not load: every problem, located.
    #[error("{}", summary(.0, "rule files"))]
    Rules(Vec<LocatedError>),
    /// A configuration that does not load: every problem, located.
    #[error("{}", summary(.0, "the configuration"))]
    Config(Vec<LocatedError>),
    /// An HTML selector that does not parse.
    #[error(transparent)]
    Selector(#[from] SelectorError),
}

impl Error {
    /// The located problems (none for a selector).
    pub fn located(&self) -> &[LocatedError] {
        match self {
            Error::Rules(e) | Error::Config(e) => e,
            Error::Selector(_) => &[],
        }
    }
}

/// The first problem and how many there are in all.
fn summary(errors: &[LocatedError], what: &str) -> String {
    match errors {
        [] => format!("errors in {what}"),
        [one] => format!("{}: {}", one.location(), one.message),
        [first, rest @ ..] => format!(
            "{}: {} (and {} more in {what})",
            first.location(),
            first.message,
            rest.len()
        ),
    }
}

/// The text of a file read as `bytes` from `path`, for a kind of file
/// (`what`: "rule file", "configuration") that may be at most `limit` bytes
/// and must be UTF-8; otherwise an error located at the file.
pub fn text_from_bytes(
    path: &str,
    bytes: Vec<u8>,
    limit: usize,
    what: &str,
) -> Result<String, LocatedError> {
    if bytes.len() > limit {
        return Err(LocatedError::new(
            path,
            format!("{what} is {} bytes; the limit is {limit}", bytes.len()),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        LocatedError::new(
            path,
            format!(
                "{what} is not valid UTF-8 (at byte {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// The closest name in `known` to `name`, if close enough to be a typo.
pub fn did_you_mean<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.len() / 3).max(2);
    known
        .into_iter()
        .map(|k| (distance(name, k), k))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, k)| k)
}

/// Edit distance between two strings.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::text_from_bytes;

    #[test]
    fn text_from_bytes_checks_size_and_encoding() {
        assert_eq!(
            text_from_bytes("a.yaml", b"id: x\n".to_vec(), 100, "rule file").unwrap(),
            "id: x\n"
        );
        let big = text_from_bytes("a.yaml", vec![b'a'; 11], 10, "rule file").unwrap_err();
        assert_eq!(big.path, "a.yaml");
        assert_eq!(big.message, "rule file is 11 bytes; the limit is 10");
        let bad = text_from_bytes("c.yaml", b"ok \xff".to_vec(), 10, "configuration").unwrap_err();
        assert_eq!(bad.message, "configuration is not valid UTF-8 (at byte 3)");
    }
}
