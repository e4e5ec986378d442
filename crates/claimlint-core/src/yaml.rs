//! Reading YAML (rule, lexicon and configuration files) with serde-saphyr,
//! turning its errors into [`LocatedError`]s that point at the offending
//! word.

use std::ops::Range;
use std::sync::Arc;

use serde_saphyr::Spanned;

use crate::error::LocatedError;
use crate::source::SourceFile;

/// Byte span of a value in the YAML text, when known.
pub fn span_of<T>(s: &Spanned<T>) -> Option<Range<usize>> {
    let span = s.referenced.span();
    let start = usize::try_from(span.byte_offset()?).ok()?;
    let len = usize::try_from(span.byte_len()?).ok()?;
    Some(start..start + len)
}

/// Parses `text` (the file at `path`) into `T`. On error the message says
/// "invalid {what}: …" and the span covers the word where parsing failed;
/// an unknown key is labelled `unknown_label`.
pub fn parse<T: serde::de::DeserializeOwned>(
    path: &str,
    text: &Arc<str>,
    what: &str,
    unknown_label: &str,
) -> Result<T, LocatedError> {
    let mut options = serde_saphyr::Options::default();
    options.with_snippet = false;
    serde_saphyr::from_str_with_options::<T>(text, options).map_err(|e| {
        let mut message = e.to_string();
        if let Some(i) = message.rfind(" at line ") {
            message.truncate(i);
        }
        let span = e.location().and_then(|loc| {
            if loc.line() == 0 {
                return None;
            }
            let source = SourceFile::new("", text.to_string());
            let offset = source.offset_of(loc.line() as usize, loc.column() as usize);
            let rest = &source.text()[offset..];
            let word = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(rest.len());
            let end = if word > 0 {
                offset + word
            } else {
                rest.chars()
                    .next()
                    .map_or(offset, |c| offset + c.len_utf8())
            };
            Some(offset..end)
        });
        let label = if message.starts_with("unknown field") {
            unknown_label
        } else {
            "here"
        };
        LocatedError::new(path, format!("invalid {what}: {message}"))
            .in_text(text.clone(), span)
            .label(label)
    })
}
