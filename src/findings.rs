//! Findings, largest files and directories: pure over the walked tree (plus the content scan,
//! which reads through [`crate::walk::read_files`]).

use std::collections::{BinaryHeap, HashSet};

use crate::analysis::Analysis;
pub use crate::paths::{lossy, lossy_cow};
pub use crate::report::{CategoryTotal, DirSize, Extra, FileSize, Finding, ReportOptions};
use crate::rules::{
    self, Category, EntryRef, GitignoreSet, Hit, Nest, RuleConfig, RuleSet, Severity,
};
use crate::tree::{Kind, State, Tree, ROOT};

fn rkind(k: Kind) -> rules::Kind {
    match k {
        Kind::File => rules::Kind::File,
        Kind::Dir => rules::Kind::Dir,
        Kind::Symlink => rules::Kind::Symlink,
        _ => rules::Kind::Other,
    }
}

/// Children lists and per-directory totals of the sent content.
struct Index<'t> {
    kids: &'t crate::tree::Children,
    roots: &'t [u32],
    /// Sent files and bytes under each node (a file: itself).
    files: Vec<u64>,
    bytes: Vec<u64>,
}

impl<'t> Index<'t> {
    fn children(&self, id: u32) -> &'t [u32] {
        self.kids.of(id)
    }

    fn new(tree: &'t Tree, no_data: &[bool]) -> Index<'t> {
        let n = tree.nodes.len();
        let kids = tree.children();
        let mut idx = Index {
            kids,
            roots: kids.of(ROOT),
            files: vec![0; n],
            bytes: vec![0; n],
        };
        // Each sent file adds itself to its ancestors.
        for (i, node) in tree.nodes.iter().enumerate() {
            if node.state != State::Sent || node.kind != Kind::File {
                continue;
            }
            let b = if no_data[i] { 0 } else { node.size };
            let mut cur = i as u32;
            while cur != ROOT {
                idx.files[cur as usize] += 1;
                idx.bytes[cur as usize] += b;
                cur = tree.nodes[cur as usize].parent;
            }
        }
        idx
    }
}

fn finding(hit: &Hit, path: &[u8], files: u64, bytes: u64, line: Option<usize>) -> Finding {
    let info = hit.info();
    Finding {
        rule: hit.rule.to_string(),
        category: hit.category.as_str().to_string(),
        severity: hit.severity.as_str().to_string(),
        path: lossy(path),
        files,
        bytes,
        message: info.title.to_string(),
        fix: fix_line(path),
        line,
    }
}

/// The `.dockerignore` line that removes exactly this path (and its subtree): wildcards,
/// backslashes and a leading `!`/`#` escaped; a byte no pattern line can hold literally — a
/// control character, invalid UTF-8, white space at either end (docker trims it) — becomes `?`,
/// which matches any one character but `/`, as Go's regexp reads it.
pub fn fix_line(path: &[u8]) -> String {
    let mut out = String::with_capacity(path.len() + 2);
    if matches!(path.first(), Some(b'!') | Some(b'#')) {
        out.push('\\');
    }
    let chunks: Vec<(usize, char, bool)> = {
        let mut v = Vec::new();
        let mut i = 0;
        for chunk in path.utf8_chunks() {
            for c in chunk.valid().chars() {
                v.push((i, c, true));
                i += c.len_utf8();
            }
            for _ in chunk.invalid() {
                v.push((i, '\u{fffd}', false));
                i += 1;
            }
        }
        v
    };
    let n = chunks.len();
    let lead = chunks
        .iter()
        .take_while(|(_, c, ok)| *ok && c.is_whitespace())
        .count();
    let trail = chunks
        .iter()
        .rev()
        .take_while(|(_, c, ok)| *ok && c.is_whitespace())
        .count();
    for (k, &(_, c, ok)) in chunks.iter().enumerate() {
        if !ok || c.is_control() || k < lead || k >= n - trail || c == '\u{feff}' && k == 0 {
            out.push('?');
        } else {
            // `|{}^` too: patternmatcher leaves them unescaped in a regex (see translate.rs).
            if matches!(c, '*' | '?' | '[' | ']' | '\\' | '|' | '{' | '}' | '^') {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// What one subtree task found.
#[derive(Default)]
struct Partial {
    findings: Vec<Finding>,
    covered: Vec<u32>,
    content: Vec<(u32, Vec<u8>)>,
    notes: Vec<String>,
    heap: BinaryHeap<std::cmp::Reverse<(u64, Vec<u8>)>>,
}

/// Visits `start` (below `prefix`, whose entries have the nest `nest`) and, when `deep`, its
/// whole subtree, pre-order with one path buffer.
#[allow(clippy::too_many_arguments)]
fn visit(
    tree: &Tree,
    idx: &Index,
    rules: &RuleSet,
    opts: &ReportOptions,
    no_data: &[bool],
    start: u32,
    prefix: &[u8],
    nest: Nest,
    deep: bool,
) -> Partial {
    let mut out = Partial::default();
    let mut path: Vec<u8> = prefix.to_vec();
    let mut stack: Vec<(u32, usize, Nest)> = vec![(start, prefix.len(), nest)];
    while let Some((id, plen, nest)) = stack.pop() {
        path.truncate(plen);
        if plen > 0 {
            path.push(b'/');
        }
        path.extend_from_slice(tree.name(id));
        let node = &tree.nodes[id as usize];
        if plen > 0 && tree.name(id) == b".dockerignore" {
            out.notes.push(format!(
                "{} has no effect: docker reads only the context's .dockerignore (or, with BuildKit, <Dockerfile>.dockerignore next to the Dockerfile)",
                lossy(&path)
            ));
        }
        if node.state == State::Sent {
            let e = EntryRef {
                path: &path,
                kind: rkind(node.kind),
                size: node.size,
            };
            let (hit, content) = rules.check(&e, nest);
            if let Some(hit) = hit {
                let (files, bytes) = (idx.files[id as usize], idx.bytes[id as usize]);
                out.findings.push(finding(&hit, &path, files, bytes, None));
                if hit.covers_subtree {
                    out.covered.push(id);
                }
            }
            if node.kind == Kind::File {
                if opts.content_max > 0 && content && (opts.scan_all || !code_or_markup(&path)) {
                    out.content.push((id, path.clone()));
                }
                let heap = &mut out.heap;
                let fits = heap.len() < opts.top
                    || heap
                        .peek()
                        .is_some_and(|m| (node.size, &path) > (m.0 .0, &m.0 .1));
                if node.size > 0 && !no_data[id as usize] && fits {
                    heap.push(std::cmp::Reverse((node.size, path.clone())));
                    if heap.len() > opts.top {
                        heap.pop();
                    }
                }
            }
        }
        if deep && node.kind == Kind::Dir {
            let len = path.len();
            let below = rules.nest_below(&path, nest);
            for &c in idx.children(id).iter().rev() {
                stack.push((c, len, below));
            }
        }
    }
    out
}

/// Runs the rules over everything that will be sent.
pub fn compute(a: &Analysis, opts: &ReportOptions) -> Extra {
    let tree = &a.tree;
    let mut no_data = vec![false; tree.nodes.len()];
    for &h in &a.hardlink_entries {
        no_data[h as usize] = true;
    }
    let idx = Index::new(tree, &no_data);
    let rules = RuleSet::new(&RuleConfig {
        large_file_threshold: opts.large_file,
        content_max: opts.content_max,
    });

    // The rules run per subtree in parallel. A directory holding more than 1/32 of the sent
    // files is split: visited alone, its children become tasks of their own.
    let total: u64 = idx.roots.iter().map(|&r| idx.files[r as usize]).sum();
    let limit = (total / 32).max(256);
    let mut tasks: Vec<(u32, Vec<u8>, Nest, bool)> = Vec::new();
    let mut todo: Vec<(u32, Vec<u8>, Nest)> = idx
        .roots
        .iter()
        .map(|&r| (r, Vec::new(), Nest::Top))
        .collect();
    while let Some((id, prefix, nest)) = todo.pop() {
        let kids = idx.children(id);
        if tree.nodes[id as usize].kind != Kind::Dir
            || kids.is_empty()
            || idx.files[id as usize] <= limit
        {
            tasks.push((id, prefix, nest, true));
            continue;
        }
        let mut path = prefix.clone();
        if !path.is_empty() {
            path.push(b'/');
        }
        path.extend_from_slice(tree.name(id));
        let below = rules.nest_below(&path, nest);
        todo.extend(kids.iter().map(|&c| (c, path.clone(), below)));
        tasks.push((id, prefix, nest, false));
    }
    // Largest first, one task per rayon job: the default splitting hands each thread a
    // contiguous half, and one half can hold nearly all the work.
    tasks.sort_by_key(|t| std::cmp::Reverse(idx.files[t.0 as usize]));
    let by_rules = || -> Vec<Partial> {
        use rayon::prelude::*;
        tasks
            .par_iter()
            .with_max_len(1)
            .map(|(id, prefix, nest, deep)| {
                visit(
                    tree, &idx, &rules, opts, &no_data, *id, prefix, *nest, *deep,
                )
            })
            .collect()
    };
    // Sent although the repository's .gitignore ignores it: side by side with the rules (the
    // entries below a directory the rules already flag are dropped afterwards).
    let by_gitignore = || -> Vec<(u32, Finding)> {
        let mut out = Vec::new();
        if !opts.gitignore {
            return out;
        }
        let mut gitignores: Vec<(Vec<u8>, Vec<u8>)> = tree
            .nodes
            .iter()
            .enumerate()
            .filter(|(i, n)| n.kind == Kind::File && tree.name(*i as u32) == b".gitignore")
            .map(|(i, n)| {
                let dir = if n.parent == ROOT {
                    Vec::new()
                } else {
                    tree.path(n.parent)
                };
                (dir, tree.path(i as u32))
            })
            .collect();
        if gitignores.is_empty() {
            return out;
        }
        gitignores.sort();
        let mut files: Vec<(Vec<u8>, String)> = Vec::new();
        if let Some(t) = crate::walk::read_small(&a.resolved.root, b".git/info/exclude", 1 << 20) {
            files.push((Vec::new(), String::from_utf8_lossy(&t).into_owned()));
        }
        for (dir, rel) in &gitignores {
            if let Some(t) = crate::walk::read_small(&a.resolved.root, rel, 1 << 20) {
                files.push((dir.clone(), String::from_utf8_lossy(&t).into_owned()));
            }
        }
        if let Ok(set) = GitignoreSet::new(files) {
            gitignored(tree, &idx, &set, &mut out);
        }
        out
    };
    let (parts, ignored) = rayon::join(by_rules, by_gitignore);
    let mut findings: Vec<Finding> = Vec::new();
    let mut covered = vec![false; tree.nodes.len()];
    let mut content_cands: Vec<(u32, Vec<u8>)> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut heap: BinaryHeap<std::cmp::Reverse<(u64, Vec<u8>)>> = BinaryHeap::new();
    for p in parts {
        findings.extend(p.findings);
        for c in p.covered {
            covered[c as usize] = true;
        }
        content_cands.extend(p.content);
        notes.extend(p.notes);
        for e in p.heap {
            heap.push(e);
            if heap.len() > opts.top {
                heap.pop();
            }
        }
    }
    notes.sort();

    // A gitignored entry at or below a directory the rules flag is covered by that finding.
    for (id, f) in ignored {
        let mut cur = id;
        let mut hidden = false;
        while cur != ROOT {
            if covered[cur as usize] {
                hidden = true;
                break;
            }
            cur = tree.nodes[cur as usize].parent;
        }
        if !hidden {
            findings.push(f);
        }
    }

    // Secrets by content.
    let by_content = || {
        let mut out: Vec<Finding> = Vec::new();
        if content_cands.is_empty() {
            return out;
        }
        let rels: Vec<Vec<u8>> = content_cands.iter().map(|(_, p)| p.clone()).collect();
        let hits = crate::walk::read_files(&a.resolved.root, &rels, opts.content_max, |i, b| {
            (i, rules::scan_content(b))
        });
        for (i, hs) in hits {
            let (id, p) = &content_cands[i];
            let size = tree.nodes[*id as usize].size;
            let mut seen = HashSet::new();
            for h in hs {
                if !seen.insert(h.rule) {
                    continue;
                }
                let Some(info) = rules::rule(h.rule) else {
                    continue;
                };
                let hit = Hit {
                    rule: info.id,
                    category: info.category,
                    severity: info.severity,
                    covers_subtree: false,
                };
                out.push(finding(&hit, p, 1, size, Some(h.line)));
            }
        }
        out
    };
    findings.extend(by_content());

    findings.sort_by(|x, y| {
        sev_rank(&y.severity)
            .cmp(&sev_rank(&x.severity))
            .then(y.bytes.cmp(&x.bytes))
            .then(x.path.cmp(&y.path))
            .then(x.rule.cmp(&y.rule))
    });

    let mut categories: Vec<CategoryTotal> = Vec::new();
    for c in Category::ALL {
        let (mut files, mut bytes, mut n) = (0, 0, 0);
        // A path can carry several findings of one category (a key file found by name and by
        // content): count its files and bytes once.
        let mut seen: HashSet<&str> = HashSet::new();
        for f in findings.iter().filter(|f| f.category == c.as_str()) {
            n += 1;
            if seen.insert(f.path.as_str()) {
                files += f.files;
                bytes += f.bytes;
            }
        }
        if n > 0 {
            categories.push(CategoryTotal {
                category: c.as_str().to_string(),
                files,
                bytes,
                findings: n,
            });
        }
    }

    let mut largest_files: Vec<FileSize> = heap
        .into_iter()
        .map(|std::cmp::Reverse((b, p))| FileSize {
            path: lossy(&p),
            bytes: b,
        })
        .collect();
    largest_files.sort_by(|x, y| y.bytes.cmp(&x.bytes).then(x.path.cmp(&y.path)));

    let mut largest_dirs = Vec::new();
    dirs_tree(tree, &idx, ROOT, "", 1, opts, &mut largest_dirs);

    Extra {
        findings,
        largest_files,
        largest_dirs,
        categories,
        notes,
    }
}

/// Source code, markup and assets: the bulk of a context, and not where secrets usually sit.
/// Skipped by the default content scan (a name that sounds like configuration is still read);
/// `--scan-all` reads them too. Name rules apply to them either way.
pub fn code_or_markup(path: &[u8]) -> bool {
    use std::sync::OnceLock;
    const HINTS: &[&str] = &[
        "config",
        "conf",
        "setting",
        "secret",
        "credential",
        "cred",
        "env",
        "key",
        "token",
        "auth",
        "passw",
        "deploy",
        "prod",
        "private",
        "cert",
        "vault",
        "aws",
        "gcp",
        "azure",
    ];
    static HINT_SET: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    let name = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
    let Some(dot) = name.iter().rposition(|&b| b == b'.') else {
        return false;
    };
    let ext = &name[dot + 1..];
    if ext.len() > 8 {
        return false;
    }
    let mut low = [0u8; 8];
    low[..ext.len()].copy_from_slice(ext);
    low.make_ascii_lowercase();
    let code = matches!(
        &low[..ext.len()],
        b"ts"
            | b"tsx"
            | b"js"
            | b"jsx"
            | b"mjs"
            | b"cjs"
            | b"vue"
            | b"svelte"
            | b"css"
            | b"scss"
            | b"sass"
            | b"less"
            | b"html"
            | b"htm"
            | b"svg"
            | b"md"
            | b"mdx"
            | b"rst"
            | b"adoc"
            | b"graphql"
            | b"gql"
            | b"rs"
            | b"go"
            | b"java"
            | b"kt"
            | b"kts"
            | b"scala"
            | b"c"
            | b"h"
            | b"cc"
            | b"cpp"
            | b"hpp"
            | b"cs"
            | b"fs"
            | b"swift"
            | b"m"
            | b"mm"
            | b"dart"
            | b"ex"
            | b"exs"
            | b"erl"
            | b"hs"
            | b"ml"
            | b"clj"
            | b"lua"
            | b"r"
            | b"jl"
            | b"zig"
            | b"nim"
            | b"snap"
            | b"map"
            | b"golden"
            | b"csv"
            | b"tsv"
            | b"po"
            | b"pot"
    );
    if !code {
        return false;
    }
    let hints = HINT_SET.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(HINTS)
            .expect("fixed hint list")
    });
    !hints.is_match(&name[..dot])
}

fn sev_rank(s: &str) -> u8 {
    s.parse::<Severity>().map_or(0, |s| s as u8 + 1)
}

fn gitignored(tree: &Tree, idx: &Index, set: &GitignoreSet, findings: &mut Vec<(u32, Finding)>) {
    // (node, parent path length, an excluded-but-walked ancestor is ignored, how many entries
    // of `levels` apply)
    let mut stack: Vec<(u32, usize, bool, usize)> =
        idx.roots.iter().rev().map(|&r| (r, 0, false, 1)).collect();
    // Path lengths of the directories with ignore files above the current entry (0: the root).
    let mut levels: Vec<usize> = vec![0];
    let mut path: Vec<u8> = Vec::new();
    while let Some((id, plen, inherited, nlev)) = stack.pop() {
        path.truncate(plen);
        levels.truncate(nlev);
        if plen > 0 {
            path.push(b'/');
        }
        path.extend_from_slice(tree.name(id));
        let node = &tree.nodes[id as usize];
        if node.state != State::Sent && node.state != State::ExcludedWalked {
            continue;
        }
        let is_dir = node.kind == Kind::Dir;
        // The walk stops below ignored directories, so only this path itself needs deciding.
        let ignored = inherited || set.is_ignored_in(&levels, &path, is_dir);
        if node.state == State::Sent && (is_dir || node.kind == Kind::File) && ignored {
            let hit = Hit::gitignored(rkind(node.kind));
            let (f, b) = (idx.files[id as usize], idx.bytes[id as usize]);
            if f > 0 || !is_dir {
                findings.push((id, finding(&hit, &path, f, b, None)));
            }
            continue;
        }
        if is_dir {
            let len = path.len();
            if set.has_level(&path) {
                levels.push(len);
            }
            let nlev = levels.len();
            for &c in idx.children(id).iter().rev() {
                stack.push((c, len, ignored, nlev));
            }
        }
    }
}

fn dirs_tree(
    tree: &Tree,
    idx: &Index,
    id: u32,
    prefix: &str,
    depth: usize,
    opts: &ReportOptions,
    out: &mut Vec<DirSize>,
) {
    if depth > opts.depth {
        return;
    }
    let mut dirs: Vec<u32> = idx
        .children(id)
        .iter()
        .copied()
        .filter(|&c| {
            let n = &tree.nodes[c as usize];
            n.kind == Kind::Dir && n.state == State::Sent && idx.bytes[c as usize] > 0
        })
        .collect();
    dirs.sort_by(|&x, &y| {
        idx.bytes[y as usize]
            .cmp(&idx.bytes[x as usize])
            .then(tree.name(x).cmp(tree.name(y)))
    });
    // The first level shows `top` directories, deeper levels half as many (at least 3).
    let n = if depth == 1 {
        opts.top
    } else {
        (opts.top / 2).max(3).min(opts.top)
    };
    for &d in dirs.iter().take(n) {
        let name = lossy(tree.name(d));
        let path = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        out.push(DirSize {
            path: path.clone(),
            bytes: idx.bytes[d as usize],
            files: idx.files[d as usize],
            depth,
        });
        dirs_tree(tree, idx, d, &path, depth + 1, opts, out);
    }
}
