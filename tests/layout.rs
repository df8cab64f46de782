//! The tree shows the design: the files of one module (`src/sign_in/`, `src/srp/field/`...)
//! import each other in one direction only.
//!
//! Reads `src/` and follows every `crate::…`, `super::…` and `self::…` path (outside `#[cfg(test)]`
//! modules) to the file that defines it. Among the files of one directory, the resulting graph
//! must have no cycle: a cycle means two files that can only be understood together, which is
//! what the reorganisation of issue 12 removed (sign_in's answer ↔ state, srp's fips → monty →
//! group → monty).

#![allow(clippy::panic, clippy::indexing_slicing)] // a test: failing loudly is its job

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regex::Regex;

type Module = Vec<String>;

/// Every `.rs` file under `dir`, keyed by its module path (`src/srp/field/mod.rs` → srp::field).
fn modules(root: &Path, dir: &Path, out: &mut BTreeMap<Module, PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            modules(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).unwrap_or(&path).with_extension("");
            let mut module: Module = relative
                .iter()
                .map(|part| part.to_string_lossy().into_owned())
                .collect();
            if module
                .last()
                .is_some_and(|last| last == "mod" || last == "lib")
            {
                module.pop();
            }
            out.insert(module, path);
        }
    }
}

/// The deepest file module a path like `super::field::Fe` names, seen from `from`.
fn resolve(files: &BTreeMap<Module, PathBuf>, from: &Module, path: &str) -> Option<Module> {
    let mut parts = path.split("::").peekable();
    let mut current: Module = match parts.peek().copied() {
        Some("crate") => {
            parts.next();
            Vec::new()
        }
        Some("self") => {
            parts.next();
            from.clone()
        }
        Some("super") => {
            let mut current = from.clone();
            while parts.peek() == Some(&"super") {
                parts.next();
                current.pop();
            }
            current
        }
        _ => return None,
    };
    let mut found = None;
    for part in parts {
        current.push(part.to_owned());
        if files.contains_key(&current) {
            found = Some(current.clone());
        } else {
            break;
        }
    }
    found
}

/// The import graph between file modules.
fn edges(files: &BTreeMap<Module, PathBuf>) -> BTreeMap<Module, BTreeSet<Module>> {
    let paths = Regex::new(r"\b((?:crate|super|self)(?:::super)*::[A-Za-z_][A-Za-z0-9_:]*)")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut out: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (module, file) in files {
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file:?}: {e}"));
        let code = text
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default();
        for found in paths.captures_iter(code) {
            if let Some(target) = resolve(files, module, &found[1])
                && &target != module
            {
                out.entry(module.clone()).or_default().insert(target);
            }
        }
    }
    out
}

/// One cycle among the children of `parent`, if any (an import of a grandchild counts as one
/// of the child it lives in).
fn sibling_cycle(
    files: &BTreeMap<Module, PathBuf>,
    edges: &BTreeMap<Module, BTreeSet<Module>>,
    parent: &Module,
) -> Option<Vec<Module>> {
    let depth = parent.len() + 1;
    let children: Vec<&Module> = files
        .keys()
        .filter(|m| m.len() == depth && m.starts_with(parent))
        .collect();
    let child_of = |m: &Module| -> Option<Module> {
        (m.len() >= depth && m.starts_with(parent)).then(|| m[..depth].to_vec())
    };
    let mut graph: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (from, targets) in edges {
        let Some(from_child) = child_of(from) else {
            continue;
        };
        for target in targets {
            if let Some(to_child) = child_of(target)
                && to_child != from_child
            {
                graph
                    .entry(from_child.clone())
                    .or_default()
                    .insert(to_child);
            }
        }
    }
    // Depth-first search for a back edge.
    fn visit(
        node: &Module,
        graph: &BTreeMap<Module, BTreeSet<Module>>,
        state: &mut BTreeMap<Module, bool>,
        stack: &mut Vec<Module>,
    ) -> Option<Vec<Module>> {
        state.insert(node.clone(), true);
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next) {
                Some(true) => {
                    let start = stack.iter().position(|m| m == next).unwrap_or_default();
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Some(false) => {}
                None => {
                    if let Some(cycle) = visit(next, graph, state, stack) {
                        return Some(cycle);
                    }
                }
            }
        }
        stack.pop();
        state.insert(node.clone(), false);
        None
    }
    let mut state = BTreeMap::new();
    for child in children {
        if !state.contains_key(child)
            && let Some(cycle) = visit(child, &graph, &mut state, &mut Vec::new())
        {
            return Some(cycle);
        }
    }
    None
}

#[test]
fn files_of_one_module_import_each_other_in_one_direction() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    modules(&root, &root, &mut files);
    assert!(
        files.len() > 40,
        "read only {} files under src/",
        files.len()
    );
    let edges = edges(&files);
    assert!(
        edges.values().map(BTreeSet::len).sum::<usize>() > 100,
        "found too few imports: the parser no longer sees them"
    );
    let mut cycles = Vec::new();
    // The crate root's children are the groups (wire, tokens, sign_in...) and what they all
    // share (Error, PoolConfig): the shared error type wraps the groups' errors and the groups
    // return it, so the rule applies inside each group, where the files live.
    for parent in files.keys().filter(|m| !m.is_empty()) {
        if let Some(cycle) = sibling_cycle(&files, &edges, parent) {
            let names: Vec<String> = cycle.iter().map(|m| m.join("::")).collect();
            cycles.push(names.join(" -> "));
        }
    }
    assert!(
        cycles.is_empty(),
        "import cycles between sibling files: {cycles:#?}"
    );
}
