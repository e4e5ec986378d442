//! HTML (a WordPress post page and a saved clinic page, with their chrome)
//! and MDX (JSX, ESM, expressions, front matter): what is linted, what is
//! not, and byte-exact spans.

mod common;

use claimlint_core::document::{Document, Format};
use claimlint_core::source::SourceFile;
use common::{claimlint, line_col, root, rules_at};
use serde_json::Value;

fn lint(args: &[&str]) -> Vec<Value> {
    let out = claimlint()
        .args(["--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    assert!(out.status.code().is_some_and(|c| c < 2), "{out:?}");
    let value: Value = serde_json::from_slice(&out.stdout).expect("json");
    value["diagnostics"].as_array().unwrap().clone()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

/// Every finding's text, line and column agree with the file's bytes.
fn check_spans(text: &str, diagnostics: &[Value]) {
    assert!(!diagnostics.is_empty());
    for d in diagnostics {
        let start = d["start"].as_u64().unwrap() as usize;
        let end = d["end"].as_u64().unwrap() as usize;
        assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
        assert_eq!(d["text"].as_str().unwrap(), &text[start..end]);
        let (line, column) = line_col(text, start);
        assert_eq!(d["line"].as_u64().unwrap() as usize, line);
        assert_eq!(d["column"].as_u64().unwrap() as usize, column);
    }
}

fn has(found: &[Value], rule: &str, text: &str) -> bool {
    found.iter().any(|d| d["rule"] == rule && d["text"] == text)
}

#[test]
fn wordpress_post_lints_the_article_not_the_theme() {
    let path = "tests/fixtures/docs/wordpress-post.html";
    let text = read(path);
    let found = lint(&[path]);
    check_spans(&text, &found);

    // The article: headings, paragraphs with entities, list items, alt text,
    // the meta description.
    assert!(has(&found, "marketing.hype-terms", "Game-Changer"));
    let game = found.iter().find(|d| d["text"] == "Game-Changer").unwrap();
    assert_eq!(
        game["severity"], "warning",
        "an info finding in the h1 is raised"
    );
    assert!(has(
        &found,
        "absolute.superlative-efficacy",
        "best&nbsp;treatment"
    ));
    assert!(has(&found, "safety.not-addictive", "isn&#8217;t addictive"));
    assert!(has(&found, "evidence.vague-authority", "Studies show"));
    assert!(has(
        &found,
        "mechanism.brain-regrowth",
        "regrows brain cells"
    ));
    assert!(!rules_at(&text, &found, "where ketamine cures depression\"").is_empty());
    assert!(!rules_at(&text, &found, "are the best treatment for depression.\">").is_empty());

    // Not the article: scripts, styles, code, nav, masthead, sharing,
    // post navigation, comments, sidebar, footer, social meta tags.
    for chrome in [
        "\"headline\":\"Ketamine cures depression\"",
        "Colorado&#8217;s premier provider",
        "Ketamine: the miracle cure</a>",
        "<code>ketamine cures depression</code>",
        "Share this miracle cure",
        "Spravato is FDA-approved ketamine",
        "Ketamine cured my depression in one visit! It is completely safe.",
        "We are the #1 clinic in Colorado. Ketamine has no side effects.",
        "The best treatment center in Denver",
        "content=\"Ketamine cures depression in a single session.\"",
    ] {
        assert_eq!(
            rules_at(&text, &found, chrome),
            Vec::<String>::new(),
            "{chrome}"
        );
    }
    // The closing disclaimer is read, so the post is not told it lacks one.
    assert!(
        !found
            .iter()
            .any(|d| d["rule"] == "disclaimer.medical-advice-missing")
    );

    let file = SourceFile::new(path, text.clone());
    let doc = Document::parse(&file, Format::Html);
    assert_eq!(doc.meta("author"), Some("Dr. Maria Lopez, MD"));
    assert_eq!(doc.meta("date"), Some("2024-02-14T09:30:00+00:00"));
    assert_eq!(
        doc.meta("title"),
        Some("Ketamine for Depression: What to Expect \u{2013} Front Range Wellness")
    );
}

#[test]
fn saved_page_skips_banner_menu_cookie_bar_and_footer() {
    let path = "tests/fixtures/docs/saved-page.html";
    let text = read(path);
    let found = lint(&[path]);
    check_spans(&text, &found);
    assert!(has(&found, "marketing.hype-terms", "game-changer"));
    assert!(has(&found, "mechanism.brain-regrowth", "neurogenesis"));
    // A phrase split by inline markup is found, spanning the markup.
    assert!(has(
        &found,
        "safety.absolute-safe",
        "completely</span> safe"
    ));
    // Alt text is linted.
    assert!(has(
        &found,
        "absolute.superlative-efficacy",
        "best treatment"
    ));
    for chrome in [
        "The most effective treatment for anxiety, guaranteed",
        "Treatments that cure anxiety",
        "Our ketamine program is completely safe for everyone.",
        "Ketamine cures anxiety forever.",
        "The premier provider of ketamine therapy",
        "/* ketamine cures anxiety */",
    ] {
        assert_eq!(
            rules_at(&text, &found, chrome),
            Vec::<String>::new(),
            "{chrome}"
        );
    }

    // `--html-skip` names more elements to skip (repeatable, lists allowed).
    let skipped = lint(&["--html-skip", "figure", "--html-skip", "h2, strong", path]);
    assert!(!has(
        &skipped,
        "absolute.superlative-efficacy",
        "best treatment"
    ));
    assert!(!has(&skipped, "marketing.hype-terms", "game-changer"));
    assert!(has(&skipped, "mechanism.brain-regrowth", "neurogenesis"));
}

#[test]
fn a_bad_html_skip_selector_is_a_usage_error() {
    let out = claimlint()
        .args([
            "--html-skip",
            "div > p",
            "tests/fixtures/docs/saved-page.html",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("combinators are not supported"), "{stderr}");
}

#[test]
fn mdx_lints_jsx_prose_and_front_matter_not_code() {
    let path = "tests/fixtures/docs/post.mdx";
    let text = read(path);
    let found = lint(&[path]);
    check_spans(&text, &found);
    // Front matter title and description are prose; the title's finding is
    // raised a level and says why.
    let miracle = found
        .iter()
        .find(|d| d["rule"] == "marketing.miracle-language")
        .expect("the title is linted");
    assert_eq!(miracle["line"], 2);
    assert_eq!(miracle["severity"], "error");
    assert!(has(&found, "safety.absolute-safe", "completely safe"));
    // Prose inside a JSX component and its title attribute.
    assert!(has(
        &found,
        "absolute.superlative-efficacy",
        "best treatment"
    ));
    assert!(has(
        &found,
        "safety.minimal-addiction-risk",
        "risk of addiction is minimal"
    ));
    assert!(has(&found, "marketing.hype-terms", "game-changer"));
    // A phrase across a hard line wrap in Markdown prose.
    assert!(has(
        &found,
        "mechanism.brain-regrowth",
        "regrows brain cells"
    ));
    // ESM, expressions and expression attributes are code.
    for code in [
        "claim: 'ketamine cures depression'",
        "tagline: 'the best treatment'",
        "label: 'cures depression'",
        "caption={\"the best treatment\"}",
        "{/* ketamine cures depression */}",
        "author: Dr. Priya Nair",
    ] {
        assert_eq!(
            rules_at(&text, &found, code),
            Vec::<String>::new(),
            "{code}"
        );
    }
    let file = SourceFile::new(path, text.clone());
    let doc = Document::parse(&file, Format::Mdx);
    assert_eq!(doc.meta("author"), Some("Dr. Priya Nair"));
    assert_eq!(doc.meta("reviewed_by"), Some("Dr. Tom Berg, MD"));
    assert_eq!(doc.meta("date"), Some("2024-05-02"));
}

#[test]
fn folders_include_html_and_mdx() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.html"),
        "<p>Ketamine cures depression.</p>",
    )
    .unwrap();
    std::fs::write(dir.path().join("b.mdx"), "Ketamine cures depression.\n").unwrap();
    std::fs::write(
        dir.path().join("c.htm"),
        "<p>Ketamine cures depression.</p>",
    )
    .unwrap();
    std::fs::write(dir.path().join("d.js"), "// Ketamine cures depression.").unwrap();
    let found = lint(&[dir.path().to_str().unwrap()]);
    let mut files: Vec<String> = found
        .iter()
        .filter(|d| d["rule"] == "cure.cure-claim")
        .map(|d| {
            let p = d["path"].as_str().unwrap();
            p.rsplit('/').next().unwrap().to_string()
        })
        .collect();
    files.sort();
    assert_eq!(files, ["a.html", "b.mdx", "c.htm"]);
}

/// Truncated and spliced pages (unclosed tags, attributes, comments,
/// references, JSX) parse without panicking, and every segment maps back
/// inside the file.
#[test]
fn damaged_input_never_panics() {
    for (path, format) in [
        ("tests/fixtures/docs/wordpress-post.html", Format::Html),
        ("tests/fixtures/docs/saved-page.html", Format::Html),
        ("tests/fixtures/docs/post.mdx", Format::Mdx),
    ] {
        let text = read(path);
        let cuts: Vec<usize> = (0..text.len())
            .step_by(37)
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for (n, &cut) in cuts.iter().enumerate() {
            let damaged = if n % 2 == 0 {
                text[..cut].to_string()
            } else {
                format!("{}{}", &text[..cut], &text[cuts[n / 2]..])
            };
            let file = SourceFile::new(path, damaged.clone());
            let doc = Document::parse(&file, format);
            for seg in &doc.segments {
                let span = seg.file_span();
                assert!(span.end <= damaged.len() && damaged.is_char_boundary(span.start));
            }
        }
    }
}
