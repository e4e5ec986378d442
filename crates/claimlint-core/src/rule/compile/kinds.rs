//! Compiling one rule: the checks every rule gets, then one function per
//! kind (pattern, substitution, require, repetition).

use super::*;

/// What compiling a rule reads and adds to, shared by every rule of a load.
pub(super) struct RuleCompiler<'a, 'b> {
    pub(super) lex_index: &'a LexRefs<'b>,
    pub(super) special: Special,
    pub(super) facts: &'a BTreeMap<String, Fact>,
    pub(super) families: &'a Families,
    pub(super) builder: &'a mut ScannerBuilder,
    /// Phrase and regex groups allocated so far (for `require` rules).
    pub(super) groups: &'a mut usize,
}

impl RuleCompiler<'_, '_> {
    /// Compiles `spec`, the rule at `index`; `None` (with the errors in
    /// `ctx`) if anything in it is wrong.
    pub(super) fn rule(
        &mut self,
        ctx: &mut Ctx<'_>,
        spec: &RuleSpec,
        index: usize,
    ) -> Option<Rule> {
        let errors_before = ctx.errors.len();
        let mut facts_used = Vec::new();
        let message_text = resolve_facts(ctx, &spec.message, self.facts, &mut facts_used);
        let help_text = spec
            .help
            .as_ref()
            .map(|h| resolve_facts(ctx, h, self.facts, &mut facts_used));
        let note_text = spec
            .note
            .as_ref()
            .map(|n| resolve_facts(ctx, n, self.facts, &mut facts_used));
        let explain_text = resolve_facts(ctx, &spec.explain, self.facts, &mut facts_used);
        let kind_spec = spec.kind.as_ref().map_or(KindSpec::Pattern, |k| k.value);
        check_fields(ctx, spec, kind_spec);

        let placeholders: &[&str] = match kind_spec {
            KindSpec::Pattern => &["match"],
            KindSpec::Substitution => &["match", "suggestion"],
            KindSpec::Require => &["match", "missing", "found", "min"],
            KindSpec::Repetition => &["match", "count", "first_line", "per_1000"],
        };
        let message = match Template::parse(&message_text, placeholders) {
            Ok(t) => Some(t),
            Err(e) => {
                ctx.error(&spec.message, e, "in this message");
                None
            }
        };

        let mut phrases_out = Vec::new();
        let kind = match kind_spec {
            KindSpec::Pattern => self.pattern(ctx, spec, index, &mut phrases_out),
            KindSpec::Substitution => self.substitution(ctx, spec, index, &mut phrases_out),
            KindSpec::Require => self.require(ctx, spec),
            KindSpec::Repetition => repetition(ctx, spec),
        };

        let examples = examples(spec);

        if ctx.errors.len() > errors_before {
            return None;
        }
        let id: Arc<str> = Arc::from(spec.id.value.as_str());
        let category: Arc<str> = Arc::from(spec.id.value.split('.').next().unwrap_or(""));
        Some(Rule {
            id,
            category,
            severity: spec.severity.value,
            kind,
            summary: spec.summary.value.trim().to_string(),
            message: message?,
            label: spec.label.as_ref().map(|l| l.value.clone()),
            help: help_text.map(|h| h.trim().to_string()),
            note: note_text.map(|n| n.trim().to_string()),
            scope: spec.scope.iter().map(|s| s.value.clone()).collect(),
            explain: explain_text.trim().to_string(),
            references: spec
                .references
                .iter()
                .map(|r| r.value.trim().to_string())
                .collect(),
            examples,
            origin: Origin {
                path: ctx.file.path.clone(),
                text: ctx.file.text.clone(),
                builtin: ctx.file.builtin,
            },
            phrases: phrases_out,
            facts: facts_used
                .into_iter()
                .filter_map(|name| self.facts.get(&name).map(|f| (name, f.clone())))
                .collect(),
        })
    }

    /// A `pattern` rule: phrases, regexes and token patterns, and the
    /// context checks its matches go through.
    fn pattern(
        &mut self,
        ctx: &mut Ctx<'_>,
        spec: &RuleSpec,
        index: usize,
        phrases_out: &mut Vec<String>,
    ) -> RuleKind {
        let case_sensitive = spec.case_sensitive;
        if spec.phrases.is_empty() && spec.regex.is_empty() && spec.tokens.is_empty() {
            ctx.error(
                &spec.id,
                "a pattern rule needs `phrases`, `regex` or `tokens`",
                "nothing to match",
            );
        }
        for phrase in &spec.phrases {
            if check_phrase(ctx, phrase) {
                self.builder
                    .add_phrase(Owner::Trigger(index), &phrase.value, case_sensitive);
                phrases_out.push(normalise_phrase(&phrase.value).to_lowercase());
            }
        }
        for source in &spec.regex {
            if let Some(final_source) = check_regex(ctx, source, case_sensitive) {
                self.builder
                    .add_regex(Owner::Trigger(index), final_source, ctx.file.builtin);
            }
        }
        let tokens = compile_tokens(
            ctx,
            &spec.tokens,
            index,
            self.lex_index,
            self.families,
            self.builder,
        );
        let unless = compile_regexes(ctx, &spec.unless, case_sensitive);
        let unless_sentence = compile_regexes(ctx, &spec.unless_sentence, case_sensitive);
        let context = self.context(ctx, spec);
        RuleKind::Pattern(Pattern {
            context,
            tokens,
            unless,
            unless_sentence,
            once_per_sentence: spec.once_per_sentence.as_ref().is_some_and(|o| o.value),
        })
    }

    /// A pattern rule's `context:` settings.
    fn context(&self, ctx: &mut Ctx<'_>, spec: &RuleSpec) -> Context {
        let mut context = Context::default();
        if let Some(c) = &spec.context {
            let c = &c.value;
            context.hedged = policy(&c.hedged, Policy::Ignore);
            context.negated = policy(&c.negated, Policy::Ignore);
            context.cited = policy(&c.cited, Policy::Ignore);
            context.question = policy(&c.question, Policy::Exempt);
            if let Some(w) = &c.negation_window {
                if w.value == 0 || w.value > 20 {
                    ctx.error(w, "negation_window must be between 1 and 20 words", "here");
                }
                context.negation_window = w.value;
            }
            for name in &c.requires {
                if let Some(i) = lexicon_ref(ctx, name, self.lex_index) {
                    context.requires.push(i);
                }
            }
            if let Some(scope) = &c.requires_in {
                if c.requires.is_empty() {
                    ctx.error(
                        scope,
                        "`requires_in` needs `requires`",
                        "nothing to look for",
                    );
                }
                context.requires_in = scope.value;
            }
            for name in &c.exempt_near {
                if let Some(i) = lexicon_ref(ctx, name, self.lex_index) {
                    context.exempt_near.push(i);
                }
            }
            context.myth = policy(&c.myth, Policy::Exempt);
            context.quoted = policy(&c.quoted, Policy::Exempt);
            context.reported = policy(&c.reported, Policy::Exempt);
            for (p, field) in [
                (&c.myth, "myth"),
                (&c.quoted, "quoted"),
                (&c.reported, "reported"),
            ] {
                if let Some(p) = p
                    && p.value == Policy::Downgrade
                {
                    ctx.error(
                        p,
                        format!("`{field}` can be `exempt` or `ignore`"),
                        "not supported",
                    );
                }
            }
            for (name, min) in &c.min_in_match {
                let named = S {
                    value: name.clone(),
                    referenced: min.referenced,
                    defined: min.defined,
                };
                if let Some(i) = lexicon_ref(ctx, &named, self.lex_index) {
                    if min.value == 0 {
                        ctx.error(min, "`min_in_match` counts must be at least 1", "here");
                    }
                    context.min_in_match.push((i, min.value));
                }
            }
            let needs = [
                (&c.hedged, self.special.hedge, "hedged", "hedge"),
                (&c.negated, self.special.negator, "negated", "negator"),
                (&c.cited, self.special.citation, "cited", "citation"),
            ];
            for (p, lex, field, lexname) in needs {
                if let Some(p) = p
                    && p.value != Policy::Ignore
                    && lex.is_none()
                {
                    ctx.error(
                        p,
                        format!(
                            "context `{field}` needs the `{lexname}` lexicon, which is not loaded"
                        ),
                        "needs a lexicon",
                    );
                }
            }
            if let Some(p) = &c.negated
                && p.value == Policy::Downgrade
            {
                ctx.error(p, "`negated` can be `exempt` or `ignore`", "not supported");
            }
            if let Some(p) = &c.question
                && p.value == Policy::Downgrade
            {
                ctx.error(p, "`question` can be `exempt` or `ignore`", "not supported");
            }
        }
        context
    }

    /// A `substitution` rule: its `swap` table.
    fn substitution(
        &mut self,
        ctx: &mut Ctx<'_>,
        spec: &RuleSpec,
        index: usize,
        phrases_out: &mut Vec<String>,
    ) -> RuleKind {
        let case_sensitive = spec.case_sensitive;
        let mut swaps = Vec::new();
        match &spec.swap {
            None => ctx.error(
                &spec.id,
                "a substitution rule needs a `swap` table",
                "no swap",
            ),
            Some(table) if table.value.is_empty() => {
                ctx.error(table, "the `swap` table is empty", "empty")
            }
            Some(table) => {
                let map: &BTreeMap<String, String> = &table.value;
                for (n, (found, replacement)) in map.iter().enumerate() {
                    if normalise_phrase(found).is_empty() || replacement.trim().is_empty() {
                        ctx.error(
                            table,
                            "swap entries need a phrase and a replacement",
                            "here",
                        );
                        continue;
                    }
                    self.builder
                        .add_phrase(Owner::Swap(index, n), found, case_sensitive);
                    phrases_out.push(normalise_phrase(found).to_lowercase());
                    swaps.push((found.clone(), replacement.clone()));
                }
            }
        }
        let unless = compile_regexes(ctx, &spec.unless, case_sensitive);
        RuleKind::Substitution(Substitution { swaps, unless })
    }

    /// A `require` rule: what triggers it (`when`) and what must then be
    /// present (`require`).
    fn require(&mut self, ctx: &mut Ctx<'_>, spec: &RuleSpec) -> RuleKind {
        let case_sensitive = spec.case_sensitive;
        let within = spec
            .within
            .as_ref()
            .map_or(RequireScope::Document, |w| w.value);
        let mut require = Require {
            within,
            when_all: Vec::new(),
            when_group: None,
            min_triggers: 1,
            when_claims: false,
            require_lexicons: Vec::new(),
            require_group: None,
            min_distinct: 1,
            describe: String::new(),
            raw: RawMatcher::default(),
        };
        match &spec.when {
            None if within == RequireScope::Metadata => {}
            None => ctx.error(&spec.id, "a require rule needs `when`", "no `when`"),
            Some(when) if within == RequireScope::Metadata => ctx.error(
                when,
                "`within: metadata` rules apply to every document with metadata; remove `when`",
                "not used",
            ),
            Some(when) => {
                let w = &when.value;
                for name in &w.all {
                    if let Some(i) = lexicon_ref(ctx, name, self.lex_index) {
                        require.when_all.push(i);
                    }
                }
                require.when_group = add_group(
                    ctx,
                    self.builder,
                    self.groups,
                    &w.phrases,
                    &w.regex,
                    case_sensitive,
                );
                if w.all.is_empty() && w.phrases.is_empty() && w.regex.is_empty() {
                    ctx.error(when, "`when` needs `all`, `phrases` or `regex`", "empty");
                }
                require.when_claims = w.claims.as_ref().is_some_and(|c| c.value);
                if let Some(min) = &w.min {
                    if min.value == 0 {
                        ctx.error(min, "`min` must be at least 1", "here");
                    }
                    require.min_triggers = min.value.max(1);
                }
            }
        }
        match &spec.require {
            None => ctx.error(&spec.id, "a require rule needs `require`", "no `require`"),
            Some(req) => {
                let r = &req.value;
                for name in &r.lexicons {
                    if let Some(i) = lexicon_ref(ctx, name, self.lex_index) {
                        require.require_lexicons.push(i);
                    }
                }
                require.require_group = add_group(
                    ctx,
                    self.builder,
                    self.groups,
                    &r.phrases,
                    &r.regex,
                    case_sensitive,
                );
                if r.lexicons.is_empty() && r.phrases.is_empty() && r.regex.is_empty() {
                    ctx.error(
                        req,
                        "`require` needs `lexicons`, `phrases` or `regex`",
                        "empty",
                    );
                }
                if let Some(min) = &r.min_distinct {
                    if min.value == 0 {
                        ctx.error(min, "`min_distinct` must be at least 1", "here");
                    }
                    require.min_distinct = min.value.max(1);
                }
                require.describe = r.describe.value.clone();
                require.raw = RawMatcher {
                    phrases: r
                        .phrases
                        .iter()
                        .map(|p| normalise_phrase(&p.value).to_lowercase())
                        .collect(),
                    regexes: r
                        .regex
                        .iter()
                        .map(|re| {
                            let flags = if case_sensitive { "(?m)" } else { "(?mi)" };
                            format!("{flags}{}", ascii_word_boundaries(&re.value))
                        })
                        .collect(),
                    ..RawMatcher::default()
                };
            }
        }
        RuleKind::Require(require)
    }
}

/// A `repetition` rule: duplicated passages or keyword stuffing.
fn repetition(ctx: &mut Ctx<'_>, spec: &RuleSpec) -> RuleKind {
    match spec.detect.as_ref().map(|d| d.value) {
        None => {
            ctx.error(
                &spec.id,
                "a repetition rule needs `detect: duplicates` or `detect: stuffing`",
                "no `detect`",
            );
            RuleKind::Repetition(Repetition::Duplicates {
                unit: Unit::Paragraph,
                min_words: 8,
            })
        }
        Some(spec::Detect::Duplicates) => {
            for (field, present) in [
                ("ngram", spec.ngram.as_ref().map(span_of)),
                ("max_count", spec.max_count.as_ref().map(span_of)),
                (
                    "max_per_1000_words",
                    spec.max_per_1000_words.as_ref().map(span_of),
                ),
            ] {
                if let Some(span) = present {
                    ctx.error_at(
                        span,
                        format!("field `{field}` applies to `detect: stuffing`"),
                        "not used",
                    );
                }
            }
            RuleKind::Repetition(Repetition::Duplicates {
                unit: spec.unit.as_ref().map_or(Unit::Paragraph, |u| u.value),
                min_words: spec.min_words.as_ref().map_or(8, |m| m.value.max(1)),
            })
        }
        Some(spec::Detect::Stuffing) => {
            let [min_n, max_n] = spec.ngram.as_ref().map_or([3, 8], |n| n.value);
            if let Some(n) = &spec.ngram
                && (min_n < 2 || max_n < min_n || max_n > 12)
            {
                ctx.error(
                    n,
                    "`ngram` must be [min, max] with 2 <= min <= max <= 12",
                    "here",
                );
            }
            if let Some(u) = &spec.unit {
                ctx.error(u, "`unit` applies to `detect: duplicates`", "not used");
            }
            RuleKind::Repetition(Repetition::Stuffing {
                min_n,
                max_n,
                max_count: spec.max_count.as_ref().map_or(6, |m| m.value.max(2)),
                max_per_1000_words: spec.max_per_1000_words.as_ref().map_or(4.0, |m| m.value),
            })
        }
    }
}

/// The checks every rule gets, whatever its kind: fields that do not
/// apply to it, scopes, references, an explanation.
fn check_fields(ctx: &mut Ctx<'_>, spec: &RuleSpec, kind_spec: KindSpec) {
    for (field, span) in misplaced_fields(spec, kind_spec) {
        let span = key_span(&ctx.file.text, field).or(span);
        let kind_name = match kind_spec {
            KindSpec::Pattern => "pattern",
            KindSpec::Substitution => "substitution",
            KindSpec::Require => "require",
            KindSpec::Repetition => "repetition",
        };
        ctx.error_at(
            span,
            format!("field `{field}` does not apply to a `{kind_name}` rule"),
            "not used by this kind",
        );
    }
    for scope in &spec.scope {
        if !SCOPES.contains(&scope.value.as_str()) {
            ctx.error(
                scope,
                format!(
                    "unknown scope `{}`; expected one of {}",
                    scope.value,
                    SCOPES.join(", ")
                ),
                "unknown scope",
            );
        }
    }
    for reference in &spec.references {
        let r = reference.value.trim();
        if !(r.starts_with("https://") || r.starts_with("http://")) {
            ctx.error(
                reference,
                "a reference must be a URL (http:// or https://)",
                "not a URL",
            );
        }
    }
    if spec.explain.value.trim().is_empty() {
        ctx.error(
            &spec.explain,
            "`explain` is empty",
            "say why this is misleading",
        );
    }
}

/// The rule's own examples, each with its span in the file.
fn examples(spec: &RuleSpec) -> Examples {
    spec.examples
        .as_ref()
        .map(|e| Examples {
            invalid: e
                .value
                .invalid
                .iter()
                .map(|s| (s.value.clone(), span_of(s).unwrap_or(0..0)))
                .collect(),
            valid: e
                .value
                .valid
                .iter()
                .map(|s| (s.value.clone(), span_of(s).unwrap_or(0..0)))
                .collect(),
        })
        .unwrap_or_default()
}
