//! Rule loading: any file either loads or gives located errors whose spans
//! lie inside the file; a loaded rule set lints text without panicking.
#![no_main]

use claimlint_core::linter::Linter;
use claimlint_core::rule::compile::{RuleFile, load};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = RuleFile::new("rule.yaml", text);
    match load(&[file]) {
        Ok(rules) => {
            let _ = Linter::new(rules).lint("doc.md", "Ketamine cures depression.\n\nIt is *safe*.");
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in errors {
                if let (Some(t), Some(s)) = (&e.text, &e.span) {
                    assert!(s.start <= s.end && s.end <= t.len());
                    assert!(t.is_char_boundary(s.start) && t.is_char_boundary(s.end));
                }
            }
        }
    }
});
