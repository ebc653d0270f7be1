//! The source files of `fanless` and `fanless-macros` depend on each other
//! one way only: following the items each file uses (`use` statements and
//! `crate::`/`super::` paths) to the file that defines them never comes back
//! to where it started.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A file's module path (`["sql", "ddl"]`) and the code left when comments
/// are dropped.
struct File {
    module: Vec<String>,
    code: String,
}

fn files(root: &Path) -> BTreeMap<PathBuf, File> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(root).unwrap().with_extension("");
                let mut module: Vec<String> = relative
                    .iter()
                    .map(|s| s.to_string_lossy().into_owned())
                    .collect();
                if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
                    module.pop();
                }
                let code = fs::read_to_string(&path)
                    .unwrap()
                    .lines()
                    .map(|line| line.split("//").next().unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join("\n");
                out.insert(relative, File { module, code });
            }
        }
    }
    out
}

/// The names a file defines at its top level.
fn definitions(code: &str) -> BTreeSet<String> {
    const KINDS: [&str; 8] = [
        "fn ",
        "struct ",
        "enum ",
        "trait ",
        "type ",
        "const ",
        "static ",
        "macro_rules! ",
    ];
    let mut names = BTreeSet::new();
    for line in code.lines().filter(|l| !l.starts_with(' ')) {
        let line = line
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub ")
            .trim_start_matches("const fn ")
            .trim_start_matches("async fn ");
        for kind in KINDS {
            if let Some(rest) = line.strip_prefix(kind) {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                names.insert(name);
            }
        }
    }
    names
}

/// Every path a file names: its `use` trees, flattened, and the `crate::`,
/// `super::` and `self::` paths in its code.
fn paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(start) = rest.find("use ") {
        let before = rest[..start].chars().last();
        let after = &rest[start + 4..];
        let end = after.find(';').unwrap_or(after.len());
        if before.is_none_or(|c| c.is_whitespace()) {
            flatten(&after[..end].replace(char::is_whitespace, ""), &mut out);
        }
        rest = &after[end..];
    }
    for root in ["crate::", "super::", "self::"] {
        for (i, _) in code.match_indices(root) {
            if code[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let path: String = code[i..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            out.push(path.split("::").map(str::to_owned).collect());
        }
    }
    out
}

/// `a::{b, c::{d}}` as `a::b` and `a::c::d`.
fn flatten(tree: &str, out: &mut Vec<Vec<String>>) {
    let Some(open) = tree.find('{') else {
        out.push(tree.split("::").map(str::to_owned).collect());
        return;
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.len() - 1];
    let mut depth = 0;
    let mut from = 0;
    for (i, c) in inner.char_indices().chain([(inner.len(), ',')]) {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                if from < i {
                    flatten(&format!("{prefix}{}", &inner[from..i]), out);
                }
                from = i + 1;
            }
            _ => {}
        }
    }
}

/// The file-to-file edges of a crate.
fn edges(root: &Path) -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let files = files(root);
    let by_module: BTreeMap<&[String], &PathBuf> = files
        .iter()
        .map(|(path, file)| (file.module.as_slice(), path))
        .collect();
    let defined: BTreeMap<&PathBuf, BTreeSet<String>> = files
        .iter()
        .map(|(path, file)| (path, definitions(&file.code)))
        .collect();
    // The file that defines `name` in `module` or one of its submodules.
    let definer = |module: &[String], name: &str| {
        files
            .iter()
            .filter(|(_, f)| f.module.starts_with(module))
            .find(|(path, _)| defined[path].contains(name))
            .map(|(path, _)| path.clone())
    };
    let mut out = BTreeMap::new();
    for (path, file) in &files {
        let mut targets = BTreeSet::new();
        for segments in paths(&file.code) {
            let mut module = match segments.first().map(String::as_str) {
                Some("crate") => Vec::new(),
                Some("super") => file.module[..file.module.len().saturating_sub(1)].to_vec(),
                Some("self") => file.module.clone(),
                _ => continue,
            };
            let mut target = None;
            for segment in &segments[1..] {
                let mut deeper = module.clone();
                deeper.push(segment.clone());
                if let Some(found) = by_module.get(deeper.as_slice()) {
                    module = deeper;
                    target = Some((*found).clone());
                } else {
                    target = if segment == "*" {
                        by_module.get(module.as_slice()).map(|p| (*p).clone())
                    } else {
                        definer(&module, segment)
                    };
                    break;
                }
            }
            targets.extend(target.filter(|t| t != path));
        }
        out.insert(path.clone(), targets);
    }
    out
}

/// A cycle of the graph, if it has one.
fn cycle(edges: &BTreeMap<PathBuf, BTreeSet<PathBuf>>) -> Option<Vec<PathBuf>> {
    fn visit(
        node: &PathBuf,
        edges: &BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        done: &mut BTreeSet<PathBuf>,
        stack: &mut Vec<PathBuf>,
    ) -> Option<Vec<PathBuf>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            return Some(stack[at..].to_vec());
        }
        if !done.insert(node.clone()) {
            return None;
        }
        stack.push(node.clone());
        for next in &edges[node] {
            if let Some(found) = visit(next, edges, done, stack) {
                return Some(found);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|node| visit(node, edges, &mut done, &mut Vec::new()))
}

fn crate_root(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(name)
        .join("src")
}

#[test]
fn the_runtime_is_layered() {
    let edges = edges(&crate_root("runtime"));
    assert_eq!(cycle(&edges), None, "{edges:#?}");
    let plan = &edges[Path::new("plan")];
    assert!(plan.contains(Path::new("model/mod")), "{plan:?}");
}

#[test]
fn the_macros_are_layered() {
    let edges = edges(&crate_root("macros"));
    assert_eq!(cycle(&edges), None, "{edges:#?}");
}

#[test]
fn a_circle_is_found() {
    let edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = [("a", "b"), ("b", "c"), ("c", "a")]
        .into_iter()
        .map(|(from, to)| (from.into(), BTreeSet::from([to.into()])))
        .collect();
    assert_eq!(cycle(&edges).map(|c| c.len()), Some(3));
}
