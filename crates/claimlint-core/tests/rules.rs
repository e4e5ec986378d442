//! The default rule pack: registry invariants and every rule's examples.

use claimlint_core::examples::check_examples;
use claimlint_core::rule::RuleKind;

fn rules() -> claimlint_core::RuleSet {
    claimlint_core::default_rules().unwrap_or_else(|errors| {
        let text: Vec<String> = errors
            .iter()
            .map(|e| format!("{}: {}", e.location(), e.message))
            .collect();
        panic!("the built-in pack does not load:\n{}", text.join("\n"))
    })
}

#[test]
fn every_example_of_every_rule_holds() {
    let linter = claimlint_core::linter::Linter::new(rules());
    let rules = linter.rules();
    let (count, failures) = check_examples(&linter, |_| true);
    let report: Vec<String> = failures
        .iter()
        .map(|f| {
            format!(
                "{} ({}): {} example {:?} — fired: {:?}",
                f.rule,
                f.location,
                if f.valid { "valid" } else { "invalid" },
                f.text,
                f.fired
            )
        })
        .collect();
    assert!(
        report.is_empty(),
        "{} of {count} examples failed:\n{}",
        report.len(),
        report.join("\n")
    );
    assert!(count >= 2 * rules.rules.len());
}

#[test]
fn registry_invariants() {
    let rules = rules();
    let mut problems = Vec::new();
    for rule in &rules.rules {
        let id = &*rule.id;
        // rules/<category>/<slug>.yaml
        let expected = format!(
            "<builtin>/rules/{}/{}.yaml",
            rule.category,
            id.split_once('.').map(|(_, s)| s).unwrap_or("")
        );
        if rule.origin.path != expected {
            problems.push(format!(
                "{id}: defined in {}, expected {expected}",
                rule.origin.path
            ));
        }
        if rule.explain.split_whitespace().count() < 30 {
            problems.push(format!("{id}: explanation is too short to say why"));
        }
        if rule.references.is_empty() {
            problems.push(format!("{id}: no references"));
        }
        if rule.examples.invalid.is_empty() || rule.examples.valid.is_empty() {
            problems.push(format!(
                "{id}: needs at least one valid and one invalid example"
            ));
        }
        if rule.help.is_none() {
            problems.push(format!("{id}: no help line"));
        }
        if rule.summary.is_empty() || rule.summary.contains('\n') {
            problems.push(format!("{id}: summary must be one line"));
        }
        if matches!(rule.kind, RuleKind::Pattern(_)) && rule.phrases.is_empty() {
            // Regex-only rules are fine; nothing to check.
        }
    }
    let mut ids: Vec<&str> = rules.rules.iter().map(|r| &*r.id).collect();
    let before = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(before, ids.len(), "duplicate ids");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_category_of_the_design_has_a_rule() {
    let rules = rules();
    for category in [
        "absolute",
        "cure",
        "mechanism",
        "causal",
        "safety",
        "risk",
        "disclaimer",
        "regulatory",
        "evidence",
        "marketing",
        "integrity",
        "transparency",
    ] {
        assert!(
            rules.rules.iter().any(|r| &*r.category == category),
            "no rule in category {category}"
        );
    }
}

#[test]
fn lexicons_are_documented() {
    let rules = rules();
    for lex in &rules.lexicons {
        assert!(
            !lex.description.is_empty(),
            "lexicon {} has no description",
            lex.name
        );
    }
    for name in [
        "hedge",
        "negator",
        "citation",
        "treatment",
        "condition",
        "risk",
        "side-effect",
    ] {
        assert!(rules.lexicon(name).is_some(), "lexicon {name} missing");
    }
}

#[test]
fn readme_lists_every_built_in_rule() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let rules = rules();
    let missing: Vec<&str> = rules
        .rules
        .iter()
        .map(|r| &*r.id)
        .filter(|id| !readme.contains(&format!("`{id}`")))
        .collect();
    assert!(missing.is_empty(), "README's pack table lacks {missing:?}");
}

#[test]
fn every_built_in_regex_compiles() {
    // Gated regexes of the built-in pack are compiled on first use; this is
    // where a pack regex over the size limit would show.
    let rules = rules();
    let broken = rules.compile_all();
    assert!(
        broken.is_empty(),
        "regexes that do not compile: {broken:#?}"
    );
}
