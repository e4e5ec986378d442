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
        let error = LocatedError::new(path, format!("invalid {what}: {message}"))
            .in_text(text.clone(), span)
            .label(label);
        match unknown_suggestion(&message) {
            Some(known) => error.note(format!("did you mean `{known}`?")),
            None => error,
        }
    })
}

/// For serde's "unknown field `x`, expected one of a, b, c" (or "unknown
/// variant"), the expected name closest to `x`, when one is close.
fn unknown_suggestion(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let (found, rest) = rest.split_once('`')?;
    let expected = rest.split_once("expected one of ")?.1;
    let names = expected
        .split(", ")
        .map(|n| n.trim_matches(|c| c == '`' || c == '\'' || c == ' '));
    crate::error::did_you_mean(found, names).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::unknown_suggestion;

    #[test]
    fn unknown_fields_and_values_get_the_closest_known_name() {
        let field = "unknown field `sumary`, expected one of id, severity, summary, message";
        assert_eq!(unknown_suggestion(field).as_deref(), Some("summary"));
        let variant = "unknown variant `warnig`, expected one of `info`, `warning`, `error`";
        assert_eq!(unknown_suggestion(variant).as_deref(), Some("warning"));
        let far = "unknown field `colour`, expected one of id, severity";
        assert_eq!(unknown_suggestion(far), None);
        assert_eq!(unknown_suggestion("invalid type: string"), None);
    }
}
