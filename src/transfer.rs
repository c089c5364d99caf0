//! What the build uses: the context paths the Dockerfile reaches, and what BuildKit transfers.
//!
//! BuildKit's dockerfile frontend restricts the main-context transfer to the sources of
//! `COPY`/`ADD` (not `--from`) and `RUN --mount=type=bind` of every reachable stage
//! (`dockerignore-semantics.md` B8); a source that is the context root (`COPY . .`) means the
//! whole context. On a first build every such file that the ignore file lets through is sent:
//! **eligible ∩ used**. This module computes that set from an [`Analysis`] and the Dockerfile's
//! [`Sources`], plus the checks a build would trip on (a source the ignore file excludes, a
//! source that does not exist, a source only partly sent).
//!
//! [`compute`] is pure (the caller passes an `exists` probe for paths the walk did not list);
//! [`load_sources`] reads the Dockerfile.

mod intended;

use std::collections::HashMap;
use std::path::Path;

use crate::analysis::Analysis;
use crate::dockerfile;
pub use crate::dockerfile::{ContextSource, Options, Sources};
use crate::paths::{lossy, lossy_cow};
use crate::tree::{Kind, State, Tree, ROOT};
use crate::walk::Builder;

pub use crate::report::DockerfileCheck;

/// The transfer set and the checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transfer {
    /// Regular files BuildKit transfers on a first build (eligible ∩ used).
    pub files: u64,
    /// Their bytes (hardlinked content once).
    pub bytes: u64,
    /// A source is the context root: everything eligible is transferred.
    pub whole_context: bool,
    /// The checks, in Dockerfile order.
    pub checks: Vec<DockerfileCheck>,
    /// Plain facts (`COPY . . sends the whole context`, unresolved sources, …).
    pub notes: Vec<String>,
    /// Per tree node: a regular file (or BuildKit's socket-as-file) in the transfer set.
    pub used: Vec<bool>,
}

/// Reads and evaluates the Dockerfile. The error is one line naming the file (and the line).
pub fn load_sources(dockerfile: &Path, opts: &Options) -> Result<Sources, String> {
    let bytes = crate::context::read_regular(dockerfile)
        .map_err(|e| format!("cannot read the Dockerfile {}: {e}", dockerfile.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let df = dockerfile::parse(&text)
        .map_err(|e| format!("Dockerfile {} not analysed: {e}", dockerfile.display()))?;
    df.context_sources(opts)
        .map_err(|e| format!("Dockerfile {} not analysed: {e}", dockerfile.display()))
}

/// Every node's path as a string (lossy), indexed by node id.
pub(crate) fn node_paths(tree: &Tree) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tree.nodes.len());
    for (i, n) in tree.nodes.iter().enumerate() {
        // Parents come before children in the node list (the walk pushes a directory first).
        let name = lossy(tree.name(i as u32));
        let p = if n.parent == crate::tree::ROOT {
            name
        } else if (n.parent as usize) < out.len() {
            format!("{}/{}", out[n.parent as usize], name)
        } else {
            lossy(&tree.path(i as u32))
        };
        out.push(p);
    }
    out
}

/// Whether a source takes part in the context transfer with a known path.
fn counts(s: &ContextSource) -> bool {
    !s.unresolved
}

/// A short `Dockerfile line N` label.
fn at(s: &ContextSource) -> String {
    match (&s.raw[..], s.instruction.ends_with("RUN --mount")) {
        ("", true) => format!(
            "{} without source= (Dockerfile line {})",
            s.instruction, s.line
        ),
        (raw, true) => format!(
            "{} source={raw} (Dockerfile line {})",
            s.instruction, s.line
        ),
        (raw, false) => format!("{} {raw} (Dockerfile line {})", s.instruction, s.line),
    }
}

/// A node's name compared with one component of a source path (a string, as the Dockerfile
/// gives it; names are compared in their report form, see [`lossy`]).
fn name_is(name: &[u8], comp: &str) -> bool {
    lossy_cow(name) == comp
}

/// The node at `path` (components as strings), if the walk listed it, else the deepest
/// listed ancestor as `Err`.
fn find(tree: &Tree, path: &str) -> Result<u32, Option<u32>> {
    let mut cur = ROOT;
    for comp in path.split('/') {
        let next = tree
            .children()
            .of(cur)
            .iter()
            .copied()
            .find(|&c| name_is(tree.name(c), comp));
        match next {
            Some(c) => cur = c,
            None => return Err((cur != ROOT).then_some(cur)),
        }
    }
    Ok(cur)
}

/// The nodes a source can select, with their paths, in tar walk order: everything at or below
/// the source's literal prefix (a source without one: every node).
fn selectable(tree: &Tree, s: &ContextSource, mut f: impl FnMut(u32, &str)) {
    let prefix = s.source_prefix();
    let (start, parent_path) = if prefix.is_empty() {
        (ROOT, "")
    } else {
        match find(tree, prefix) {
            Ok(id) => (id, prefix.rsplit_once('/').map_or("", |(p, _)| p)),
            Err(_) => return,
        }
    };
    tree.each_below(start, parent_path.as_bytes(), |id, path| {
        f(id, &lossy_cow(path))
    });
}

/// Calls `f(id, path)` for every regular file that one source sends (sent by the ignore file
/// and selected by the source), in tar walk order. `--exclude` patterns are not applied.
pub(crate) fn source_files(a: &Analysis, s: &ContextSource, mut f: impl FnMut(u32, &str)) {
    let tree = &a.tree;
    if s.unresolved {
        return;
    }
    selectable(tree, s, |id, p| {
        let n = &tree.nodes[id as usize];
        if n.state == State::Sent && n.kind == Kind::File && s.matches(p) {
            f(id, p);
        }
    });
}

/// [`source_files`] without the paths: the node ids only. A source without wildcards selects
/// everything below its path, so no path is built or matched for it.
pub(crate) fn source_file_ids(a: &Analysis, s: &ContextSource, mut f: impl FnMut(u32)) {
    let Some(lit) = s.literal_path() else {
        return source_files(a, s, |id, _| f(id));
    };
    let tree = &a.tree;
    if s.unresolved {
        return;
    }
    let start = if lit.is_empty() {
        ROOT
    } else {
        match find(tree, &lit) {
            Ok(id) => id,
            Err(_) => return,
        }
    };
    let mut visit = |id: u32| {
        let n = &tree.nodes[id as usize];
        if n.state == State::Sent && n.kind == Kind::File {
            f(id);
        }
    };
    if start != ROOT {
        visit(start);
    }
    let kids = tree.children();
    let mut stack = vec![start];
    while let Some(d) = stack.pop() {
        for &c in kids.of(d) {
            visit(c);
            if tree.nodes[c as usize].kind == Kind::Dir {
                stack.push(c);
            }
        }
    }
}

/// B8, B13: the include patterns BuildKit's client applies to the main context, from the
/// COPY/ADD/bind-mount sources (`dockerfile2llb normalizeContextPaths`, sent as followpaths):
/// symlinks among them are followed inside the context (a symlink source brings its target,
/// fsutil `FollowLinks`), and the result is matched as patternmatcher patterns. `None`: the
/// whole context. A transport failure becomes an error check.
fn followpaths_include(
    a: &Analysis,
    sources: &Sources,
    t: &mut Transfer,
) -> Option<crate::dockerignore::PatternSet> {
    let mut paths: Vec<Vec<u8>> = Vec::new();
    for s in sources.items.iter().filter(|s| counts(s)) {
        if s.path.is_empty() {
            return None;
        }
        let p = crate::dockerignore::through_json(s.path.as_bytes()).into_owned();
        if !paths.contains(&p) {
            paths.push(p);
        }
    }
    paths.sort();
    if a.builder == Builder::Buildkit {
        if let Some(i) = crate::dockerignore::header_rejects(&paths) {
            let s = sources
                .items
                .iter()
                .find(|s| s.path.as_bytes() == paths[i].as_slice());
            t.checks.push(DockerfileCheck {
                check: "transport".into(),
                severity: "error".into(),
                line: s.map_or(0, |s| s.line),
                instruction: s.map_or_else(String::new, |s| s.instruction.clone()),
                source: s.map_or_else(String::new, |s| s.raw.clone()),
                path: lossy(&paths[i]),
                ignore_line: None,
                ignore_pattern: None,
                files: 0,
                files_not_sent: 0,
                message: format!(
                    "the source path `{}` holds a control character and no source path is non-ASCII: BuildKit sends them as raw gRPC header values and the build fails (rpc error: code = Internal desc = header key \"followpaths\" contains value with non-printable ASCII characters)",
                    crate::render::escape(&paths[i])
                ),
            });
        }
    }
    let targets = match crate::context::follow_links(&a.resolved.root, &paths) {
        Ok(None) => return None,
        Ok(Some(t)) => t,
        Err(_) => paths,
    };
    match crate::context::include_set(&targets) {
        Ok(set) => Some(set),
        Err(e) => {
            if a.builder == Builder::Buildkit {
                t.checks.push(DockerfileCheck {
                    check: "transport".into(),
                    severity: "error".into(),
                    line: 0,
                    instruction: String::new(),
                    source: String::new(),
                    path: String::new(),
                    ignore_line: None,
                    ignore_pattern: None,
                    files: 0,
                    files_not_sent: 0,
                    message: format!(
                        "BuildKit's client refuses the source paths as include patterns: the build fails (invalid includepatterns: [{}]: {e})",
                        targets.iter().map(|p| lossy(p)).collect::<Vec<_>>().join(" ")
                    ),
                });
            }
            // Count what each pattern it accepts selects.
            let ok: Vec<crate::dockerignore::PatternLine> = targets
                .iter()
                .filter_map(|p| crate::context::include_set(std::slice::from_ref(p)).ok())
                .flat_map(|s| {
                    s.patterns()
                        .iter()
                        .map(|p| p.line().clone())
                        .collect::<Vec<_>>()
                })
                .collect();
            Some(crate::dockerignore::PatternSet::new(ok))
        }
    }
}

/// Calls `f` for every node the include patterns select (the pattern or a parent matches),
/// walking only the subtrees below each pattern's literal leading components.
fn mark_included(tree: &Tree, set: &crate::dockerignore::PatternSet, f: &mut dyn FnMut(u32)) {
    let mut starts: Vec<Vec<u8>> = Vec::new();
    for p in set.patterns().iter().filter(|p| !p.exclusion()) {
        let mut lit: Vec<u8> = Vec::new();
        for comp in p.line().cleaned.split(|&b| b == b'/') {
            if comp.iter().any(|c| b"*?[]^\\".contains(c)) || comp.is_empty() {
                break;
            }
            if !lit.is_empty() {
                lit.push(b'/');
            }
            lit.extend_from_slice(comp);
        }
        starts.push(lit);
    }
    starts.sort();
    starts.dedup();
    let mut seen = vec![false; tree.nodes.len()];
    for lit in starts {
        let start = if lit.is_empty() {
            ROOT
        } else {
            match tree.find(&lit) {
                Some(id) => id,
                None => continue,
            }
        };
        let parent = match lit.iter().rposition(|&b| b == b'/') {
            Some(i) => lit[..i].to_vec(),
            None => Vec::new(),
        };
        tree.each_below(start, &parent, |id, path| {
            if !seen[id as usize] && set.matches_or_parent_matches(path).unwrap_or(false) {
                seen[id as usize] = true;
                f(id);
            }
        });
    }
}

/// Computes the transfer set and the checks. `exists` tells whether a context-relative path
/// exists on disk (asked only for paths below a directory the walk did not enter).
///
/// Only the subtrees below each source's literal prefix are visited, so the cost follows what
/// the Dockerfile names, not the size of the context.
pub fn compute(a: &Analysis, sources: &Sources, exists: &dyn Fn(&str) -> bool) -> Transfer {
    let tree = &a.tree;
    let no_data = |id: u32| a.hardlink_entries.binary_search(&id).is_ok();
    let mut pruned: HashMap<u32, u64> = HashMap::new();
    for &(n, f, _) in &tree.pruned {
        *pruned.entry(n).or_default() += f;
    }
    let mut measured: HashMap<u32, u64> = HashMap::new();
    let ignore_name = a
        .resolved
        .ignore_file
        .as_ref()
        .and_then(|p| p.file_name())
        .map_or_else(
            || ".dockerignore".to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
    let deciding = |path: &str| -> (Option<usize>, Option<String>) {
        let (excluded, hits) = a.matcher.set().trace(path.as_bytes());
        match hits.last() {
            Some(&i) if excluded => {
                let l = &a.matcher.set().patterns()[i].line();
                (Some(l.line), Some(lossy(&l.original)))
            }
            _ => (None, None),
        }
    };
    let by_line = |l: Option<usize>, p: &Option<String>| -> String {
        match (l, p) {
            (Some(0), Some(p)) => format!("the pattern `{p}` docker appends"),
            (Some(l), Some(p)) => format!("{ignore_name} line {l} `{p}`"),
            _ => ignore_name.to_string(),
        }
    };

    let mut t = Transfer {
        whole_context: sources.whole_context,
        ..Transfer::default()
    };
    if let Some(s) = sources
        .items
        .iter()
        .find(|s| counts(s) && s.path.is_empty())
    {
        t.notes.push(if s.instruction == crate::dockerfile::ONBUILD_BASE {
            format!(
                "FROM {} (Dockerfile line {}) is an ONBUILD image: its own triggers copy from the context, and only the image holds them, so the whole context counts as used",
                s.raw, s.line
            )
        } else if s.instruction.contains("tmpfs") {
            format!(
                "{} (Dockerfile line {}) makes BuildKit send the whole context (a mount without from= records the context root)",
                s.instruction, s.line
            )
        } else {
            format!("{} sends the whole context", at(s))
        });
    }
    let unresolved: Vec<&ContextSource> = sources.items.iter().filter(|s| s.unresolved).collect();
    if !unresolved.is_empty() {
        t.notes.push(format!(
            "{} source(s) use an ARG with no value ({}); set it with --build-arg to size them",
            unresolved.len(),
            unresolved
                .iter()
                .map(|s| format!("line {}: {}", s.line, s.raw))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }

    // The transfer set (BuildKit only; the classic builder sends every eligible file).
    // A socket loses its type bit in fsutil's stat and arrives as an empty regular file (B7).
    let socket_is_file = a.builder == Builder::Buildkit;
    let sent_file = |id: u32| {
        let n = &tree.nodes[id as usize];
        n.state == State::Sent
            && (n.kind == Kind::File || (socket_is_file && n.kind == Kind::Socket))
    };
    let mut used = vec![false; tree.nodes.len()];
    let include = if t.whole_context {
        None
    } else {
        followpaths_include(a, sources, &mut t)
    };
    match &include {
        None => used.fill(true),
        Some(set) => mark_included(tree, set, &mut |id| {
            if sent_file(id) {
                used[id as usize] = true;
            }
        }),
    }
    // A hardlinked inode's data travels once among the files transferred (fsutil detects the
    // links among what it sends), whichever of its names the sources select.
    let ino: HashMap<u32, u64> = tree.links.iter().map(|c| (c.node, c.ino)).collect();
    let mut seen_ino: std::collections::HashSet<u64> = std::collections::HashSet::new();
    for (i, n) in tree.nodes.iter().enumerate() {
        if used[i] && sent_file(i as u32) {
            t.files += 1;
            let first = match ino.get(&(i as u32)) {
                Some(&x) => seen_ino.insert(x),
                None => !no_data(i as u32),
            };
            if first {
                t.bytes += n.size;
            }
        }
    }
    t.used = (0..tree.nodes.len())
        .map(|i| used[i] && sent_file(i as u32))
        .collect();

    // The checks.
    let mut on_purpose = intended::Intended::new(tree);
    for s in &sources.items {
        if s.unresolved {
            t.checks.push(DockerfileCheck {
                check: "unresolved-source".into(),
                severity: "info".into(),
                line: s.line,
                instruction: s.instruction.clone(),
                source: s.raw.clone(),
                path: s.path.clone(),
                ignore_line: None,
                ignore_pattern: None,
                files: 0,
                files_not_sent: 0,
                message: format!("{} uses an ARG with no value: not checked", at(s)),
            });
            continue;
        }
        if s.path.is_empty() || s.instruction.contains("tmpfs") {
            continue;
        }
        let mut sel_files = 0u64;
        let mut sent_files = 0u64;
        let mut any_sent = false;
        let mut first_sel: Option<String> = None;
        let mut first_unsent: Option<String> = None;
        // The source's own directory: what the ignore file keeps out below it on purpose
        // (`**/obj/` in a .NET project) is no partly-sent source.
        let base: String = s
            .path
            .split('/')
            .take_while(|c| !c.contains(['*', '?', '[', '\\']))
            .collect::<Vec<_>>()
            .join("/");
        selectable(tree, s, |id, p| {
            if !s.matches(p) {
                return;
            }
            let n = &tree.nodes[id as usize];
            first_sel.get_or_insert_with(|| p.to_string());
            let sent = n.state == State::Sent;
            any_sent |= sent;
            if n.kind == Kind::Dir {
                if tree.unmeasured.binary_search(&id).is_ok() {
                    // Not opened by the walk without kept-out sizes: counted now, on its own.
                    let f = *measured.entry(id).or_insert_with(|| {
                        crate::walk::measure_dir(&a.resolved.root, &tree.path(id)).0
                    });
                    pruned.insert(id, f);
                }
                if let Some(&f) = pruned.get(&id) {
                    if f > 0 && !on_purpose.junk(id, &base) {
                        sel_files += f;
                        first_unsent.get_or_insert_with(|| p.to_string());
                    }
                }
                return;
            }
            let out = n.state == State::Excluded || n.state == State::ExcludedWalked;
            if out && on_purpose.junk(id, &base) {
                return;
            }
            sel_files += 1;
            if sent {
                sent_files += 1;
            } else if out {
                first_unsent.get_or_insert_with(|| p.to_string());
            }
        });
        let mk = |check: &str, sev: &str, lp: (Option<usize>, Option<String>), msg: String| {
            DockerfileCheck {
                check: check.into(),
                severity: sev.into(),
                line: s.line,
                instruction: s.instruction.clone(),
                source: s.raw.clone(),
                path: s.path.clone(),
                ignore_line: lp.0,
                ignore_pattern: lp.1,
                files: sel_files,
                files_not_sent: sel_files - sent_files,
                message: msg,
            }
        };
        // The path whose deciding ignore line makes the source fail, if it is excluded.
        let excluded = match &first_sel {
            None => {
                // Nothing listed: below a directory the walk did not enter, or absent.
                let probe = if s.has_wildcard {
                    s.source_prefix().to_string()
                } else {
                    s.path.clone()
                };
                // The deepest listed proper ancestor decides.
                let ancestor = match find(tree, &probe) {
                    Ok(id) => Some(tree.nodes[id as usize].parent).filter(|&p| p != ROOT),
                    Err(deepest) => deepest,
                };
                let inside_pruned = !probe.is_empty()
                    && ancestor.is_some_and(|id| tree.nodes[id as usize].state != State::Sent)
                    && exists(&probe);
                inside_pruned.then_some(probe)
            }
            Some(first) if !any_sent => Some(first.clone()),
            Some(_) => None,
        };
        // B15: BuildKit's COPY/ADD allow a wildcard to match nothing (`AllowEmptyWildcard` in
        // dockerfile2llb `convert_copy.go`): the build goes on and copies nothing. What the
        // ignore file excludes is not in the received context either, so it is the same.
        let empty_ok = a.builder == Builder::Buildkit
            && s.has_wildcard
            && (s.instruction.ends_with("COPY") || s.instruction.ends_with("ADD"));
        if let Some(p) = excluded {
            let lp = deciding(&p);
            let (sev, msg) = if empty_ok {
                (
                    "warning",
                    format!(
                        "{} matches only what {} excludes: BuildKit copies nothing (an empty wildcard is allowed)",
                        at(s),
                        by_line(lp.0, &lp.1)
                    ),
                )
            } else {
                (
                    "error",
                    format!(
                        "{} is excluded by {}: the build fails with \"not found\"",
                        at(s),
                        by_line(lp.0, &lp.1)
                    ),
                )
            };
            t.checks.push(mk("excluded-source", sev, lp, msg));
        } else if first_sel.is_none() {
            let (sev, msg) = if empty_ok {
                (
                    "warning",
                    format!(
                        "{} matches nothing in the context: BuildKit copies nothing (an empty wildcard is allowed)",
                        at(s)
                    ),
                )
            } else if s.has_wildcard {
                (
                    "error",
                    format!("{} matches nothing in the context: the build fails", at(s)),
                )
            } else {
                (
                    "error",
                    format!(
                        "{} does not exist in the context: the build fails with \"not found\"",
                        at(s)
                    ),
                )
            };
            t.checks.push(mk("missing-source", sev, (None, None), msg));
        } else if let Some(u) = first_unsent {
            let lp = deciding(&u);
            let n = sel_files - sent_files;
            let msg = format!(
                "{} is only partly sent: {n} of {sel_files} files are excluded (first: {}, by {})",
                at(s),
                u,
                by_line(lp.0, &lp.1)
            );
            t.checks.push(mk("partly-sent", "warning", lp, msg));
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;

    /// The transfer set and per-source counts the slow way: every node's path against every
    /// source.
    fn reference(a: &Analysis, sources: &Sources) -> (u64, u64, Vec<(usize, u64, u64)>) {
        let tree = &a.tree;
        let paths = node_paths(tree);
        let (mut files, mut bytes) = (0, 0);
        for (i, n) in tree.nodes.iter().enumerate() {
            if n.state == State::Sent
                && n.kind == Kind::File
                && (sources.whole_context
                    || sources
                        .items
                        .iter()
                        .any(|s| counts(s) && s.matches(&paths[i])))
            {
                files += 1;
                bytes += n.size;
            }
        }
        let mut per = Vec::new();
        for s in sources
            .items
            .iter()
            .filter(|s| counts(s) && !s.path.is_empty())
        {
            let (mut sel, mut sent) = (0, 0);
            for (i, n) in tree.nodes.iter().enumerate() {
                if !s.matches(&paths[i]) {
                    continue;
                }
                if n.kind == Kind::Dir {
                    sel += tree
                        .pruned
                        .iter()
                        .filter(|p| p.0 == i as u32)
                        .map(|p| p.1)
                        .sum::<u64>();
                    continue;
                }
                sel += 1;
                sent += u64::from(n.state == State::Sent);
            }
            per.push((s.line, sel, sel - sent));
        }
        (files, bytes, per)
    }

    #[test]
    fn subtree_walk_agrees_with_every_path_against_every_source() {
        let d = crate::testutil::ctx(
            &[
                "app/main.go",
                "app/util/x.go",
                "app/util/x_test.go",
                "app/vendor/v.go",
                "cmd/a/main.go",
                "cmd/b/main.go",
                "cmd/b/README.md",
                "web/dist/app.js",
                "web/dist/app.js.map",
                "web/src/index.ts",
                "go.mod",
                "go.sum",
                "notes.md",
                "back\\slash/f",
                "empty/",
            ],
            "**/*_test.go\napp/vendor\nweb/dist/*.map\nnotes.md\n",
            b"0123456789",
        );
        std::fs::write(
            d.path().join("Dockerfile"),
            "FROM scratch\nCOPY go.mod go.sum ./\nCOPY app/ /src/app/\nCOPY cmd/*/main.go /src/\n\
             COPY */dist /web/\nCOPY notes.md /\nCOPY missing /\nCOPY app/vendor/ /v/\n\
             COPY app/util/*.go /u/\nCOPY back\\slash /b/\nCOPY em* /e/\n",
        )
        .unwrap();
        for builder in [Builder::Buildkit, Builder::Classic] {
            let a = analyze(&crate::testutil::config(d.path(), builder, 2)).unwrap();
            let sources = load_sources(&a.resolved.dockerfile, &Options::default()).unwrap();
            let t = compute(&a, &sources, &|_| false);
            let (files, bytes, per) = reference(&a, &sources);
            assert_eq!((t.files, t.bytes), (files, bytes), "{builder:?}");
            assert!(files > 5, "{files}");
            for (line, sel, unsent) in per {
                let check = t.checks.iter().find(|c| c.line == line);
                match check {
                    Some(c) if c.check != "missing-source" => {
                        assert_eq!((c.files, c.files_not_sent), (sel, unsent), "line {line}")
                    }
                    Some(_) => assert_eq!(sel, 0, "line {line}"),
                    // No check: everything it selects is sent.
                    None => assert_eq!(unsent, 0, "line {line}"),
                }
            }
            let kinds: Vec<(usize, &str)> = t
                .checks
                .iter()
                .map(|c| (c.line, c.check.as_str()))
                .collect();
            assert!(kinds.contains(&(5, "partly-sent")), "{kinds:?}");
            assert!(kinds.contains(&(6, "excluded-source")), "{kinds:?}");
            assert!(kinds.contains(&(7, "missing-source")), "{kinds:?}");
            assert!(kinds.contains(&(8, "excluded-source")), "{kinds:?}");
            assert!(kinds.contains(&(9, "partly-sent")), "{kinds:?}");
        }
    }
}
