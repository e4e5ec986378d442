//! The WebAssembly interface `web/claimlint.js` binds.
//!
//! One input buffer and one output buffer live in this module. The page
//! asks [`claimlint_input`] for room for `len` bytes, writes its UTF-8
//! there, calls a function, and reads the answer (UTF-8: JSON or text) from
//! [`claimlint_output_ptr`] / [`claimlint_output_len`]. Every function
//! returns [`OK`] or an error status; on error the output holds the message.
//! Nothing here dereferences a raw pointer: the buffers are ordinary `Vec`s
//! and `String`s, and the page writes and reads them through the module's
//! memory. The only unsafe code is the `no_mangle` attribute that gives
//! each export its name.
//!
//! The rules are compiled once, by [`claimlint_init`]. A panic aborts (the
//! page sees a trap); the hook set there keeps its message for
//! [`claimlint_panic_ptr`] / [`claimlint_panic_len`] so the page can show
//! it and start a fresh instance.

#![allow(unsafe_code)]

use std::cell::RefCell;

use crate::{DraftFormat, Playground, check_draft};

/// Success.
pub const OK: u32 = 0;
/// The draft was not linted (too large, binary, not UTF-8); the output is
/// the message to show.
pub const ERR_DRAFT: u32 = 1;
/// A bad request (unknown format or rule, no fix there, not initialised);
/// the output says which.
pub const ERR_REQUEST: u32 = 2;
/// The rules did not compile; the output holds the errors.
pub const ERR_RULES: u32 = 3;

thread_local! {
    static PLAYGROUND: RefCell<Option<Playground>> = const { RefCell::new(None) };
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static OUTPUT: RefCell<String> = const { RefCell::new(String::new()) };
    static REPORT: RefCell<String> = const { RefCell::new(String::new()) };
    static PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

fn answer(status: u32, text: String) -> u32 {
    OUTPUT.with_borrow_mut(|out| *out = text);
    status
}

/// Runs `f` on the playground and the input, or answers that
/// [`claimlint_init`] has not run.
fn with_input(f: impl FnOnce(&mut Playground, &[u8]) -> (u32, String)) -> u32 {
    let (status, text) = PLAYGROUND.with_borrow_mut(|playground| match playground {
        Some(p) => INPUT.with_borrow(|input| f(p, input)),
        None => (ERR_REQUEST, "claimlint_init has not run".into()),
    });
    answer(status, text)
}

fn format_of(code: u32) -> Result<DraftFormat, (u32, String)> {
    DraftFormat::from_code(code).ok_or_else(|| (ERR_REQUEST, format!("unknown format code {code}")))
}

/// Makes room for `len` bytes of input and returns where to write them.
/// The pointer is valid until the next call of this function.
#[unsafe(no_mangle)]
pub extern "C" fn claimlint_input(len: usize) -> *mut u8 {
    INPUT.with_borrow_mut(|input| {
        input.clear();
        input.resize(len, 0);
        input.as_mut_ptr()
    })
}

/// Where the last answer starts.
#[unsafe(no_mangle)]
pub extern "C" fn claimlint_output_ptr() -> *const u8 {
    OUTPUT.with_borrow(|out| out.as_ptr())
}

/// The last answer's length in bytes.
#[unsafe(no_mangle)]
pub extern "C" fn claimlint_output_len() -> usize {
    OUTPUT.with_borrow(String::len)
}

/// Where the JSON report of the last [`claimlint_lint`] starts.
#[unsafe(no_mangle)]
pub extern "C" fn claimlint_report_ptr() -> *const u8 {
    REPORT.with_borrow(|r| r.as_ptr())
}

/// The length of the JSON report of the last [`claimlint_lint`].
#[unsafe(no_mangle)]
pub extern "C" fn claimlint_report_len() -> usize {
    REPORT.with_borrow(String::len)
}

/// Where the message of the panic that trapped starts.
#[unsafe(no_mangle)]
pub extern "C" fn claimlint_panic_ptr() -> *const u8 {
    PANIC.with_borrow(|p| p.as_ptr())
}

/// The length of the message of the panic that trapped (0 if none).
#[unsafe(no_mangle)]
pub extern "C" fn claimlint_panic_len() -> usize {
    PANIC.with_borrow(String::len)
}

/// Compiles the built-in rules. Answers the catalog: the version, the
/// largest draft, the categories and the rules (see
/// [`Playground::catalog_json`]).
#[unsafe(no_mangle)]
pub extern "C" fn claimlint_init() -> u32 {
    // In the browser a panic aborts; natively (the tests) it unwinds and
    // the default hook reports it.
    #[cfg(target_family = "wasm")]
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        // The hook runs while other state may be borrowed: it touches only
        // its own buffer.
        PANIC.with(|p| {
            if let Ok(mut p) = p.try_borrow_mut() {
                *p = message;
            }
        });
    }));
    match Playground::new() {
        Ok(playground) => {
            let catalog = playground.catalog_json();
            PLAYGROUND.with_borrow_mut(|p| *p = Some(playground));
            answer(OK, catalog)
        }
        Err(errors) => answer(ERR_RULES, errors),
    }
}

/// Switches off the categories named in the input (separated by commas or
/// new lines); every other category is on. Answers nothing.
#[unsafe(no_mangle)]
pub extern "C" fn claimlint_set_disabled() -> u32 {
    with_input(|playground, input| match std::str::from_utf8(input) {
        Ok(list) => {
            playground.set_disabled(list.split([',', '\n']));
            (OK, String::new())
        }
        Err(_) => (ERR_REQUEST, "category list is not UTF-8".into()),
    })
}

/// Lints the input as a draft of format `format` (0 Markdown, 1 plain
/// text, 2 HTML, 3 MDX). Answers the findings; the JSON report is at
/// [`claimlint_report_ptr`] (see [`Playground::lint_answer`]).
#[unsafe(no_mangle)]
pub extern "C" fn claimlint_lint(format: u32) -> u32 {
    with_input(|playground, input| {
        let format = match format_of(format) {
            Ok(f) => f,
            Err(e) => return e,
        };
        match check_draft(input) {
            Ok(text) => {
                let answer = playground.lint_answer(format, text);
                REPORT.with_borrow_mut(|r| *r = answer.report);
                (OK, answer.findings)
            }
            Err(e) => {
                REPORT.with_borrow_mut(String::clear);
                (ERR_DRAFT, e.to_string())
            }
        }
    })
}

/// Applies the fix of the finding at `start..end` of the input. Answers
/// the fixed draft.
#[unsafe(no_mangle)]
pub extern "C" fn claimlint_fix(format: u32, start: usize, end: usize) -> u32 {
    with_input(|playground, input| {
        let format = match format_of(format) {
            Ok(f) => f,
            Err(e) => return e,
        };
        match check_draft(input) {
            Ok(text) => match playground.fix_one(format, text, start, end) {
                Some(fixed) => (OK, fixed),
                None => (
                    ERR_REQUEST,
                    format!("no finding with a fix at bytes {start}..{end}"),
                ),
            },
            Err(e) => (ERR_DRAFT, e.to_string()),
        }
    })
}

/// Applies every fix to the input. Answers the fixed draft.
#[unsafe(no_mangle)]
pub extern "C" fn claimlint_fix_all(format: u32) -> u32 {
    with_input(|playground, input| {
        let format = match format_of(format) {
            Ok(f) => f,
            Err(e) => return e,
        };
        match check_draft(input) {
            Ok(text) => (OK, playground.fix_all(format, text).0),
            Err(e) => (ERR_DRAFT, e.to_string()),
        }
    })
}

/// Explains the rule whose id is the input. Answers the text of
/// `claimlint explain ID`.
#[unsafe(no_mangle)]
pub extern "C" fn claimlint_explain() -> u32 {
    with_input(|playground, input| {
        let id = String::from_utf8_lossy(input);
        match playground.explain(&id) {
            Some(text) => (OK, text),
            None => (ERR_REQUEST, format!("no rule `{id}`")),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(bytes: &[u8]) {
        let _ = claimlint_input(bytes.len());
        INPUT.with_borrow_mut(|i| i.copy_from_slice(bytes));
    }

    fn output() -> String {
        assert_eq!(claimlint_output_len(), OUTPUT.with_borrow(String::len));
        OUTPUT.with_borrow(Clone::clone)
    }

    #[test]
    fn the_exports_answer_the_page() {
        // Before the rules are compiled every call says so.
        input(b"Ketamine cures depression.");
        assert_eq!(claimlint_lint(0), ERR_REQUEST);
        assert_eq!(output(), "claimlint_init has not run");

        assert_eq!(claimlint_init(), OK);
        let catalog: serde_json::Value = serde_json::from_str(&output()).unwrap();
        assert!(catalog["rules"].as_array().unwrap().len() > 10);

        let text = "Ketamine cures depression. Side affects are rare.\n";
        input(text.as_bytes());
        assert_eq!(claimlint_lint(1), OK);
        let answer: serde_json::Value = serde_json::from_str(&output()).unwrap();
        let report = REPORT.with_borrow(Clone::clone);
        assert_eq!(claimlint_report_len(), report.len());
        let expected = Playground::new()
            .unwrap()
            .lint_answer(DraftFormat::Plain, text);
        assert_eq!(report, expected.report);
        assert_eq!(
            answer,
            serde_json::from_str::<serde_json::Value>(&expected.findings).unwrap()
        );

        input(b"cure");
        assert_eq!(claimlint_set_disabled(), OK);
        input(text.as_bytes());
        assert_eq!(claimlint_lint(1), OK);
        let answer: serde_json::Value = serde_json::from_str(&output()).unwrap();
        assert!(
            answer["findings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["category"] != "cure")
        );

        let start = text.find("Side affects").unwrap();
        input(text.as_bytes());
        assert_eq!(claimlint_fix(1, start, start + 12), OK);
        assert_eq!(output(), text.replace("affects", "effects"));
        input(text.as_bytes());
        assert_eq!(claimlint_fix(1, 0, 3), ERR_REQUEST);
        assert_eq!(output(), "no finding with a fix at bytes 0..3");
        input(text.as_bytes());
        assert_eq!(claimlint_fix_all(1), OK);
        assert_eq!(output(), text.replace("affects", "effects"));

        input(b"cure.guarantee");
        assert_eq!(claimlint_explain(), OK);
        assert!(output().starts_with("cure.guarantee — "));
        input(b"nope");
        assert_eq!(claimlint_explain(), ERR_REQUEST);

        input(text.as_bytes());
        assert_eq!(claimlint_lint(9), ERR_REQUEST);
        assert_eq!(output(), "unknown format code 9");
        input(b"binary\0data");
        assert_eq!(claimlint_lint(0), ERR_DRAFT);
        assert!(output().contains("NUL character at byte 6"));
        assert_eq!(
            claimlint_report_len(),
            0,
            "no stale report after a refused draft"
        );
        assert_eq!(claimlint_panic_len(), 0);
    }
}
