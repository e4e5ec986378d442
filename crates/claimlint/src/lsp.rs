//! `claimlint lsp`: a Language Server Protocol server over stdio.
//!
//! Synchronous (`lsp-server` + `lsp-types`, the crates rust-analyzer is
//! built on): one thread reads messages, lints and answers.
//!
//! - Diagnostics are published when a document is opened or saved, and
//!   [`DEBOUNCE`] after the last change while typing.
//! - Positions use the negotiated encoding: UTF-8 when the client offers it
//!   (`general.positionEncodings`), otherwise UTF-16, the protocol default;
//!   UTF-32 is supported too. Emoji and curly quotes before a finding never
//!   shift it.
//! - Code actions: a finding's machine-applicable fix, and "suppress here,
//!   with a reason", which inserts
//!   `<!-- claimlint-disable-next-line ID -- reason -->` above the line in
//!   Markdown and HTML (the comment is read by claimlint's suppression
//!   support).
//! - Hover on a finding shows the rule's explanation and references.
//! - Configuration: `.claimlint.yaml` at the workspace root applies as in
//!   `claimlint check` — its rules, enable/disable, severities, excludes and
//!   suppression settings — and suppression comments in the document are
//!   honoured; all reloaded when that file or a rule file changes or is
//!   saved.

use std::collections::HashMap;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::RecvTimeoutError;
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, RegisterCapability, Request as _};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, Diagnostic as LspDiagnostic, DiagnosticSeverity,
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, FileSystemWatcher, GlobPattern, Hover,
    HoverContents, HoverParams, HoverProviderCapability, InitializeParams, MarkupContent,
    MarkupKind, MessageType, NumberOrString, Position, PositionEncodingKind,
    PublishDiagnosticsParams, Range as LspRange, Registration, RegistrationParams, SaveOptions,
    ServerCapabilities, ShowMessageParams, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, TextEdit, Uri, WorkspaceEdit,
};
use serde::de::DeserializeOwned;

use crate::ExitStatus;
use crate::cli::{LspArgs, RuleArgs};
use crate::commands::load_rules;
use claimlint_core::config::{Config, Policy};
use claimlint_core::diagnostic::{Diagnostic, Severity};
use claimlint_core::document::html::HtmlOptions;
use claimlint_core::document::{Format, ParseOptions};
use claimlint_core::linter::Linter;
use claimlint_core::rule::RuleSet;
use claimlint_core::source::SourceFile;

/// How long after the last change a document is linted.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// The workspace configuration file the server reads.
pub const CONFIG_FILE: &str = ".claimlint.yaml";

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Position encodings the server can speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    fn negotiate(params: &InitializeParams) -> Self {
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.clone())
            .unwrap_or_default();
        if offered.contains(&PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else if offered.contains(&PositionEncodingKind::UTF16) || offered.is_empty() {
            Encoding::Utf16
        } else if offered.contains(&PositionEncodingKind::UTF32) {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        }
    }

    fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }
}

/// Converts between byte offsets and LSP positions for one text.
pub struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
    encoding: Encoding,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str, encoding: Encoding) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self {
            text,
            starts,
            encoding,
        }
    }

    /// The position of byte `offset` (moved back to a character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let offset = claimlint_core::source::floor_char_boundary(self.text, offset);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character: usize = self.text[start..offset]
            .chars()
            .map(|c| self.encoding.width(c))
            .sum();
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, span: &Range<usize>) -> LspRange {
        LspRange::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of `position` (clamped to its line and the text; a
    /// position inside a character is moved to its start).
    pub fn offset(&self, position: Position) -> usize {
        let line = position.line as usize;
        let Some(&start) = self.starts.get(line) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            let w = self.encoding.width(c);
            if units + w > position.character as usize {
                return start + i;
            }
            units += w;
        }
        end
    }
}

/// An open document.
struct Doc {
    text: String,
    version: Option<i32>,
    findings: Vec<Diagnostic>,
    /// Lint when this time has passed.
    due: Option<Instant>,
}

struct Server<'c> {
    connection: &'c Connection,
    encoding: Encoding,
    root: Option<PathBuf>,
    args: RuleArgs,
    /// The rules, with the parse options of `claimlint lsp`'s arguments.
    linter: Linter,
    /// The workspace's `.claimlint.yaml`: enable/disable, severities,
    /// excludes, suppression reasons — as for `claimlint check`.
    config: Option<Arc<Config>>,
    /// How documents are parsed (`--html-skip`), kept for reloads.
    linter_options: ParseOptions,
    docs: HashMap<Uri, Doc>,
    next_request: i32,
}

/// Path of a `file:` URI.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    let path = rest.find('/').map(|i| &rest[i..])?;
    let mut bytes = Vec::with_capacity(path.len());
    let b = path.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(v) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            bytes.push(v);
            i += 3;
            continue;
        }
        bytes.push(b[i]);
        i += 1;
    }
    let decoded = String::from_utf8(bytes).ok()?;
    // `file:///C:/x` on Windows.
    let decoded = match decoded.as_bytes() {
        [b'/', d, b':', ..] if d.is_ascii_alphabetic() => decoded[1..].to_string(),
        _ => decoded,
    };
    Some(PathBuf::from(decoded))
}

fn uri_name(uri: &Uri) -> String {
    uri_to_path(uri).map_or_else(
        || uri.as_str().to_string(),
        |p| p.to_string_lossy().into_owned(),
    )
}

/// The workspace configuration (`.claimlint.yaml` or `.claimlint.yml` at the
/// workspace root), if there is one.
fn workspace_config(root: Option<&Path>) -> Result<Option<Arc<Config>>, String> {
    let Some(root) = root else {
        return Ok(None);
    };
    for name in [CONFIG_FILE, ".claimlint.yml"] {
        let path = root.join(name);
        if path.is_file() {
            return crate::config::load(&path)
                .map(|c| Some(Arc::new(c)))
                .map_err(|errors| located(&errors));
        }
    }
    Ok(None)
}

fn located(errors: &[claimlint_core::error::LocatedError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.location(), e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The rules and configuration of a workspace: the command line's rules,
/// plus the `rules:` of its configuration, unless it sets `default-rules:
/// false`. The same resolution as `claimlint check`.
fn load(root: Option<&Path>, base: &RuleArgs) -> Result<(RuleSet, Option<Arc<Config>>), String> {
    let config = workspace_config(root)?;
    let mut args = base.clone();
    if let Some(c) = &config {
        args.rules.extend(c.rules.iter().cloned());
        if c.default_rules == Some(false) {
            args.no_default_rules = true;
        }
    }
    let rules = load_rules(&args).map_err(|errors| located(&errors))?;
    if let Some(c) = &config {
        let problems = c.validate(&rules);
        if !problems.is_empty() {
            return Err(located(&problems));
        }
    }
    Ok((rules, config))
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

fn params<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, BoxError> {
    Ok(serde_json::from_value(value)?)
}

impl Server<'_> {
    fn send(&self, message: Message) -> Result<(), BoxError> {
        self.connection.sender.send(message)?;
        Ok(())
    }

    fn notify<N: lsp_types::notification::Notification>(
        &self,
        params: N::Params,
    ) -> Result<(), BoxError> {
        self.send(Message::Notification(Notification::new(
            N::METHOD.to_string(),
            params,
        )))
    }

    fn show_error(&self, message: String) -> Result<(), BoxError> {
        self.notify::<ShowMessage>(ShowMessageParams {
            typ: MessageType::ERROR,
            message: format!("claimlint: {message}"),
        })
    }

    fn lint(&mut self, uri: &Uri) -> Result<(), BoxError> {
        let Some(doc) = self.docs.get_mut(uri) else {
            return Ok(());
        };
        doc.due = None;
        let name = uri_name(uri);
        let format = Format::from_path(&name);
        // Suppression comments and the workspace configuration apply as in
        // `claimlint check`; an excluded file has no findings.
        let path = uri_to_path(uri);
        let policy = match (&self.config, &path) {
            (Some(c), Some(p)) if c.excludes(p) => None,
            (Some(c), Some(p)) => Some(c.policy_for(p)),
            _ => Some(Policy::default()),
        };
        doc.findings = match policy {
            Some(policy) => {
                let source = SourceFile::new(name.clone(), doc.text.clone());
                self.linter.lint_file(source, format, &policy).diagnostics
            }
            None => Vec::new(),
        };
        let index = LineIndex::new(&doc.text, self.encoding);
        let diagnostics = doc
            .findings
            .iter()
            .map(|d| {
                let rule = self.linter.rules().rule(&d.rule);
                let mut message = d.message.clone();
                if let Some(help) = &d.help {
                    message.push_str("\nhelp: ");
                    message.push_str(help);
                }
                for note in &d.notes {
                    message.push_str("\nnote: ");
                    message.push_str(note);
                }
                LspDiagnostic {
                    range: index.range(&d.span),
                    severity: Some(severity(d.severity)),
                    code: Some(NumberOrString::String(d.rule.to_string())),
                    code_description: rule
                        .and_then(|r| r.references.first())
                        .and_then(|href| href.parse().ok())
                        .map(|href| lsp_types::CodeDescription { href }),
                    source: Some("claimlint".into()),
                    message,
                    related_information: (!d.related.is_empty()).then(|| {
                        d.related
                            .iter()
                            .map(|r| lsp_types::DiagnosticRelatedInformation {
                                location: lsp_types::Location::new(
                                    uri.clone(),
                                    index.range(&r.span),
                                ),
                                message: r.label.clone(),
                            })
                            .collect()
                    }),
                    ..Default::default()
                }
            })
            .collect();
        let version = doc.version;
        self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version,
        })
    }

    fn reload(&mut self) -> Result<(), BoxError> {
        match load(self.root.as_deref(), &self.args) {
            Ok((rules, config)) => {
                self.linter = Linter::new(rules).with_parse_options(self.linter_options.clone());
                self.config = config;
                let uris: Vec<Uri> = self.docs.keys().cloned().collect();
                for uri in uris {
                    self.lint(&uri)?;
                }
                Ok(())
            }
            Err(message) => self.show_error(format!("rules not reloaded: {message}")),
        }
    }

    fn is_rule_source(&self, uri: &Uri) -> bool {
        let Some(path) = uri_to_path(uri) else {
            return false;
        };
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        name == CONFIG_FILE
            || matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            )
    }

    fn apply_changes(&mut self, p: DidChangeTextDocumentParams) {
        let encoding = self.encoding;
        let Some(doc) = self.docs.get_mut(&p.text_document.uri) else {
            return;
        };
        for change in p.content_changes {
            match change.range {
                None => doc.text = change.text,
                Some(range) => {
                    let index = LineIndex::new(&doc.text, encoding);
                    let start = index.offset(range.start);
                    let end = index.offset(range.end).max(start);
                    doc.text.replace_range(start..end, &change.text);
                }
            }
        }
        doc.version = Some(p.text_document.version);
        doc.due = Some(Instant::now() + DEBOUNCE);
    }

    fn notification(&mut self, n: Notification) -> Result<(), BoxError> {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let p: DidOpenTextDocumentParams = params(n.params)?;
                let uri = p.text_document.uri;
                self.docs.insert(
                    uri.clone(),
                    Doc {
                        text: p.text_document.text,
                        version: Some(p.text_document.version),
                        findings: Vec::new(),
                        due: None,
                    },
                );
                self.lint(&uri)?;
            }
            DidChangeTextDocument::METHOD => {
                let p: DidChangeTextDocumentParams = params(n.params)?;
                self.apply_changes(p);
            }
            DidSaveTextDocument::METHOD => {
                let p: DidSaveTextDocumentParams = params(n.params)?;
                let uri = p.text_document.uri;
                if let (Some(text), Some(doc)) = (p.text, self.docs.get_mut(&uri)) {
                    doc.text = text;
                }
                if self.is_rule_source(&uri) {
                    self.reload()?;
                } else {
                    self.lint(&uri)?;
                }
            }
            DidCloseTextDocument::METHOD => {
                let p: DidCloseTextDocumentParams = params(n.params)?;
                self.docs.remove(&p.text_document.uri);
                self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
                    uri: p.text_document.uri,
                    diagnostics: Vec::new(),
                    version: None,
                })?;
            }
            DidChangeWatchedFiles::METHOD => {
                let p: DidChangeWatchedFilesParams = params(n.params)?;
                if p.changes.iter().any(|c| self.is_rule_source(&c.uri)) {
                    self.reload()?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn request(&mut self, req: Request) -> Result<(), BoxError> {
        let id = req.id.clone();
        let result: Result<serde_json::Value, BoxError> = match req.method.as_str() {
            CodeActionRequest::METHOD => {
                params(req.params).and_then(|p| Ok(serde_json::to_value(self.code_actions(p))?))
            }
            HoverRequest::METHOD => {
                params(req.params).and_then(|p| Ok(serde_json::to_value(self.hover(p))?))
            }
            _ => {
                return self.send(Message::Response(Response::new_err(
                    id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("unsupported request {}", req.method),
                )));
            }
        };
        let response = match result {
            Ok(value) => Response::new_ok(id, value),
            Err(e) => Response::new_err(
                id,
                lsp_server::ErrorCode::InvalidParams as i32,
                e.to_string(),
            ),
        };
        self.send(Message::Response(response))
    }

    /// Flushes a pending debounced lint, so requests see current findings.
    fn settle(&mut self, uri: &Uri) -> Result<(), BoxError> {
        if self.docs.get(uri).is_some_and(|d| d.due.is_some()) {
            self.lint(uri)?;
        }
        Ok(())
    }

    fn code_actions(&mut self, p: CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = p.text_document.uri;
        let _ = self.settle(&uri);
        let Some(doc) = self.docs.get(&uri) else {
            return Vec::new();
        };
        let index = LineIndex::new(&doc.text, self.encoding);
        let start = index.offset(p.range.start);
        let end = index.offset(p.range.end);
        let format = Format::from_path(&uri_name(&uri));
        let suppressible = matches!(format, Format::Markdown | Format::Html);
        let mut actions = Vec::new();
        for d in &doc.findings {
            let touches = d.span.start <= end && start <= d.span.end;
            if !touches {
                continue;
            }
            let lsp_diag = LspDiagnostic {
                range: index.range(&d.span),
                severity: Some(severity(d.severity)),
                code: Some(NumberOrString::String(d.rule.to_string())),
                source: Some("claimlint".into()),
                message: d.message.clone(),
                ..Default::default()
            };
            let edit = |edits: Vec<TextEdit>| WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), edits)])),
                ..Default::default()
            };
            if let Some(fix) = &d.fix {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Replace with “{}” ({})", fix.replacement, d.rule),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![lsp_diag.clone()]),
                    edit: Some(edit(vec![TextEdit::new(
                        index.range(&fix.span),
                        fix.replacement.clone(),
                    )])),
                    is_preferred: Some(true),
                    ..Default::default()
                }));
            }
            if suppressible {
                let line_start = doc.text[..d.span.start].rfind('\n').map_or(0, |i| i + 1);
                let line = &doc.text[line_start..];
                let indent: String = line
                    .chars()
                    .take_while(|c| *c == ' ' || *c == '\t')
                    .collect();
                let eol = if doc.text.contains("\r\n") {
                    "\r\n"
                } else {
                    "\n"
                };
                let comment = format!(
                    "{indent}<!-- claimlint-disable-next-line {} -- reason -->{eol}",
                    d.rule
                );
                let at = index.position(line_start);
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Suppress {} on this line (with a reason)", d.rule),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![lsp_diag]),
                    edit: Some(edit(vec![TextEdit::new(LspRange::new(at, at), comment)])),
                    ..Default::default()
                }));
            }
        }
        actions
    }

    fn hover(&mut self, p: HoverParams) -> Option<Hover> {
        let uri = p.text_document_position_params.text_document.uri;
        let _ = self.settle(&uri);
        let doc = self.docs.get(&uri)?;
        let index = LineIndex::new(&doc.text, self.encoding);
        let offset = index.offset(p.text_document_position_params.position);
        let mut sections = Vec::new();
        let mut range = None;
        for d in doc
            .findings
            .iter()
            .filter(|d| d.span.start <= offset && offset < d.span.end.max(d.span.start + 1))
        {
            range.get_or_insert_with(|| index.range(&d.span));
            let mut s = format!("**{}** ({}): {}\n", d.rule, d.severity, d.message);
            if let Some(help) = &d.help {
                s.push_str(&format!("\n*Help:* {help}\n"));
            }
            if let Some(rule) = self.linter.rules().rule(&d.rule) {
                if !rule.explain.trim().is_empty() {
                    s.push_str(&format!("\n{}\n", rule.explain.trim()));
                }
                if !rule.references.is_empty() {
                    s.push_str("\n**References**\n\n");
                    for r in &rule.references {
                        s.push_str(&format!("- <{r}>\n"));
                    }
                }
            }
            sections.push(s);
        }
        if sections.is_empty() {
            return None;
        }
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: sections.join("\n---\n\n"),
            }),
            range,
        })
    }

    fn watch_rule_files(&mut self) -> Result<(), BoxError> {
        let watchers = ["**/.claimlint.yaml", "**/*.yaml", "**/*.yml"]
            .into_iter()
            .map(|g| FileSystemWatcher {
                glob_pattern: GlobPattern::String(g.into()),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        self.next_request += 1;
        let request = Request::new(
            RequestId::from(format!("claimlint-{}", self.next_request)),
            RegisterCapability::METHOD.to_string(),
            RegistrationParams {
                registrations: vec![Registration {
                    id: "claimlint-watch-rules".into(),
                    method: DidChangeWatchedFiles::METHOD.into(),
                    register_options: Some(serde_json::to_value(options)?),
                }],
            },
        );
        self.send(Message::Request(request))
    }

    fn main_loop(&mut self) -> Result<(), BoxError> {
        loop {
            let due = self.docs.values().filter_map(|d| d.due).min();
            let message = match due {
                Some(due) => {
                    let wait = due.saturating_duration_since(Instant::now());
                    match self.connection.receiver.recv_timeout(wait) {
                        Ok(m) => Some(m),
                        Err(RecvTimeoutError::Timeout) => None,
                        Err(RecvTimeoutError::Disconnected) => return Ok(()),
                    }
                }
                None => match self.connection.receiver.recv() {
                    Ok(m) => Some(m),
                    Err(_) => return Ok(()),
                },
            };
            match message {
                None => {
                    let now = Instant::now();
                    let ready: Vec<Uri> = self
                        .docs
                        .iter()
                        .filter(|(_, d)| d.due.is_some_and(|t| t <= now))
                        .map(|(u, _)| u.clone())
                        .collect();
                    for uri in ready {
                        self.lint(&uri)?;
                    }
                }
                Some(Message::Request(req)) => {
                    if self.connection.handle_shutdown(&req)? {
                        return Ok(());
                    }
                    self.request(req)?;
                }
                Some(Message::Notification(n)) => {
                    // A malformed notification is reported, not fatal.
                    let method = n.method.clone();
                    if let Err(e) = self.notification(n) {
                        let _ = writeln!(std::io::stderr(), "claimlint lsp: {method}: {e}");
                    }
                }
                Some(Message::Response(_)) => {}
            }
        }
    }
}

fn serve(connection: &Connection, args: &LspArgs) -> Result<(), BoxError> {
    let options = ParseOptions {
        html: HtmlOptions::with_skip(&args.html_skip).map_err(|e| format!("--html-skip: {e}"))?,
    };
    let (id, init) = connection.initialize_start()?;
    let init: InitializeParams = serde_json::from_value(init)?;
    let encoding = Encoding::negotiate(&init);
    #[allow(deprecated)]
    let root = init
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| &f.uri)
        .or(init.root_uri.as_ref())
        .and_then(uri_to_path);
    let capabilities = ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(true),
                })),
                ..Default::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..Default::default()
    };
    connection.initialize_finish(
        id,
        serde_json::json!({
            "capabilities": capabilities,
            "serverInfo": {"name": "claimlint", "version": env!("CARGO_PKG_VERSION")},
        }),
    )?;
    let (rules, config, problem) = match load(root.as_deref(), &args.rules) {
        Ok((rules, config)) => (rules, config, None),
        Err(message) => (
            load(None, &args.rules)
                .map_err(|e| format!("cannot load rules: {e}"))?
                .0,
            None,
            Some(message),
        ),
    };
    let mut server = Server {
        connection,
        encoding,
        root,
        args: args.rules.clone(),
        linter: Linter::new(rules).with_parse_options(options.clone()),
        linter_options: options,
        config,
        docs: HashMap::new(),
        next_request: 0,
    };
    if let Some(message) = problem {
        server.show_error(format!("workspace rules not loaded: {message}"))?;
    }
    let dynamic_watch = init
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false);
    if dynamic_watch {
        server.watch_rule_files()?;
    }
    server.main_loop()
}

/// Runs the server on stdin/stdout until the client says `exit`.
///
/// A message whose body is not JSON is answered with a parse error, and one
/// that is JSON but not a JSON-RPC message with an invalid-request error;
/// the server goes on. Broken framing (a header without `Content-Length`,
/// input that ends inside a body) ends it with status 2 and a message.
pub fn run(args: &LspArgs, err: &mut dyn Write) -> std::io::Result<ExitStatus> {
    let (connection, io_threads) = stdio::connect()?;
    let result = serve(&connection, args);
    drop(connection);
    let joined = io_threads.join();
    // A transport error comes first: the server's own error then is only
    // that its input closed.
    let problem = match (joined, result) {
        (Err(e), _) => e.to_string(),
        (Ok(()), Err(e)) => e.to_string(),
        (Ok(()), Ok(())) => return Ok(ExitStatus::Clean),
    };
    writeln!(err, "error: claimlint lsp: {problem}")?;
    Ok(ExitStatus::Error)
}

/// The stdio transport: `Content-Length` framing, read and written on two
/// threads (as `lsp_server::Connection::stdio` does), except that a frame
/// which is not a JSON-RPC message is answered here, on stdout, instead of
/// ending the reader.
pub mod stdio {
    use std::io::{self, BufRead, Read, Write};
    use std::thread::JoinHandle;

    use crossbeam_channel::{Sender, bounded};
    use lsp_server::{Connection, Message};
    use serde_json::{Value, json};

    /// JSON-RPC 2.0: invalid JSON was received.
    pub const PARSE_ERROR: i32 = -32700;
    /// JSON-RPC 2.0: the JSON sent is not a valid request object.
    pub const INVALID_REQUEST: i32 = -32600;

    /// The reader and writer threads of [`connect`].
    pub struct IoThreads {
        reader: JoinHandle<io::Result<()>>,
        writer: JoinHandle<io::Result<()>>,
    }

    impl IoThreads {
        /// Waits for both threads (the reader ends after `exit` or at the
        /// end of input, the writer once the connection is dropped); the
        /// first error wins.
        pub fn join(self) -> io::Result<()> {
            let reader = self
                .reader
                .join()
                .map_err(|_| io::Error::other("reader panicked"));
            let writer = self
                .writer
                .join()
                .map_err(|_| io::Error::other("writer panicked"));
            reader??;
            writer??;
            Ok(())
        }
    }

    /// A connection over this process's stdin and stdout.
    pub fn connect() -> io::Result<(Connection, IoThreads)> {
        let (writer_sender, writer_receiver) = bounded::<Message>(0);
        let writer = std::thread::Builder::new()
            .name("claimlint-lsp-writer".into())
            .spawn(move || {
                writer_receiver
                    .into_iter()
                    .try_for_each(|message| message.write(&mut io::stdout().lock()))
            })?;
        let (reader_sender, reader_receiver) = bounded::<Message>(0);
        let reader = std::thread::Builder::new()
            .name("claimlint-lsp-reader".into())
            .spawn(move || {
                // Each answer takes the stdout lock for its whole frame, so
                // it never interleaves with the writer thread's frames.
                read_messages(&mut io::stdin().lock(), &reader_sender, &mut |answer| {
                    write_frame(&mut io::stdout().lock(), answer)
                })
            })?;
        let connection = Connection {
            sender: writer_sender,
            receiver: reader_receiver,
        };
        Ok((connection, IoThreads { reader, writer }))
    }

    /// Reads frames from `input` until the end of input or an `exit`
    /// notification: messages go to `sender`, and each frame that is not a
    /// message gets its error response through `answer`.
    pub fn read_messages(
        input: &mut dyn BufRead,
        sender: &Sender<Message>,
        answer: &mut dyn FnMut(&Value) -> io::Result<()>,
    ) -> io::Result<()> {
        while let Some(body) = read_frame(input)? {
            match parse(&body) {
                Ok(message) => {
                    let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                    sender.send(message).map_err(io::Error::other)?;
                    if exit {
                        break;
                    }
                }
                Err(response) => answer(&response)?,
            }
        }
        Ok(())
    }

    /// The body of the next frame, or `None` at the end of input (before
    /// any header).
    pub fn read_frame(input: &mut dyn BufRead) -> io::Result<Option<Vec<u8>>> {
        let mut length = None;
        let mut line = Vec::new();
        let mut first = true;
        loop {
            line.clear();
            if input.read_until(b'\n', &mut line)? == 0 {
                if first {
                    return Ok(None);
                }
                return Err(invalid("the input ended inside a message header"));
            }
            first = false;
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                break;
            }
            let Some((name, value)) = text.split_once(':') else {
                return Err(invalid(format!("malformed message header {text:?}")));
            };
            if name.trim().eq_ignore_ascii_case("Content-Length") {
                let value = value.trim();
                length =
                    Some(value.parse::<u64>().map_err(|_| {
                        invalid(format!("Content-Length is not a number: {value:?}"))
                    })?);
            }
        }
        let length = length.ok_or_else(|| invalid("a message header has no Content-Length"))?;
        let mut body = Vec::new();
        input.take(length).read_to_end(&mut body)?;
        if (body.len() as u64) < length {
            return Err(invalid(format!(
                "the input ended inside a message body ({} of {length} bytes)",
                body.len()
            )));
        }
        Ok(Some(body))
    }

    /// A frame's body as a message, or the error response it gets.
    pub fn parse(body: &[u8]) -> Result<Message, Value> {
        let value: Value = serde_json::from_slice(body).map_err(|e| {
            error_response(
                Value::Null,
                PARSE_ERROR,
                format!("Parse error: the message is not valid JSON ({e})"),
            )
        })?;
        serde_json::from_value(value.clone()).map_err(|e| {
            // Answer with the request's id when it has a valid one.
            let id = value
                .get("id")
                .filter(|id| id.is_number() || id.is_string())
                .cloned()
                .unwrap_or(Value::Null);
            error_response(
                id,
                INVALID_REQUEST,
                format!("Invalid Request: not a JSON-RPC request, response or notification ({e})"),
            )
        })
    }

    fn error_response(id: Value, code: i32, message: String) -> Value {
        json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
    }

    /// Writes `value` as one frame and flushes.
    pub fn write_frame(out: &mut dyn Write, value: &Value) -> io::Result<()> {
        let body = value.to_string();
        write!(out, "Content-Length: {}\r\n\r\n{body}", body.len())?;
        out.flush()
    }

    fn invalid(message: impl Into<String>) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, message.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_in_each_encoding() {
        let text = "a😀“b”\nbest 😀x";
        let x = text.find('x').unwrap();
        for (encoding, character) in [
            (Encoding::Utf16, 7),
            (Encoding::Utf8, 9),
            (Encoding::Utf32, 6),
        ] {
            let index = LineIndex::new(text, encoding);
            let p = index.position(x);
            assert_eq!(p, Position::new(1, character), "{encoding:?}");
            assert_eq!(index.offset(p), x);
        }
        let index = LineIndex::new(text, Encoding::Utf16);
        let b = text.find('b').unwrap();
        assert_eq!(index.position(b), Position::new(0, 4));
        assert_eq!(index.offset(Position::new(0, 2)), 1, "inside the emoji");
        assert_eq!(index.offset(Position::new(0, 99)), text.find('\n').unwrap());
        assert_eq!(index.offset(Position::new(9, 0)), text.len());
    }

    fn frame(body: &[u8]) -> Vec<u8> {
        let mut f = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        f.extend_from_slice(body);
        f
    }

    #[test]
    fn frames_that_are_not_messages_are_answered_and_reading_goes_on() {
        let mut input = Vec::new();
        for body in [
            &b"{not json"[..],
            b"\xff\xfe",
            b"42",
            br#"{"jsonrpc":"2.0","id":5,"params":{}}"#,
            br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#,
            br#"{"jsonrpc":"2.0","method":"exit"}"#,
            br#"{"jsonrpc":"2.0","id":2,"method":"after-exit"}"#,
        ] {
            input.extend(frame(body));
        }
        let (sender, receiver) = crossbeam_channel::unbounded();
        let mut answers = Vec::new();
        stdio::read_messages(&mut &input[..], &sender, &mut |a| {
            answers.push(a.clone());
            Ok(())
        })
        .unwrap();
        let codes: Vec<_> = answers
            .iter()
            .map(|a| (a["id"].clone(), a["error"]["code"].as_i64().unwrap()))
            .collect();
        assert_eq!(
            codes,
            [
                (serde_json::Value::Null, -32700),
                (serde_json::Value::Null, -32700),
                (serde_json::Value::Null, -32600),
                (serde_json::json!(5), -32600),
            ]
        );
        assert!(answers.iter().all(|a| a["jsonrpc"] == "2.0"));
        let methods: Vec<String> = receiver
            .try_iter()
            .map(|m| match m {
                Message::Request(r) => r.method,
                Message::Notification(n) => n.method,
                Message::Response(_) => "response".into(),
            })
            .collect();
        assert_eq!(methods, ["shutdown", "exit"], "nothing is read after exit");
    }

    #[test]
    fn broken_framing_is_an_error() {
        for (input, message) in [
            (&b"Content-Type: x\r\n\r\n{}"[..], "no Content-Length"),
            (b"Content-Length: ten\r\n\r\n", "not a number"),
            (
                b"Content-Length: 10\r\n\r\n{}",
                "ended inside a message body",
            ),
            (b"Content-Length: 2\r\n", "ended inside a message header"),
            (b"garbage\r\n\r\n", "malformed message header"),
        ] {
            let e = stdio::read_frame(&mut &input[..]).unwrap_err();
            assert!(e.to_string().contains(message), "{e}");
        }
        assert_eq!(stdio::read_frame(&mut &b""[..]).unwrap(), None);
        let mut out = Vec::new();
        stdio::write_frame(&mut out, &serde_json::json!({"a": "é"})).unwrap();
        let body = r#"{"a":"é"}"#;
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("Content-Length: {}\r\n\r\n{body}", body.len())
        );
    }

    #[test]
    fn file_uris_become_paths() {
        let uri: Uri = "file:///tmp/a%20b/post.md".parse().unwrap();
        assert_eq!(uri_to_path(&uri), Some(PathBuf::from("/tmp/a b/post.md")));
        let uri: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(uri_to_path(&uri), None);
    }
}
