//! Applying machine-applicable fixes to a text.
//!
//! Only rules that carry a [`Fix`] (substitutions such as "side affects" →
//! "side effects") are ever applied; claims get suggestions, never fixes.

use crate::diagnostic::{Diagnostic, Fix};

/// Applies the non-overlapping fixes of `diagnostics` to `text` (in file
/// order; a fix overlapping an earlier one waits for the next pass).
/// Returns the new text and the number of fixes applied.
pub fn apply(text: &str, diagnostics: &[Diagnostic]) -> (String, usize) {
    let mut fixes: Vec<&Fix> = diagnostics.iter().filter_map(|d| d.fix.as_ref()).collect();
    fixes.sort_by_key(|f| (f.span.start, f.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut applied = 0;
    for f in fixes {
        if f.span.start < at
            || f.span.end > text.len()
            || !text.is_char_boundary(f.span.start)
            || !text.is_char_boundary(f.span.end)
            || text[f.span.clone()] == *f.replacement
        {
            continue;
        }
        out.push_str(&text[at..f.span.start]);
        out.push_str(&f.replacement);
        at = f.span.end;
        applied += 1;
    }
    out.push_str(&text[at..]);
    (out, applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_fix(start: usize, end: usize, replacement: &str) -> Diagnostic {
        Diagnostic {
            rule: "integrity.affect-effect".into(),
            category: "integrity".into(),
            severity: crate::Severity::Info,
            message: String::new(),
            span: start..end,
            label: String::new(),
            suggestion: Some(replacement.into()),
            fix: Some(Fix {
                span: start..end,
                replacement: replacement.into(),
            }),
            help: None,
            notes: vec![],
            related: vec![],
        }
    }

    #[test]
    fn applies_in_order_and_skips_overlaps() {
        let text = "side affects and side affects";
        let (out, n) = apply(
            text,
            &[
                with_fix(17, 29, "side effects"),
                with_fix(0, 12, "side effects"),
                with_fix(5, 12, "x"),
            ],
        );
        assert_eq!(out, "side effects and side effects");
        assert_eq!(n, 2);
        let (again, n) = apply(&out, &[with_fix(0, 12, "side effects")]);
        assert_eq!((again.as_str(), n), (out.as_str(), 0));
    }
}
