//! Errors that stop a run (exit status 2).
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

/// Everything that makes a run fail with status 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{} error(s) in rule files", .0.len())]
    Rules(Vec<LocatedError>),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}
