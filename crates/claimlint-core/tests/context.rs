//! The context policies of the default pack, end to end: pronoun subjects,
//! list items, FAQ answers, myth/fact layouts, quotations, "safe" about a
//! setting, hedges, negation and citations.

use claimlint_core::linter::Linter;
fn rules() -> Linter {
    Linter::new(
        claimlint_core::default_rules().unwrap_or_else(|_| panic!("the built-in pack loads")),
    )
}

/// Rule ids fired on `text` (as Markdown), with the text each covers.
fn fired(rules: &Linter, text: &str) -> Vec<(String, String)> {
    rules
        .lint("t.md", text)
        .diagnostics
        .into_iter()
        .map(|d| (d.rule.to_string(), text[d.span.clone()].to_string()))
        .collect()
}

fn has(rules: &Linter, text: &str, rule: &str) -> bool {
    fired(rules, text).iter().any(|(r, _)| r == rule)
}

#[test]
fn bare_faq_answers_are_read_with_their_question() {
    let rules = rules();
    let text = "## Is ketamine addictive?\n\nNo.\n";
    let found = fired(&rules, text);
    assert!(
        found
            .iter()
            .any(|(r, t)| r == "safety.not-addictive" && t == "No."),
        "{found:?}"
    );
    let d = rules
        .lint("t.md", text)
        .diagnostics
        .into_iter()
        .find(|d| &*d.rule == "safety.not-addictive")
        .unwrap();
    assert!(d.notes.iter().any(|n| n.contains("Is ketamine addictive?")));
    // The question alone, or an answer that says more, is not read this way.
    assert!(!has(
        &rules,
        "## Is ketamine addictive?\n",
        "safety.not-addictive"
    ));
    assert!(!has(
        &rules,
        "## Is ketamine addictive?\n\nIt can be misused, so we screen every patient.\n",
        "safety.not-addictive"
    ));
    assert!(has(
        &rules,
        "## Does TMS have side effects?\n\nNo, it doesn't.\n",
        "safety.no-side-effects"
    ));
}

#[test]
fn yes_answers_take_the_question_terms() {
    let rules = rules();
    assert!(has(
        &rules,
        "### Is ketamine FDA-approved for depression?\n\nYes, ketamine has been FDA-approved since 1970.\n",
        "regulatory.ketamine-fda-approved"
    ));
    assert!(!has(
        &rules,
        "### Is ketamine FDA-approved for depression?\n\nKetamine has been FDA-approved as an anesthetic since 1970.\n",
        "regulatory.ketamine-fda-approved"
    ));
}

#[test]
fn myth_lines_are_exempt_fact_lines_are_checked() {
    let rules = rules();
    assert!(!has(
        &rules,
        "**Myth:** Ketamine cures depression.\n\n**Fact:** Ketamine is not a cure.\n",
        "cure.cure-claim"
    ));
    assert!(has(
        &rules,
        "**Myth:** Ketamine is dangerous.\n\n**Fact:** Ketamine cures depression.\n",
        "cure.cure-claim"
    ));
    assert!(has(
        &rules,
        "Myth: ketamine is dangerous. Fact: ketamine cures depression.\n",
        "cure.cure-claim"
    ));
}

#[test]
fn quotations_from_authorities_are_exempt_testimonials_are_not() {
    let rules = rules();
    assert!(has(
        &rules,
        "\"Ketamine cured my depression,\" one patient told us.\n",
        "cure.cure-claim"
    ));
    assert!(!has(
        &rules,
        "The FDA warned about ads claiming that \"ketamine cures depression\".\n",
        "cure.cure-claim"
    ));
    assert!(!has(
        &rules,
        "The FDA's warning quotes one ad:\n\n> Ketamine cures depression.\n",
        "cure.cure-claim"
    ));
}

#[test]
fn safe_about_a_setting_is_not_safe_about_the_drug() {
    let rules = rules();
    let setting = "Ketamine is given in a safe, calm room with a nurse present.\n";
    assert!(
        fired(&rules, setting)
            .iter()
            .all(|(r, _)| !r.starts_with("safety."))
    );
    assert!(has(
        &rules,
        "Ketamine is given by our nurses. It is completely safe.\n",
        "safety.absolute-safe"
    ));
}

#[test]
fn a_named_risk_nearby_exempts_a_bare_safety_statement_a_denied_one_does_not() {
    let rules = rules();
    assert!(!has(
        &rules,
        "Ketamine is generally safe. It can raise blood pressure and cause nausea.\n",
        "safety.bare-safe-claim"
    ));
    assert!(has(
        &rules,
        "Stem cells carry no risk of rejection. Children can receive the treatment safely.\n",
        "safety.bare-safe-claim"
    ));
}

#[test]
fn list_items_take_the_subject_of_their_lead_in() {
    let rules = rules();
    let text = "Our NAD+ infusions:\n\n- repair damaged DNA\n- reverse cellular aging\n";
    let found = fired(&rules, text);
    assert!(
        found
            .iter()
            .filter(|(r, _)| r == "mechanism.tissue-regeneration")
            .count()
            == 2,
        "{found:?}"
    );
}

#[test]
fn a_hedge_after_a_relative_clause_does_not_hedge_the_main_claim() {
    let rules = rules();
    assert!(has(
        &rules,
        "Psilocybin rewires the brain, which may explain its effects.\n",
        "mechanism.rewire-reset"
    ));
    assert!(!has(
        &rules,
        "Psilocybin may rewire some brain networks.\n",
        "mechanism.rewire-reset"
    ));
    // A hedge in an aside or a relative clause after the match qualifies
    // that, not the claim.
    assert!(has(
        &rules,
        "Ketamine promotes neuroplasticity — the brain’s ability to rewire — which may help restore mood.\n",
        "mechanism.neuroplasticity"
    ));
    assert!(has(
        &rules,
        "An IV drip lets the body absorb all the nutrients which are often lost in digestion.\n",
        "mechanism.absorption-claim"
    ));
    assert!(has(
        &rules,
        "Ketamine helps the brain form new neural connections, potentially providing long-term relief.\n",
        "mechanism.neuroplasticity"
    ));
    assert!(has(
        &rules,
        "Ketamine helps the brain form new neural connections, potentially providing long-term relief.\n",
        "mechanism.neuroplasticity"
    ));
    // A hedge after the match in the same clause still hedges it.
    assert!(!has(
        &rules,
        "Ketamine promotes neuroplasticity in some people, researchers suspect, and may help mood.\n",
        "mechanism.neuroplasticity"
    ));
}

#[test]
fn a_rule_may_take_its_required_terms_from_the_page() {
    let rules = rules();
    // mechanism.neuroplasticity has `requires_in: page`: the page names the
    // treatment, the sentence does not.
    let page = "# Ketamine infusions\n\nWe offer ketamine infusions.\n\nThis process promotes neuroplasticity.\n";
    assert!(has(&rules, page, "mechanism.neuroplasticity"));
    // With no health context anywhere on the page, the rule stays silent.
    assert!(!has(
        &rules,
        "# Piano lessons\n\nPractice promotes neuroplasticity.\n",
        "mechanism.neuroplasticity"
    ));
}

#[test]
fn only_evidence_grade_links_are_citations() {
    let rules = rules();
    let claim = "Studies show that ketamine relieves depression";
    for (link, cited) in [
        ("https://pubmed.ncbi.nlm.nih.gov/37224232/", true),
        ("https://www.nejm.org/doi/full/10.1056/NEJMoa2302399", true),
        ("https://ourketamineclinic.com/research", false),
        ("https://fda.gov.ourclinic.com/approved", false),
    ] {
        let text = format!("{claim} ([source]({link})).\n");
        assert_eq!(
            !has(&rules, &text, "evidence.vague-authority"),
            cited,
            "{link}"
        );
    }
}

#[test]
fn negation_polarity_is_per_rule() {
    let rules = rules();
    // The negation is the claim.
    assert!(has(
        &rules,
        "Ketamine is not addictive.\n",
        "safety.not-addictive"
    ));
    // The negation removes the claim.
    assert!(!has(
        &rules,
        "Ketamine is not a cure for depression.\n",
        "cure.cure-claim"
    ));
    assert!(!has(
        &rules,
        "Ketamine is not FDA-approved for depression.\n",
        "regulatory.ketamine-fda-approved"
    ));
}

#[test]
fn hedges_downgrade_error_claims_and_exempt_soft_ones() {
    let rules = rules();
    let found = rules
        .lint("t.md", "Ketamine may cure depression.\n")
        .diagnostics;
    let cure = found
        .iter()
        .find(|d| &*d.rule == "cure.cure-claim")
        .unwrap();
    assert_eq!(cure.severity, claimlint_core::Severity::Warning);
    assert!(!has(
        &rules,
        "TMS may work faster than antidepressants for some patients.\n",
        "absolute.comparative-superiority"
    ));
}

#[test]
fn a_heading_repeating_the_front_matter_title_is_not_a_duplicate() {
    let rules = rules();
    let title = "Ketamine for depression: the questions we hear every single week";
    let text = format!(
        "---\ntitle: {title}\nauthor: Jane Doe, MD\ndate: 2025-01-01\n---\n\n# {title}\n\nKetamine may help some people.\n"
    );
    assert!(!has(&rules, &text, "integrity.duplicate-paragraph"));
    let pasted =
        "Ketamine therapy at our clinic involves a series of six infusions over two weeks.";
    let twice = format!("{pasted}\n\n{pasted}\n");
    assert!(has(&rules, &twice, "integrity.duplicate-paragraph"));
}

#[test]
fn transparency_rules_read_html_meta_tags() {
    let rules = rules();
    let page = |head: &str| {
        format!(
            "<html><head><title>Ketamine for depression</title>{head}</head><body><p>Ketamine may help some people.</p></body></html>"
        )
    };
    let fired_html = |text: &str| -> Vec<String> {
        rules
            .lint("t.html", text)
            .diagnostics
            .into_iter()
            .map(|d| d.rule.to_string())
            .collect()
    };
    let bare = fired_html(&page(""));
    assert!(
        bare.iter().any(|r| r == "transparency.no-author"),
        "{bare:?}"
    );
    let signed = fired_html(&page(
        r#"<meta name="author" content="Jane Doe, MD"><meta property="article:published_time" content="2025-01-01">"#,
    ));
    assert!(
        signed.iter().all(|r| !r.starts_with("transparency.")),
        "{signed:?}"
    );
}

#[test]
fn entries_under_a_references_heading_are_not_claims() {
    let rules = rules();
    let text = "Ketamine may help some people [1].\n\n## References\n\n1. Smith J. Ketamine is completely safe and cures depression in mice. J Psych. 2020.\n";
    let found = fired(&rules, text);
    assert!(
        found
            .iter()
            .all(|(r, _)| !r.starts_with("safety.") && !r.starts_with("cure.")),
        "{found:?}"
    );
    // The same sentence in the body is flagged.
    assert!(has(
        &rules,
        "Ketamine is completely safe.\n",
        "safety.absolute-safe"
    ));
}

/// A citation counts for its own sentence and the one before it; each
/// sentence is looked up once however many findings ask, and an answer
/// given for one sentence is not reused for another.
#[test]
fn a_citation_covers_its_sentence_and_the_one_before() {
    let rules = rules();
    let claim = "Studies show that ketamine relieves depression.";
    let source = "See [the trial](https://pubmed.ncbi.nlm.nih.gov/37224232/).";
    let text = format!("{claim} {source} {claim} Nothing here. {claim}\n");
    let spans: Vec<std::ops::Range<usize>> = rules
        .lint("t.md", &text)
        .diagnostics
        .into_iter()
        .filter(|d| &*d.rule == "evidence.vague-authority")
        .map(|d| d.span)
        .collect();
    // The first claim is cited by the next sentence; the second (after the
    // source) and the third are not cited by the sentences after them.
    let second = text.find(source).unwrap() + source.len() + 1;
    let third = text.rfind(claim).unwrap();
    assert_eq!(
        spans.iter().map(|s| s.start).collect::<Vec<_>>(),
        vec![second, third],
        "{spans:?}"
    );
}

/// An answer after a short qualifier ("Under medical supervision, no.") is
/// read with its question, like a bare one.
#[test]
fn qualified_faq_answers_are_read_with_their_question() {
    let rules = rules();
    let found = fired(
        &rules,
        "## Is ketamine addictive?\n\nUnder medical supervision, no.\n",
    );
    assert!(
        found
            .iter()
            .any(|(r, t)| r == "safety.not-addictive" && t == "Under medical supervision, no."),
        "{found:?}"
    );
}

/// The classes of false flags seen on real pages, each with a sentence of
/// the kind that raised it: none of these is a claim.
#[test]
fn careful_sentences_of_real_pages_pass() {
    let rules = rules();
    let sentence_level = |text: &str| -> Vec<(String, String)> {
        fired(&rules, text)
            .into_iter()
            .filter(|(r, _)| {
                !matches!(
                    rules.rules().rule(r).map(|rule| &rule.kind),
                    Some(claimlint_core::rule::RuleKind::Require(_))
                )
            })
            .collect()
    };
    for text in [
        // approval wording that explains why something is not approved
        "Ketamine is not FDA-approved for depression, because no company has run the trials an approval needs.\n",
        // a denial narrowed to something true
        "The TMS device had no adverse effects on memory in the trials.\n",
        "TMS has no medication-related side effects such as weight gain.\n",
        // history, not a safety claim
        "Ketamine has been used for decades in surgery as an anaesthetic.\n",
        // a tolerability figure, not an efficacy statistic
        "Fewer than 5% of patients stopped ketamine treatment because of side effects.\n",
        // how to use it, not a superlative
        "Ketamine works best alongside therapy for depression.\n",
        // a claim reported as someone else's
        "NAD+ drip bars claim to reverse aging and boost energy.\n",
        "IV therapy is touted as a hangover cure.\n",
        // a qualified source
        "Early studies show that ketamine can relieve depression within hours in some patients.\n",
        "Esketamine was approved because two trials showed a benefit over placebo.\n",
        // a claim whose evidence is said to be missing
        "There are no large randomized trials showing that IV NAD+ improves health or slows ageing.\n",
    ] {
        let found = sentence_level(text);
        assert!(found.is_empty(), "{text:?} flagged: {found:?}");
    }
}

/// One claim, one finding: two rules of a category on the same words are
/// reported once, the other named in a note.
#[test]
fn a_span_two_rules_flag_is_reported_once() {
    let rules = rules();
    let text = "Ketamine therapy is offering a beacon of hope for depression.\n";
    let found: Vec<_> = rules
        .lint("t.md", text)
        .diagnostics
        .into_iter()
        .filter(|d| &*d.category == "marketing")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(&*found[0].rule, "marketing.hype-terms");
    assert!(
        found[0]
            .notes
            .iter()
            .any(|n| n == "also reported by marketing.ai-boilerplate"),
        "{:?}",
        found[0].notes
    );
}

/// A pasted duplicate is reported once, with no finding repeated inside it;
/// the findings of the first copy stay.
#[test]
fn findings_inside_a_pasted_duplicate_are_not_repeated() {
    let rules = rules();
    let paragraph = "Ketamine therapy is a miracle cure for depression, and it works for everyone who tries it at our clinic.";
    let text = format!("# Ketamine\n\n{paragraph}\n\nWe screen every patient.\n\n{paragraph}\n");
    let found = rules.lint("t.md", &text).diagnostics;
    let second = text.rfind(paragraph).unwrap();
    let duplicate = found
        .iter()
        .find(|d| &*d.rule == "integrity.duplicate-paragraph")
        .expect("the duplicate is reported");
    assert!(duplicate.span.start >= second, "{duplicate:?}");
    let claims = |range: std::ops::Range<usize>| {
        found
            .iter()
            .filter(|d| &*d.category == "cure" && range.contains(&d.span.start))
            .count()
    };
    assert!(claims(0..second) >= 1, "{found:?}");
    assert_eq!(claims(second..text.len()), 0, "{found:?}");
}

/// A page that discusses a treatment and makes no claim needs no
/// disclaimer; one that makes a claim gets one finding, not one per
/// mention.
#[test]
fn missing_disclaimer_only_where_the_page_makes_claims() {
    let rules = rules();
    let careful = "# Ketamine for depression\n\nKetamine is used for treatment-resistant depression. It can raise blood pressure and cause dissociation.\n";
    assert!(!has(&rules, careful, "disclaimer.medical-advice-missing"));
    let selling = "# Ketamine for depression\n\nKetamine is a miracle cure for depression. Ketamine also cures anxiety.\n";
    let found = fired(&rules, selling);
    assert_eq!(
        found
            .iter()
            .filter(|(r, _)| r == "disclaimer.medical-advice-missing")
            .count(),
        1,
        "{found:?}"
    );
}

#[test]
fn a_rule_reported_once_per_sentence_names_its_other_matches_in_a_note() {
    let rules = rules();
    let text =
        "Our stem cell therapy treats long COVID, the illness that lingers after COVID-19.\n";
    let found: Vec<_> = rules
        .lint("t.md", text)
        .diagnostics
        .into_iter()
        .filter(|d| &*d.rule == "regulatory.unapproved-biologic")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(&text[found[0].span.clone()], "long COVID");
    assert!(
        found[0]
            .notes
            .iter()
            .any(|n| n == "the same sentence also says “COVID-19”"),
        "{:?}",
        found[0].notes
    );
    // Two sentences are two findings.
    let two = "Our stem cells treat long COVID.\n\nOur stem cells treat lupus.\n";
    assert_eq!(
        fired(&rules, two)
            .iter()
            .filter(|(r, _)| r == "regulatory.unapproved-biologic")
            .count(),
        2
    );
}
