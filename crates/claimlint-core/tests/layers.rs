//! The core's modules form layers: no module reaches, through `crate::`
//! paths outside its tests, a module that reaches back to it. A cycle
//! makes the code hard to read in order and to split, so it fails here,
//! naming the files that close it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level module → module it uses → files that use it.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `text` without its test code: everything from the first `#[cfg(test)]`
/// module on, and single items marked `#[cfg(test)]`.
fn without_tests(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            match lines.peek() {
                Some(next) if next.trim_start().contains("mod tests") => break,
                // A single item: skip the attribute and the line it marks.
                Some(_) => {
                    lines.next();
                    continue;
                }
                None => break,
            }
        }
        if !line.trim_start().starts_with("//") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph = Graph::new();
    for file in files {
        let rel = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let module = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        if module == "lib" {
            continue;
        }
        let text = without_tests(&std::fs::read_to_string(&file).unwrap());
        for (at, _) in text.match_indices("crate::") {
            let used: String = text[at + 7..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !used.is_empty() && used != module {
                graph
                    .entry(module.clone())
                    .or_default()
                    .entry(used)
                    .or_default()
                    .insert(rel.clone());
            }
        }
    }
    graph
}

/// Whether `to` can be reached from `from`.
fn reaches(graph: &Graph, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(m) = stack.pop() {
        if m == to {
            return true;
        }
        if seen.insert(m.clone()) {
            stack.extend(graph.get(&m).into_iter().flat_map(|d| d.keys().cloned()));
        }
    }
    false
}

#[test]
fn the_cores_modules_have_no_import_cycles() {
    let graph = graph();
    assert!(graph.len() >= 10, "too few modules read: {graph:?}");
    let mut cycles = Vec::new();
    for (module, uses) in &graph {
        for (used, files) in uses {
            if reaches(&graph, used, module) {
                cycles.push(format!(
                    "{module} -> {used} (in {files:?}), and {used} reaches {module}"
                ));
            }
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let mut graph = Graph::new();
    graph
        .entry("a".into())
        .or_default()
        .entry("b".into())
        .or_default();
    graph
        .entry("b".into())
        .or_default()
        .entry("c".into())
        .or_default();
    assert!(!reaches(&graph, "c", "a"));
    graph
        .entry("c".into())
        .or_default()
        .entry("a".into())
        .or_default();
    assert!(reaches(&graph, "b", "a"));
    let text = "use crate::x;\n#[cfg(test)]\nuse crate::y;\nfn f() {}\n#[cfg(test)]\nmod tests {\n use crate::z;\n}\n";
    let kept = without_tests(text);
    assert!(kept.contains("crate::x") && !kept.contains("crate::y") && !kept.contains("crate::z"));
}
