//! Findings, largest files and directories: pure over the walked tree (plus the content scan,
//! which reads through `crate::walk::read_files`).

use std::collections::{BinaryHeap, HashMap, HashSet};

mod cache;
mod exposure;
pub(crate) use exposure::PlanInput;
pub(crate) mod git;
mod gitignored;
mod secrets;

pub(crate) use gitignored::git_ignores;
pub(crate) use secrets::MOVE_OUT;
use secrets::{Acc, Scanned, Wants};

use crate::analysis::Analysis;
pub(crate) use crate::paths::lossy;
pub(crate) use crate::report::ReportOptions;
pub(crate) use crate::report::{CategoryTotal, DirSize, Extra, FileSize, Finding};
use crate::rules::{self, Category, EntryRef, Hit, Nest, RuleConfig, RuleSet, Severity};
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
        clean: false,
    }
}

/// The `.dockerignore` line that removes exactly this path (and its subtree): wildcards,
/// backslashes and a leading `!`/`#` escaped; a byte no pattern line can hold literally — a
/// control character, invalid UTF-8, white space at either end (docker trims it) — becomes `?`,
/// which matches any one character but `/`, as Go's regexp reads it.
pub(crate) fn fix_line(path: &[u8]) -> String {
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

/// A file the content scan reads (its path is made only while it is read).
struct Cand {
    id: u32,
    wants: Wants,
}

/// Candidates as [`crate::walk::read_files`] reads them: `which` picks and orders them (all of
/// them, in order, without it).
struct CandFiles<'a> {
    tree: &'a Tree,
    cands: &'a [Cand],
    which: Option<&'a [u32]>,
}

impl CandFiles<'_> {
    fn cand(&self, k: usize) -> usize {
        self.which.map_or(k, |w| w[k] as usize)
    }
    fn parent(&self, k: usize) -> u32 {
        self.tree.nodes[self.cands[self.cand(k)].id as usize].parent
    }
}

impl crate::walk::FileList for CandFiles<'_> {
    fn count(&self) -> usize {
        self.which.map_or(self.cands.len(), <[u32]>::len)
    }
    fn same_dir(&self, i: usize, j: usize) -> bool {
        self.parent(i) == self.parent(j)
    }
    fn path(&self, i: usize, buf: &mut Vec<u8>) {
        self.tree.path_into(self.cands[self.cand(i)].id, buf);
    }
}

/// What one subtree task found.
#[derive(Default)]
struct Partial {
    /// Non-secret findings, by node.
    findings: Vec<(u32, Finding)>,
    /// Secret name hits, by node.
    secrets: Vec<(u32, Vec<u8>, Hit)>,
    /// Secret-named files too large to read.
    too_large: Vec<u32>,
    covered: Vec<u32>,
    content: Vec<Cand>,
    /// Nested `.dockerignore` files (docker reads none of them for this context).
    nested_ignores: Vec<String>,
    heap: BinaryHeap<std::cmp::Reverse<(u64, Vec<u8>)>>,
}

/// The note for nested `.dockerignore` files: one per file for a few, one for all of them when
/// there are more (a monorepo of 13 services gave 13 identical notes per service).
fn nested_ignores_note(mut paths: Vec<String>) -> Vec<String> {
    const WHY: &str = "docker reads only the context's .dockerignore (or, with BuildKit, <Dockerfile>.dockerignore next to the Dockerfile)";
    paths.sort();
    if paths.len() <= 2 {
        return paths
            .into_iter()
            .map(|p| format!("{p} has no effect: {WHY}"))
            .collect();
    }
    const SHOWN: usize = 10;
    let more = paths.len().saturating_sub(SHOWN);
    let n = paths.len();
    paths.truncate(SHOWN);
    let mut list = paths.join(", ");
    if more > 0 {
        list.push_str(&format!(" and {more} more"));
    }
    vec![format!(
        "{n} nested .dockerignore files have no effect ({list}): {WHY}"
    )]
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
        // A vendored package's own ignore file is that package's business, not a note here.
        if plen > 0 && tree.name(id) == b".dockerignore" && !rules.in_dependency_tree(&path) {
            out.nested_ignores.push(lossy(&path));
        }
        if node.state == State::Sent {
            let e = EntryRef {
                path: &path,
                kind: rkind(node.kind),
                size: node.size,
            };
            let (hit, content) = rules.check(&e, nest);
            let mut secret_hit = None;
            if let Some(hit) = hit {
                if hit.category == Category::Secret {
                    out.secrets.push((id, path.clone(), hit));
                    secret_hit = Some(hit);
                } else {
                    let (files, bytes) = (idx.files[id as usize], idx.bytes[id as usize]);
                    out.findings
                        .push((id, finding(&hit, &path, files, bytes, None)));
                }
                if hit.covers_subtree {
                    out.covered.push(id);
                }
            }
            if node.kind == Kind::File && opts.content_max > 0 {
                // `--scan-all`: lockfiles, bundles and dependency trees too (the binary sniff
                // still skips what is not text).
                let wide = opts.scan_all && node.size > 0 && node.size <= opts.content_max;
                if content || wide {
                    out.content.push(Cand {
                        id,
                        wants: Wants::for_hit(secret_hit.as_ref(), &path),
                    });
                } else if secret_hit.is_some() && node.size > opts.content_max {
                    out.too_large.push(id);
                }
            }
            if node.kind == Kind::File {
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

/// Categories whose directory findings are dropped when git tracks files inside: a tracked
/// `build/` holding templates, a tracked `Logs/` holding PHP classes are sources.
pub(crate) fn junk_unless_tracked(rule: &str) -> bool {
    matches!(rule, "CTX402" | "CTX403" | "CTX406" | "CTX506" | "CTX602")
}

/// The default rules' hit for entry `id` by its name (as the report classifies it), unless a
/// directory so flagged is not what its name says ([`misnamed`]).
pub(crate) fn name_hit(tree: &crate::tree::Tree, id: u32) -> Option<crate::rules::Hit> {
    let node = &tree.nodes[id as usize];
    let kind = match node.kind {
        Kind::Dir => crate::rules::Kind::Dir,
        Kind::File => crate::rules::Kind::File,
        _ => return None,
    };
    let path = tree.path(id);
    crate::rules::RuleSet::default_set()
        .classify(&crate::rules::EntryRef {
            path: &path,
            kind,
            size: node.size,
        })
        .filter(|h| !(node.kind == Kind::Dir && misnamed(h.rule, tree, id)))
}

/// Whether directory `id`, flagged by `rule` for its name, is not what the name says: a Go
/// package named `target`, a Django app's `fixtures/`, a `bin/` beside no .NET project file
/// (kestra's `docker/usr/local/bin/`, an image's file tree). `suggest`'s notes skip it too.
pub(crate) fn misnamed(rule: &str, tree: &crate::tree::Tree, id: u32) -> bool {
    match rule {
        "CTX401" => holds_sources(tree, id),
        "CTX701" => django_app_fixtures(tree, id),
        "CTX406" => !dotnet_output(tree, id),
        "CTX306" => !package_vendor(tree, id),
        _ => false,
    }
}

/// Whether a regular file whose name passes `name` sits beside entry `id` (in its parent).
fn beside_file(tree: &crate::tree::Tree, id: u32, name: impl Fn(&[u8]) -> bool) -> bool {
    let parent = tree.nodes[id as usize].parent;
    tree.children()
        .of(parent)
        .iter()
        .any(|&c| tree.nodes[c as usize].kind == Kind::File && name(tree.name(c)))
}

/// Whether directory `id` (a `vendor/`) sits beside the manifest of a package manager that
/// installs into it (`go mod vendor`, Composer, Bundler's `vendor/bundle`, `cargo vendor`);
/// elsewhere `vendor/` is the app's own files: published package views
/// (`resources/views/vendor`), front-end libraries kept in `assets/vendor`, `public/vendor`.
fn package_vendor(tree: &crate::tree::Tree, id: u32) -> bool {
    const MANIFESTS: &[&[u8]] = &[
        b"go.mod",
        b"composer.json",
        b"Gemfile",
        b"Cargo.toml",
        b"Gopkg.toml",
        b"glide.yaml",
    ];
    beside_file(tree, id, |n| MANIFESTS.contains(&n))
}

/// Whether directory `id` (a `bin/` or `obj/`) sits beside a .NET project file, where
/// `dotnet build` writes; elsewhere `bin/` holds scripts and `obj/` models.
fn dotnet_output(tree: &crate::tree::Tree, id: u32) -> bool {
    beside_file(tree, id, |n| {
        [b".csproj".as_slice(), b".fsproj", b".vbproj"]
            .iter()
            .any(|e| n.len() > e.len() && n.ends_with(e))
    })
}

/// Whether directory `id` is the `fixtures/` of a Django app (beside its `models.py` or
/// `apps.py`): the initial data `manage.py loaddata` reads at deploy time (wger's bootstrap), not
/// test data, so "exclude it" would break the app.
fn django_app_fixtures(tree: &crate::tree::Tree, id: u32) -> bool {
    tree.name(id) == b"fixtures"
        && tree.nodes[id as usize].parent != crate::tree::ROOT
        && beside_file(tree, id, |n| matches!(n, b"models.py" | b"apps.py"))
}

/// Whether directory `id` holds source files directly (`*.go`, `*.py`, `*.ts`, …) or in a
/// subdirectory (`*.go`, `*.py`, `*.rb`, `*.php`, `*.cs` only: `cargo doc` writes `.js` there): a
/// Go package or a module named `target` (minio's `internal/event/target/`, and
/// `internal/logger/target/` whose packages sit one level down), not Cargo, Maven or sbt output,
/// which puts only `debug/`, `release/`, `doc/`, `classes/`, `*.jar`, `CACHEDIR.TAG` there.
fn holds_sources(tree: &crate::tree::Tree, id: u32) -> bool {
    const SOURCE: &[&[u8]] = crate::rules::SOURCE_EXTS;
    const DEEP: &[&[u8]] = &[b".go", b".py", b".rb", b".php", b".cs"];
    let kids = tree.children();
    let has = |dir: u32, exts: &[&[u8]]| {
        kids.of(dir).iter().any(|&c| {
            let n = tree.name(c);
            tree.nodes[c as usize].kind == Kind::File && exts.iter().any(|e| n.ends_with(e))
        })
    };
    has(id, SOURCE)
        || kids
            .of(id)
            .iter()
            .any(|&c| tree.nodes[c as usize].kind == Kind::Dir && has(c, DEEP))
}

/// Runs the rules over everything that will be sent, grading secrets by the analysis'
/// Dockerfile on disk (default target, no build args).
pub(crate) fn compute(a: &Analysis, opts: &ReportOptions) -> Extra {
    compute_with(a, opts, &PlanInput::default())
}

/// Reads and scans the candidates: `(i, what it found)` for the results worth keeping. Large
/// contexts go through the scan cache (see [`cache`]).
fn scan_files(a: &Analysis, opts: &ReportOptions, cands: &[Cand]) -> Vec<(usize, Scanned)> {
    let keep = |i: usize, s: Scanned| {
        let k = !s.hits.is_empty()
            || s.env_line.is_some()
            || s.har_line.is_some()
            || s.template
            || s.public_pem
            || cands[i].wants != Wants::default();
        k.then_some((i, s))
    };
    let tree = &a.tree;
    let store = (opts.scan_cache && cands.len() >= cache::MIN_FILES)
        .then(cache::dir)
        .flatten()
        .map(|d| cache::ScanCache::open(&d, &a.resolved.root, opts.content_max));
    let Some(mut store) = store else {
        let list = CandFiles {
            tree,
            cands,
            which: None,
        };
        let f = |i: usize, path: &[u8], b: &[u8]| keep(i, Scanned::of(path, b, cands[i].wants));
        return crate::walk::read_files(&a.resolved.root, &list, opts.content_max, a.threads, f);
    };
    // Files whose fingerprint the cache knows are not opened; the others are read.
    let mut out = Vec::new();
    // Sized for the files the cache cannot know (all of them on a first run): no doubling.
    let mut unknown: Vec<u32> = Vec::with_capacity(cands.len().saturating_sub(store.len()));
    // The lookups (a path built and hashed, a binary search) side by side; then each result
    // taken in order.
    // `u32::MAX` for a file the cache does not know. An empty cache (a first run) knows none:
    // no lookups, and no list of a million misses (it cost 2 MiB of peak memory on n1m).
    const MISS: u32 = u32::MAX;
    let found: Vec<u32> = if store.len() == 0 {
        Vec::new()
    } else {
        use rayon::prelude::*;
        cands
            .par_iter()
            .with_min_len(1024)
            .map_init(Vec::new, |path, c| {
                tree.print(c.id)
                    .and_then(|p| {
                        tree.path_into(c.id, path);
                        store.find(path, p, c.wants)
                    })
                    .and_then(|k| u32::try_from(k).ok())
                    .unwrap_or(MISS)
            })
            .collect()
    };
    if found.is_empty() {
        unknown.extend(0..cands.len() as u32);
    }
    for (i, f) in found.into_iter().enumerate() {
        match f {
            MISS => unknown.push(i as u32),
            k => out.extend(keep(i, store.take(k as usize))),
        }
    }
    // Each file read is recorded in the cache as it comes back (most with nothing found, and
    // those cost one compact entry); only the results worth keeping are collected.
    let list = CandFiles {
        tree,
        cands,
        which: Some(&unknown),
    };
    store.reserve(unknown.len());
    let shared = std::sync::Mutex::new(store);
    let fresh = crate::walk::read_files(
        &a.resolved.root,
        &list,
        opts.content_max,
        a.threads,
        |k, path, b| {
            let i = list.cand(k);
            let c = &cands[i];
            let s = Scanned::of(path, b, c.wants);
            if let Some(p) = tree.print(c.id) {
                let mut store = shared
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                store.add(path, p, c.wants, &s);
            }
            keep(i, s)
        },
    );
    out.extend(fresh);
    let mut store = shared
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    store.save();
    out
}

/// [`compute`], grading secrets by the Dockerfile `df` describes (stdin text, target, build
/// args).
pub(crate) fn compute_with(a: &Analysis, opts: &ReportOptions, df: &PlanInput) -> Extra {
    compute_loaded(a, opts, df, None)
}

/// [`compute_with`], with what git tracks read ahead (while the walk ran): used when it was
/// read for `a`'s root, else read again.
pub(crate) fn compute_loaded(
    a: &Analysis,
    opts: &ReportOptions,
    df: &PlanInput,
    git: Option<git::Loaded>,
) -> Extra {
    let (prep, plan) = rayon::join(|| prepare_with(a, opts, git), || exposure::plan(a, df));
    finish(prep, a, opts, plan)
}

/// [`compute_with`] for one more target on a context whose Dockerfile-independent part is
/// `prep` (bake and compose targets sharing a context compute it once).
pub(crate) fn compute_prepared(
    a: &Analysis,
    opts: &ReportOptions,
    df: &PlanInput,
    prep: &Prepared,
) -> Extra {
    finish(prep.clone(), a, opts, exposure::plan(a, df))
}

/// What the rules, git and the content scan find in one context, before any Dockerfile grades
/// it: the same for every target that sends this context.
#[derive(Clone)]
pub(crate) struct Prepared {
    findings: Vec<Finding>,
    accs: HashMap<u32, Acc>,
    flagged: Vec<bool>,
    covered: Vec<bool>,
    ignored: Vec<(u32, Finding)>,
    notes: Vec<String>,
    largest_files: Vec<FileSize>,
    largest_dirs: Vec<crate::report::DirSize>,
}

/// The Dockerfile-independent part of [`compute_with`].
pub(crate) fn prepare(a: &Analysis, opts: &ReportOptions) -> Prepared {
    prepare_with(a, opts, None)
}

fn prepare_with(a: &Analysis, opts: &ReportOptions, ahead: Option<git::Loaded>) -> Prepared {
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
    // Side by side with the rules: which files git tracks, the Dockerfile's plan, and what is
    // sent although the repository's .gitignore ignores it (the entries below a directory the
    // rules already flag are dropped afterwards).
    let by_git = || {
        let git = if opts.all_tracked {
            git::GitState::everything_tracked()
        } else {
            git::Loaded::for_root(ahead, &a.resolved.root)
        };
        let ignored = if opts.gitignore {
            gitignored::gitignore_findings(a, &idx, git.tracked())
        } else {
            None
        };
        (git, ignored)
    };
    let (parts, (git, ignored)) = rayon::join(by_rules, by_git);
    let tracked = git.tracked();
    // The rules' findings with their entries, until the large files below are sorted out.
    let mut found: Vec<(u32, Finding)> = Vec::new();
    let mut covered = vec![false; tree.nodes.len()];
    // Entries another (non-secret) finding names.
    let mut flagged = vec![false; tree.nodes.len()];
    let mut cands: Vec<Cand> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut nested_ignores: Vec<String> = Vec::new();
    let mut heap: BinaryHeap<std::cmp::Reverse<(u64, Vec<u8>)>> = BinaryHeap::new();
    let mut accs: HashMap<u32, Acc> = HashMap::new();
    let mut too_large: Vec<u32> = Vec::new();
    let mut uncover: Vec<u32> = Vec::new();
    for p in parts {
        for (id, mut f) in p.findings {
            // Committed vendored dependencies (git tracks the `vendor/` beside `go.mod`,
            // `composer.json` or a Gemfile): what `go build`, Composer or Bundler build from when
            // it is there; excluding it changes how the build gets them, or breaks it.
            if f.rule == "CTX306" && tracked.is_some_and(|t| t.has_below(f.path.as_bytes())) {
                f.message.push_str(
                    "; git tracks it: committed dependencies, which Go, Composer and Bundler build from when it is sent",
                );
                f.fix = format!(
                    "`{}` only if the build installs its dependencies itself (`go mod download`, `composer install`, `bundle install` with network access)",
                    f.fix
                );
            }
            let tracked_dir = tree.nodes[id as usize].kind == Kind::Dir
                && junk_unless_tracked(&f.rule)
                && tracked.is_some_and(|t| t.has_below(f.path.as_bytes()));
            if tracked_dir || misnamed(&f.rule, tree, id) {
                // Not covered: entries below may still be reported.
                uncover.push(id);
            } else {
                flagged[id as usize] = true;
                found.push((id, f));
            }
        }
        for (id, path, hit) in p.secrets {
            accs.insert(
                id,
                Acc {
                    files: idx.files[id as usize],
                    bytes: idx.bytes[id as usize],
                    tracked: tracked.is_some_and(|t| t.has_file(&path)),
                    path,
                    in_tree: true,
                    name: Some(hit),
                    ..Acc::default()
                },
            );
        }
        too_large.extend(p.too_large);
        for c in p.covered {
            covered[c as usize] = true;
        }
        cands.extend(p.content);
        nested_ignores.extend(p.nested_ignores);
        for e in p.heap {
            heap.push(e);
            if heap.len() > opts.top {
                heap.pop();
            }
        }
    }
    for id in uncover {
        covered[id as usize] = false;
    }
    // A large file inside a VCS directory a finding covers (a pack in `.git/`) is that
    // finding's: its size is counted there, and excluding the pack alone is not the fix (inside
    // a `.git` the build reads, it would break git). Elsewhere (a binary in `node_modules/`)
    // the file is worth its own line.
    let vcs: HashSet<u32> = found
        .iter()
        .filter(|(id, f)| covered[*id as usize] && f.category == "vcs")
        .map(|(id, _)| *id)
        .collect();
    let in_vcs = |id: u32| {
        let mut cur = tree.nodes[id as usize].parent;
        while cur != ROOT {
            if vcs.contains(&cur) {
                return true;
            }
            cur = tree.nodes[cur as usize].parent;
        }
        false
    };
    let mut findings: Vec<Finding> = Vec::with_capacity(found.len());
    for (id, f) in found {
        if f.rule == crate::rules::LARGE_FILE_RULE && in_vcs(id) {
            flagged[id as usize] = false;
        } else {
            findings.push(f);
        }
    }
    for id in too_large {
        if let Some(acc) = accs.get_mut(&id) {
            acc.too_large = true;
            // A capture too large to read whole: its first `--content-max` bytes tell whether it
            // holds credential headers (a HAR's size says nothing about secrets).
            let w = Wants::for_hit(acc.name.as_ref(), &acc.path);
            if w.har {
                if let Some(b) =
                    crate::walk::read_small(&a.resolved.root, &acc.path, opts.content_max)
                {
                    acc.scanned = Some(Scanned::of(&acc.path, &b, w));
                }
            }
        }
    }
    // The gitignore check ran (the context has .gitignore files): say if tracked files could
    // not be told apart.
    if let (Some(n), Some(_)) = (git.note(), &ignored) {
        notes.push(n);
    }
    let ignored = ignored.unwrap_or_default();
    notes.extend(nested_ignores_note(nested_ignores));
    notes.sort();

    // Secrets by content: every candidate read once, in parallel.
    if !cands.is_empty() {
        // The files of one directory side by side: the reader opens each directory once for
        // all of them (the visit interleaves a directory's files with its subdirectories').
        cands.sort_unstable_by_key(|c| (tree.nodes[c.id as usize].parent, c.id));
        let scans = scan_files(a, opts, &cands);
        for (i, s) in scans {
            let c = &cands[i];
            let acc = accs.entry(c.id).or_insert_with(|| Acc {
                path: tree.path(c.id),
                files: 1,
                bytes: idx.bytes[c.id as usize],
                in_tree: true,
                ..Acc::default()
            });
            acc.scanned = Some(s);
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
    Prepared {
        findings,
        accs,
        flagged,
        covered,
        ignored,
        notes,
        largest_files,
        largest_dirs,
    }
}

/// The Dockerfile-dependent part of [`compute_with`]: its credentials, the secrets graded by
/// what it sends (`plan`), fixes that keep what it copies, and the totals.
fn finish(p: Prepared, a: &Analysis, opts: &ReportOptions, plan: Option<exposure::Plan>) -> Extra {
    let tree = &a.tree;
    let Prepared {
        mut findings,
        mut accs,
        flagged,
        covered,
        ignored,
        notes,
        largest_files,
        largest_dirs,
    } = p;
    // Credentials in the Dockerfile's ARG/ENV values.
    if opts.content_max > 0 {
        if let Ok(text) = crate::context::read_regular(&a.resolved.dockerfile) {
            let hits = rules::dockerfile_credentials(&text);
            if !hits.is_empty() {
                let rel = a.resolved.dockerfile_rel.clone();
                let id = rel.as_deref().and_then(|r| node_at(tree, r));
                let key = id.unwrap_or(u32::MAX);
                let acc = accs.entry(key).or_insert_with(|| Acc {
                    path: rel.clone().unwrap_or_else(|| {
                        crate::sys::os_bytes(a.resolved.dockerfile.as_os_str()).into_owned()
                    }),
                    files: 1,
                    bytes: text.len() as u64,
                    in_tree: id.is_some(),
                    ..Acc::default()
                });
                acc.dockerfile = hits;
            }
        }
    }
    let mut secret_paths: HashSet<String> = HashSet::new();
    let mut graded: Vec<Finding> = accs
        .values()
        .filter_map(|acc| secrets::grade(acc, plan.as_ref()))
        .collect();
    for f in &graded {
        secret_paths.insert(f.path.clone());
    }
    findings.append(&mut graded);
    // A Symfony `.env` that a RUN step reads (`composer dump-env`, `bin/console`): excluding it
    // fails the build, so the fix says where real secrets go instead.
    if let Some(plan) = plan.as_ref().filter(|p| p.reads_dotenv) {
        for f in findings.iter_mut().filter(|f| f.rule == "CTX101") {
            let (dir, name) = f.path.rsplit_once('/').unwrap_or(("", &f.path));
            let composer = if dir.is_empty() {
                "composer.json".to_string()
            } else {
                format!("{dir}/composer.json")
            };
            if name != ".env" || node_at(tree, composer.as_bytes()).is_none() {
                continue;
            }
            if matches!(plan.exposure(&f.path).0, exposure::Exposure::Image { .. }) {
                f.message.push_str(
                    "; a RUN step reads it (`composer dump-env`, `bin/console`), so excluding it fails the build",
                );
                f.fix = "none that keeps the build: keep real secrets in `.env.local` (not copied) and only defaults in `.env`".into();
            }
        }
    }
    // A `.git` that a RUN step reads (`git describe` for a version): sent by need, so info, and
    // the fix says what excluding it takes.
    if let Some(plan) = plan.as_ref().filter(|p| p.runs_git) {
        for f in findings
            .iter_mut()
            .filter(|f| f.rule == "CTX201" && f.path.rsplit('/').next() == Some(".git"))
        {
            let (e, _) = plan.exposure(&f.path);
            if matches!(
                e,
                exposure::Exposure::Image { .. } | exposure::Exposure::Mount { .. }
            ) {
                f.severity = "info".into();
                f.message.push_str(
                    "; the build runs git on the copied context (a RUN step, or a Makefile, script, Cargo, CMake, Go, Maven, Gradle, Mage, Python or Node build it runs), so it reads it",
                );
                f.fix = format!(
                    "`{}` only once that step reads what it needs from a build argument instead",
                    f.fix
                );
            }
        }
    }
    // A dependency tree a COPY sends that no RUN step installs again (`COPY . .` and no `npm
    // ci`): the build or the image may run from this copy, so excluding it is advice for when
    // they do not. suggest keeps such a tree too, with the same note. A fix that already
    // explains itself (a committed `vendor/`) is left as it is; a build of `FROM scratch`
    // stages alone runs nothing that could read it.
    if let Some(plan) = plan.as_ref().filter(|p| !p.scratch_only) {
        let i = &plan.installs;
        for f in findings.iter_mut() {
            let how = match f.rule.as_str() {
                "CTX301" if !i.node => "`npm ci`, `yarn install`, `pnpm install`",
                "CTX302" if !i.python => "`pip install`, `uv sync`, `poetry install`",
                "CTX306" if !i.composer && !i.bundle => "`composer install`, `bundle install`",
                _ => continue,
            };
            if f.fix == fix_line(f.path.as_bytes())
                && matches!(
                    plan.exposure(&f.path).0,
                    exposure::Exposure::Image { .. } | exposure::Exposure::Mount { .. }
                )
            {
                f.message.push_str(&format!(
                    "; the build copies it and no RUN step installs the packages again ({how}), so the build or the image may use this copy"
                ));
                f.fix = format!("`{}` only if the image does not need it", f.fix);
            }
        }
    }
    // A directory whose plain fix would exclude what a COPY names (`target` while the Dockerfile
    // copies `target/app.jar`, built before `docker build`): the fix keeps those paths.
    if let Some(plan) = plan.as_ref() {
        for f in findings
            .iter_mut()
            .filter(|f| f.category != "secret" && f.rule.starts_with("CTX"))
        {
            let keep = plan.named_below(&f.path);
            if !keep.is_empty() {
                let lines: Vec<String> = keep.iter().map(|p| format!("`!{p}`")).collect();
                // A fix that already explains itself (huginn's committed `vendor`: "`vendor`
                // only if the build installs its dependencies itself (…)") is not quoted again.
                let first = if f.fix == fix_line(f.path.as_bytes()) {
                    format!("`{}`", f.fix)
                } else {
                    f.fix.clone()
                };
                f.fix = format!(
                    "{first}, then {}: the Dockerfile copies {}",
                    lines.join(", "),
                    if keep.len() == 1 { "it" } else { "them" }
                );
            }
        }
    }

    // One finding per entry: a gitignored entry that another finding names (a log file, an OS
    // dropping, a secret), or that sits below a directory whose finding covers its subtree, is
    // not reported again as gitignored.
    for (id, f) in ignored {
        let mut cur = id;
        let mut hidden = secret_paths.contains(&f.path) || flagged[id as usize];
        while cur != ROOT && !hidden {
            if covered[cur as usize] {
                hidden = true;
                break;
            }
            cur = tree.nodes[cur as usize].parent;
        }
        if hidden {
            continue;
        }
        // A gitignored entry that a COPY names (or copies with the directory it names): most
        // often made before `docker build` on purpose (an entrypoint or binary below a copied
        // `docker/`), so excluding it would change the image. The fix says so instead.
        let mut f = f;
        if let Some((instruction, line)) = plan.as_ref().and_then(|p| p.copied_by_name(&f.path)) {
            f.severity = "info".into();
            f.message.push_str(&format!(
                "; the Dockerfile copies it ({instruction}, line {line}), so the image may need it"
            ));
            f.fix = format!(
                "`{}` only if the image does not need it (a file made before the build is often gitignored too)",
                f.fix
            );
        }
        findings.push(f);
    }

    // A directory finding that sends the directory alone (`.git/*` or `target/*` in the ignore
    // file exclude what it holds, or it is empty): nothing of it reaches the daemon but one
    // empty entry, so info, said.
    for f in findings
        .iter_mut()
        .filter(|f| f.category != "secret" && f.files == 0 && f.bytes == 0 && f.line.is_none())
    {
        let is_dir = node_at(tree, f.path.as_bytes())
            .is_some_and(|id| tree.nodes[id as usize].kind == Kind::Dir);
        if is_dir && f.severity != "info" {
            f.severity = "info".into();
            f.message
                .push_str("; only the empty directory is sent (nothing below it is)");
        }
    }

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

    Extra {
        findings,
        largest_files,
        largest_dirs,
        categories,
        notes,
    }
}

/// The node at a relative path, if the walk listed it.
fn node_at(tree: &Tree, rel: &[u8]) -> Option<u32> {
    let kids = tree.children();
    let mut cur = ROOT;
    for comp in rel.split(|&b| b == b'/') {
        cur = kids
            .of(cur)
            .iter()
            .copied()
            .find(|&c| tree.name(c) == comp)?;
    }
    Some(cur)
}

fn sev_rank(s: &str) -> u8 {
    s.parse::<Severity>().map_or(0, |s| s as u8 + 1)
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
