//! Markdown (CommonMark with tables, footnotes, strikethrough and task lists)
//! via pulldown-cmark's offset iterator.
//!
//! Linted: paragraphs, headings, list items, blockquotes, table cells, link
//! text and image alt text. Skipped: code blocks, inline code, raw HTML, link
//! destinations, autolinks and front matter (YAML `---` or TOML `+++`).
//! Positions always refer to the original file.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use super::{DocumentBuilder, SegmentKind};

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Container {
    Quote,
    Item,
    Cell,
}

/// Parses Markdown `text` into `builder`.
pub fn parse(text: &str, builder: &mut DocumentBuilder<'_>) {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    parse_from(text, bom, builder);
}

/// Parses the Markdown of `text` from byte `from` on (after a byte-order
/// mark or front matter) into `builder`; positions stay file positions.
pub fn parse_from(text: &str, from: usize, builder: &mut DocumentBuilder<'_>) {
    let from = if text.is_char_boundary(from) { from } else { 0 };
    let body = &text[from..];
    let shift = |r: Range<usize>| r.start + from..r.end + from;

    let mut containers: Vec<Container> = Vec::new();
    // Depth of blocks whose content is not prose (code, HTML, front matter).
    let mut skip = 0usize;
    // One entry per open link: whether its text is skipped (autolinks).
    let mut links: Vec<bool> = Vec::new();
    let mut image_resume: Vec<SegmentKind> = Vec::new();

    let block_kind = |containers: &[Container]| match containers.last() {
        Some(Container::Cell) => SegmentKind::TableCell,
        Some(Container::Item) => SegmentKind::ListItem,
        Some(Container::Quote) => SegmentKind::Quote,
        None => SegmentKind::Paragraph,
    };

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let range = shift(range);
        match event {
            Event::Start(tag) => match tag {
                Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_) => {
                    builder.end();
                    skip += 1;
                }
                Tag::Paragraph => builder.begin(block_kind(&containers)),
                Tag::Heading { level, .. } => builder.begin(SegmentKind::Heading(level as u8)),
                Tag::BlockQuote(_) => {
                    builder.end();
                    containers.push(Container::Quote);
                }
                Tag::Item => {
                    containers.push(Container::Item);
                    builder.begin(SegmentKind::ListItem);
                }
                Tag::TableCell => {
                    containers.push(Container::Cell);
                    builder.begin(SegmentKind::TableCell);
                }
                Tag::Link { link_type, .. } => {
                    links.push(matches!(link_type, LinkType::Autolink | LinkType::Email));
                }
                Tag::Image { .. } => {
                    image_resume.push(builder.current_kind().unwrap_or(block_kind(&containers)));
                    builder.begin(SegmentKind::Alt);
                }
                Tag::FootnoteDefinition(_) => builder.end(),
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::MetadataBlock(_) => {
                    skip = skip.saturating_sub(1);
                }
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::FootnoteDefinition => {
                    builder.end()
                }
                TagEnd::BlockQuote(_) => {
                    builder.end();
                    containers.pop();
                }
                TagEnd::Item | TagEnd::TableCell => {
                    builder.end();
                    containers.pop();
                }
                TagEnd::Link => {
                    links.pop();
                }
                TagEnd::Image => {
                    let resume = image_resume.pop().unwrap_or(SegmentKind::Paragraph);
                    builder.begin(resume);
                }
                _ => {}
            },
            Event::Text(t) => {
                if skip > 0 || links.last().copied().unwrap_or(false) {
                    continue;
                }
                if text.get(range.clone()) == Some(&*t) {
                    builder.push_source(range);
                } else {
                    builder.push_replacement(&t, range);
                }
            }
            Event::InlineHtml(_) => {
                builder.comment(range.clone());
                if skip == 0 {
                    builder.push_break(range);
                }
            }
            Event::Code(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::FootnoteReference(_)
            | Event::SoftBreak
            | Event::HardBreak => {
                if skip == 0 {
                    builder.push_break(range);
                }
            }
            // Comments are raw HTML to the Markdown parser (and anything
            // that looks like one inside code is text).
            Event::Html(_) => builder.comment(range),
            Event::Rule | Event::TaskListMarker(_) => {}
        }
    }
    builder.end();
}

#[cfg(test)]
mod tests {
    use crate::document::{Document, Format, SegmentKind};
    use crate::source::SourceFile;

    fn doc(text: &str) -> (SourceFile, Document) {
        let file = SourceFile::new("t.md", text);
        let doc = Document::parse(&file, Format::Markdown);
        (file, doc)
    }

    #[test]
    fn prose_blocks_and_skips() {
        let text = "---\ntitle: Best treatment\n---\n\n# Ketamine *really* works\n\nIt is the **best\ntreatment** [ever](https://x.org/best-treatment).\n\n```\nbest treatment\n```\n\n- item `code` one\n- item two\n\n> quoted text\n\n| a | b |\n|---|---|\n| cell one | cell two |\n\n![alt words](img.png) after\n";
        let (file, doc) = doc(text);
        let got: Vec<(SegmentKind, &str)> = doc
            .segments
            .iter()
            .map(|s| (s.kind, s.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (SegmentKind::Title, "Best treatment"),
                (SegmentKind::Heading(1), "Ketamine really works"),
                (SegmentKind::Paragraph, "It is the best treatment ever."),
                (SegmentKind::ListItem, "item one"),
                (SegmentKind::ListItem, "item two"),
                (SegmentKind::Quote, "quoted text"),
                (SegmentKind::TableCell, "a"),
                (SegmentKind::TableCell, "b"),
                (SegmentKind::TableCell, "cell one"),
                (SegmentKind::TableCell, "cell two"),
                (SegmentKind::Alt, "alt words"),
                (SegmentKind::Paragraph, "after"),
            ]
        );
        let para = &doc.segments[2];
        let at = para.text.find("best treatment").unwrap();
        let span = para.map.span(&(at..at + "best treatment".len()));
        assert_eq!(&file.text()[span], "best\ntreatment");
    }

    #[test]
    fn entities_map_to_their_source() {
        let (file, doc) = doc("Tom &amp; Jerry&#39;s cure\n");
        let seg = &doc.segments[0];
        assert_eq!(seg.text, "Tom & Jerry's cure");
        let at = seg.text.find("cure").unwrap();
        assert_eq!(&file.text()[seg.map.span(&(at..at + 4))], "cure");
        let amp = seg.text.find('&').unwrap();
        assert_eq!(&file.text()[seg.map.span(&(amp..amp + 1))], "&amp;");
    }

    #[test]
    fn bom_and_crlf() {
        let text = "\u{feff}# Title\r\n\r\nbest\r\ntreatment\r\n";
        let (file, doc) = doc(text);
        assert_eq!(doc.segments[0].text, "Title");
        let seg = &doc.segments[1];
        assert_eq!(seg.text, "best treatment");
        assert_eq!(&file.text()[seg.file_span()], "best\r\ntreatment");
    }
}
