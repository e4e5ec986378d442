//! rustc-style annotated output, through annotate-snippets.

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use claimlint_core::diagnostic::{Counts, Diagnostic, Severity};
use claimlint_core::error::LocatedError;
use claimlint_core::source::SourceFile;

/// Spans over more lines than this are shown by their first line.
const MAX_SHOWN_LINES: usize = 3;

/// Related places labelled under one finding.
const MAX_SHOWN_RELATED: usize = 3;

/// Shared renderer settings.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn renderer(self) -> Renderer {
        let r = if self.color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        r.decor_style(DecorStyle::Ascii)
    }
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// Renders one diagnostic (ending in a blank line).
pub fn render(style: Style, file: &SourceFile, d: &Diagnostic) -> String {
    let text = file.text();
    // A span over many lines (a repeated block) is shown by its first line,
    // with the line range in the label; the JSON keeps the exact span.
    let shown = |span: &std::ops::Range<usize>, label: &str| -> (std::ops::Range<usize>, String) {
        let first = file.line_index(span.start.min(text.len()));
        let last = file.line_index(span.end.saturating_sub(1).max(span.start).min(text.len()));
        if last - first >= MAX_SHOWN_LINES {
            let end = file.line_range(first).end.max(span.start);
            (
                span.start..end,
                format!("{label} (lines {}-{})", first + 1, last + 1),
            )
        } else {
            (span.clone(), label.to_string())
        }
    };
    let (primary, primary_label) = shown(&d.span, &d.label);
    // A few related places are labelled (the note lists the lines of the
    // rest; the JSON, SARIF and the language server give them all).
    let related: Vec<(std::ops::Range<usize>, String)> = d
        .related
        .iter()
        .take(MAX_SHOWN_RELATED)
        .map(|r| shown(&r.span, &r.label))
        .collect();
    let mut lines = file.lines_around(&primary);
    for (span, _) in &related {
        let around = file.lines_around(span);
        lines.start = lines.start.min(around.start);
        lines.end = lines.end.max(around.end);
    }
    // Never show the byte-order mark.
    let bom = file.bom_len();
    if lines.start < bom {
        lines.start = bom.min(lines.end);
    }
    let excerpt = &text[lines.clone()];
    let line_start = file.line_of(lines.start);
    let local = |span: &std::ops::Range<usize>| {
        let s = span.start.clamp(lines.start, lines.end) - lines.start;
        let e = span.end.clamp(lines.start, lines.end) - lines.start;
        s..e.max(s)
    };
    let mut snippet = Snippet::source(excerpt)
        .line_start(line_start)
        .path(file.path())
        .fold(true)
        .annotation(
            AnnotationKind::Primary
                .span(local(&primary))
                .label(primary_label.as_str()),
        );
    for (span, label) in &related {
        snippet = snippet.annotation(
            AnnotationKind::Context
                .span(local(span))
                .label(label.as_str()),
        );
    }
    let mut group = level(d.severity)
        .primary_title(d.message.as_str())
        .id(&*d.rule)
        .element(snippet);
    if let Some(s) = &d.suggestion {
        group = group.element(Level::HELP.message(format!("write instead: \"{s}\"")));
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    for note in &d.notes {
        group = group.element(Level::NOTE.message(note.as_str()));
    }
    let mut out = style.renderer().render(&[group]);
    out.push_str("\n\n");
    out
}

/// Renders a rule or configuration error.
pub fn render_error(style: Style, err: &LocatedError) -> String {
    let mut group = Group::with_title(Level::ERROR.primary_title(err.message.as_str()));
    if let (Some(text), Some(span)) = (&err.text, &err.span) {
        let file = SourceFile::new(err.path.clone(), text.to_string());
        let lines = file.lines_around(span);
        let excerpt = &text[lines.clone()];
        let s = span.start.clamp(lines.start, lines.end) - lines.start;
        let e = (span.end.clamp(lines.start, lines.end) - lines.start).max(s);
        let mut annotation = AnnotationKind::Primary.span(s..e);
        if let Some(label) = &err.label {
            annotation = annotation.label(label.as_str());
        }
        group = group.element(
            Snippet::source(excerpt)
                .line_start(file.line_of(lines.start))
                .path(err.path.as_str())
                .fold(true)
                .annotation(annotation),
        );
    } else {
        group = group.element(Level::NOTE.message(format!("in {}", err.path)));
    }
    for note in &err.notes {
        group = group.element(Level::NOTE.message(note.as_str()));
    }
    let mut out = style.renderer().render(&[group]);
    out.push_str("\n\n");
    out
}

/// A one-line error without a file.
pub fn render_plain_error(style: Style, message: &str) -> String {
    let group: Group<'_> = Group::with_title(Level::ERROR.primary_title(message));
    let mut out = style.renderer().render(&[group]);
    out.push('\n');
    out
}

/// A one-line note without a file.
pub fn render_plain_note(style: Style, message: &str) -> String {
    let group: Group<'_> = Group::with_title(Level::NOTE.primary_title(message));
    let mut out = style.renderer().render(&[group]);
    out.push('\n');
    out
}

/// A one-line warning without a file.
pub fn render_plain_warning(style: Style, message: &str) -> String {
    let group: Group<'_> = Group::with_title(Level::WARNING.primary_title(message));
    let mut out = style.renderer().render(&[group]);
    out.push('\n');
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The closing summary line.
pub fn summary(counts: &Counts, files: usize, failed_files: usize) -> String {
    let mut line = if counts.total() == 0 {
        format!("No findings in {}.", plural(files, "file", "files"))
    } else {
        format!(
            "Found {} ({}, {}, {}) in {}.",
            plural(counts.total(), "finding", "findings"),
            plural(counts.errors, "error", "errors"),
            plural(counts.warnings, "warning", "warnings"),
            plural(counts.infos, "info", "infos"),
            plural(files, "file", "files"),
        )
    };
    if failed_files > 0 {
        line.push_str(&format!(
            " {} could not be checked.",
            plural(failed_files, "file", "files")
        ));
    }
    line.push('\n');
    line
}
