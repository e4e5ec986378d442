//! From file text to prose segments.
//!
//! A [`Document`] is the prose of one file cut into [`Segment`]s (paragraphs,
//! headings, list items, table cells, alt text…). A segment's text is
//! *normalised*: every run of whitespace (line breaks included) is one space,
//! curly quotes and apostrophes are ASCII, invisible format characters are
//! gone. So a phrase matches across a line wrap, and `isn’t` matches `isn't`.
//! Each segment keeps an [`OffsetMap`] back to the file's bytes, so every
//! finding is reported at exact byte offsets of the original file.

pub mod front_matter;
pub mod html;
pub mod markdown;
pub mod mdx;
pub mod plain;
pub mod sentence;

use std::collections::BTreeMap;
use std::ops::Range;

use crate::source::SourceFile;

/// Input formats claimlint understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Plain,
    Markdown,
    /// Markdown with JSX, `import`/`export` and `{expressions}`.
    Mdx,
    Html,
}

impl Format {
    /// The format a path implies by its extension: Markdown, MDX, HTML,
    /// otherwise plain text.
    pub fn from_path(path: &str) -> Self {
        let lower = path.to_ascii_lowercase();
        let ends = |exts: &[&str]| exts.iter().any(|ext| lower.ends_with(ext));
        if ends(&[".mdx"]) {
            Format::Mdx
        } else if ends(&[".md", ".markdown", ".mdown", ".mkd"]) {
            Format::Markdown
        } else if ends(&[".html", ".htm", ".xhtml"]) {
            Format::Html
        } else {
            Format::Plain
        }
    }
}

/// Format-specific parsing options (filled from the command line, and from
/// the configuration file once it exists).
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    pub html: html::HtmlOptions,
}

/// What kind of block a segment comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SegmentKind {
    /// The document title (first heading-like line of a plain-text file).
    Title,
    Heading(u8),
    Paragraph,
    ListItem,
    Quote,
    TableCell,
    /// Image alternative text.
    Alt,
}

impl SegmentKind {
    pub fn is_heading(self) -> bool {
        matches!(self, SegmentKind::Title | SegmentKind::Heading(_))
    }

    /// The name used by a rule's `scope:` list.
    pub fn scope_name(self) -> &'static str {
        match self {
            SegmentKind::Title | SegmentKind::Heading(_) => "heading",
            SegmentKind::Paragraph => "paragraph",
            SegmentKind::ListItem => "list",
            SegmentKind::Quote => "quote",
            SegmentKind::TableCell => "table",
            SegmentKind::Alt => "alt",
        }
    }
}

/// One run of the offset map: `seg_len` bytes of segment text starting at
/// `seg` stand for `file_len` bytes of the file starting at `file`. When the
/// lengths are equal the run is an identity copy (byte `seg + k` is file byte
/// `file + k`); otherwise it is a replacement and maps as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    seg: usize,
    file: usize,
    seg_len: usize,
    file_len: usize,
    identity: bool,
}

/// Piecewise map from segment offsets to file offsets.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    runs: Vec<Run>,
}

impl OffsetMap {
    fn run_index_for_start(&self, offset: usize) -> Option<usize> {
        if self.runs.is_empty() {
            return None;
        }
        let i = self.runs.partition_point(|r| r.seg <= offset);
        Some(i.saturating_sub(1))
    }

    /// File offset of segment offset `offset`, taken as the start of a span.
    pub fn start(&self, offset: usize) -> usize {
        let Some(i) = self.run_index_for_start(offset) else {
            return 0;
        };
        let run = self.runs[i];
        if offset >= run.seg + run.seg_len {
            return run.file + run.file_len;
        }
        if run.identity {
            run.file + (offset - run.seg)
        } else {
            run.file
        }
    }

    /// File offset of segment offset `offset`, taken as the (exclusive) end of
    /// a span.
    pub fn end(&self, offset: usize) -> usize {
        if self.runs.is_empty() {
            return 0;
        }
        if offset == 0 {
            return self.runs[0].file;
        }
        let i = self
            .runs
            .partition_point(|r| r.seg < offset)
            .saturating_sub(1);
        let run = self.runs[i];
        if offset >= run.seg + run.seg_len {
            return run.file + run.file_len;
        }
        if run.identity {
            run.file + (offset - run.seg)
        } else {
            run.file + run.file_len
        }
    }

    /// A map sending every offset of a `len`-byte text to the whole of
    /// `file` (text that stands for a span as a whole, such as a question
    /// read together with its one-word answer).
    pub fn whole(len: usize, file: Range<usize>) -> Self {
        Self {
            runs: vec![Run {
                seg: 0,
                file: file.start,
                seg_len: len,
                file_len: file.len(),
                identity: false,
            }],
        }
    }

    /// File byte range of a segment range.
    pub fn span(&self, range: &Range<usize>) -> Range<usize> {
        let start = self.start(range.start);
        if range.is_empty() {
            return start..start;
        }
        let end = self.end(range.end);
        start..end.max(start)
    }
}

/// A block of prose with its normalised text.
#[derive(Debug, Clone)]
pub struct Segment {
    pub kind: SegmentKind,
    /// Normalised text (see the module docs).
    pub text: String,
    pub map: OffsetMap,
    /// Index of the section (heading to next heading) this segment is in.
    pub section: usize,
    /// Sentence ranges within `text`.
    pub sentences: Vec<Range<usize>>,
}

impl Segment {
    /// File byte range of the whole segment.
    pub fn file_span(&self) -> Range<usize> {
        self.map.span(&(0..self.text.len()))
    }
}

/// The prose of one file.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub segments: Vec<Segment>,
    /// For each section, the index of its heading segment (`None` for text
    /// before the first heading).
    pub sections: Vec<Option<usize>>,
    /// Metadata about the post, for transparency rules: the scalar fields
    /// of Markdown/MDX front matter (`author`, `date`, `reviewed_by`,
    /// `title`…; keys lower-cased, lists joined with `, `, nested tables
    /// flattened as `parent.key`), or an HTML page's `<meta name=author>`,
    /// `<meta property=article:published_time>` (as `date`) and `<title>`.
    /// Empty for plain text.
    pub meta: BTreeMap<String, String>,
    /// Byte ranges where a suppression comment may be, found while parsing
    /// (so that suppressions need no second parse): raw HTML in Markdown,
    /// comments in HTML, `{/* … */}` expressions in MDX, `//` directive
    /// lines in plain text. In file order.
    pub comments: Vec<Range<usize>>,
}

impl Document {
    /// Parses `source` in `format` with default options.
    pub fn parse(source: &SourceFile, format: Format) -> Self {
        Self::parse_with(source, format, &ParseOptions::default())
    }

    /// Parses `source` in `format`.
    pub fn parse_with(source: &SourceFile, format: Format, options: &ParseOptions) -> Self {
        let text = source.text();
        let mut builder = DocumentBuilder::new(text);
        match format {
            Format::Plain => plain::parse(text, &mut builder),
            Format::Markdown => {
                let body = front_matter::parse(text, &mut builder);
                markdown::parse_from(text, body, &mut builder);
            }
            Format::Mdx => {
                let body = front_matter::parse(text, &mut builder);
                mdx::parse_from(text, body, &mut builder);
            }
            Format::Html => html::parse(text, &options.html, &mut builder),
        }
        builder.finish()
    }

    /// A metadata value (see [`Document::meta`]); `key` is matched
    /// case-insensitively.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta.get(&key.to_ascii_lowercase()).map(String::as_str)
    }
}

/// Accumulates segments while a parser walks the file.
pub struct DocumentBuilder<'a> {
    source: &'a str,
    segments: Vec<Segment>,
    sections: Vec<Option<usize>>,
    current: Option<SegmentBuilder>,
    meta: BTreeMap<String, String>,
    comments: Vec<Range<usize>>,
}

impl<'a> DocumentBuilder<'a> {
    pub fn new(source: &'a str) -> Self {
        Self {
            source,
            segments: Vec::new(),
            sections: vec![None],
            current: None,
            meta: BTreeMap::new(),
            comments: Vec::new(),
        }
    }

    /// Records where a comment is (see [`Document::comments`]); a range
    /// that starts where the last one ends extends it.
    pub fn comment(&mut self, range: Range<usize>) {
        match self.comments.last_mut() {
            Some(last) if last.end == range.start => last.end = range.end,
            _ => self.comments.push(range),
        }
    }

    /// Records a metadata field (see [`Document::meta`]); the first value
    /// of a key wins.
    pub fn set_meta(&mut self, key: &str, value: &str) {
        let value = value.trim();
        if !value.is_empty() {
            self.meta
                .entry(key.to_ascii_lowercase())
                .or_insert_with(|| value.to_string());
        }
    }

    /// Starts a new segment of `kind`, closing any open one.
    pub fn begin(&mut self, kind: SegmentKind) {
        self.end();
        self.current = Some(SegmentBuilder::new(kind));
    }

    /// Kind of the open segment, if any.
    pub fn current_kind(&self) -> Option<SegmentKind> {
        self.current.as_ref().map(|c| c.kind)
    }

    /// Appends file text `range` (normalised) to the open segment, opening a
    /// paragraph if none is open.
    pub fn push_source(&mut self, range: Range<usize>) {
        let source = self.source;
        self.open().push_source(source, range);
    }

    /// Appends `text` standing for file bytes `range` (decoded entities,
    /// escapes) to the open segment.
    pub fn push_replacement(&mut self, text: &str, range: Range<usize>) {
        self.open().push_replacement(text, range);
    }

    /// Appends a word break standing for file bytes `range`.
    pub fn push_break(&mut self, range: Range<usize>) {
        self.open().push_space(range);
    }

    fn open(&mut self) -> &mut SegmentBuilder {
        self.current
            .get_or_insert_with(|| SegmentBuilder::new(SegmentKind::Paragraph))
    }

    /// Closes the open segment; empty segments are dropped.
    pub fn end(&mut self) {
        let Some(builder) = self.current.take() else {
            return;
        };
        let kind = builder.kind;
        let (text, map) = builder.finish();
        if text.is_empty() {
            return;
        }
        if kind.is_heading() {
            self.sections.push(Some(self.segments.len()));
        }
        let sentences = sentence::split(&text);
        self.segments.push(Segment {
            kind,
            text,
            map,
            section: self.sections.len() - 1,
            sentences,
        });
    }

    pub fn finish(mut self) -> Document {
        self.end();
        Document {
            segments: self.segments,
            sections: self.sections,
            meta: self.meta,
            comments: self.comments,
        }
    }
}

/// Builds one segment's normalised text and offset map.
struct SegmentBuilder {
    kind: SegmentKind,
    text: String,
    runs: Vec<Run>,
    /// The text ends in a collapsible space (or is empty).
    pending_space: Option<Range<usize>>,
}

/// How a source character is normalised.
enum Norm {
    Keep,
    Space,
    Drop,
    Ascii(char),
}

fn normalise(c: char) -> Norm {
    match c {
        '\u{200b}' => Norm::Space,
        '\u{00ad}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' => Norm::Drop,
        c if c.is_whitespace() => Norm::Space,
        '\u{2018}' | '\u{2019}' | '\u{201b}' | '\u{2032}' => Norm::Ascii('\''),
        '\u{201c}' | '\u{201d}' | '\u{201f}' | '\u{2033}' => Norm::Ascii('"'),
        '\u{2010}' | '\u{2011}' => Norm::Ascii('-'),
        _ => Norm::Keep,
    }
}

/// How the character at byte `i` of `text` (a char boundary) is normalised,
/// and its length; ASCII without decoding.
#[inline]
fn norm_at(text: &str, i: usize) -> (Norm, usize) {
    let b = text.as_bytes()[i];
    if b.is_ascii() {
        let norm = if b == b' ' || (b'\t'..=b'\r').contains(&b) {
            Norm::Space
        } else {
            Norm::Keep
        };
        return (norm, 1);
    }
    let c = text[i..].chars().next().unwrap_or(' ');
    (normalise(c), c.len_utf8())
}

impl SegmentBuilder {
    fn new(kind: SegmentKind) -> Self {
        Self {
            kind,
            text: String::new(),
            runs: Vec::new(),
            pending_space: None,
        }
    }

    fn flush_space(&mut self) {
        if let Some(range) = self.pending_space.take()
            && !self.text.is_empty()
        {
            self.add_run(" ", range, false);
        }
    }

    fn add_run(&mut self, text: &str, file: Range<usize>, identity: bool) {
        let seg = self.text.len();
        self.text.push_str(text);
        if let Some(last) = self.runs.last_mut()
            && identity
            && last.identity
            && last.seg + last.seg_len == seg
            && last.file + last.file_len == file.start
        {
            last.seg_len += text.len();
            last.file_len += file.len();
            return;
        }
        self.runs.push(Run {
            seg,
            file: file.start,
            seg_len: text.len(),
            file_len: file.len(),
            identity,
        });
    }

    fn push_space(&mut self, range: Range<usize>) {
        match &mut self.pending_space {
            Some(pending) if pending.end <= range.start => pending.end = range.end,
            Some(_) => {}
            None => self.pending_space = Some(range),
        }
    }

    fn push_source(&mut self, source: &str, range: Range<usize>) {
        let slice = &source[range.clone()];
        let bytes = slice.as_bytes();
        self.text.reserve(slice.len());
        let mut copy_from: Option<usize> = None; // start of a pending identity copy (relative)
        let mut i = 0;
        while i < bytes.len() {
            let (norm, len) = norm_at(slice, i);
            if matches!(norm, Norm::Keep) {
                if copy_from.is_none() {
                    self.flush_space();
                    copy_from = Some(i);
                }
                i += len;
                // Printable ASCII, and single spaces between it, continue
                // the copy (the loop below would keep them one by one).
                while let Some(&b) = bytes.get(i) {
                    let printable = |b: u8| b > b' ' && b.is_ascii();
                    if printable(b) {
                        i += 1;
                    } else if b == b' ' && bytes.get(i + 1).is_some_and(|&n| printable(n)) {
                        i += 2;
                    } else {
                        break;
                    }
                }
                continue;
            }
            // One plain space between kept characters is already
            // normalised: it stays in the copy (the map is the same).
            if bytes[i] == b' '
                && copy_from.is_some()
                && i + 1 < bytes.len()
                && matches!(norm_at(slice, i + 1).0, Norm::Keep)
            {
                i += 1;
                continue;
            }
            if let Some(from) = copy_from.take() {
                self.add_run(&slice[from..i], range.start + from..range.start + i, true);
            }
            let at = range.start + i..range.start + i + len;
            match norm {
                Norm::Keep => unreachable!("handled above"),
                Norm::Space => self.push_space(at),
                Norm::Drop => {}
                Norm::Ascii(a) => {
                    self.flush_space();
                    let mut buf = [0u8; 4];
                    self.add_run(a.encode_utf8(&mut buf), at, false);
                }
            }
            i += len;
        }
        if let Some(from) = copy_from {
            self.add_run(&slice[from..], range.start + from..range.end, true);
        }
    }

    fn push_replacement(&mut self, text: &str, range: Range<usize>) {
        let mut normalised = String::with_capacity(text.len());
        for c in text.chars() {
            match normalise(c) {
                Norm::Keep => normalised.push(c),
                Norm::Space => normalised.push(' '),
                Norm::Drop => {}
                Norm::Ascii(a) => normalised.push(a),
            }
        }
        let trimmed = normalised.trim();
        if trimmed.is_empty() {
            self.push_space(range);
            return;
        }
        if normalised.starts_with(' ') {
            self.push_space(range.start..range.start);
        }
        self.flush_space();
        let collapsed = trimmed.split_whitespace().collect::<Vec<_>>().join(" ");
        self.add_run(&collapsed, range.clone(), false);
        if normalised.ends_with(' ') {
            self.push_space(range.end..range.end);
        }
    }

    fn finish(self) -> (String, OffsetMap) {
        (self.text, OffsetMap { runs: self.runs })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One segment of the whole of `source`.
    fn build_whole(source: &str) -> Segment {
        build(source, std::slice::from_ref(&(0..source.len())))
    }

    fn build(source: &str, ranges: &[Range<usize>]) -> Segment {
        let mut b = DocumentBuilder::new(source);
        b.begin(SegmentKind::Paragraph);
        for r in ranges {
            b.push_source(r.clone());
        }
        b.finish().segments.remove(0)
    }

    #[test]
    fn whitespace_collapses_and_maps_back() {
        let src = "the  best\r\n   treatment";
        let seg = build_whole(src);
        assert_eq!(seg.text, "the best treatment");
        let at = seg.text.find("best treatment").unwrap();
        let span = seg.map.span(&(at..at + "best treatment".len()));
        assert_eq!(&src[span], "best\r\n   treatment");
    }

    #[test]
    fn curly_apostrophe_maps_to_the_whole_character() {
        let src = "it isn’t addictive";
        let seg = build_whole(src);
        assert_eq!(seg.text, "it isn't addictive");
        let at = seg.text.find("isn't").unwrap();
        let span = seg.map.span(&(at..at + 5));
        assert_eq!(&src[span], "isn’t");
        let span = seg.map.span(&(at + 3..at + 4));
        assert_eq!(&src[span], "’");
    }

    #[test]
    fn gaps_between_pushes_are_spanned() {
        let src = "very **safe** indeed";
        let seg = build(src, &[0..5, 7..11, 13..20]);
        assert_eq!(seg.text, "very safe indeed");
        let span = seg.map.span(&(0..9));
        assert_eq!(&src[span], "very **safe");
    }

    #[test]
    fn leading_and_trailing_space_trimmed() {
        let src = "   hello   ";
        let seg = build_whole(src);
        assert_eq!(seg.text, "hello");
        assert_eq!(seg.file_span(), 3..8);
    }
}
