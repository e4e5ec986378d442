//! A rule's own examples: every `invalid` example must raise the rule and
//! every `valid` one must not. Examples are linted as plain text (Markdown
//! when they open with front matter) with every loaded rule and lexicon,
//! exactly as a file would be.

use crate::config::Policy;
use crate::document::Format;
use crate::linter::Linter;
use crate::rule::Rule;
use crate::source::SourceFile;

/// One example that did not behave.
#[derive(Debug, Clone)]
pub struct ExampleFailure {
    pub rule: String,
    /// `path:line:col` of the example in the rule file.
    pub location: String,
    pub valid: bool,
    pub text: String,
    /// Rules that did fire on the example.
    pub fired: Vec<String>,
}

fn location(rule: &Rule, span: &std::ops::Range<usize>) -> String {
    let file = SourceFile::new(rule.origin.path.clone(), rule.origin.text.to_string());
    let lc = file.line_col(span.start);
    format!("{}:{}:{}", rule.origin.path, lc.line, lc.column)
}

/// The file name and format an example is linted as: Markdown when it
/// opens with front matter, plain text otherwise.
pub(crate) fn example_format(text: &str) -> (&'static str, Format) {
    if text.starts_with("---\n") || text.starts_with("+++\n") {
        ("example.md", Format::Markdown)
    } else {
        ("example.txt", Format::Plain)
    }
}

/// Runs the examples of the rules for which `select` is true.
pub fn check_examples(
    linter: &Linter,
    select: impl Fn(&Rule) -> bool,
) -> (usize, Vec<ExampleFailure>) {
    // Every finding of every rule: an example of one rule must not be
    // hidden because another rule of its category reported the same words.
    let linter = linter.clone().with_every_rule(true);
    let rules = linter.rules();
    let mut count = 0;
    let mut failures = Vec::new();
    for rule in rules.rules.iter().filter(|r| select(r)) {
        let cases = rule
            .examples
            .invalid
            .iter()
            .map(|e| (false, e))
            .chain(rule.examples.valid.iter().map(|e| (true, e)));
        for (valid, (text, span)) in cases {
            count += 1;
            let (name, format) = example_format(text);
            let source = SourceFile::new(name, text.clone());
            let found = linter
                .lint_file(source, format, &Policy::default())
                .diagnostics;
            let fired_self = found.iter().any(|d| d.rule == rule.id);
            if fired_self == valid {
                let mut fired: Vec<String> = found.iter().map(|d| d.rule.to_string()).collect();
                fired.dedup();
                failures.push(ExampleFailure {
                    rule: rule.id.to_string(),
                    location: location(rule, span),
                    valid,
                    text: text.clone(),
                    fired,
                });
            }
        }
    }
    (count, failures)
}
