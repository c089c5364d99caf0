//! `ctxsize suggest`: an allowlist ignore file generated from the Dockerfile, proven before it
//! is offered.
//!
//! 1. The whole context is walked with no patterns; the Dockerfile's sources (`COPY`/`ADD`
//!    without `--from`, `RUN --mount=type=bind`, in the stages the target reaches) select the
//!    **used** paths.
//! 2. The file is `*`, then the fewest `!` lines that keep every used path (a directory whose
//!    whole subtree is used is kept as one line), then re-exclusions of secrets and junk that lie
//!    inside kept directories and that no source names, then lines of the current ignore file
//!    that still exclude something inside the kept paths. With `COPY . .` no allowlist is
//!    possible: the file keeps everything and only re-excludes.
//! 3. Exceptions are written for both builders: a deep exception `!a/b/c` works under the
//!    classic builder only because its literal text starts with `a/` and `a/b/` (R20), so every
//!    directory above a kept path must be plain text (no `*?[]\`); a name that needs escaping
//!    is kept through its parent instead. Wildcard exceptions are never used.
//! 4. The proposal is analysed again under **both** builders; every used path that no
//!    deliberate re-exclusion drops must still be sent. If one is not, its line is broadened
//!    (to the top-level entry, then to "keep everything") and the proof runs again.
//!
//! The Dockerfile and the ignore file get no `!` line: BuildKit loads both through their own
//! transfers, and the classic builder force-includes them (R18). A Dockerfile that copies
//! itself keeps it like any other source.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::analysis::{analyze_resolved, Analysis, Config};
use crate::context::Resolved;
use crate::dockerfile::{source_matches, ContextSource, Options, Sources};
use crate::dockerignore::PatternSet;
use crate::error::Error;
use crate::rules::{Category, EntryRef, RuleConfig, RuleSet};
use crate::transfer::{self, node_paths};
use crate::tree::{Children, Kind, Tree, ROOT};
use crate::walk::Builder;

/// What `ctxsize suggest` was asked for, beyond the context, Dockerfile and builder.
#[derive(Debug, Clone, Default)]
pub struct SuggestOptions {
    /// `--target`.
    pub target: Option<String>,
    /// `--build-arg NAME=VALUE` (a bare `NAME` takes the value from the environment).
    pub build_args: Vec<String>,
    /// `--diff`: print a unified diff against the current file instead of the file.
    pub diff: bool,
    /// `--write`: write the file (atomically, keeping `<name>.bak`).
    pub write: bool,
    /// Every `-f` given (the first is also `Config::dockerfile`); empty: the default Dockerfile.
    pub dockerfiles: Vec<std::path::PathBuf>,
    /// `--compose [FILE]`: also serve the services of this Compose file that build the context.
    pub compose: Option<Option<std::path::PathBuf>>,
    /// Look for other Dockerfiles in the context that share the ignore file (`--no-discover`
    /// turns it off).
    pub discover: bool,
    /// `--per-dockerfile`: one `<Dockerfile>.dockerignore` per Dockerfile.
    pub per_dockerfile: bool,
}

/// Files and bytes.
pub type Count = (u64, u64);

/// Resolutions: the main builder's, each builder's, and notes about those that failed.
type Resolutions = (Resolved, Vec<(Builder, Resolved)>, Vec<String>);

/// Sizes of one builder's context before and after the proposal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// The builder.
    pub builder: Option<Builder>,
    /// Files and content bytes sent with the current ignore file (`None`: it does not parse).
    pub before: Option<(u64, u64)>,
    /// Files and content bytes sent with the proposal.
    pub after: (u64, u64),
    /// BuildKit only: the transfer set (files, bytes) before and after.
    pub transfer: Option<(Option<Count>, Count)>,
}

/// A proven proposal.
#[derive(Debug, Clone)]
pub struct Suggestion {
    /// The complete ignore file.
    pub text: String,
    /// Where it goes: the ignore file in effect, else `<context>/.dockerignore`.
    pub destination: PathBuf,
    /// An alternative place worth offering, and why.
    pub alternative: Option<(PathBuf, String)>,
    /// The current bytes of `destination` (`None`: it does not exist).
    pub current: Option<Vec<u8>>,
    /// `COPY . .` (or an unresolvable source): no allowlist, only re-exclusions.
    pub whole_context: bool,
    /// The kept paths (the `!` lines, unescaped).
    pub kept: Vec<String>,
    /// Re-exclusions: (line, reason).
    pub reexcluded: Vec<(String, String)>,
    /// Lines carried over from the current ignore file.
    pub carried: Vec<String>,
    /// Used paths (non-directories) the proposal keeps.
    pub used_files: u64,
    /// Warnings (unresolved sources, broadened lines, names that cannot be written, …).
    pub warnings: Vec<String>,
    /// Before → after, per builder that could be analysed.
    pub figures: Vec<Figures>,
    /// Builders the proof ran under.
    pub proven_for: Vec<Builder>,
}

fn usage(s: impl Into<String>) -> Error {
    Error::Usage(s.into())
}

/// Parses `--build-arg` values: `NAME=VALUE`, or `NAME` taken from the environment (skipped
/// when unset, as docker does).
pub fn build_args(raw: &[String]) -> Vec<(String, String)> {
    raw.iter()
        .filter_map(|a| match a.split_once('=') {
            Some((k, v)) => Some((k.to_string(), v.to_string())),
            None => std::env::var(a).ok().map(|v| (a.clone(), v)),
        })
        .collect()
}

/// A name that can stand in a pattern as literal text: no glob characters, no escape, no
/// surrounding white space (docker trims lines), valid UTF-8 without line breaks.
fn plain(name: &str) -> bool {
    !name.is_empty()
        && !name.contains(['*', '?', '[', ']', '\\', '\n', '\r'])
        && name.trim() == name
}

/// A name that can be written escaped (as the last component of a pattern).
fn escapable(name: &str) -> bool {
    !name.is_empty() && !name.contains(['\n', '\r']) && name.trim() == name
}

fn escape_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    for c in name.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The pattern for a kept path: every directory above it plain (R20's literal prefix), the
/// last name escaped. `None` when the path cannot be written that way.
fn keep_pattern(path: &str) -> Option<String> {
    let comps: Vec<&str> = path.split('/').collect();
    let (last, dirs) = comps.split_last()?;
    if !dirs.iter().all(|c| plain(c)) || !escapable(last) {
        return None;
    }
    let mut s = dirs.join("/");
    if !s.is_empty() {
        s.push('/');
    }
    s.push_str(&escape_name(last));
    Some(s)
}

/// An exact exclusion pattern for a path, or `None` when it cannot be written.
fn exact_pattern(path: &str) -> Option<String> {
    if !path.split('/').all(escapable) {
        return None;
    }
    let mut s = String::new();
    if path.starts_with(['!', '#']) {
        s.push('\\');
    }
    s.push_str(
        &path
            .split('/')
            .map(escape_name)
            .collect::<Vec<_>>()
            .join("/"),
    );
    Some(s)
}

/// The literal directory an unresolved source certainly lies in: the text before the first
/// variable, cut back to a whole directory without wildcards. `""` means anywhere.
pub fn broad_prefix(raw: &str) -> String {
    let before = raw.split('$').next().unwrap_or("");
    let before = before.trim_start_matches("./").trim_start_matches('/');
    let mut comps: Vec<&str> = before.split('/').collect();
    comps.pop(); // the component the variable is in
    let mut out: Vec<&str> = Vec::new();
    for c in comps {
        if c.is_empty() || c == "." {
            continue;
        }
        if c == ".." || c.contains(['*', '?', '[', '\\']) {
            break;
        }
        out.push(c);
    }
    out.join("/")
}

/// The full tree (no patterns) and the facts the proposal is built from.
struct Model {
    tree: Tree,
    paths: Vec<String>,
    /// Children by name.
    kids: Children,
    /// Selected by a source.
    used: Vec<bool>,
    /// Named by a source (the source points at it or inside it, not merely below an ancestor).
    named: Vec<bool>,
}

impl Model {
    fn new(tree: Tree, sources: &[Sel]) -> Model {
        let paths = node_paths(&tree);
        let n = tree.nodes.len();
        let kids = tree.children_by_name();
        let mut used = vec![false; n];
        let mut named = vec![false; n];
        for (i, p) in paths.iter().enumerate() {
            for s in sources {
                if s.selects(p) {
                    used[i] = true;
                }
                if s.names(p) {
                    named[i] = true;
                }
            }
        }
        Model {
            tree,
            paths,
            kids,
            used,
            named,
        }
    }

    fn is_dir(&self, i: u32) -> bool {
        self.tree.nodes[i as usize].kind == Kind::Dir
    }
}

/// A source reduced to what selection needs.
#[derive(Debug, Clone)]
struct Sel {
    /// Cleaned path or wildcard pattern; `""` is the root.
    path: String,
    wildcard: bool,
    prefix: String,
}

impl Sel {
    fn from_source(s: &ContextSource) -> Sel {
        Sel {
            path: s.path.clone(),
            wildcard: s.has_wildcard,
            prefix: s.source_prefix().to_string(),
        }
    }
    fn dir(p: String) -> Sel {
        Sel {
            prefix: p.clone(),
            path: p,
            wildcard: false,
        }
    }
    fn selects(&self, p: &str) -> bool {
        source_matches(&self.path, p)
    }
    /// The source points at `p` or inside it.
    fn names(&self, p: &str) -> bool {
        if self.path.is_empty() {
            return false;
        }
        let within =
            |lit: &str| lit == p || (lit.starts_with(p) && lit[p.len()..].starts_with('/'));
        if !self.wildcard {
            return within(&self.path);
        }
        if within(&self.prefix) {
            return true;
        }
        // A direct match of the pattern (not only of an ancestor).
        source_matches(&self.path, p)
            && match p.rfind('/') {
                Some(k) => !source_matches(&self.path, &p[..k]),
                None => true,
            }
    }
}

/// The parts of a proposal before it is written out.
#[derive(Debug, Clone, Default)]
struct Plan {
    whole: bool,
    keep: BTreeSet<String>,
    reexcl: Vec<(String, String)>,
    carried: Vec<String>,
}

const REEXCLUDE_SKIP: &[&str] = &["CTX306"];

fn reexclude_category(c: Category, rule: &str) -> bool {
    if REEXCLUDE_SKIP.contains(&rule) {
        return false;
    }
    match c {
        Category::Secret
        | Category::Vcs
        | Category::Dependencies
        | Category::Cache
        | Category::Logs
        | Category::TestData
        | Category::EditorOs => true,
        Category::BuildOutput => rule == "CTX404",
        _ => false,
    }
}

fn rkind(k: Kind) -> crate::rules::Kind {
    match k {
        Kind::File => crate::rules::Kind::File,
        Kind::Dir => crate::rules::Kind::Dir,
        Kind::Symlink => crate::rules::Kind::Symlink,
        _ => crate::rules::Kind::Other,
    }
}

/// Chooses the keep lines: the maximal wholly-used entries.
fn choose_keep(m: &Model, warnings: &mut Vec<String>) -> Option<BTreeSet<String>> {
    let n = m.tree.nodes.len();
    // fully[i]: i and everything below it is used; any[i]: something at or below is used.
    let mut fully = vec![false; n];
    let mut any = vec![false; n];
    // Post-order over the sorted tree.
    let mut order: Vec<u32> = Vec::with_capacity(n);
    let mut stack: Vec<u32> = m.kids.of(ROOT).iter().rev().copied().collect();
    while let Some(i) = stack.pop() {
        order.push(i);
        for &c in m.kids.of(i).iter().rev() {
            stack.push(c);
        }
    }
    for &i in order.iter().rev() {
        let ch = m.kids.of(i);
        let u = m.used[i as usize];
        fully[i as usize] = u || (!ch.is_empty() && ch.iter().all(|&c| fully[c as usize]));
        any[i as usize] = u || ch.iter().any(|&c| any[c as usize]);
    }
    let mut keep = BTreeSet::new();
    let mut stack: Vec<u32> = m.kids.of(ROOT).iter().rev().copied().collect();
    while let Some(i) = stack.pop() {
        if !any[i as usize] {
            continue;
        }
        let p = &m.paths[i as usize];
        let writable = keep_pattern(p).is_some();
        if fully[i as usize] || !m.is_dir(i) {
            if writable {
                keep.insert(p.clone());
                continue;
            }
        } else if writable && p.split('/').all(plain) {
            for &c in m.kids.of(i).iter().rev() {
                stack.push(c);
            }
            continue;
        } else if writable {
            // Its children cannot be reached by a literal prefix: keep it whole.
            warnings.push(format!(
                "{p}/ is kept whole: a name in its path needs escaping, which the classic builder's literal prefix test cannot follow"
            ));
            keep.insert(p.clone());
            continue;
        }
        // Not writable: keep the parent instead.
        match p.rfind('/') {
            Some(k) => {
                let parent = p[..k].to_string();
                warnings.push(format!(
                    "{p:?} cannot be written as a pattern; keeping {parent}/ whole"
                ));
                keep.insert(parent);
            }
            None => {
                warnings.push(format!(
                    "{p:?} cannot be written as a pattern; no allowlist is possible"
                ));
                return None;
            }
        }
    }
    // A kept parent makes kept children redundant.
    let all: Vec<String> = keep.iter().cloned().collect();
    keep.retain(|p| {
        !all.iter()
            .any(|q| q != p && p.starts_with(q.as_str()) && p[q.len()..].starts_with('/'))
    });
    Some(keep)
}

fn under(p: &str, keep: &BTreeSet<String>) -> bool {
    keep.iter()
        .any(|k| p == k || (p.starts_with(k.as_str()) && p[k.len()..].starts_with('/')))
}

/// Re-exclusions of secrets and junk inside the kept paths (or anywhere, for `COPY . .`).
fn choose_reexclusions(
    m: &Model,
    plan: &Plan,
    rules: &RuleSet,
    warnings: &mut Vec<String>,
) -> Vec<(String, String)> {
    let mut hits: BTreeMap<&'static str, Vec<u32>> = BTreeMap::new();
    let carried = PatternSet::parse(plan.carried.join("\n").as_bytes()).unwrap_or_default();
    let mut stack: Vec<u32> = m.kids.of(ROOT).iter().rev().copied().collect();
    while let Some(i) = stack.pop() {
        let p = &m.paths[i as usize];
        if !plan.carried.is_empty()
            && carried
                .matches_or_parent_matches(p.as_bytes())
                .unwrap_or(false)
        {
            continue;
        }
        let inside = plan.whole || under(p, &plan.keep);
        let node = &m.tree.nodes[i as usize];
        if inside && !m.named[i as usize] {
            let e = EntryRef {
                path: p.as_bytes(),
                kind: rkind(node.kind),
                size: node.size,
            };
            if let Some(h) = rules.classify(&e) {
                if reexclude_category(h.category, h.rule)
                    && (h.covers_subtree || node.kind != Kind::Dir)
                {
                    hits.entry(h.rule).or_default().push(i);
                    continue;
                }
            }
        }
        if node.kind == Kind::Dir {
            for &c in m.kids.of(i).iter().rev() {
                stack.push(c);
            }
        }
    }
    let mut out = Vec::new();
    let flagged: HashSet<u32> = hits.values().flatten().copied().collect();
    for (rule, ids) in hits {
        let info = crate::rules::rule(rule).expect("catalog rule");
        let reason = format!("{} [{}]", info.title, info.id);
        // One generic line when it removes exactly flagged entries and nothing named.
        if ids.len() >= 2 && !info.fix.contains("{path}") {
            if let Ok(set) = PatternSet::parse(info.fix.as_bytes()) {
                let only_flagged = m.paths.iter().enumerate().all(|(j, q)| {
                    let inside = plan.whole || under(q, &plan.keep);
                    !inside
                        || !set.matches_or_parent_matches(q.as_bytes()).unwrap_or(true)
                        || (!m.named[j] && flagged_or_below(m, j as u32, &flagged))
                });
                // …and it must remove every entry this rule flagged.
                let all_flagged = ids.iter().all(|&i| {
                    set.matches_or_parent_matches(m.paths[i as usize].as_bytes())
                        .unwrap_or(false)
                });
                let ok = only_flagged && all_flagged;
                if ok {
                    out.push((
                        info.fix.to_string(),
                        format!("{reason}, {} entries", ids.len()),
                    ));
                    continue;
                }
            }
        }
        for i in ids {
            let p = &m.paths[i as usize];
            match exact_pattern(p) {
                Some(l) => out.push((l, reason.clone())),
                None => warnings.push(format!(
                    "{p:?} ({reason}) cannot be written as a pattern; left in"
                )),
            }
        }
    }
    out
}

fn flagged_or_below(m: &Model, mut i: u32, flagged: &HashSet<u32>) -> bool {
    loop {
        if flagged.contains(&i) {
            return true;
        }
        let p = m.tree.nodes[i as usize].parent;
        if p == ROOT {
            return false;
        }
        i = p;
    }
}

/// Lines of the current ignore file that still decide something inside the kept paths.
fn choose_carried(
    m: &Model,
    plan: &Plan,
    current: &[u8],
    warnings: &mut Vec<String>,
) -> Vec<String> {
    if current.is_empty() {
        return Vec::new();
    }
    let set = match PatternSet::parse(current) {
        Ok(s) => s,
        Err(e) => {
            warnings.push(format!(
                "the current ignore file does not parse ({e}); nothing carried over"
            ));
            return Vec::new();
        }
    };
    let re: Vec<String> = plan.reexcl.iter().map(|(l, _)| l.clone()).collect();
    let reset = PatternSet::parse(re.join("\n").as_bytes()).unwrap_or_default();
    let mut carry: BTreeSet<usize> = BTreeSet::new();
    let mut exc_cands: Vec<(Vec<usize>, usize)> = Vec::new();
    let mut refused: BTreeSet<usize> = BTreeSet::new();
    for (i, p) in m.paths.iter().enumerate() {
        if m.is_dir(i as u32) || !(plan.whole || under(p, &plan.keep)) {
            continue;
        }
        if reset
            .matches_or_parent_matches(p.as_bytes())
            .unwrap_or(false)
        {
            continue;
        }
        let (excluded, hits) = set.trace(p.as_bytes());
        let Some(&last) = hits.last() else { continue };
        if excluded {
            if m.named[i] {
                refused.insert(last);
            } else {
                carry.insert(last);
            }
        } else {
            exc_cands.push((hits[..hits.len() - 1].to_vec(), last));
        }
    }
    for r in &refused {
        carry.remove(r);
        let l = &set.patterns()[*r].line();
        warnings.push(format!(
            "current ignore line {} `{}` excludes a path the Dockerfile names; not carried over",
            l.line,
            String::from_utf8_lossy(&l.original)
        ));
    }
    for (before, exc) in exc_cands {
        if before.iter().any(|b| carry.contains(b)) {
            carry.insert(exc);
        }
    }
    carry
        .into_iter()
        .filter(|&i| set.patterns()[i].line().line > 0)
        .map(|i| {
            String::from_utf8_lossy(&set.patterns()[i].line().original)
                .trim()
                .to_string()
        })
        .collect()
}

fn render(plan: &Plan, header: &[String]) -> String {
    let mut s = String::new();
    for h in header {
        s.push_str("# ");
        s.push_str(h);
        s.push('\n');
    }
    if !plan.whole {
        s.push_str("\n# Exclude everything, then keep what the Dockerfile uses.\n*\n");
        for k in &plan.keep {
            s.push('!');
            s.push_str(&keep_pattern(k).unwrap_or_else(|| k.clone()));
            s.push('\n');
        }
    }
    if !plan.carried.is_empty() {
        s.push_str("\n# Carried over from the current ignore file (still excludes kept paths).\n");
        for l in &plan.carried {
            s.push_str(l);
            s.push('\n');
        }
    }
    if !plan.reexcl.is_empty() {
        s.push_str("\n# Secrets and junk inside kept paths that the Dockerfile does not name.\n");
        let mut seen = HashSet::new();
        for (l, why) in &plan.reexcl {
            if seen.insert(l.clone()) {
                s.push_str(&format!("# {why}\n{l}\n"));
            }
        }
    }
    s
}

fn with_text(r: &Resolved, text: &[u8]) -> Resolved {
    let mut r = r.clone();
    r.ignore_text = text.to_vec();
    r
}

/// Files and content bytes sent.
fn sent(a: &Analysis) -> (u64, u64) {
    (a.totals.files, a.totals.content_bytes)
}

/// Every used non-directory path the deliberate exclusions do not drop, not sent by `a`.
fn unsent_used(m: &Model, plan: &Plan, a: &Analysis) -> Vec<String> {
    let deliberate: Vec<&str> = plan
        .carried
        .iter()
        .map(String::as_str)
        .chain(plan.reexcl.iter().map(|(l, _)| l.as_str()))
        .collect();
    let dset = PatternSet::parse(deliberate.join("\n").as_bytes()).unwrap_or_default();
    let sent: HashSet<String> = {
        let paths = node_paths(&a.tree);
        a.tree.sent().map(|i| paths[i as usize].clone()).collect()
    };
    let mut out = Vec::new();
    for (i, p) in m.paths.iter().enumerate() {
        if !m.used[i] || m.is_dir(i as u32) {
            continue;
        }
        if dset
            .matches_or_parent_matches(p.as_bytes())
            .unwrap_or(false)
        {
            continue;
        }
        if !sent.contains(p) {
            out.push(p.clone());
        }
    }
    out
}

/// Resolves the context for each builder (a builder whose resolution fails is left out, with
/// the reason).
fn resolve_both(config: &Config) -> Result<Resolutions, Error> {
    let main = config.resolve_for(config.builder)?;
    let mut both = vec![(config.builder, main.clone())];
    let mut notes = Vec::new();
    let other = config.builder.other();
    match config.resolve_for(other) {
        Ok(r) => both.push((other, r)),
        Err(e) => notes.push(format!("not checked for the {} builder: {e}", name(other))),
    }
    both.sort_by_key(|(b, _)| *b != Builder::Buildkit);
    Ok((main, both, notes))
}

fn name(b: Builder) -> &'static str {
    match b {
        Builder::Buildkit => "BuildKit",
        Builder::Classic => "classic",
    }
}

/// Builds and proves the proposal.
pub fn suggest(config: &Config, opts: &SuggestOptions) -> Result<Suggestion, Error> {
    let (main, both, mut warnings) = resolve_both(config)?;
    let dopts = Options {
        build_args: build_args(&opts.build_args),
        target: opts.target.clone(),
    };
    let sources: Sources = transfer::load_sources(&main.dockerfile, &dopts).map_err(usage)?;
    let threads = config.threads;

    // What the build uses, over the whole context.
    let mut sels: Vec<Sel> = Vec::new();
    let mut whole = false;
    for s in &sources.items {
        if s.instruction.contains("tmpfs") {
            continue;
        }
        if s.unresolved {
            let p = broad_prefix(&s.raw);
            warnings.push(format!(
                "{} {} (Dockerfile line {}) uses an ARG with no value: keeping {} (set it with --build-arg for a tighter file)",
                s.instruction,
                s.raw,
                s.line,
                if p.is_empty() { "everything".to_string() } else { format!("{p}/ whole") }
            ));
            if p.is_empty() {
                whole = true;
            } else {
                sels.push(Sel::dir(p));
            }
            continue;
        }
        if s.path.is_empty() {
            whole = true;
        }
        sels.push(Sel::from_source(s));
    }
    let full = analyze_resolved(
        Resolved {
            ignore_file: None,
            ignore_text: Vec::new(),
            ..main.clone()
        },
        Builder::Buildkit,
        threads,
    )?;
    let m = Model::new(full.tree, &sels);
    for s in sources
        .items
        .iter()
        .filter(|s| !s.unresolved && !s.path.is_empty())
    {
        if !s.instruction.contains("tmpfs") && !m.paths.iter().any(|p| s.matches(p)) {
            warnings.push(format!(
                "{} {} (Dockerfile line {}) matches nothing in the context: the build fails with \"not found\" whatever the ignore file says",
                s.instruction, s.raw, s.line
            ));
        }
    }
    let rules = RuleSet::new(&RuleConfig::default());

    let mut plan = Plan {
        whole,
        ..Plan::default()
    };
    if !whole {
        match choose_keep(&m, &mut warnings) {
            Some(k) => plan.keep = k,
            None => plan.whole = true,
        }
    }
    let destination = main
        .ignore_file
        .clone()
        .unwrap_or_else(|| main.root.join(".dockerignore"));
    let current = std::fs::read(&destination).ok();

    let dfrel = crate::explain::rel_display(&main.root, &main.dockerfile);
    let mut header = vec![format!(
        "Generated by `ctxsize suggest` from {dfrel}{}{}.",
        opts.target
            .as_ref()
            .map_or(String::new(), |t| format!(" (target {t})")),
        if dopts.build_args.is_empty() {
            String::new()
        } else {
            format!(
                " with --build-arg {}",
                dopts
                    .build_args
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            )
        }
    )];

    // Prove, broadening until every used path is sent under both builders.
    let mut proven_for = Vec::new();
    let mut text;
    let mut afters: Vec<(Builder, Analysis)>;
    let mut round = 0;
    loop {
        round += 1;
        let mut w = Vec::new();
        // The user's own lines first: a re-exclusion is only written for what they miss.
        plan.carried = choose_carried(&m, &plan, &main.ignore_text, &mut w);
        plan.reexcl = choose_reexclusions(&m, &plan, &rules, &mut w);
        let mut h = header.clone();
        h.extend(explain_header(&plan));
        text = render(&plan, &h);
        afters = Vec::new();
        let mut failing: Vec<(Builder, String)> = Vec::new();
        for (b, r) in &both {
            let a = analyze_resolved(with_text(r, text.as_bytes()), *b, threads)?;
            for p in unsent_used(&m, &plan, &a) {
                failing.push((*b, p));
            }
            afters.push((*b, a));
        }
        if failing.is_empty() || round > 6 {
            if failing.is_empty() {
                proven_for = both.iter().map(|(b, _)| *b).collect();
            } else {
                warnings.push(format!(
                    "could not prove the file: {} used path(s) still not sent (first: {} under {})",
                    failing.len(),
                    failing[0].1,
                    name(failing[0].0)
                ));
            }
            warnings.extend(w);
            break;
        }
        // Broaden: the kept line of each failing path becomes its top-level entry; a top-level
        // entry that still fails turns the allowlist off; then the deliberate lines go.
        let mut changed = false;
        for (b, p) in &failing {
            let top = p.split('/').next().unwrap_or(p).to_string();
            let line = plan
                .keep
                .iter()
                .find(|k| p == *k || (p.starts_with(k.as_str()) && p[k.len()..].starts_with('/')))
                .cloned();
            match line {
                Some(k) if k != top && keep_pattern(&top).is_some() => {
                    warnings.push(format!(
                        "{p} is not sent under {} with !{k}; broadened to !{top}",
                        name(*b)
                    ));
                    plan.keep.remove(&k);
                    plan.keep.retain(|q| {
                        !(q.starts_with(top.as_str()) && q[top.len()..].starts_with('/'))
                    });
                    plan.keep.insert(top);
                    changed = true;
                }
                _ => {}
            }
        }
        if !changed && !plan.whole {
            warnings.push(format!(
                "{} is not sent under {} even with a top-level line; the allowlist is dropped",
                failing[0].1,
                name(failing[0].0)
            ));
            plan.whole = true;
            plan.keep.clear();
        } else if !changed {
            header.push("Deliberate exclusions could not be proven safe; none are made.".into());
            // A last resort: nothing but the header.
            plan.reexcl.clear();
            plan.carried.clear();
            text = render(
                &Plan {
                    whole: true,
                    ..Plan::default()
                },
                &header,
            );
            afters = Vec::new();
            for (b, r) in &both {
                afters.push((
                    *b,
                    analyze_resolved(with_text(r, text.as_bytes()), *b, threads)?,
                ));
            }
            warnings.extend(w);
            break;
        }
    }

    // Figures, per builder.
    let mut figures = Vec::new();
    for (b, r) in &both {
        let before = analyze_resolved(r.clone(), *b, threads).ok();
        let after = afters.iter().find(|(x, _)| x == b).map(|(_, a)| a);
        let Some(after) = after else { continue };
        let exists = |_: &str| false;
        let transfer = (*b == Builder::Buildkit).then(|| {
            let t_after = transfer::compute(after, &sources, &exists);
            let t_before = before
                .as_ref()
                .map(|a| transfer::compute(a, &sources, &exists))
                .map(|t| (t.files, t.bytes));
            (t_before, (t_after.files, t_after.bytes))
        });
        figures.push(Figures {
            builder: Some(*b),
            before: before.as_ref().map(sent),
            after: sent(after),
            transfer,
        });
    }

    let alternative = per_dockerfile_offer(config, &main);
    let used_files = m
        .used
        .iter()
        .enumerate()
        .filter(|&(i, &u)| u && !m.is_dir(i as u32))
        .count() as u64;
    Ok(Suggestion {
        text,
        destination,
        alternative,
        current,
        whole_context: plan.whole,
        kept: plan.keep.iter().cloned().collect(),
        reexcluded: plan.reexcl.clone(),
        carried: plan.carried.clone(),
        used_files,
        warnings,
        figures,
        proven_for,
    })
}

fn explain_header(plan: &Plan) -> Vec<String> {
    let mut h = Vec::new();
    if plan.whole {
        h.push("The build uses the whole context (COPY . . or a source it cannot resolve),".into());
        h.push("so nothing is allowlisted; only secrets and junk are excluded.".into());
    } else {
        h.push(format!(
            "Keeps {} path(s) the Dockerfile's COPY/ADD/bind mounts use; everything else is excluded.",
            plan.keep.len()
        ));
    }
    h.push(
        "Checked with BuildKit's and the classic builder's rules: every used path is still sent."
            .into(),
    );
    h.push(
        "The Dockerfile and this file need no line: BuildKit loads them separately and the".into(),
    );
    h.push("classic builder always includes them.".into());
    h
}

/// With BuildKit and `-f dir/X.Dockerfile`, the per-Dockerfile ignore file is worth offering.
fn per_dockerfile_offer(config: &Config, main: &Resolved) -> Option<(PathBuf, String)> {
    if config.builder != Builder::Buildkit {
        return None;
    }
    let f = config.dockerfile.as_ref()?;
    if f.as_os_str() == "-" {
        return None;
    }
    let name = main.dockerfile.file_name()?.to_os_string();
    let dir = main.dockerfile.parent()?;
    let mut per = name.clone();
    per.push(".dockerignore");
    let per = dir.join(per);
    if main.ignore_file.as_deref() == Some(per.as_path()) {
        return None;
    }
    if name == "Dockerfile" && dir == main.root {
        return None;
    }
    Some((
        per.clone(),
        format!(
            "BuildKit reads {} before {}/.dockerignore, so this Dockerfile can have its own allowlist without changing the context's other builds; the classic builder ignores it",
            per.display(),
            main.root.display()
        ),
    ))
}

/// A unified diff (`diff -u` style, 3 lines of context) between two texts.
pub fn unified_diff(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // LCS table (ignore files are small).
    let (n, m) = (a.len(), b.len());
    let mut t = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i][j] = if a[i] == b[j] {
                t[i + 1][j + 1] + 1
            } else {
                t[i + 1][j].max(t[i][j + 1])
            };
        }
    }
    // Edit script: (tag, a index, b index).
    let mut ops: Vec<(char, usize, usize)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', i, j));
            i += 1;
            j += 1;
        } else if j < m && (i == n || t[i][j + 1] >= t[i + 1][j]) {
            ops.push(('+', i, j));
            j += 1;
        } else {
            ops.push(('-', i, j));
            i += 1;
        }
    }
    if ops.iter().all(|o| o.0 == ' ') {
        return String::new();
    }
    let mut out = format!("--- {old_name}\n+++ {new_name}\n");
    const CTX: usize = 3;
    let mut k = 0;
    while k < ops.len() {
        if ops[k].0 == ' ' {
            k += 1;
            continue;
        }
        let start = k.saturating_sub(CTX);
        let mut end = k;
        // Extend the hunk while changes are within 2*CTX of each other.
        let mut last_change = k;
        while end < ops.len() {
            if ops[end].0 != ' ' {
                last_change = end;
            } else if end - last_change > 2 * CTX {
                break;
            }
            end += 1;
        }
        let end = (last_change + CTX + 1).min(ops.len());
        let hunk = &ops[start..end];
        let a_start = hunk[0].1;
        let b_start = hunk[0].2;
        let a_len = hunk.iter().filter(|o| o.0 != '+').count();
        let b_len = hunk.iter().filter(|o| o.0 != '-').count();
        let pos = |s: usize, l: usize| if l == 0 { s } else { s + 1 };
        out.push_str(&format!(
            "@@ -{},{a_len} +{},{b_len} @@\n",
            pos(a_start, a_len),
            pos(b_start, b_len)
        ));
        for &(tag, ai, bi) in hunk {
            let line = if tag == '+' { b[bi] } else { a[ai] };
            out.push(tag);
            out.push_str(line);
            out.push('\n');
        }
        k = end;
    }
    out
}

/// What `--write` saw when it read the destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The bytes (`None`: the file did not exist).
    pub bytes: Option<Vec<u8>>,
    /// Its modification time.
    pub mtime: Option<std::time::SystemTime>,
}

impl Snapshot {
    /// Reads the current state of `path`.
    pub fn take(path: &Path) -> Snapshot {
        Snapshot {
            bytes: std::fs::read(path).ok(),
            mtime: std::fs::metadata(path).and_then(|m| m.modified()).ok(),
        }
    }
}

/// Writes `text` to `path` atomically: a temporary file in the same directory, then a rename.
/// The previous file is kept as `<name>.bak`. Refuses (and writes nothing) when the file is no
/// longer what `seen` recorded; `before_rename` runs right before that last check (tests use it
/// to change the file at the worst moment).
pub fn write_atomic(
    path: &Path,
    text: &[u8],
    seen: &Snapshot,
    before_rename: &mut dyn FnMut(),
) -> Result<Option<PathBuf>, Error> {
    let io = |p: &Path, e: std::io::Error| Error::Io(p.to_path_buf(), e);
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| usage(format!("{} is not a file name", path.display())))?
        .to_string_lossy()
        .into_owned();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let tmp = dir.join(format!(
        ".{name}.ctxsize-{}-{stamp}.tmp",
        std::process::id()
    ));
    let res = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| io(&tmp, e))?;
        f.write_all(text).map_err(|e| io(&tmp, e))?;
        if let Ok(md) = std::fs::metadata(path) {
            let _ = f.set_permissions(md.permissions());
        }
        f.sync_all().map_err(|e| io(&tmp, e))?;
        drop(f);
        before_rename();
        let now = Snapshot::take(path);
        if now.bytes != seen.bytes || now.mtime != seen.mtime {
            return Err(usage(format!(
                "{} changed since it was read; not written (run ctxsize suggest again)",
                path.display()
            )));
        }
        let bak = match &seen.bytes {
            Some(old) => {
                let bak = dir.join(format!("{name}.bak"));
                let tmpbak = dir.join(format!(
                    ".{name}.bak.ctxsize-{}-{stamp}.tmp",
                    std::process::id()
                ));
                std::fs::write(&tmpbak, old).map_err(|e| io(&tmpbak, e))?;
                std::fs::rename(&tmpbak, &bak).map_err(|e| io(&bak, e))?;
                Some(bak)
            }
            None => None,
        };
        std::fs::rename(&tmp, path).map_err(|e| io(path, e))?;
        Ok(bak)
    })();
    if res.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    res
}

fn human(n: u64) -> String {
    humansize::format_size(n, humansize::DECIMAL)
}

/// The stderr summary.
pub fn summary(s: &Suggestion) -> String {
    let mut o = String::new();
    let pair = |x: Option<(u64, u64)>| match x {
        Some((f, b)) => format!("{f} files, {}", human(b)),
        None => "n/a".to_string(),
    };
    o.push_str(&format!(
        "ctxsize suggest: {} ({} used file(s){})\n",
        s.destination.display(),
        s.used_files,
        if s.whole_context {
            ", whole context"
        } else {
            ""
        }
    ));
    for f in &s.figures {
        let b = f.builder.map_or("", name);
        o.push_str(&format!(
            "  {b:<8}  sent      {} → {}\n",
            pair(f.before),
            pair(Some(f.after))
        ));
        if let Some((tb, ta)) = f.transfer {
            o.push_str(&format!(
                "  {b:<8}  transfer  {} → {}\n",
                pair(tb),
                pair(Some(ta))
            ));
        }
    }
    if !s.proven_for.is_empty() {
        o.push_str(&format!(
            "  proven: every used path is still sent under {}\n",
            s.proven_for
                .iter()
                .map(|b| name(*b))
                .collect::<Vec<_>>()
                .join(" and ")
        ));
    }
    if let Some((p, why)) = &s.alternative {
        o.push_str(&format!("  or write it to {}: {why}\n", p.display()));
    }
    for w in &s.warnings {
        o.push_str(&format!("  warning: {w}\n"));
    }
    o
}

/// `ctxsize suggest`: the file (or a diff) on `out`, the summary on `err`.
pub fn command(
    config: &Config,
    opts: &SuggestOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Error> {
    let seen_before = {
        // Read the destination before anything else, so --write can tell a concurrent edit.
        let r = config.resolve_for(config.builder)?;
        let dest = r
            .ignore_file
            .unwrap_or_else(|| r.root.join(".dockerignore"));
        (dest.clone(), Snapshot::take(&dest))
    };
    let s = suggest(config, opts)?;
    let ioe = |e: std::io::Error| Error::Io("<stdout>".into(), e);
    let old = s
        .current
        .as_deref()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    if opts.diff {
        let name = s.destination.display().to_string();
        let d = unified_diff(
            &old,
            &s.text,
            &format!("{name} (current)"),
            &format!("{name} (suggested)"),
        );
        out.write_all(d.as_bytes()).map_err(ioe)?;
    } else if !opts.write {
        out.write_all(s.text.as_bytes()).map_err(ioe)?;
    }
    let _ = err.write_all(summary(&s).as_bytes());
    if opts.write {
        let (dest, seen) = seen_before;
        let bak = write_atomic(&dest, s.text.as_bytes(), &seen, &mut || {})?;
        let _ = writeln!(
            err,
            "  wrote {}{}",
            dest.display(),
            bak.map_or(String::new(), |b| format!(
                " (previous file kept as {})",
                b.display()
            ))
        );
    }
    Ok(crate::exit::ExitCode::Ok.code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert_eq!(keep_pattern("a/b/c.txt").as_deref(), Some("a/b/c.txt"));
        assert_eq!(keep_pattern("a/b[1]").as_deref(), Some("a/b\\[1\\]"));
        assert_eq!(keep_pattern("a[1]/b"), None);
        assert_eq!(keep_pattern(" x"), None);
        assert_eq!(exact_pattern("#x/y").as_deref(), Some("\\#x/y"));
        assert_eq!(broad_prefix("src/${APP}/x"), "src");
        assert_eq!(broad_prefix("./apps/$NAME"), "apps");
        assert_eq!(broad_prefix("${DIR}"), "");
        assert_eq!(broad_prefix("a/*/$X"), "a");
    }

    #[test]
    fn sel_names() {
        let s = Sel::from_source(&ContextSource {
            line: 1,
            instruction: "COPY".into(),
            stage: 0,
            raw: "src/*.py".into(),
            path: "src/*.py".into(),
            has_wildcard: true,
            unresolved: false,
            excludes: vec![],
            parents: false,
        });
        assert!(s.names("src"));
        assert!(s.names("src/a.py"));
        assert!(!s.names("src/a.py/x"));
        assert!(s.selects("src/a.py/x"));
    }

    #[test]
    fn diff() {
        assert_eq!(unified_diff("a\nb\n", "a\nb\n", "x", "y"), "");
        let d = unified_diff("a\nb\nc\n", "a\nc\nd\n", "x", "y");
        assert_eq!(d, "--- x\n+++ y\n@@ -1,3 +1,3 @@\n a\n-b\n c\n+d\n");
        let d = unified_diff("", "*\n", "x", "y");
        assert_eq!(d, "--- x\n+++ y\n@@ -0,0 +1,1 @@\n+*\n");
    }
}
