//! Document parsing and linting with the built-in pack: never panics, every
//! span is inside the file and on character boundaries, line and column agree
//! with the bytes.
#![no_main]

use std::sync::OnceLock;

use claimlint_core::render::json::JsonDiagnostic;
use claimlint_core::SourceFile;
use claimlint_core::linter::Linter;
use libfuzzer_sys::fuzz_target;

fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| Linter::new(claimlint_core::default_rules().expect("built-in pack loads")))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for path in ["doc.md", "doc.txt"] {
        let file = SourceFile::new(path, text);
        for d in linter().lint(path, text).diagnostics {
            assert!(d.span.start <= d.span.end && d.span.end <= text.len());
            assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
            let json = JsonDiagnostic::new(&file, &d);
            assert_eq!(json.text, &text[d.span.clone()]);
            assert!(json.line >= 1 && json.column >= 1);
            assert!((json.line, json.column) <= (json.end_line, json.end_column));
        }
    }
});
