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
///
/// Every such error in the file is reported, not only the first: the
/// top-level entry that holds an error is blanked out (with spaces, so
/// that offsets stay put) and the file read again, until it reads or an
/// error has no place. A "missing field" that blanking caused is not
/// reported.
pub fn parse<T: serde::de::DeserializeOwned>(
    path: &str,
    text: &Arc<str>,
    what: &str,
    unknown_label: &str,
) -> Result<T, Vec<LocatedError>> {
    let mut current = text.to_string();
    let mut errors = Vec::new();
    let mut blanked: Vec<String> = Vec::new();
    for _ in 0..MAX_ERRORS_PER_FILE {
        let error = match parse_once::<T>(path, text, &current, what, unknown_label) {
            Ok(value) if errors.is_empty() => return Ok(value),
            Ok(_) => break,
            Err(error) => error,
        };
        // A missing field ends the search: reported, unless blanking an
        // entry with a bad value caused it.
        if error.message.contains("missing field") {
            let missing = error.message.split('`').nth(1).unwrap_or("");
            if !blanked.iter().any(|b| b == missing) {
                // It has no place of its own: point at the first key.
                let first = first_key(text);
                let label = format!("`{missing}` is required");
                errors.push(error.in_text(text.clone(), first).label(label));
            }
            break;
        }
        let Some(entry) = error
            .span
            .as_ref()
            .and_then(|span| top_level_entry(&current, span.start))
        else {
            errors.push(error);
            break;
        };
        errors.push(error);
        let key = current[entry.clone()]
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        let before = current.len();
        // One space per byte (a character of several bytes becomes as
        // many spaces), line breaks kept.
        let spaces: String = current[entry.clone()]
            .bytes()
            .map(|b| {
                if b == b'\n' || b == b'\r' {
                    b as char
                } else {
                    ' '
                }
            })
            .collect();
        current.replace_range(entry, &spaces);
        debug_assert_eq!(before, current.len());
        blanked.push(key);
    }
    Err(errors)
}

/// Most errors reported for one file.
const MAX_ERRORS_PER_FILE: usize = 20;

/// The byte range of the top-level mapping entry of `text` that holds
/// `offset`: from its key (a line starting in column 0) to the next
/// top-level line. `None` if the offset is not inside one (or the entry is
/// blank already).
fn top_level_entry(text: &str, offset: usize) -> Option<Range<usize>> {
    let offset = offset.min(text.len());
    let is_top = |line: &str| {
        line.starts_with(|c: char| !c.is_whitespace() && c != '#' && c != '-')
            && !line.starts_with("---")
            && !line.starts_with("...")
    };
    let mut start = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let end = at + line.len();
        if is_top(line) {
            if at > offset {
                return start.map(|s| s..at);
            }
            start = Some(at);
        }
        at = end;
    }
    start.map(|s| s..text.len())
}

/// The span of the first top-level key of `text`.
fn first_key(text: &str) -> Option<Range<usize>> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
            let key = line.find(':').unwrap_or(line.trim_end().len());
            return Some(at..at + key);
        }
        at += line.len();
    }
    None
}

/// One attempt at reading `current` (`text` with entries blanked out).
fn parse_once<T: serde::de::DeserializeOwned>(
    path: &str,
    text: &Arc<str>,
    current: &str,
    what: &str,
    unknown_label: &str,
) -> Result<T, LocatedError> {
    let mut options = serde_saphyr::Options::default();
    options.with_snippet = false;
    serde_saphyr::from_str_with_options::<T>(current, options).map_err(|e| {
        let mut message = e.to_string();
        if let Some(i) = message.rfind(" at line ") {
            message.truncate(i);
        }
        let span = e.location().and_then(|loc| {
            if loc.line() == 0 {
                return None;
            }
            let source = SourceFile::new("", current.to_string());
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
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Small {
        id: String,
        severity: u8,
        #[serde(default)]
        note: Option<String>,
        #[serde(default)]
        list: Vec<String>,
    }

    fn errors(text: &str) -> Vec<(String, String)> {
        let text: Arc<str> = Arc::from(text);
        let Err(errors) = parse::<Small>("s.yaml", &text, "rule file", "unknown field") else {
            return Vec::new();
        };
        errors
            .iter()
            .map(|e| {
                let at = e
                    .span
                    .clone()
                    .map_or(String::new(), |s| text[s].to_string());
                (e.location(), at)
            })
            .collect()
    }

    #[test]
    fn every_error_in_a_file_is_reported() {
        let got = errors(
            "id: a
sevrity: 3
severity: loud
list:
  - x
notes: y
",
        );
        let at: Vec<&str> = got.iter().map(|(_, a)| a.as_str()).collect();
        assert_eq!(at, ["sevrity", "loud", "notes"], "{got:?}");
        assert_eq!(got[0].0, "s.yaml:2:1");
        // A field blanked for its bad value is not then reported missing.
        assert_eq!(
            errors(
                "id: a
severity: loud
"
            )
            .len(),
            1
        );
        assert!(
            errors(
                "id: a
severity: 3
"
            )
            .is_empty()
        );
    }

    #[test]
    fn the_entry_of_an_offset_runs_to_the_next_top_level_key() {
        let text = "# c
id: a
list:
  - x
  - y
next: 1
";
        let at = text.find("y").unwrap();
        assert_eq!(
            &text[top_level_entry(text, at).unwrap()],
            "list:\n  - x\n  - y\n"
        );
        let at = text.find("next").unwrap();
        assert_eq!(&text[top_level_entry(text, at).unwrap()], "next: 1\n");
        assert_eq!(top_level_entry("# only\n", 2), None);
    }

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
