//! Micro-benchmarks of the engine's hot paths (divan): the one-pass
//! prefilter, sentence splitting, document segmenting, and whole-document
//! linting (context checks and document rules included). Whole-process
//! numbers against other tools are in BENCHMARKS.md (`bash bench/run.sh`).
//!
//! Run with `cargo bench --bench engine`.

use std::sync::OnceLock;

use claimlint_core::document::{Document, Format, sentence};
use claimlint_core::{RuleSet, SourceFile};
use divan::{Bencher, black_box};

fn main() {
    divan::main();
}

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| claimlint_core::default_rules().expect("built-in pack loads"))
}

/// The five seed articles, concatenated (about 48 KB of clinic prose).
fn seeds() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .expect("seeds/")
            .map(|e| e.expect("entry").path())
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| std::fs::read_to_string(p).expect("seed"))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// The seeds as Markdown: headings, paragraphs separated by blank lines.
fn seeds_markdown() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        seeds()
            .lines()
            .map(|l| {
                if l.len() < 80 && !l.ends_with('.') {
                    format!("## {l}\n")
                } else {
                    format!("{l}\n")
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    })
}

#[divan::bench]
fn load_built_in_pack() -> RuleSet {
    claimlint_core::default_rules().expect("loads")
}

/// As `claimlint check` loads it: from the JSON made at build time.
#[divan::bench]
fn load_built_in_pack_precompiled() -> RuleSet {
    use claimlint_core::rule::compile;
    compile::load(&compile::builtin_files_precompiled()).expect("loads")
}

#[divan::bench]
fn prefilter_scan(bencher: Bencher<'_, '_>) {
    let rules = rules();
    let doc = Document::parse(&SourceFile::new("s.txt", seeds()), Format::Plain);
    bencher
        .counter(divan::counter::BytesCount::new(seeds().len()))
        .bench(|| {
            let mut hits = 0;
            for seg in &doc.segments {
                hits += claimlint_core::bench::scan_hits(rules, black_box(&seg.text));
            }
            hits
        });
}

#[divan::bench]
fn sentence_split(bencher: Bencher<'_, '_>) {
    let doc = Document::parse(&SourceFile::new("s.txt", seeds()), Format::Plain);
    let texts: Vec<&str> = doc.segments.iter().map(|s| s.text.as_str()).collect();
    bencher
        .counter(divan::counter::BytesCount::new(seeds().len()))
        .bench(|| {
            texts
                .iter()
                .map(|t| sentence::split(black_box(t)).len())
                .sum::<usize>()
        });
}

#[divan::bench(args = ["plain", "markdown"])]
fn segment(bencher: Bencher<'_, '_>, kind: &str) {
    let (text, format) = match kind {
        "plain" => (seeds(), Format::Plain),
        _ => (seeds_markdown(), Format::Markdown),
    };
    let file = SourceFile::new("s", text);
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| Document::parse(black_box(&file), format).segments.len());
}

#[divan::bench(args = ["plain", "markdown"])]
fn lint_document(bencher: Bencher<'_, '_>, kind: &str) {
    let (text, format) = match kind {
        "plain" => (seeds(), Format::Plain),
        _ => (seeds_markdown(), Format::Markdown),
    };
    let rules = rules();
    let file = SourceFile::new("s", text);
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| claimlint_core::bench::engine_findings(rules, black_box(&file), format));
}
