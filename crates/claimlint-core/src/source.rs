//! A file as read from disk, with a line index.
//!
//! Every position claimlint reports is a byte offset into [`SourceFile::text`],
//! which holds the file's bytes unchanged (a UTF-8 byte-order mark and CRLF line
//! endings included). Renderers ask this type for lines and columns; nothing
//! else computes positions.

use std::ops::Range;

/// UTF-8 byte-order mark.
pub const BOM: &str = "\u{feff}";

/// One input: its display path and its full text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    path: String,
    text: String,
    /// Byte offset of the first byte of every line.
    line_starts: Vec<usize>,
    /// Every `CHECKPOINT` bytes (moved back to a character boundary): the
    /// byte offset and the number of characters before it. Built on first
    /// need, so columns on a multi-megabyte line cost no more than on a short
    /// one.
    checkpoints: std::sync::OnceLock<Vec<(usize, usize)>>,
}

const CHECKPOINT: usize = 4096;

/// A 1-based line and column; columns count Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    /// Wraps already-decoded text.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(memchr_newlines(&text).map(|i| i + 1));
        Self {
            path: path.into(),
            text,
            line_starts,
            checkpoints: std::sync::OnceLock::new(),
        }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Length of the leading byte-order mark (0 or 3).
    pub fn bom_len(&self) -> usize {
        if self.text.starts_with(BOM) {
            BOM.len()
        } else {
            0
        }
    }

    /// Number of lines (a trailing newline does not start a new line).
    pub fn line_count(&self) -> usize {
        if self.text.ends_with('\n') {
            self.line_starts.len() - 1
        } else {
            self.line_starts.len()
        }
    }

    /// 0-based index of the line holding `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// 1-based line number of a byte offset (cheap: a binary search).
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_index(offset.min(self.text.len())) + 1
    }

    /// 1-based line and column of a byte offset. The column counts Unicode
    /// scalar values from the start of the line; a byte-order mark at the start
    /// of the file is not counted (editors do not show it). An offset that is
    /// not on a character boundary is moved back to the previous boundary.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let index = self.line_index(offset);
        let mut start = self.line_starts[index];
        if index == 0 {
            start += self.bom_len().min(offset);
        }
        let column = self.chars_between(start, offset) + 1;
        LineCol {
            line: index + 1,
            column,
        }
    }

    /// Number of characters in `text[from..to]` (both on character boundaries).
    fn chars_between(&self, from: usize, to: usize) -> usize {
        if to - from <= 2 * CHECKPOINT {
            return self.text[from..to].chars().count();
        }
        self.chars_before(to) - self.chars_before(from)
    }

    /// Number of characters in `text[..offset]`.
    fn chars_before(&self, offset: usize) -> usize {
        let checkpoints = self.checkpoints.get_or_init(|| {
            let mut out = vec![(0, 0)];
            let mut chars = 0;
            let mut last = 0;
            let mut next = CHECKPOINT;
            while next < self.text.len() {
                let at = floor_char_boundary(&self.text, next);
                chars += self.text[last..at].chars().count();
                out.push((at, chars));
                last = at;
                next = at + CHECKPOINT;
            }
            out
        });
        let i = checkpoints.partition_point(|&(at, _)| at <= offset) - 1;
        let (at, chars) = checkpoints[i];
        chars + self.text[at..offset].chars().count()
    }

    /// Byte range of line `index` (0-based), without its line terminator.
    pub fn line_range(&self, index: usize) -> Range<usize> {
        let start = self.line_starts[index];
        let mut end = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |next| next - 1);
        if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        start..end.max(start)
    }

    /// Byte range of the whole lines that `span` touches, without the final
    /// line terminator. Used by renderers to show a finding in context.
    pub fn lines_around(&self, span: &Range<usize>) -> Range<usize> {
        let first = self.line_index(span.start.min(self.text.len()));
        let last_offset = if span.end > span.start {
            span.end - 1
        } else {
            span.start
        };
        let last = self.line_index(last_offset.min(self.text.len()));
        let start = self.line_range(first).start;
        let end = self.line_range(last).end;
        start..end.max(start)
    }

    /// Byte offset of a 1-based line and a column in Unicode scalar values
    /// (the inverse of [`SourceFile::line_col`]). Out-of-range positions are
    /// clamped to the end of the line or file.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let index = line.saturating_sub(1).min(self.line_starts.len() - 1);
        let range = self.line_range(index);
        let mut start = range.start;
        if index == 0 {
            start += self.bom_len();
        }
        let start = start.min(range.end);
        self.text[start..range.end]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(range.end, |(i, _)| start + i)
    }
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', text.as_bytes())
}

/// The largest character boundary `<= offset`.
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    if offset >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_chars_and_skip_bom() {
        let file = SourceFile::new("t", "\u{feff}ab\r\n“x” best\n");
        assert_eq!(file.line_col(3), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(4), LineCol { line: 1, column: 2 });
        let best = file.text().find("best").unwrap();
        assert_eq!(file.line_col(best), LineCol { line: 2, column: 5 });
        assert_eq!(file.offset_of(2, 5), best);
        assert_eq!(file.line_range(0), 0..5);
        assert_eq!(file.line_count(), 2);
    }

    #[test]
    fn columns_on_a_very_long_line() {
        let mut text = "é".repeat(10_000);
        text.push_str("best");
        text.push_str(&"😀".repeat(5_000));
        let file = SourceFile::new("t", text.clone());
        let best = text.find("best").unwrap();
        assert_eq!(
            file.line_col(best),
            LineCol {
                line: 1,
                column: 10_001
            }
        );
        assert_eq!(
            file.line_col(text.len()),
            LineCol {
                line: 1,
                column: 15_005
            }
        );
        assert_eq!(
            file.line_col(best + 2),
            LineCol {
                line: 1,
                column: 10_003
            }
        );
    }

    #[test]
    fn lines_around_multi_line_span() {
        let file = SourceFile::new("t", "one\ntwo\nthree");
        assert_eq!(file.lines_around(&(5..10)), 4..13);
        assert_eq!(file.lines_around(&(0..0)), 0..3);
        assert_eq!(file.lines_around(&(13..13)), 8..13);
    }
}
