//! Suppression comments, with reasons.
//!
//! Markdown and HTML:
//!
//! ```text
//! <!-- claimlint-disable ID|category[, …] -- reason -->   … until claimlint-enable
//! <!-- claimlint-enable [ID|category, …] -->              closes (all, or the named)
//! <!-- claimlint-disable-next-line ID -- reason -->        the next non-blank line
//! <!-- claimlint-disable-line ID -- reason -->             the line the comment is on
//! <!-- claimlint-disable-file ID -- reason -->             the whole file
//! ```
//!
//! Plain text: the same directives on a line of their own, starting with
//! `// ` — `// claimlint-disable-next-line cure -- reason`. Such lines are
//! not prose and are not linted. Without an id a directive covers every rule.
//!
//! Suppressions are applied to the engine's findings after linting; the
//! engine itself knows nothing of them. A directive with an unknown id, a
//! misspelt keyword or no reason (unless reasons are optional) is an error
//! finding at the comment and suppresses nothing; a directive (or one of its
//! ids) that suppresses nothing is a warning, like ruff's unused `noqa`.

use std::ops::Range;
use std::sync::{Arc, LazyLock};

use regex::Regex;

use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Format;
use crate::rule::RuleSet;
use crate::source::SourceFile;

/// Category of the findings about suppressions themselves.
pub const META_CATEGORY: &str = "claimlint";

/// A finding claimlint makes about its own directives.
#[derive(Debug, Clone, Copy)]
pub struct MetaRule {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub explain: &'static str,
}

pub const UNUSED: MetaRule = MetaRule {
    id: "claimlint.unused-suppression",
    severity: Severity::Warning,
    summary: "Suppression comment that suppresses nothing",
    explain: "A claimlint-disable comment (or one of the ids it names) matched no finding. Remove it, so that a later claim in the same place is not hidden by a stale comment.",
};
pub const INVALID: MetaRule = MetaRule {
    id: "claimlint.invalid-suppression",
    severity: Severity::Error,
    summary: "Suppression comment with an unknown rule, an unknown keyword or no reason",
    explain: "A claimlint suppression comment names a rule id or category that no loaded rule has, uses a keyword claimlint does not know, or gives no reason after ` -- `. Such a comment suppresses nothing. Reasons are required so that medical review can audit every exception; `--no-require-reason` or `require-reason: false` makes them optional.",
};

/// Every meta rule, for configuration and SARIF.
pub const META_RULES: &[MetaRule] = &[INVALID, UNUSED];

/// The text every directive starts with.
const PREFIX: &str = crate::document::plain::DIRECTIVE_PREFIX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Disable,
    Enable,
    NextLine,
    Line,
    File,
}

/// One name in a directive.
#[derive(Debug, Clone)]
struct Name {
    name: String,
    span: Range<usize>,
    used: bool,
}

/// A parsed directive.
#[derive(Debug, Clone)]
struct Directive {
    kind: Kind,
    /// Empty: every rule.
    names: Vec<Name>,
    /// Bytes of the whole comment.
    span: Range<usize>,
    /// Where it applies: byte range (disable/enable regions, file) or line
    /// index (next-line, line).
    region: Range<usize>,
    line: Option<usize>,
    /// Used when it names nothing (every rule).
    used_all: bool,
    valid: bool,
}

impl Directive {
    fn covers(&self, d: &Diagnostic, line: usize) -> bool {
        match self.kind {
            Kind::Enable => false,
            Kind::File => true,
            Kind::Disable => self.region.start <= d.span.start && d.span.start < self.region.end,
            Kind::NextLine | Kind::Line => self.line == Some(line),
        }
    }
}

/// A directive found in the text: its bytes and its inner text.
struct Raw {
    span: Range<usize>,
    inner: Range<usize>,
}

static HTML_COMMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)<!--\s*(claimlint-.*?)\s*-->").expect("valid regex"));

static MDX_COMMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)\{\s*/\*\s*(claimlint-.*?)\s*\*/\s*\}").expect("valid regex")
});

/// The comments `comment` (whose group 1 is the comment's inside) finds in
/// `text[range]`, with file offsets.
fn comments_in(comment: &Regex, text: &str, range: Range<usize>, out: &mut Vec<Raw>) {
    for caps in comment.captures_iter(&text[range.clone()]) {
        let (Some(all), Some(inner)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        out.push(Raw {
            span: range.start + all.start()..range.start + all.end(),
            inner: range.start + inner.start()..range.start + inner.end(),
        });
    }
}

/// The directives in `comments` (the ranges the document's parser
/// recorded, see [`Document::comments`](crate::document::Document::comments)).
fn find_raw(text: &str, format: Format, comments: &[Range<usize>]) -> Vec<Raw> {
    let mut out = Vec::new();
    for r in comments.iter().filter(|r| r.end <= text.len()) {
        match format {
            // A plain-text directive is a whole `// claimlint-…` line.
            Format::Plain => {
                if let Some(at) = text[r.clone()].find(PREFIX) {
                    out.push(Raw {
                        span: r.clone(),
                        inner: r.start + at..r.end,
                    });
                }
            }
            Format::Markdown | Format::Html => {
                comments_in(&HTML_COMMENT, text, r.clone(), &mut out)
            }
            // `{/* claimlint-disable … */}`: MDX has no HTML comments.
            Format::Mdx => comments_in(&MDX_COMMENT, text, r.clone(), &mut out),
        }
    }
    out
}

/// Splits `claimlint-keyword ids -- reason` (at `inner` in `text`).
fn parse_directive(
    text: &str,
    raw: &Raw,
    file: &SourceFile,
    format: Format,
    require_reason: bool,
    known: &dyn Fn(&str) -> bool,
    errors: &mut Vec<Diagnostic>,
) -> Option<Directive> {
    let inner = &text[raw.inner.clone()];
    let body = inner.strip_prefix(PREFIX)?;
    let keyword_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(body.len());
    let keyword = &body[..keyword_len];
    let kind = match keyword {
        "disable" => Kind::Disable,
        "enable" => Kind::Enable,
        "disable-next-line" => Kind::NextLine,
        "disable-line" if format != Format::Plain => Kind::Line,
        "disable-file" => Kind::File,
        _ => {
            let kw_start = raw.inner.start + PREFIX.len();
            let mut message = format!("unknown suppression keyword `claimlint-{keyword}`");
            if keyword == "disable-line" {
                message.push_str(
                    " in plain text (a directive line is not prose; use `claimlint-disable-next-line`)",
                );
            }
            errors.push(meta(
                INVALID,
                message,
                kw_start..kw_start + keyword_len,
                "unknown keyword",
                Some(
                    "use claimlint-disable, claimlint-enable, claimlint-disable-next-line, claimlint-disable-line or claimlint-disable-file",
                ),
            ));
            return None;
        }
    };
    let rest_start = raw.inner.start + PREFIX.len() + keyword_len;
    let rest = &text[rest_start..raw.inner.end];
    let (ids_part, reason) = match rest.find(" --") {
        Some(i) => (&rest[..i], Some(rest[i + 3..].trim())),
        None if rest.trim_start().starts_with("--") => {
            let i = rest.find("--").unwrap_or(0);
            (&rest[..i], Some(rest[i + 2..].trim()))
        }
        None => (rest, None),
    };
    let reason = reason.filter(|r| !r.is_empty());
    let mut names = Vec::new();
    let mut valid = true;
    let mut offset = 0;
    for piece in ids_part.split(|c: char| c == ',' || c.is_whitespace()) {
        let at = rest_start + offset;
        offset += piece.len() + 1;
        if piece.is_empty() {
            continue;
        }
        let span = at..at + piece.len();
        if !known(piece) {
            valid = false;
            let what = if piece.contains('.') {
                "rule id"
            } else {
                "rule category"
            };
            errors.push(meta(
                INVALID,
                format!("unknown {what} `{piece}` in a suppression comment"),
                span.clone(),
                "no loaded rule has this name",
                Some("`claimlint rules` lists the loaded rule ids; a category is the part before the dot"),
            ));
        }
        names.push(Name {
            name: piece.to_string(),
            span,
            used: false,
        });
    }
    if kind != Kind::Enable && reason.is_none() && require_reason {
        valid = false;
        errors.push(meta(
            INVALID,
            "suppression without a reason".to_string(),
            raw.span.clone(),
            "add ` -- reason` before the end of the comment",
            Some("every exception is audited in medical review; `--no-require-reason` makes reasons optional"),
        ));
    }
    let comment_line = file.line_index(raw.span.start);
    let (region, line) = match kind {
        Kind::Disable => (raw.span.end..text.len(), None),
        Kind::File | Kind::Enable => (0..text.len(), None),
        Kind::Line => (0..0, Some(comment_line)),
        Kind::NextLine => {
            let last = file.line_index(raw.span.end.saturating_sub(1).max(raw.span.start));
            let mut target = last + 1;
            while target < file.line_count() && text[file.line_range(target)].trim().is_empty() {
                target += 1;
            }
            (0..0, Some(target))
        }
    };
    Some(Directive {
        kind,
        names,
        span: raw.span.clone(),
        region,
        line,
        used_all: false,
        valid,
    })
}

fn meta(
    rule: MetaRule,
    message: String,
    span: Range<usize>,
    label: &str,
    help: Option<&str>,
) -> Diagnostic {
    Diagnostic {
        rule: Arc::from(rule.id),
        category: Arc::from(META_CATEGORY),
        severity: rule.severity,
        message,
        span,
        label: label.to_string(),
        suggestion: None,
        fix: None,
        help: help.map(str::to_string),
        notes: Vec::new(),
        related: Vec::new(),
    }
}

/// Whether `name` is a rule id, a category, or a meta rule id of `rules`.
pub fn known_name(rules: &RuleSet, name: &str) -> bool {
    name == META_CATEGORY
        || META_RULES.iter().any(|m| m.id == name)
        || rules
            .rules
            .iter()
            .any(|r| &*r.id == name || &*r.category == name)
}

/// Applies the suppression comments of `file` to `diagnostics` (sorted):
/// removes what they cover and adds findings about the comments themselves.
/// `comments` are where its parser found comments.
pub fn apply(
    rules: &RuleSet,
    file: &SourceFile,
    format: Format,
    comments: &[Range<usize>],
    require_reason: bool,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let text = file.text();
    if comments.is_empty() || !text.contains(PREFIX) {
        return;
    }
    let raws = find_raw(text, format, comments);
    if raws.is_empty() {
        return;
    }
    let mut extra = Vec::new();
    let known = |name: &str| known_name(rules, name);
    let mut directives: Vec<Directive> = raws
        .iter()
        .filter_map(|raw| {
            parse_directive(text, raw, file, format, require_reason, &known, &mut extra)
        })
        .collect();

    // Close disable regions at the matching enable.
    for i in 0..directives.len() {
        if directives[i].kind != Kind::Enable {
            continue;
        }
        let at = directives[i].span.start;
        let enable_names: Vec<String> =
            directives[i].names.iter().map(|n| n.name.clone()).collect();
        let mut closed_any = false;
        for d in directives[..i].iter_mut() {
            if d.kind != Kind::Disable || d.region.end <= at {
                continue;
            }
            // A bare enable closes everything; a named one closes the
            // disables whose ids it names.
            let closes = enable_names.is_empty()
                || (!d.names.is_empty() && d.names.iter().all(|n| enable_names.contains(&n.name)));
            if closes {
                d.region.end = at;
                closed_any = true;
            }
        }
        if !closed_any && directives[i].valid {
            let span = directives[i].span.clone();
            extra.push(meta(
                UNUSED,
                "`claimlint-enable` matches no open `claimlint-disable`".to_string(),
                span,
                "nothing to enable",
                Some("an enable closes the disable comments above it that name the same ids (or all of them, without ids)"),
            ));
        }
    }

    diagnostics.retain(|d| {
        let line = file.line_index(d.span.start.min(text.len()));
        let mut suppressed = false;
        for dir in directives.iter_mut().filter(|x| x.valid) {
            if !dir.covers(d, line) {
                continue;
            }
            if dir.names.is_empty() {
                dir.used_all = true;
                suppressed = true;
                continue;
            }
            for n in dir.names.iter_mut() {
                if n.name == *d.rule || n.name == *d.category {
                    n.used = true;
                    suppressed = true;
                }
            }
        }
        !suppressed
    });

    for dir in directives
        .iter()
        .filter(|d| d.valid && d.kind != Kind::Enable)
    {
        if dir.names.is_empty() {
            if !dir.used_all {
                extra.push(unused(dir.span.clone(), None));
            }
            continue;
        }
        let unused_names: Vec<&Name> = dir.names.iter().filter(|n| !n.used).collect();
        if unused_names.len() == dir.names.len() {
            extra.push(unused(dir.span.clone(), None));
        } else {
            for n in unused_names {
                extra.push(unused(n.span.clone(), Some(&n.name)));
            }
        }
    }
    diagnostics.extend(extra);
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

fn unused(span: Range<usize>, name: Option<&str>) -> Diagnostic {
    let message = match name {
        Some(n) => format!("`{n}` in this suppression comment suppresses nothing"),
        None => "suppression comment suppresses nothing".to_string(),
    };
    meta(
        UNUSED,
        message,
        span,
        "no finding here",
        Some("remove it, so that it cannot hide a later claim"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The directives of `text`, found as a lint finds them: in the
    /// comments its parser recorded.
    fn raws(text: &str, format: Format) -> Vec<Raw> {
        let file = SourceFile::new("t", text);
        let doc = crate::document::Document::parse(&file, format);
        find_raw(text, format, &doc.comments)
    }

    #[test]
    fn markdown_comments_in_code_are_text() {
        let text = "```\n<!-- claimlint-disable -- x -->\n```\n\n`<!-- claimlint-disable-file -- y -->`\n\n<!-- claimlint-disable-file cure -- z -->\n";
        let raws = raws(text, Format::Markdown);
        assert_eq!(raws.len(), 1);
        assert_eq!(
            &text[raws[0].inner.clone()],
            "claimlint-disable-file cure -- z"
        );
    }

    #[test]
    fn html_comments_outside_raw_text() {
        let text = "<script>var s = '<!-- claimlint-disable -- x -->';</script>\n<!-- claimlint-disable-next-line cure.cure-claim -- quoted from the FDA -->\n<p>Ketamine cures depression.</p>\n";
        let raws = raws(text, Format::Html);
        let inner: Vec<&str> = raws.iter().map(|r| &text[r.inner.clone()]).collect();
        assert_eq!(
            inner,
            ["claimlint-disable-next-line cure.cure-claim -- quoted from the FDA"]
        );
    }

    #[test]
    fn mdx_comments_are_expressions() {
        let text = "import X from './x'\n\n{/* claimlint-disable-next-line cure -- reviewed */}\nKetamine cures depression.\n\n```\n{/* claimlint-disable-file -- no */}\n```\n";
        let raws = raws(text, Format::Mdx);
        let inner: Vec<&str> = raws.iter().map(|r| &text[r.inner.clone()]).collect();
        assert_eq!(inner, ["claimlint-disable-next-line cure -- reviewed"]);
    }
}
