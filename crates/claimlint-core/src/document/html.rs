//! HTML pages: the prose of the article, at exact byte offsets.
//!
//! A small tokenizer (tags, attributes, comments, raw-text elements,
//! character references) walks the file once; no tree is built and nothing
//! panics on malformed markup (an unclosed tag is text, an unclosed element
//! runs to the end of the file, a stray end tag is ignored). Character
//! references (`&amp;`, `&#8217;`, `&rsquo;`) are decoded with `htmlize`
//! and map back to the whole reference.
//!
//! - Block elements (`p`, `div`, `li`, `h1`–`h6`, `td`, `blockquote`…)
//!   start segments; `h1`–`h6` are headings, `<title>` is the document
//!   title, `li`/`dd`/`dt` list items, `td`/`th` table cells, `blockquote`
//!   quotes.
//! - `alt` and `title` attributes are their own [`SegmentKind::Alt`]
//!   segments; `<meta name="description">` is a paragraph.
//! - Skipped: `script`, `style`, `code`, `pre`, `template`, `noscript`,
//!   `textarea`, `select`, `button`, `svg`, `math`, `iframe`, `object`,
//!   `canvas`, `kbd`, `samp`, comments; and page chrome: `<nav>`, anything
//!   with a landmark or dialog role that is not the article
//!   (`navigation`, `banner`, `contentinfo`, `search`, `dialog`,
//!   `alertdialog`, `menu`, `menubar`, `toolbar`), hidden elements
//!   (`hidden`, `aria-hidden="true"`), cookie banners (`id` or `class`
//!   containing `cookie`), WordPress theme chrome ([`WORDPRESS_CHROME`]),
//!   and `<header>`, `<footer>`, `<aside>` (and `role="complementary"`)
//!   *outside* `<article>`/`<main>` — inside the article they are its
//!   byline, closing disclaimer or call-outs, which are linted.
//! - [`HtmlOptions::skip`] names more elements to skip (`--html-skip`).

use crate::error::SelectorError;
use std::collections::HashMap;
use std::ops::Range;
use std::str::FromStr;

use super::{DocumentBuilder, SegmentKind};

/// Options for HTML input.
#[derive(Debug, Clone, Default)]
pub struct HtmlOptions {
    /// Elements to skip (with their content), in addition to the built-in
    /// chrome rules.
    pub skip: Vec<Selector>,
}

impl HtmlOptions {
    /// Options skipping `selectors` (each may be a comma-separated list).
    pub fn with_skip<S: AsRef<str>>(selectors: &[S]) -> Result<Self, SelectorError> {
        let mut skip = Vec::new();
        for s in selectors {
            skip.extend(Selector::parse_list(s.as_ref())?);
        }
        Ok(Self { skip })
    }
}

/// Classes and ids WordPress themes and plugins use for chrome around a
/// post: skip links, screen-reader labels, comments, widget sidebars,
/// sharing buttons, related posts, post navigation.
pub const WORDPRESS_CHROME: &[&str] = &[
    ".screen-reader-text",
    ".skip-link",
    "#comments",
    ".comments-area",
    ".widget-area",
    ".sharedaddy",
    ".jp-relatedposts",
    ".post-navigation",
    ".site-header",
    ".site-footer",
];

const BUILTIN_SKIP: &[&str] = &[
    "[role=navigation]",
    "[role=banner]",
    "[role=contentinfo]",
    "[role=search]",
    "[role=dialog]",
    "[role=alertdialog]",
    "[role=menu]",
    "[role=menubar]",
    "[role=toolbar]",
    "[hidden]",
    "[aria-hidden=true]",
    "[id*=cookie]",
    "[class*=cookie]",
];

const SKIPPED_TAGS: &[&str] = &[
    "script", "style", "code", "pre", "template", "noscript", "textarea", "select", "button",
    "svg", "math", "iframe", "object", "canvas", "kbd", "samp", "nav",
];

/// Page chrome when outside `<article>`/`<main>`.
const CHROME_TAGS: &[&str] = &["header", "footer", "aside"];

/// Elements whose content is raw text (no tags inside).
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
];

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "menu",
    "ol",
    "option",
    "p",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "ul",
];

/// Elements closed by a new sibling of the same name (`<li>a<li>b`).
const SELF_SIBLING: &[&str] = &["li", "dt", "dd", "td", "th", "tr", "option", "p"];

/// How an attribute selector compares.
#[derive(Debug, Clone, PartialEq, Eq)]
enum AttrOp {
    Exists,
    Equals(String),
    /// `~=`: one of the whitespace-separated words.
    Word(String),
    /// `*=`
    Contains(String),
    /// `^=`
    Prefix(String),
    /// `$=`
    Suffix(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Class(String),
    Id(String),
    Attr(String, AttrOp),
}

/// A compound CSS selector naming one element: an optional tag, then any of
/// `.class`, `#id`, `[attr]`, `[attr=value]` (also `~=`, `*=`, `^=`, `$=`).
/// Tag and attribute names are case-insensitive; values compare as written
/// (ASCII case-insensitively). Combinators are not supported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    tag: Option<String>,
    parts: Vec<Part>,
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_' || !c.is_ascii()
}

impl Selector {
    /// Parses a comma-separated list of selectors.
    pub fn parse_list(s: &str) -> Result<Vec<Selector>, SelectorError> {
        s.split(',').map(|part| part.trim().parse()).collect()
    }

    fn matches(&self, tag: &StartTag<'_>) -> bool {
        if let Some(name) = &self.tag
            && name != "*"
            && *name != tag.name
        {
            return false;
        }
        self.parts.iter().all(|part| match part {
            Part::Class(c) => tag
                .attr("class")
                .is_some_and(|v| v.split_ascii_whitespace().any(|w| w == c)),
            Part::Id(id) => tag.attr("id").is_some_and(|v| v == id),
            Part::Attr(name, op) => {
                let Some(v) = tag.attr(name) else {
                    return false;
                };
                let v = v.to_ascii_lowercase();
                match op {
                    AttrOp::Exists => true,
                    AttrOp::Equals(x) => v == *x,
                    AttrOp::Word(x) => v.split_ascii_whitespace().any(|w| w == x),
                    AttrOp::Contains(x) => v.contains(x.as_str()),
                    AttrOp::Prefix(x) => v.starts_with(x.as_str()),
                    AttrOp::Suffix(x) => v.ends_with(x.as_str()),
                }
            }
        })
    }
}

impl FromStr for Selector {
    type Err = SelectorError;

    fn from_str(s: &str) -> Result<Self, SelectorError> {
        let s = s.trim();
        let err = |why: &str| {
            Err(SelectorError(format!(
                "invalid selector `{s}`: {why} (use a tag, .class, #id or [attr=value], e.g. `div.cookie-banner`)"
            )))
        };
        if s.is_empty() {
            return err("it is empty");
        }
        let mut chars = s.char_indices().peekable();
        let mut tag = None;
        let ident = |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>| {
            let mut out = String::new();
            while let Some(&(_, c)) = chars.peek() {
                if !is_ident_char(c) {
                    break;
                }
                out.push(c);
                chars.next();
            }
            out
        };
        if let Some(&(_, c)) = chars.peek()
            && (is_ident_char(c) || c == '*')
        {
            if c == '*' {
                chars.next();
                tag = Some("*".to_string());
            } else {
                tag = Some(ident(&mut chars).to_ascii_lowercase());
            }
        }
        let mut parts = Vec::new();
        while let Some((_, c)) = chars.next() {
            match c {
                '.' | '#' => {
                    let name = ident(&mut chars);
                    if name.is_empty() {
                        return err(&format!("`{c}` needs a name after it"));
                    }
                    parts.push(if c == '.' {
                        Part::Class(name)
                    } else {
                        Part::Id(name)
                    });
                }
                '[' => {
                    let name = ident(&mut chars).to_ascii_lowercase();
                    if name.is_empty() {
                        return err("`[` needs an attribute name");
                    }
                    let mut op = String::new();
                    while let Some(&(_, c)) = chars.peek() {
                        if matches!(c, '~' | '*' | '^' | '$' | '=') {
                            op.push(c);
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    let mut value = String::new();
                    let mut closed = false;
                    let quote = chars
                        .peek()
                        .map(|&(_, c)| c)
                        .filter(|c| *c == '"' || *c == '\'');
                    if quote.is_some() {
                        chars.next();
                    }
                    for (_, c) in chars.by_ref() {
                        if Some(c) == quote {
                            if chars.next().map(|(_, c)| c) != Some(']') {
                                return err("a quoted value must be followed by `]`");
                            }
                            closed = true;
                            break;
                        }
                        if c == ']' && quote.is_none() {
                            closed = true;
                            break;
                        }
                        value.push(c);
                    }
                    if !closed {
                        return err("`[` is not closed");
                    }
                    let value = value.trim().to_ascii_lowercase();
                    let op = match op.as_str() {
                        "" if value.is_empty() => AttrOp::Exists,
                        "=" => AttrOp::Equals(value),
                        "~=" => AttrOp::Word(value),
                        "*=" => AttrOp::Contains(value),
                        "^=" => AttrOp::Prefix(value),
                        "$=" => AttrOp::Suffix(value),
                        _ => return err("unsupported attribute operator"),
                    };
                    parts.push(Part::Attr(name, op));
                }
                c if c.is_whitespace() || matches!(c, '>' | '+' | '~') => {
                    return err("combinators are not supported; name one element");
                }
                _ => return err(&format!("unexpected `{c}`")),
            }
        }
        Ok(Selector { tag, parts })
    }
}

/// A start tag as written.
struct StartTag<'t> {
    text: &'t str,
    name: String,
    /// `(lower-case name, value range)`.
    attrs: Vec<(String, Option<Range<usize>>)>,
    self_closing: bool,
    range: Range<usize>,
}

impl StartTag<'_> {
    /// An attribute's raw value (`""` for a bare attribute).
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_ref().map_or("", |r| &self.text[r.clone()]))
    }

    fn attr_range(&self, name: &str) -> Option<Range<usize>> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.clone())
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Parses a start tag at `lt` (`<` followed by a letter). `None` if the tag
/// is never closed (then the `<` is text).
fn parse_start_tag(text: &str, lt: usize) -> Option<StartTag<'_>> {
    let b = text.as_bytes();
    let mut i = lt + 1;
    while i < b.len() && !is_space(b[i]) && b[i] != b'/' && b[i] != b'>' {
        i += 1;
    }
    let name = text[lt + 1..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut self_closing = false;
    loop {
        while i < b.len() && (is_space(b[i]) || b[i] == b'/') {
            self_closing = b[i] == b'/' && b.get(i + 1) == Some(&b'>');
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        if b[i] == b'>' {
            i += 1;
            break;
        }
        self_closing = false;
        let name_start = i;
        i += 1; // an attribute name has at least one character (even `=`)
        while i < b.len() && !is_space(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let attr_name = text[name_start..i].to_ascii_lowercase();
        let mut j = i;
        while j < b.len() && is_space(b[j]) {
            j += 1;
        }
        let mut value = None;
        if j < b.len() && b[j] == b'=' {
            j += 1;
            while j < b.len() && is_space(b[j]) {
                j += 1;
            }
            if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                let q = b[j];
                let close = j + 1 + b[j + 1..].iter().position(|&c| c == q)?;
                value = Some(j + 1..close);
                i = close + 1;
            } else {
                let start = j;
                while j < b.len() && !is_space(b[j]) && b[j] != b'>' {
                    j += 1;
                }
                value = Some(start..j);
                i = j;
            }
        }
        if !attrs.iter().any(|(n, _)| *n == attr_name) {
            attrs.push((attr_name, value));
        }
    }
    Some(StartTag {
        text,
        name,
        attrs,
        self_closing,
        range: lt..i,
    })
}

/// Offset of `</name` (ASCII case-insensitive, followed by a space, `/`,
/// `>` or the end) at or after `from`.
fn find_end_tag(text: &str, from: usize, name: &str) -> Option<usize> {
    let b = text.as_bytes();
    let n = name.len();
    let mut at = from;
    while let Some(i) = text[at..].find("</") {
        let lt = at + i;
        let name_end = lt + 2 + n;
        if name_end <= b.len()
            && b[lt + 2..name_end].eq_ignore_ascii_case(name.as_bytes())
            && (name_end == b.len() || is_space(b[name_end]) || matches!(b[name_end], b'/' | b'>'))
        {
            return Some(lt);
        }
        at = lt + 2;
    }
    None
}

/// The character reference starting at `amp`, if it is one: its end and
/// decoded text.
fn reference_at(text: &str, amp: usize, limit: usize) -> Option<(usize, String)> {
    let b = text.as_bytes();
    let mut i = amp + 1;
    if i < limit && b[i] == b'#' {
        i += 1;
        let hex = i < limit && (b[i] == b'x' || b[i] == b'X');
        if hex {
            i += 1;
        }
        let digits = i;
        while i < limit
            && i - digits < 16
            && (if hex {
                b[i].is_ascii_hexdigit()
            } else {
                b[i].is_ascii_digit()
            })
        {
            i += 1;
        }
        if i == digits {
            return None;
        }
    } else {
        let name = i;
        while i < limit && i - name < 40 && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i == name {
            return None;
        }
    }
    if i < limit && b[i] == b';' {
        i += 1;
    }
    let raw = &text[amp..i];
    let decoded = htmlize::unescape(raw);
    (decoded != raw).then(|| (i, decoded.into_owned()))
}

/// Pushes HTML text (with character references) in `range`.
fn push_text(text: &str, range: Range<usize>, builder: &mut DocumentBuilder<'_>) {
    let mut run = range.start;
    let mut i = range.start;
    while let Some(off) = text[i..range.end].find('&') {
        let amp = i + off;
        match reference_at(text, amp, range.end) {
            Some((end, decoded)) => {
                if run < amp {
                    builder.push_source(run..amp);
                }
                builder.push_replacement(&decoded, amp..end);
                i = end;
                run = end;
            }
            None => i = amp + 1,
        }
    }
    if run < range.end {
        builder.push_source(run..range.end);
    }
}

fn heading_level(name: &str) -> Option<u8> {
    match name.as_bytes() {
        [b'h', d @ b'1'..=b'6'] => Some(d - b'0'),
        _ => None,
    }
}

struct Open {
    name: String,
    /// This element (and so its content) is skipped.
    skip: bool,
    /// `article`, `main` or `role=main|article`: chrome tags inside are
    /// the article's own.
    article: bool,
    /// Kind of the segments of text inside (from the nearest heading, list
    /// item, cell or quote).
    kind: SegmentKind,
}

struct Walker<'t, 'b, 'o> {
    text: &'t str,
    builder: &'b mut DocumentBuilder<'t>,
    stack: Vec<Open>,
    skip: Vec<Selector>,
    options: &'o HtmlOptions,
    /// End of the content of a raw-text element just opened.
    raw_until: Option<usize>,
    // Counts over `stack`, so that each step is O(1) however deep the
    // nesting (unclosed elements pile up in bad markup).
    skip_depth: usize,
    article_depth: usize,
    open_counts: HashMap<String, usize>,
}

impl<'t> Walker<'t, '_, '_> {
    fn skipping(&self) -> bool {
        self.skip_depth > 0
    }

    fn in_article(&self) -> bool {
        self.article_depth > 0
    }

    fn kind(&self) -> SegmentKind {
        self.stack.last().map_or(SegmentKind::Paragraph, |o| o.kind)
    }

    fn push_open(&mut self, open: Open) {
        self.skip_depth += usize::from(open.skip);
        self.article_depth += usize::from(open.article);
        *self.open_counts.entry(open.name.clone()).or_default() += 1;
        self.stack.push(open);
    }

    fn pop_open(&mut self) -> Option<Open> {
        let open = self.stack.pop()?;
        self.skip_depth -= usize::from(open.skip);
        self.article_depth -= usize::from(open.article);
        if let Some(n) = self.open_counts.get_mut(&open.name) {
            *n = n.saturating_sub(1);
        }
        Some(open)
    }

    fn text(&mut self, range: Range<usize>) {
        if range.is_empty() || self.skipping() {
            return;
        }
        if self.text[range.clone()].bytes().all(is_space) {
            if self.builder.current_kind().is_some() {
                self.builder.push_break(range);
            }
            return;
        }
        if self.builder.current_kind().is_none() {
            self.builder.begin(self.kind());
        }
        push_text(self.text, range, self.builder);
    }

    /// Lints an attribute value as its own segment of `kind`.
    fn attribute(&mut self, range: Range<usize>, kind: SegmentKind) {
        if self.text[range.clone()].trim().is_empty() {
            return;
        }
        let resume = self.builder.current_kind();
        self.builder.begin(kind);
        push_text(self.text, range, self.builder);
        self.builder.end();
        if let Some(kind) = resume {
            self.builder.begin(kind);
        }
    }

    fn is_skipped(&self, tag: &StartTag<'_>) -> bool {
        if SKIPPED_TAGS.contains(&tag.name.as_str()) {
            return true;
        }
        let complementary = tag.attr("role").is_some_and(|r| r == "complementary");
        if (CHROME_TAGS.contains(&tag.name.as_str()) || complementary) && !self.in_article() {
            return true;
        }
        if tag
            .attr("style")
            .is_some_and(|s| s.replace(' ', "").contains("display:none"))
        {
            return true;
        }
        self.skip.iter().any(|s| s.matches(tag)) || self.options.skip.iter().any(|s| s.matches(tag))
    }

    fn meta(&mut self, tag: &StartTag<'_>) {
        let key = tag
            .attr("name")
            .or_else(|| tag.attr("property"))
            .unwrap_or("")
            .to_ascii_lowercase();
        let Some(content) = tag.attr_range("content") else {
            return;
        };
        let value = htmlize::unescape(&self.text[content.clone()]).into_owned();
        match key.as_str() {
            "description" => {
                self.builder.end();
                self.attribute(content, SegmentKind::Paragraph);
                self.builder.set_meta("description", &value);
            }
            "author" | "article:author" => self.builder.set_meta("author", &value),
            "article:published_time" | "date" | "dc.date" => self.builder.set_meta("date", &value),
            "article:modified_time" => self.builder.set_meta("modified", &value),
            "reviewed_by" | "reviewed-by" | "reviewedby" => {
                self.builder.set_meta("reviewed_by", &value)
            }
            _ => {}
        }
    }

    fn start_tag(&mut self, tag: StartTag<'t>) {
        let name = tag.name.as_str();
        // `<li>a<li>b` closes the first item; a block closes an open `<p>`.
        let top = self.stack.last().map(|o| o.name.as_str());
        let same_sibling = SELF_SIBLING.contains(&name) && top == Some(name);
        let closes_p = BLOCKS.contains(&name)
            && top == Some("p")
            && !matches!(name, "li" | "td" | "th" | "tr" | "dd" | "dt" | "option");
        if same_sibling || closes_p {
            self.close_top();
        }
        let outer_skip = self.skipping();
        let skip = !outer_skip && self.is_skipped(&tag);
        let void = VOID.contains(&name) || tag.self_closing;
        if !outer_skip {
            if BLOCKS.contains(&name) || skip && !void {
                if BLOCKS.contains(&name) {
                    self.builder.end();
                } else if self.builder.current_kind().is_some() {
                    self.builder.push_break(tag.range.clone());
                }
            }
            if name == "br" && self.builder.current_kind().is_some() {
                self.builder.push_break(tag.range.clone());
            }
            if !skip {
                if name == "meta" {
                    self.meta(&tag);
                }
                if name == "img"
                    && let Some(alt) = tag.attr_range("alt")
                {
                    self.attribute(alt, SegmentKind::Alt);
                }
                if let Some(title) = tag.attr_range("title") {
                    self.attribute(title, SegmentKind::Alt);
                }
            }
        }
        if void {
            return;
        }
        let role = tag.attr("role").unwrap_or("");
        let kind = match name {
            "li" | "dd" | "dt" => SegmentKind::ListItem,
            "td" | "th" => SegmentKind::TableCell,
            "blockquote" => SegmentKind::Quote,
            "title" => SegmentKind::Title,
            name => heading_level(name).map_or_else(|| self.kind(), SegmentKind::Heading),
        };
        self.push_open(Open {
            name: tag.name.clone(),
            skip,
            article: matches!(name, "article" | "main") || matches!(role, "main" | "article"),
            kind,
        });
        if RAW_TEXT.contains(&name) {
            let content_start = tag.range.end;
            let content_end =
                find_end_tag(self.text, content_start, name).unwrap_or(self.text.len());
            if name == "title" && !self.skipping() {
                self.builder.begin(SegmentKind::Title);
                push_text(self.text, content_start..content_end, self.builder);
                let title = htmlize::unescape(&self.text[content_start..content_end]).into_owned();
                self.builder.set_meta(
                    "title",
                    &title.split_whitespace().collect::<Vec<_>>().join(" "),
                );
                self.builder.end();
            }
            self.raw_until = Some(content_end);
        }
    }

    fn close_top(&mut self) {
        if let Some(open) = self.pop_open()
            && !self.skipping()
            && BLOCKS.contains(&open.name.as_str())
        {
            self.builder.end();
        }
    }

    fn end_tag(&mut self, name: &str, range: Range<usize>) {
        if name == "br" {
            if !self.skipping() && self.builder.current_kind().is_some() {
                self.builder.push_break(range);
            }
            return;
        }
        // Only searched when such an element is open: the search then costs
        // no more than the elements it closes.
        let open_here = self.open_counts.get(name).is_some_and(|&n| n > 0);
        let Some(index) = open_here
            .then(|| self.stack.iter().rposition(|o| o.name == name))
            .flatten()
        else {
            if name == "p" && !self.skipping() {
                self.builder.end();
            }
            return;
        };
        while self.stack.len() > index {
            let was_skipping = self.skipping();
            let Some(open) = self.pop_open() else {
                break;
            };
            if was_skipping {
                if open.skip
                    && !self.skipping()
                    && !BLOCKS.contains(&open.name.as_str())
                    && self.builder.current_kind().is_some()
                {
                    self.builder.push_break(range.clone());
                }
            } else if BLOCKS.contains(&open.name.as_str()) {
                self.builder.end();
            }
        }
    }
}

/// Parses HTML `text` into `builder`.
pub fn parse<'t>(text: &'t str, options: &HtmlOptions, builder: &mut DocumentBuilder<'t>) {
    let skip = BUILTIN_SKIP
        .iter()
        .chain(WORDPRESS_CHROME)
        .filter_map(|s| s.parse().ok())
        .collect();
    let mut w = Walker {
        text,
        builder,
        stack: Vec::new(),
        skip,
        options,
        raw_until: None,
        skip_depth: 0,
        article_depth: 0,
        open_counts: HashMap::new(),
    };
    let b = text.as_bytes();
    let mut pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut text_start = pos;
    let mut unterminated = false;
    while pos < b.len() {
        if b[pos] != b'<' {
            pos += 1;
            continue;
        }
        let next = b.get(pos + 1).copied().unwrap_or(0);
        let after = if text[pos..].starts_with("<!--") {
            let end = text[pos + 2..]
                .find("-->")
                .map_or(b.len(), |i| pos + 2 + i + 3);
            w.builder.comment(pos..end);
            Some(end)
        } else if text[pos..].starts_with("<![CDATA[") {
            Some(text[pos..].find("]]>").map_or(b.len(), |i| pos + i + 3))
        } else if next == b'!' || next == b'?' {
            Some(text[pos..].find('>').map_or(b.len(), |i| pos + i + 1))
        } else if next == b'/' && b.get(pos + 2).is_some_and(u8::is_ascii_alphabetic) {
            let close = text[pos..].find('>').map_or(b.len(), |i| pos + i + 1);
            let name_end = (pos + 2..close)
                .find(|&i| is_space(b[i]) || b[i] == b'>' || b[i] == b'/')
                .unwrap_or(close);
            w.text(text_start..pos);
            let name = text[pos + 2..name_end].to_ascii_lowercase();
            w.end_tag(&name, pos..close);
            text_start = close;
            pos = close;
            continue;
        } else if next.is_ascii_alphabetic() && !unterminated {
            match parse_start_tag(text, pos) {
                Some(tag) => {
                    w.text(text_start..pos);
                    let end = tag.range.end;
                    w.start_tag(tag);
                    pos = w.raw_until.take().unwrap_or(end);
                    text_start = pos;
                    continue;
                }
                None => {
                    // No `>` (or no closing quote) up to the end of the
                    // file: no later `<` can start a tag either, so the
                    // rest is text (and this stays linear).
                    unterminated = true;
                    None
                }
            }
        } else {
            None
        };
        match after {
            Some(end) => {
                w.text(text_start..pos);
                pos = end;
                text_start = end;
            }
            None => pos += 1,
        }
    }
    w.text(text_start..b.len());
    w.builder.end();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, Format, ParseOptions};
    use crate::source::SourceFile;

    fn segments(text: &str, options: &HtmlOptions) -> Vec<(SegmentKind, String, String)> {
        let file = SourceFile::new("t.html", text);
        let doc = Document::parse_with(
            &file,
            Format::Html,
            &ParseOptions {
                html: options.clone(),
            },
        );
        doc.segments
            .iter()
            .map(|s| (s.kind, s.text.clone(), text[s.file_span()].to_string()))
            .collect()
    }

    fn texts(text: &str) -> Vec<(SegmentKind, String)> {
        segments(text, &HtmlOptions::default())
            .into_iter()
            .map(|(k, t, _)| (k, t))
            .collect()
    }

    #[test]
    fn blocks_headings_attributes_and_skips() {
        let html = "<!DOCTYPE html><html><head><title>Ketamine &amp; you</title>\
<meta name=\"description\" content=\"The best treatment\"><meta name=author content=\"Dr. Roe\">\
<style>p { color: red }</style><script>var best = '<p>cures</p>';</script></head>\
<body><nav><a href=/>Home of the miracle cure</a></nav>\
<main><h1>It <em>really</em> works</h1><p>First <b>para</b>.<!-- a comment --> Still<br>here.</p>\
<ul><li>one<li>two</ul><blockquote><p>quoted</p></blockquote><table><tr><td>cell</td></tr></table>\
<p>See <img src=a.png alt=\"alt words\"> and <abbr title=\"a title\">ECT</abbr> <code>code</code> after.</p>\
<pre>pre text</pre><template><p>tpl</p></template></main><footer>Site footer</footer></body></html>";
        let got = texts(html);
        use SegmentKind::*;
        let want: Vec<(SegmentKind, &str)> = vec![
            (Title, "Ketamine & you"),
            (Paragraph, "The best treatment"),
            (Heading(1), "It really works"),
            (Paragraph, "First para. Still here."),
            (ListItem, "one"),
            (ListItem, "two"),
            (Quote, "quoted"),
            (TableCell, "cell"),
            (Paragraph, "See"),
            (Alt, "alt words"),
            (Paragraph, "and"),
            (Alt, "a title"),
            (Paragraph, "ECT after."),
        ];
        let want: Vec<(SegmentKind, String)> =
            want.into_iter().map(|(k, t)| (k, t.to_string())).collect();
        assert_eq!(got, want);
        let file = SourceFile::new("t.html", html);
        let doc = Document::parse(&file, Format::Html);
        assert_eq!(doc.meta("author"), Some("Dr. Roe"));
        assert_eq!(doc.meta("title"), Some("Ketamine & you"));
    }

    #[test]
    fn entities_map_to_the_whole_reference() {
        let html = "<p>It isn&rsquo;t&nbsp;addictive &#8212; AT&T &amp c&#x27;est&bogus; x</p>";
        let got = segments(html, &HtmlOptions::default());
        assert_eq!(
            got[0].1,
            "It isn't addictive \u{2014} AT&T & c'est&bogus; x"
        );
        let file = SourceFile::new("t.html", html);
        let doc = Document::parse(&file, Format::Html);
        let seg = &doc.segments[0];
        let at = seg.text.find("isn't addictive").unwrap();
        let span = seg.map.span(&(at..at + "isn't addictive".len()));
        assert_eq!(&html[span], "isn&rsquo;t&nbsp;addictive");
    }

    #[test]
    fn chrome_is_skipped_outside_the_article_only() {
        let html = "<header class=x>Best clinic</header><div role=navigation>menu</div>\
<div id=cookie-notice><p>We use cookies</p><button>Accept</button></div>\
<article><header><p>By Dr. Roe</p></header><p>Body</p><aside>Call-out</aside>\
<footer>Not medical advice</footer></article><aside>Sidebar</aside>\
<div hidden>hidden</div><span aria-hidden=\"true\">icon</span><div style=\"display: none\">none</div>\
<div class=\"ad banner\">Ad text</div><footer>Copyright</footer>";
        let got: Vec<String> = texts(html).into_iter().map(|(_, t)| t).collect();
        assert_eq!(
            got,
            [
                "By Dr. Roe",
                "Body",
                "Call-out",
                "Not medical advice",
                "Ad text"
            ]
        );
        let options = HtmlOptions::with_skip(&["div.ad", "#x, [data-x=\"y\"]"]).unwrap();
        let got: Vec<String> = segments(html, &options)
            .into_iter()
            .map(|(_, t, _)| t)
            .collect();
        assert!(!got.contains(&"Ad text".to_string()));
    }

    #[test]
    fn pathological_input_stays_linear() {
        let nested = "<div><span>x</b>".repeat(50_000);
        let html = nested + &"</b".repeat(100_000) + &"&#".repeat(100_000) + &"<a ".repeat(100_000);
        let start = std::time::Instant::now();
        let _ = texts(&html);
        // A guard against quadratic behaviour (which would take hours on
        // this input), not a speed test: generous for a debug build on a
        // busy machine.
        assert!(start.elapsed() < std::time::Duration::from_secs(300));
    }

    #[test]
    fn comments_outside_raw_text_and_attributes() {
        let html =
            "<!-- a --><p title=\"<!-- no -->\">x</p><script>/* <!-- no --> */</script><!-- b";
        let doc = Document::parse(&SourceFile::new("t.html", html), Format::Html);
        let got: Vec<&str> = doc.comments.iter().map(|r| &html[r.clone()]).collect();
        assert_eq!(got, ["<!-- a -->", "<!-- b"]);
    }

    #[test]
    fn selectors_parse_and_reject_combinators() {
        assert!("div.a#b[c=d][e~='f g']".parse::<Selector>().is_ok());
        assert!("*[data-x^=y]".parse::<Selector>().is_ok());
        assert!("div p".parse::<Selector>().is_err());
        assert!(".".parse::<Selector>().is_err());
        assert!("[x".parse::<Selector>().is_err());
        assert!("".parse::<Selector>().is_err());
    }

    #[test]
    fn malformed_html_never_panics() {
        for html in [
            "<",
            "<p",
            "<p class=\"x",
            "</",
            "</p",
            "<!--",
            "<![CDATA[",
            "a < b & c",
            "<p>&#xFFFFFFFFFF;</p>",
            "<script>never closed",
            "<title>t",
            "</div></div><p>x",
            "<img alt=\"é\"",
            "<p>é<b>ü</p></b>",
            "&",
            "&#",
            "&#x;",
            "<a title=>x</a>",
            "<<p>>",
            "<p\u{feff}>x",
        ] {
            let _ = texts(html);
        }
        assert_eq!(texts("a < b and <p>c")[0].1, "a < b and");
    }
}
