//! `claimlint._claimlint`: the extension module behind the `claimlint`
//! Python package.
//!
//! Everything goes through [`claimlint_core::linter::Linter`], so a finding
//! here is the finding `claimlint check --format json` prints: the same
//! rule, span, line, column and text. Linting runs with the interpreter's
//! lock released, so Python threads lint side by side and
//! [`Linter::lint_many`] spreads pages over Rust threads.
//!
//! The Python layer (`python/claimlint/`) adds the exception classes, the
//! one-off functions and the type stubs.

// Located errors carry a snippet's worth of context; they are built on the
// cold path (reading rule files), so their size does not matter.
#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use pyo3::exceptions::{PyKeyError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyMapping, PyString, PyTuple};
use rayon::prelude::*;

use claimlint_core::config::{Config, Policy};
use claimlint_core::document::Format;
use claimlint_core::error::LocatedError;
use claimlint_core::linter::Linter as CoreLinter;
use claimlint_core::render::json::{JsonDiagnostic, JsonRelated};
use claimlint_core::rule::compile::{self, RuleFile};
use claimlint_core::source::SourceFile;

/// Compiled linters kept per process, by their sources: unpickling a
/// linter that this process already compiled (a Dask worker receiving the
/// same linter with every task) reuses it instead of compiling again.
const CACHED_LINTERS: usize = 4;

/// What a linter is made from, and all that pickling it keeps: the text of
/// every rule file and of the configuration, so a worker on another machine
/// recompiles it without the files.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Sources {
    /// User rule and lexicon files, `(path, text)`, in load order.
    rule_files: Vec<(String, String)>,
    /// `(path, text, folder)` of the configuration file.
    config: Option<(String, String, String)>,
    /// Whether the built-in pack is loaded (a configuration's
    /// `default-rules: false` turns it off too).
    default_rules: bool,
}

/// A linter compiled from its [`Sources`].
#[derive(Clone)]
struct Compiled {
    linter: CoreLinter,
    config: Option<Arc<Config>>,
}

static CACHE: Mutex<Vec<(Sources, Compiled)>> = Mutex::new(Vec::new());

impl Sources {
    /// Compiles the rules (the built-in pack's files, then the user's) and
    /// the configuration, checking the configuration against the rules.
    fn compile(&self) -> Result<Compiled, Vec<LocatedError>> {
        let config = match &self.config {
            Some((path, text, dir)) => Some(Arc::new(Config::parse(
                path,
                Arc::from(text.as_str()),
                PathBuf::from(dir),
            )?)),
            None => None,
        };
        let defaults = self.default_rules
            && config
                .as_ref()
                .and_then(|c| c.default_rules)
                .unwrap_or(true);
        // As `claimlint rules`: without the pack, its lexicons and facts
        // stay (user rules build on them).
        let mut files: Vec<RuleFile> = compile::builtin_files()
            .into_iter()
            .filter(|f| defaults || f.is_lexicon() || f.is_facts())
            .collect();
        let mut seen = std::collections::HashSet::new();
        for (path, text) in &self.rule_files {
            if seen.insert(path.as_str()) {
                files.push(RuleFile::new(path.clone(), text.as_str()));
            }
        }
        let rules = compile::load(&files)?;
        if let Some(c) = &config {
            let problems = c.validate(&rules);
            if !problems.is_empty() {
                return Err(problems);
            }
        }
        Ok(Compiled {
            linter: CoreLinter::new(rules),
            config,
        })
    }

    /// [`Sources::compile`], or the linter this process compiled from the
    /// same sources.
    fn compile_cached(&self) -> Result<Compiled, Vec<LocatedError>> {
        if let Some(hit) = lock_cache().iter().find(|(s, _)| s == self) {
            return Ok(hit.1.clone());
        }
        let compiled = self.compile()?;
        let mut cache = lock_cache();
        if !cache.iter().any(|(s, _)| s == self) {
            if cache.len() == CACHED_LINTERS {
                cache.remove(0);
            }
            cache.push((self.clone(), compiled.clone()));
        }
        Ok(compiled)
    }
}

fn lock_cache() -> std::sync::MutexGuard<'static, Vec<(Sources, Compiled)>> {
    // The cache holds no invariant a panic could break.
    CACHE.lock().unwrap_or_else(|e| e.into_inner())
}

/// The `claimlint` package's exception `name` (defined in Python, in
/// `claimlint/_errors.py`), raised with `args`.
fn error<'py>(py: Python<'py>, name: &str, args: impl pyo3::call::PyCallArgs<'py>) -> PyErr {
    let made = py
        .import("claimlint._errors")
        .and_then(|m| m.getattr(name))
        .and_then(|class| class.call1(args));
    match made {
        Ok(exception) => PyErr::from_value(exception),
        Err(e) => e,
    }
}

/// `RuleError` for rule, lexicon or configuration problems: each one's
/// `path:line:col`, message, label and notes.
fn rule_error(py: Python<'_>, errors: &[LocatedError]) -> PyErr {
    let problems = PyList::empty(py);
    let mut lines = vec![format!(
        "could not load rules: {} error{}",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    )];
    for e in errors {
        let (line, column) = match (&e.text, &e.span) {
            (Some(text), Some(span)) => {
                let lc = SourceFile::new(e.path.clone(), text.to_string()).line_col(span.start);
                (Some(lc.line), Some(lc.column))
            }
            _ => (None, None),
        };
        let location = e.location();
        lines.push(format!("{location}: {}", e.message));
        let problem = PyDict::new(py);
        let filled = problem
            .set_item("location", &location)
            .and_then(|()| problem.set_item("path", &e.path))
            .and_then(|()| problem.set_item("line", line))
            .and_then(|()| problem.set_item("column", column))
            .and_then(|()| problem.set_item("message", &e.message))
            .and_then(|()| problem.set_item("label", e.label.as_deref()))
            .and_then(|()| problem.set_item("notes", e.notes.clone()))
            .and_then(|()| problems.append(problem));
        if let Err(err) = filled {
            return err;
        }
    }
    error(py, "RuleError", (lines.join("\n"), problems))
}

/// `InputError` for a text that cannot be linted.
fn input_error(
    py: Python<'_>,
    message: String,
    path: &str,
    at: Option<(usize, usize, usize)>,
) -> PyErr {
    let (offset, line, column) = match at {
        Some((o, l, c)) => (Some(o), Some(l), Some(c)),
        None => (None, None, None),
    };
    error(py, "InputError", (message, path, offset, line, column))
}

/// A text to lint from a Python `str`, or from `bytes` decoded as the
/// command line decodes a file: UTF-8, and not binary (no NUL byte in the
/// first 8 KiB).
fn text_of(py: Python<'_>, value: &Bound<'_, PyAny>, path: &str) -> PyResult<String> {
    if let Ok(s) = value.cast::<PyString>() {
        return s.extract::<String>().map_err(|e| {
            input_error(
                py,
                format!("{path}: the text cannot be encoded as UTF-8 ({e})"),
                path,
                None,
            )
        });
    }
    let bytes: Vec<u8> = if let Ok(b) = value.cast::<PyBytes>() {
        b.as_bytes().to_vec()
    } else if let Ok(b) = value.cast::<PyByteArray>() {
        b.to_vec()
    } else {
        return Err(PyTypeError::new_err(format!(
            "{path}: the text must be str or bytes, not {}",
            value.get_type().name()?
        )));
    };
    decode(bytes).map_err(|(message, at)| input_error(py, format!("{path}: {message}"), path, at))
}

/// Bytes as text, or why not (with the offset, line and column of the
/// first invalid byte).
#[allow(clippy::type_complexity)]
fn decode(bytes: Vec<u8>) -> Result<String, (String, Option<(usize, usize, usize)>)> {
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err((
            "binary data (it contains NUL bytes); claimlint lints text".into(),
            None,
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let prefix = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
        let line = prefix.matches('\n').count() + 1;
        let line_start = prefix.rfind('\n').map_or(0, |i| i + 1);
        let column = prefix[line_start..].chars().count() + 1;
        (
            format!("not valid UTF-8 (first invalid byte at offset {offset}, line {line}, column {column}); decode it first, e.g. bytes.decode('utf-8', errors='replace')"),
            Some((offset, line, column)),
        )
    })
}

/// The format named by `format`, or implied by `path`'s extension.
fn format_of(format: Option<&str>, path: &str) -> PyResult<Format> {
    Ok(match format.map(str::to_ascii_lowercase).as_deref() {
        None => Format::from_path(path),
        Some("plain" | "text" | "txt") => Format::Plain,
        Some("markdown" | "md") => Format::Markdown,
        Some("mdx") => Format::Mdx,
        Some("html" | "htm") => Format::Html,
        Some(other) => {
            return Err(PyValueError::new_err(format!(
                "unknown format {other:?}: expected \"plain\", \"markdown\", \"mdx\" or \"html\" (or None: from the path's extension)"
            )));
        }
    })
}

/// `path` as shown in messages: relative to the current folder when it is
/// inside it, as the command line shows paths.
fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let rel = cwd
        .as_deref()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .filter(|r| !r.as_os_str().is_empty());
    rel.unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// Reads a rule file, or the `.yaml`/`.yml` files under a folder (sorted by
/// name, hidden entries skipped), as `claimlint --rules PATH` does.
fn read_rule_path(
    path: &Path,
    display: &str,
    out: &mut Vec<(String, String)>,
) -> Result<(), LocatedError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| LocatedError::new(display, format!("cannot read rules: {e}")))?;
    if meta.is_dir() {
        let mut entries: Vec<(String, PathBuf)> = std::fs::read_dir(path)
            .map_err(|e| LocatedError::new(display, format!("cannot read rules: {e}")))?
            .filter_map(Result::ok)
            .map(|entry| {
                (
                    entry.file_name().to_string_lossy().into_owned(),
                    entry.path(),
                )
            })
            .filter(|(name, _)| !name.starts_with('.'))
            .collect();
        entries.sort();
        for (name, child) in entries {
            let child_display = format!("{}/{name}", display.trim_end_matches('/'));
            if child.is_dir() {
                read_rule_path(&child, &child_display, out)?;
            } else if matches!(
                child.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            ) {
                out.push((
                    child_display.clone(),
                    read_rule_file(&child, &child_display)?,
                ));
            }
        }
        return Ok(());
    }
    out.push((display.to_string(), read_rule_file(path, display)?));
    Ok(())
}

fn read_rule_file(path: &Path, display: &str) -> Result<String, LocatedError> {
    let bytes = std::fs::read(path)
        .map_err(|e| LocatedError::new(display, format!("cannot read rule file: {e}")))?;
    claimlint_core::error::text_from_bytes(
        display,
        bytes,
        compile::MAX_RULE_FILE_BYTES,
        "rule file",
    )
}

/// Reads a configuration file: `(shown path, text, absolute folder)`.
fn read_config(path: &Path) -> Result<(String, String, String), LocatedError> {
    let display = shown(path);
    let bytes = std::fs::read(path)
        .map_err(|e| LocatedError::new(&display, format!("cannot read configuration: {e}")))?;
    let text = claimlint_core::error::text_from_bytes(
        &display,
        bytes,
        claimlint_core::config::MAX_CONFIG_BYTES,
        "configuration",
    )?;
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok((display, text, dir.to_string_lossy().into_owned()))
}

/// The rule files named by the `rules` argument: a path (file or folder),
/// a mapping of file names to YAML texts, or a sequence of paths.
fn rule_sources(
    value: Option<&Bound<'_, PyAny>>,
    out: &mut Vec<(String, String)>,
    errors: &mut Vec<LocatedError>,
) -> PyResult<()> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(());
    };
    if let Ok(mapping) = value.cast::<PyMapping>() {
        for item in mapping.items()?.iter() {
            let (name, text): (String, String) = item.extract().map_err(|_| {
                PyTypeError::new_err("a mapping of rules maps file names (str) to YAML texts (str)")
            })?;
            out.push((name, text));
        }
        return Ok(());
    }
    let one_path = |v: &Bound<'_, PyAny>| -> PyResult<PathBuf> {
        v.extract::<PathBuf>().map_err(|_| {
            PyTypeError::new_err(format!(
                "rules must be a path, a sequence of paths or a mapping of file names to YAML texts, not {}",
                v.get_type().name().map(|n| n.to_string()).unwrap_or_default()
            ))
        })
    };
    let paths: Vec<PathBuf> =
        if value.is_instance_of::<PyString>() || value.hasattr("__fspath__")? {
            vec![one_path(value)?]
        } else {
            value
                .try_iter()
                .map_err(|_| {
                    one_path(value)
                        .err()
                        .unwrap_or_else(|| PyTypeError::new_err("rules"))
                })?
                .map(|item| one_path(&item?))
                .collect::<PyResult<_>>()?
        };
    for path in paths {
        if let Err(e) = read_rule_path(&path, &shown(&path), out) {
            errors.push(e);
        }
    }
    Ok(())
}

/// One finding: the fields of claimlint's JSON output (version 1), with
/// the same names and values.
///
/// ``start`` and ``end`` are byte offsets into the text's UTF-8 encoding
/// (``end`` exclusive); lines and columns are 1-based, columns counted in
/// characters.
#[pyclass(module = "claimlint", frozen, get_all, eq, hash)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Diagnostic {
    /// The path the text was linted as.
    path: String,
    /// Rule id, e.g. ``"cure.cure-claim"``.
    rule: String,
    /// The rule's category, e.g. ``"cure"``.
    category: String,
    /// ``"error"``, ``"warning"`` or ``"info"``.
    severity: String,
    message: String,
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    /// The flagged text.
    text: String,
    /// A replacement, when the rule has one.
    suggestion: Option<String>,
    help: Option<String>,
    /// The other places a finding about many places points at (the first
    /// copy of a pasted duplicate, each repeat of a stuffed phrase); empty
    /// for most findings.
    related: Vec<Related>,
}

const DIAGNOSTIC_FIELDS: [&str; 15] = [
    "path",
    "rule",
    "category",
    "severity",
    "message",
    "start",
    "end",
    "line",
    "column",
    "end_line",
    "end_column",
    "text",
    "suggestion",
    "help",
    "related",
];

impl Diagnostic {
    fn from_json(d: &JsonDiagnostic<'_>) -> Self {
        Self {
            path: d.path.to_string(),
            rule: d.rule.to_string(),
            category: d.category.to_string(),
            severity: d.severity.to_string(),
            message: d.message.to_string(),
            start: d.start,
            end: d.end,
            line: d.line,
            column: d.column,
            end_line: d.end_line,
            end_column: d.end_column,
            text: d.text.to_string(),
            suggestion: d.suggestion.map(str::to_string),
            help: d.help.map(str::to_string),
            related: d.related.iter().map(Related::from_json).collect(),
        }
    }
}

#[pymethods]
impl Diagnostic {
    #[new]
    #[pyo3(signature = (path, rule, category, severity, message, start, end, line, column, end_line, end_column, text, suggestion=None, help=None, related=Vec::new()))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        path: String,
        rule: String,
        category: String,
        severity: String,
        message: String,
        start: usize,
        end: usize,
        line: usize,
        column: usize,
        end_line: usize,
        end_column: usize,
        text: String,
        suggestion: Option<String>,
        help: Option<String>,
        related: Vec<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let related = related
            .iter()
            .map(Related::from_item)
            .collect::<PyResult<Vec<_>>>()?;
        Ok(Self {
            path,
            rule,
            category,
            severity,
            message,
            start,
            end,
            line,
            column,
            end_line,
            end_column,
            text,
            suggestion,
            help,
            related,
        })
    }

    /// The finding as a ``dict``, keys in the JSON output's order: what
    /// ``claimlint check --format json`` prints for it. ``related`` is a
    /// list of ``dict`` and, as in the JSON output, present only when the
    /// finding has related places.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let values = self.values(py)?;
        for (key, value) in DIAGNOSTIC_FIELDS.iter().zip(values.iter()) {
            if *key == "related" {
                if !self.related.is_empty() {
                    let related = self
                        .related
                        .iter()
                        .map(|r| r.to_dict(py))
                        .collect::<PyResult<Vec<_>>>()?;
                    d.set_item(key, related)?;
                }
            } else {
                d.set_item(key, value)?;
            }
        }
        Ok(d)
    }

    /// The fields in order, as a tuple (what pickling keeps).
    fn values<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let values: [Bound<'py, PyAny>; 15] = [
            self.path.as_str().into_pyobject(py)?.into_any(),
            self.rule.as_str().into_pyobject(py)?.into_any(),
            self.category.as_str().into_pyobject(py)?.into_any(),
            self.severity.as_str().into_pyobject(py)?.into_any(),
            self.message.as_str().into_pyobject(py)?.into_any(),
            self.start.into_pyobject(py)?.into_any(),
            self.end.into_pyobject(py)?.into_any(),
            self.line.into_pyobject(py)?.into_any(),
            self.column.into_pyobject(py)?.into_any(),
            self.end_line.into_pyobject(py)?.into_any(),
            self.end_column.into_pyobject(py)?.into_any(),
            self.text.as_str().into_pyobject(py)?.into_any(),
            self.suggestion.as_deref().into_pyobject(py)?.into_any(),
            self.help.as_deref().into_pyobject(py)?.into_any(),
            self.related.clone().into_pyobject(py)?.into_any(),
        ];
        PyTuple::new(py, values)
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        Ok((slf.get_type().into_any(), slf.borrow().values(py)?))
    }

    fn __repr__(&self) -> String {
        format!(
            "<Diagnostic {}:{}:{} {}[{}] {:?}>",
            self.path, self.line, self.column, self.severity, self.rule, self.text
        )
    }
}

/// Another place a finding points at: the first copy of a pasted
/// duplicate, or one repeat of a stuffed phrase. Positioned like a
/// :class:`Diagnostic` (byte offsets into the UTF-8 text, 1-based lines and
/// character columns); ``message`` says what the place is.
#[pyclass(module = "claimlint", frozen, get_all, eq, hash, from_py_object)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Related {
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    /// The text at this place.
    text: String,
    message: String,
}

impl Related {
    fn from_json(r: &JsonRelated<'_>) -> Self {
        Self {
            start: r.start,
            end: r.end,
            line: r.line,
            column: r.column,
            end_line: r.end_line,
            end_column: r.end_column,
            text: r.text.to_string(),
            message: r.message.to_string(),
        }
    }

    /// A ``Related``, or a mapping of its fields (what ``to_dict`` gives),
    /// so that ``Diagnostic(**d.to_dict())`` rebuilds ``d``.
    fn from_item(item: &Bound<'_, PyAny>) -> PyResult<Self> {
        if let Ok(r) = item.cast::<Related>() {
            return Ok(r.get().clone());
        }
        let fields = item.cast::<PyDict>().map_err(|_| {
            PyTypeError::new_err(format!(
                "related: expected Related or dict, not {}",
                item.get_type()
                    .name()
                    .map_or_else(|_| "?".into(), |n| n.to_string())
            ))
        })?;
        let made = item.py().get_type::<Related>().call((), Some(fields))?;
        Ok(made.cast::<Related>()?.get().clone())
    }
}

#[pymethods]
impl Related {
    #[new]
    #[allow(clippy::too_many_arguments)]
    fn new(
        start: usize,
        end: usize,
        line: usize,
        column: usize,
        end_line: usize,
        end_column: usize,
        text: String,
        message: String,
    ) -> Self {
        Self {
            start,
            end,
            line,
            column,
            end_line,
            end_column,
            text,
            message,
        }
    }

    /// The place as a ``dict``, keys as in the JSON output's ``related``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("start", self.start)?;
        d.set_item("end", self.end)?;
        d.set_item("line", self.line)?;
        d.set_item("column", self.column)?;
        d.set_item("end_line", self.end_line)?;
        d.set_item("end_column", self.end_column)?;
        d.set_item("text", &self.text)?;
        d.set_item("message", &self.message)?;
        Ok(d)
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let r = slf.borrow();
        let args = (
            r.start,
            r.end,
            r.line,
            r.column,
            r.end_line,
            r.end_column,
            r.text.as_str(),
            r.message.as_str(),
        )
            .into_pyobject(py)?;
        Ok((slf.get_type().into_any(), args))
    }

    fn __repr__(&self) -> String {
        format!(
            "<Related {}:{} {:?} {:?}>",
            self.line, self.column, self.message, self.text
        )
    }
}

/// A rule as ``claimlint rules --format json`` lists it.
#[pyclass(module = "claimlint", frozen, get_all, eq)]
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    id: String,
    category: String,
    /// Default severity: ``"error"``, ``"warning"`` or ``"info"``.
    severity: String,
    /// How it matches (``"phrase"``, ``"regex"``, …, or a document rule).
    kind: String,
    summary: String,
    references: Vec<String>,
    /// The file it was loaded from (``<builtin>/rules/…`` for the pack).
    source: String,
}

#[pymethods]
impl Rule {
    /// The rule as a ``dict``, keys as in ``claimlint rules --format json``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", &self.id)?;
        d.set_item("category", &self.category)?;
        d.set_item("severity", &self.severity)?;
        d.set_item("kind", &self.kind)?;
        d.set_item("summary", &self.summary)?;
        d.set_item("references", self.references.clone())?;
        d.set_item("source", &self.source)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!("<Rule {} ({})>", self.id, self.severity)
    }
}

/// Compiled rules (the built-in pack and your own) and, optionally, a
/// ``.claimlint.yaml`` configuration. Compile once, lint many texts.
///
/// ``rules``: a rule file or folder (``str`` or ``os.PathLike``), a list
/// of them, or a mapping of file names to YAML texts (a file in a folder
/// named ``lexicon`` is a lexicon). ``config``: the path of a
/// ``.claimlint.yaml`` (its ``rules:`` are read too, its enable/disable,
/// severities and overrides apply; a relative ``path`` given to
/// :meth:`lint` is matched against its globs as if relative to the
/// configuration's folder). ``default_rules``: load the built-in pack.
///
/// Files are read once, here. A linter pickles as the text of its files
/// and recompiles when unpickled, so it ships to processes and machines
/// that do not have them; a process compiles the same sources only once.
///
/// Raises ``RuleError`` (every problem with its ``path:line:col``) when a
/// rule, lexicon or configuration file does not load.
#[pyclass(module = "claimlint", frozen)]
struct Linter {
    compiled: Compiled,
    sources: Sources,
}

impl Linter {
    fn from_sources(py: Python<'_>, sources: Sources) -> PyResult<Self> {
        let compiled = py
            .detach(|| sources.compile_cached())
            .map_err(|errors| rule_error(py, &errors))?;
        Ok(Self { compiled, sources })
    }

    fn policy(&self, path: &str) -> Policy {
        match &self.compiled.config {
            Some(config) => {
                let p = Path::new(path);
                let abs = if p.is_absolute() {
                    p.to_path_buf()
                } else {
                    config.dir.join(p)
                };
                config.policy_for(&abs)
            }
            None => Policy::default(),
        }
    }

    fn lint_one(&self, path: &str, text: String, format: Format) -> Vec<Diagnostic> {
        let policy = self.policy(path);
        let report = self
            .compiled
            .linter
            .lint_file(SourceFile::new(path, text), format, &policy);
        report
            .diagnostics
            .iter()
            .map(|d| Diagnostic::from_json(&JsonDiagnostic::new(&report.file, d)))
            .collect()
    }
}

#[pymethods]
impl Linter {
    #[new]
    #[pyo3(signature = (rules=None, config=None, default_rules=true))]
    fn new(
        py: Python<'_>,
        rules: Option<&Bound<'_, PyAny>>,
        config: Option<PathBuf>,
        default_rules: bool,
    ) -> PyResult<Self> {
        let mut errors = Vec::new();
        let mut rule_files = Vec::new();
        rule_sources(rules, &mut rule_files, &mut errors)?;
        let mut config_source = None;
        if let Some(path) = config {
            match read_config(&path) {
                Ok(source) => config_source = Some(source),
                Err(e) => errors.push(e),
            }
        }
        // The configuration's own `rules:` paths, read now (relative to
        // its folder), so that they travel with the linter.
        if let Some((path, text, dir)) = &config_source {
            match Config::parse(path, Arc::from(text.as_str()), PathBuf::from(dir)) {
                Ok(c) => {
                    for (i, rule_path) in c.rules.iter().enumerate() {
                        if let Err(e) =
                            read_rule_path(rule_path, &shown(rule_path), &mut rule_files)
                        {
                            errors.push(c.rule_path_error(i, e.message));
                        }
                    }
                }
                Err(e) => errors.extend(e),
            }
        }
        if !errors.is_empty() {
            return Err(rule_error(py, &errors));
        }
        Self::from_sources(
            py,
            Sources {
                rule_files,
                config: config_source,
                default_rules,
            },
        )
    }

    /// Recompiles a pickled linter (what ``__reduce__`` returns).
    #[classmethod]
    fn _from_state(
        _cls: &Bound<'_, pyo3::types::PyType>,
        py: Python<'_>,
        rule_files: Vec<(String, String)>,
        config: Option<(String, String, String)>,
        default_rules: bool,
    ) -> PyResult<Self> {
        Self::from_sources(
            py,
            Sources {
                rule_files,
                config,
                default_rules,
            },
        )
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let me = slf.get();
        let state = (
            me.sources.rule_files.clone(),
            me.sources.config.clone(),
            me.sources.default_rules,
        )
            .into_pyobject(py)?;
        Ok((slf.get_type().getattr("_from_state")?, state))
    }

    /// A linter is immutable: copies are the linter itself.
    fn __copy__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __deepcopy__<'py>(slf: Bound<'py, Self>, _memo: &Bound<'py, PyAny>) -> Bound<'py, Self> {
        slf
    }

    /// Lints ``text`` (``str``, or UTF-8 ``bytes``) as a file named
    /// ``path``; returns its findings sorted by position.
    ///
    /// ``format`` is ``"plain"``, ``"markdown"``, ``"mdx"`` or ``"html"``;
    /// ``None`` takes it from ``path``'s extension (``.md``, ``.mdx``,
    /// ``.html``; anything else is plain text). Bytes that are not UTF-8,
    /// or that hold NUL bytes, raise ``InputError``.
    #[pyo3(signature = (text, path="<text>", format=None))]
    fn lint(
        &self,
        py: Python<'_>,
        text: &Bound<'_, PyAny>,
        path: &str,
        format: Option<&str>,
    ) -> PyResult<Vec<Diagnostic>> {
        let format = format_of(format, path)?;
        let text = text_of(py, text, path)?;
        Ok(py.detach(|| self.lint_one(path, text, format)))
    }

    /// Lints many ``(path, text)`` pairs on ``threads`` threads (default:
    /// one per core) with the interpreter's lock released; returns one
    /// list of findings per pair, in the order given. ``format`` applies
    /// to every text; ``None`` takes each one's from its path.
    #[pyo3(signature = (items, threads=None, format=None))]
    fn lint_many(
        &self,
        py: Python<'_>,
        items: &Bound<'_, PyAny>,
        threads: Option<usize>,
        format: Option<&str>,
    ) -> PyResult<Vec<Vec<Diagnostic>>> {
        // Checked once, before any text is read.
        let given = format_of(format, "")?;
        if threads == Some(0) {
            return Err(PyValueError::new_err("threads must be at least 1"));
        }
        let mut pages: Vec<(String, String)> = Vec::new();
        for item in items.try_iter()? {
            let item = item?;
            let (path, text): (String, Bound<'_, PyAny>) = item.extract().map_err(|_| {
                PyTypeError::new_err(format!(
                    "lint_many takes (path, text) pairs; item {} is not one",
                    pages.len()
                ))
            })?;
            let text = text_of(py, &text, &path)?;
            pages.push((path, text));
        }
        let run = |pages: Vec<(String, String)>| -> Vec<Vec<Diagnostic>> {
            pages
                .into_par_iter()
                .map(|(path, text)| {
                    let format = match format {
                        Some(_) => given,
                        None => Format::from_path(&path),
                    };
                    self.lint_one(&path, text, format)
                })
                .collect()
        };
        py.detach(|| match threads {
            None => Ok(run(pages)),
            Some(n) => rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map(|pool| pool.install(|| run(pages)))
                .map_err(|e| e.to_string()),
        })
        .map_err(|e| PyValueError::new_err(format!("cannot start {threads:?} threads: {e}")))
    }

    /// The loaded rules, as ``claimlint rules --format json`` lists them.
    fn rules(&self) -> Vec<Rule> {
        self.compiled
            .linter
            .rules()
            .rules
            .iter()
            .map(|r| Rule {
                id: r.id.to_string(),
                category: r.category.to_string(),
                severity: r.severity.as_str().to_string(),
                kind: r.kind.name().to_string(),
                summary: r.summary.clone(),
                references: r.references.clone(),
                source: r.origin.path.clone(),
            })
            .collect()
    }

    /// What ``claimlint explain RULE_ID`` prints: the rule's rationale,
    /// references and examples. Raises ``KeyError`` for an unknown id.
    fn explain(&self, rule_id: &str) -> PyResult<String> {
        let rules = self.compiled.linter.rules();
        match rules.rule(rule_id) {
            Some(rule) => Ok(rules.explain(rule)),
            None => Err(PyKeyError::new_err(format!(
                "no rule `{rule_id}`; Linter.rules() lists them"
            ))),
        }
    }

    /// Whether the built-in pack is loaded.
    #[getter]
    fn default_rules(&self) -> bool {
        self.sources.default_rules
            && self
                .compiled
                .config
                .as_ref()
                .and_then(|c| c.default_rules)
                .unwrap_or(true)
    }

    /// The user rule files loaded, by the names they were read as.
    #[getter]
    fn rule_files(&self) -> Vec<String> {
        self.sources
            .rule_files
            .iter()
            .map(|(path, _)| path.clone())
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "<Linter: {} rules{}>",
            self.compiled.linter.rules().rules.len(),
            match &self.sources.config {
                Some((path, _, _)) => format!(", configuration {path}"),
                None => String::new(),
            }
        )
    }
}

/// The compiled extension; use it through the ``claimlint`` package.
#[pymodule]
mod _claimlint {
    #[pymodule_export]
    use super::{Diagnostic, Linter, Related, Rule};
}
