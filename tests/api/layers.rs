//! The layers of `src/`, checked from the source: no import cycle between top-level modules or
//! between the files of one folder, and each layer imports only what DESIGN allows (domain
//! nothing of ours, catalog only domain, db neither web nor services).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use regex::Regex;

/// Module path (`services/persist`) -> its source, tests and comments left out.
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).unwrap().with_extension("");
                let mut name = rel.to_string_lossy().replace('\\', "/");
                if let Some(parent) = name.strip_suffix("/mod") {
                    name = parent.to_string();
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap_or_default();
                let code: Vec<&str> = code
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .collect();
                out.insert(name, code.join("\n"));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}

/// Edges module -> module it names (`crate::a::b`, `super::x`, `use super::{x, y}`).
fn edges(modules: &BTreeMap<String, String>) -> BTreeSet<(String, String)> {
    let path = Regex::new(r"\b(crate|super)((?:::\w+)+)").unwrap();
    let group = Regex::new(r"use (crate|super)((?:::\w+)*)::\{([^}]*)\}").unwrap();
    let mut out = BTreeSet::new();
    let resolve = |from: &str, head: &str, segments: Vec<&str>| -> Option<String> {
        let mut base: Vec<&str> = if head == "crate" {
            vec![]
        } else {
            let mut parts: Vec<&str> = from.split('/').collect();
            parts.pop();
            parts
        };
        let mut found = None;
        for seg in segments {
            base.push(seg);
            let candidate = base.join("/");
            if modules.contains_key(&candidate) {
                found = Some(candidate);
            } else {
                break;
            }
        }
        found.filter(|t| t != from && !from.starts_with(&format!("{t}/")))
    };
    for (from, code) in modules {
        for c in path.captures_iter(code) {
            let segments = c[2].split("::").filter(|s| !s.is_empty()).collect();
            if let Some(to) = resolve(from, &c[1], segments) {
                out.insert((from.clone(), to));
            }
        }
        for c in group.captures_iter(code) {
            for item in c[3].split(',') {
                let first = item.trim().split("::").next().unwrap_or_default();
                let first = first.split_whitespace().next().unwrap_or_default();
                if first.is_empty() || first == "self" {
                    continue;
                }
                let mut segments: Vec<&str> = c[2].split("::").filter(|s| !s.is_empty()).collect();
                segments.push(first);
                if let Some(to) = resolve(from, &c[1], segments) {
                    out.insert((from.clone(), to));
                }
            }
        }
    }
    out
}

/// A cycle in a graph, if any, as the list of its nodes.
fn cycle(edges: &BTreeSet<(String, String)>) -> Option<Vec<String>> {
    let mut graph: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (a, b) in edges {
        graph.entry(a.as_str()).or_default().push(b.as_str());
    }
    fn visit<'a>(
        node: &'a str,
        graph: &BTreeMap<&'a str, Vec<&'a str>>,
        stack: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|n| *n == node) {
            return Some(stack[i..].iter().map(|s| s.to_string()).collect());
        }
        if !done.insert(node) {
            return None;
        }
        stack.push(node);
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, stack, done) {
                return Some(found);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(found) = visit(node, &graph, &mut Vec::new(), &mut done) {
            return Some(found);
        }
    }
    None
}

fn top(module: &str) -> &str {
    module.split('/').next().unwrap_or(module)
}

fn parent(module: &str) -> Option<&str> {
    module.rsplit_once('/').map(|(p, _)| p)
}

#[test]
fn no_import_cycle_between_modules_or_between_the_files_of_a_folder() {
    let all = edges(&modules());
    let tops: BTreeSet<(String, String)> = all
        .iter()
        .filter(|(a, b)| top(a) != top(b))
        .map(|(a, b)| (top(a).to_string(), top(b).to_string()))
        .collect();
    assert_eq!(cycle(&tops), None, "a cycle between top-level modules");
    let siblings: BTreeSet<(String, String)> = all
        .iter()
        .filter(|(a, b)| parent(a).is_some() && parent(a) == parent(b))
        .cloned()
        .collect();
    assert_eq!(
        cycle(&siblings),
        None,
        "a cycle between files of one folder"
    );
}

#[test]
fn each_layer_imports_only_what_the_design_allows() {
    let allowed: &[(&str, &[&str])] = &[
        ("domain", &["domain"]),
        ("catalog", &["catalog", "domain", "config"]),
        ("clock", &["clock"]),
    ];
    let forbidden: &[(&str, &[&str])] = &[("db", &["web", "services", "outbox"])];
    for (a, b) in edges(&modules()) {
        let (from, to) = (top(&a), top(&b));
        for (layer, may) in allowed {
            assert!(
                from != *layer || may.contains(&to),
                "{a} imports {b}: {layer} may import only {may:?}"
            );
        }
        for (layer, never) in forbidden {
            assert!(
                from != *layer || !never.contains(&to),
                "{a} imports {b}: {layer} never imports {never:?}"
            );
        }
    }
}
