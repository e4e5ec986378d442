//! MDX (Markdown with JSX) via markdown-rs (`markdown` crate), which parses
//! MDX to an mdast tree whose every node carries byte offsets.
//!
//! Linted: everything Markdown lints (paragraphs, headings, list items,
//! quotes, GFM table cells, link text, image alt text), also inside JSX
//! components (`<Callout>Ketamine cures…</Callout>`), and the string
//! `alt` and `title` attributes of JSX elements. Skipped: `import`/`export`
//! blocks (ESM), `{expressions}` (flow and inline), JSX expression
//! attributes, code, inline code, math, raw HTML, link destinations and
//! autolinked URLs. Front matter is handled by [`super::front_matter`].
//!
//! MDX is strict: a file that does not parse as MDX (an unclosed JSX tag,
//! an unbalanced brace) is linted as Markdown instead, so a draft with a
//! typo is still checked.

use std::ops::Range;

use markdown::mdast::{AttributeContent, AttributeValue, Node};
use markdown::{Constructs, MdxSignal, ParseOptions};

use super::{DocumentBuilder, SegmentKind};

fn options() -> ParseOptions {
    ParseOptions {
        constructs: Constructs {
            gfm_autolink_literal: true,
            gfm_footnote_definition: true,
            gfm_label_start_footnote: true,
            gfm_strikethrough: true,
            gfm_table: true,
            gfm_task_list_item: true,
            frontmatter: false,
            ..Constructs::mdx()
        },
        // ESM is not linted, so any `import`/`export` block is accepted as
        // it is (markdown-rs recognises ESM only with a parser set).
        mdx_esm_parse: Some(Box::new(|_: &str| MdxSignal::Ok)),
        ..ParseOptions::mdx()
    }
}

/// Pushes `value` (a node's decoded text) for the file bytes `range`,
/// aligning it character by character: identical characters map one to
/// one, character references and backslash escapes map as a whole, and
/// source bytes that are not in the value (container prefixes such as
/// `> ` on continuation lines) are gaps.
pub fn push_aligned(
    text: &str,
    range: Range<usize>,
    value: &str,
    builder: &mut DocumentBuilder<'_>,
) {
    let end = range.end.min(text.len());
    let mut pos = range.start;
    let mut run: Option<usize> = None;
    let mut chars = value.char_indices().peekable();
    while let Some(&(vi, vc)) = chars.peek() {
        if pos >= end {
            if let Some(from) = run.take() {
                builder.push_source(from..pos);
            }
            builder.push_replacement(&value[vi..], end..end);
            return;
        }
        let rest = &text[pos..end];
        if rest.starts_with('&')
            && let Some(semi) = rest.bytes().take(40).position(|b| b == b';')
        {
            let decoded = htmlize::unescape(&rest[..=semi]);
            if decoded != rest[..=semi] && value[vi..].starts_with(decoded.as_ref()) {
                if let Some(from) = run.take() {
                    builder.push_source(from..pos);
                }
                builder.push_replacement(&decoded, pos..pos + semi + 1);
                for _ in decoded.chars() {
                    chars.next();
                }
                pos += semi + 1;
                continue;
            }
        }
        if rest.starts_with(vc) {
            run.get_or_insert(pos);
            pos += vc.len_utf8();
            chars.next();
            continue;
        }
        if let Some(from) = run.take() {
            builder.push_source(from..pos);
        }
        if rest.starts_with('\\') && rest[1..].starts_with(vc) {
            let mut buf = [0u8; 4];
            builder.push_replacement(vc.encode_utf8(&mut buf), pos..pos + 1 + vc.len_utf8());
            pos += 1 + vc.len_utf8();
            chars.next();
            continue;
        }
        // A source character that is not in the value: skip it.
        pos += rest.chars().next().map_or(1, char::len_utf8);
    }
    if let Some(from) = run {
        builder.push_source(from..pos);
    }
}

struct Walker<'t, 'b> {
    text: &'t str,
    from: usize,
    builder: &'b mut DocumentBuilder<'t>,
    containers: Vec<SegmentKind>,
}

impl Walker<'_, '_> {
    fn range(&self, node: &Node) -> Option<Range<usize>> {
        let p = node.position()?;
        let start = (p.start.offset + self.from).min(self.text.len());
        let end = (p.end.offset + self.from).min(self.text.len());
        Some(start..end.max(start))
    }

    fn block_kind(&self) -> SegmentKind {
        self.containers
            .last()
            .copied()
            .unwrap_or(SegmentKind::Paragraph)
    }

    fn children(&mut self, node: &Node) {
        if let Some(children) = node.children() {
            for child in children {
                self.node(child);
            }
        }
    }

    fn in_container(&mut self, kind: SegmentKind, node: &Node) {
        self.builder.end();
        self.containers.push(kind);
        self.builder.begin(kind);
        self.children(node);
        self.builder.end();
        self.containers.pop();
    }

    /// Lints `value` found inside `within` as its own segment of `kind`.
    fn side_segment(&mut self, kind: SegmentKind, range: Range<usize>, value: &str) {
        if value.trim().is_empty() {
            return;
        }
        let resume = self.builder.current_kind();
        self.builder.begin(kind);
        push_aligned(self.text, range, value, self.builder);
        self.builder.end();
        if let Some(kind) = resume {
            self.builder.begin(kind);
        }
    }

    /// String `alt`/`title` attributes of a JSX element, located in the
    /// element's opening tag.
    fn jsx_attributes(&mut self, node: &Node, attributes: &[AttributeContent]) {
        let Some(range) = self.range(node) else {
            return;
        };
        let tag_end = node
            .children()
            .and_then(|c| c.first())
            .and_then(|c| self.range(c))
            .map_or(range.end, |r| r.start);
        let opening = &self.text[range.start..tag_end.max(range.start)];
        let mut search_from = 0;
        for attribute in attributes {
            let AttributeContent::Property(p) = attribute else {
                continue;
            };
            let Some(AttributeValue::Literal(value)) = &p.value else {
                continue;
            };
            if p.name != "alt" && p.name != "title" {
                continue;
            }
            let found = ['"', '\''].iter().find_map(|q| {
                let needle = format!("{}={q}", p.name);
                opening[search_from..]
                    .find(&needle)
                    .map(|i| search_from + i + needle.len())
            });
            let Some(value_start) = found else {
                continue;
            };
            let quote = opening.as_bytes()[value_start - 1] as char;
            let value_end = opening[value_start..]
                .find(quote)
                .map_or(opening.len(), |i| value_start + i);
            search_from = value_end;
            self.side_segment(
                SegmentKind::Alt,
                range.start + value_start..range.start + value_end,
                value,
            );
        }
    }

    /// Records an expression that is a comment (`{/* … */}`), where a
    /// suppression may be.
    fn comment(&mut self, node: &Node, value: &str) {
        let v = value.trim();
        if v.starts_with("/*")
            && v.ends_with("*/")
            && let Some(r) = self.range(node)
        {
            self.builder.comment(r);
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::Root(_) => self.children(node),
            Node::MdxFlowExpression(e) => {
                self.comment(node, &e.value);
                self.builder.end();
            }
            Node::MdxjsEsm(_)
            | Node::Code(_)
            | Node::Math(_)
            | Node::Html(_)
            | Node::Yaml(_)
            | Node::Toml(_)
            | Node::Definition(_)
            | Node::ThematicBreak(_) => self.builder.end(),
            Node::MdxTextExpression(e) => {
                self.comment(node, &e.value);
                if let Some(r) = self.range(node)
                    && self.builder.current_kind().is_some()
                {
                    self.builder.push_break(r);
                }
            }
            Node::InlineCode(_)
            | Node::InlineMath(_)
            | Node::FootnoteReference(_)
            | Node::Break(_) => {
                if let Some(r) = self.range(node)
                    && self.builder.current_kind().is_some()
                {
                    self.builder.push_break(r);
                }
            }
            Node::Paragraph(_) => {
                let kind = self.block_kind();
                if self.builder.current_kind() != Some(kind) {
                    self.builder.begin(kind);
                }
                self.children(node);
                self.builder.end();
            }
            Node::Heading(h) => {
                self.builder.begin(SegmentKind::Heading(h.depth));
                self.children(node);
                self.builder.end();
            }
            Node::Blockquote(_) => {
                self.builder.end();
                self.containers.push(SegmentKind::Quote);
                self.children(node);
                self.builder.end();
                self.containers.pop();
            }
            Node::ListItem(_) => self.in_container(SegmentKind::ListItem, node),
            Node::TableCell(_) => self.in_container(SegmentKind::TableCell, node),
            Node::List(_) | Node::Table(_) | Node::TableRow(_) | Node::FootnoteDefinition(_) => {
                self.builder.end();
                self.children(node);
                self.builder.end();
            }
            Node::MdxJsxFlowElement(e) => {
                self.builder.end();
                self.jsx_attributes(node, &e.attributes);
                self.children(node);
                self.builder.end();
            }
            Node::MdxJsxTextElement(e) => {
                self.jsx_attributes(node, &e.attributes);
                self.children(node);
            }
            Node::Link(link) => {
                let autolink = matches!(node.children().map(Vec::as_slice), Some([Node::Text(t)])
                    if t.value == link.url
                        || link.url.strip_prefix("mailto:") == Some(t.value.as_str())
                        || link.url.ends_with(&t.value) && t.value.contains('.') && !t.value.contains(' '));
                if !autolink {
                    self.children(node);
                }
            }
            Node::Image(img) => {
                if let Some(r) = self.range(node) {
                    let alt_start = (r.start + 2).min(r.end);
                    self.side_segment(SegmentKind::Alt, alt_start..r.end, &img.alt);
                }
            }
            Node::ImageReference(img) => {
                if let Some(r) = self.range(node) {
                    let alt_start = (r.start + 2).min(r.end);
                    self.side_segment(SegmentKind::Alt, alt_start..r.end, &img.alt);
                }
            }
            Node::Text(t) => {
                let Some(r) = self.range(node) else {
                    return;
                };
                if self.builder.current_kind().is_none() {
                    self.builder.begin(self.block_kind());
                }
                if self.text.get(r.clone()) == Some(t.value.as_str()) {
                    self.builder.push_source(r);
                } else {
                    push_aligned(self.text, r, &t.value, self.builder);
                }
            }
            Node::Emphasis(_) | Node::Strong(_) | Node::Delete(_) | Node::LinkReference(_) => {
                self.children(node);
            }
        }
    }
}

/// Parses the MDX of `text` from byte `from` on (after a byte-order mark or
/// front matter) into `builder`; falls back to Markdown if it is not valid
/// MDX.
pub fn parse_from<'t>(text: &'t str, from: usize, builder: &mut DocumentBuilder<'t>) {
    let from = if text.is_char_boundary(from) { from } else { 0 };
    let Ok(tree) = markdown::to_mdast(&text[from..], &options()) else {
        super::markdown::parse_from(text, from, builder);
        return;
    };
    let mut walker = Walker {
        text,
        from,
        builder,
        containers: Vec::new(),
    };
    walker.node(&tree);
    walker.builder.end();
}

#[cfg(test)]
mod tests {
    use crate::document::{Document, Format, SegmentKind};
    use crate::source::SourceFile;

    fn segments(text: &str) -> Vec<(SegmentKind, String, String)> {
        let file = SourceFile::new("t.mdx", text);
        let doc = Document::parse(&file, Format::Mdx);
        doc.segments
            .iter()
            .map(|s| (s.kind, s.text.clone(), text[s.file_span()].to_string()))
            .collect()
    }

    #[test]
    fn jsx_prose_is_linted_and_code_is_not() {
        let text = "---\ntitle: A miracle\n---\nimport Callout from '../components/Callout'\nexport const meta = { claim: 'cures depression' }\n\n# Ketamine *works*\n\n<Callout type=\"warning\" title=\"Completely safe\">\n  Ketamine is **not\n  addictive**.\n</Callout>\n\nText with {props.cure} and <Tooltip tip={x}>a cure</Tooltip> &amp; more.\n\n{/* a comment: cures everything */}\n\n> quoted\n> line\n\n- item\n\n| a |\n|---|\n| cell |\n\n![alt *text*](a.png) See https://x.example/miracle-cure now.\n";
        let got = segments(text);
        use SegmentKind::*;
        let kinds_texts: Vec<(SegmentKind, &str)> =
            got.iter().map(|(k, t, _)| (*k, t.as_str())).collect();
        assert_eq!(
            kinds_texts,
            vec![
                (Title, "A miracle"),
                (Heading(1), "Ketamine works"),
                (Alt, "Completely safe"),
                (Paragraph, "Ketamine is not addictive."),
                (Paragraph, "Text with and a cure & more."),
                (Quote, "quoted line"),
                (ListItem, "item"),
                (TableCell, "a"),
                (TableCell, "cell"),
                (Alt, "alt text"),
                (Paragraph, "See now."),
            ]
        );
        assert_eq!(got[2].2, "Completely safe");
        assert_eq!(got[3].2, "Ketamine is **not\n  addictive**.");
        assert_eq!(got[5].2, "quoted\n> line");
        let file = SourceFile::new("t.mdx", text);
        let doc = Document::parse(&file, Format::Mdx);
        let seg = &doc.segments[4];
        let at = seg.text.find('&').unwrap();
        assert_eq!(&text[seg.map.span(&(at..at + 1))], "&amp;");
    }

    #[test]
    fn comments_are_expression_comments() {
        let text = "---\nt: 1\n---\n{/* claimlint-disable-next-line x -- why */}\nText {/* inline */} and {value}.\n\n```\n{/* code */}\n```\n";
        let doc = Document::parse(&SourceFile::new("t.mdx", text), Format::Mdx);
        let got: Vec<&str> = doc.comments.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(
            got,
            [
                "{/* claimlint-disable-next-line x -- why */}",
                "{/* inline */}"
            ]
        );
    }

    #[test]
    fn invalid_mdx_falls_back_to_markdown() {
        let got = segments("<Callout>\n\nKetamine cures depression.\n\n{unclosed\n");
        assert!(
            got.iter()
                .any(|(_, t, _)| t == "Ketamine cures depression.")
        );
    }
}
