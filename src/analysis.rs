//! From a resolved context to a classified tree and exact totals.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::context::{resolve, Resolved};
use crate::dockerignore::PatternLine;
use crate::dockerignore::PatternSet;
use crate::dockerignore::{FastMatcher, PatternError};
use crate::engine::Engine;
use crate::error::Error;
use crate::tar::{header_bytes, pad512};
use crate::tree::{walk_order, Kind, State, Tree};
use crate::walk::{abs_path, walk, Builder, Prune, WalkErrorKind, WalkPlan};

/// What to analyse.
#[derive(Debug, Clone)]
pub struct Config {
    /// The context directory as given.
    pub context: PathBuf,
    /// `-f`, relative to `cwd`.
    pub dockerfile: Option<PathBuf>,
    /// The builder.
    pub builder: Builder,
    /// The current directory (`-f` is relative to it).
    pub cwd: PathBuf,
    /// Walker threads (0: one per CPU, and more once the walk waits on the disk).
    pub threads: usize,
    /// Measure what is kept out (`excluded_files`, `excluded_bytes`): the walk goes into every
    /// excluded directory to size it. When false, it opens only what docker opens (an excluded
    /// directory no exception can reach is not read) and [`Analysis::excluded_measured`] tells
    /// whether anything was left unmeasured. What is sent is the same either way.
    /// `CTXSIZE_FULL_WALK=1` forces the full walk, `CTXSIZE_FULL_WALK=0` the walk without sizes.
    pub excluded_sizes: bool,
    /// The tool whose rules apply: docker (`builder` says which of its builders) or
    /// Podman/Buildah, whose walk is modelled on the classic one: set `builder` to
    /// [`Builder::Classic`] with it, as the CLI does (see [`crate::engine`]).
    pub engine: Engine,
}

impl Config {
    /// The context, Dockerfile and ignore file as `builder` finds them for this configuration
    /// (as Podman/Buildah find them with `engine` Podman, whatever `builder`).
    pub(crate) fn resolve_for(&self, builder: Builder) -> Result<Resolved, Error> {
        if let Engine::Podman { ignorefile, remote } = &self.engine {
            return crate::context::resolve_podman(
                &self.cwd,
                &self.context,
                self.dockerfile.as_deref(),
                ignorefile.as_deref(),
                *remote,
            );
        }
        resolve(
            &self.cwd,
            &self.context,
            self.dockerfile.as_deref(),
            builder,
        )
    }
}

/// Totals over the context, raw integers.
#[derive(Debug, Default, Clone, Copy, serde::Serialize, PartialEq, Eq)]
pub struct Totals {
    /// Regular files sent (hardlink names included).
    pub files: u64,
    /// Directories sent.
    pub dirs: u64,
    /// Symlinks sent.
    pub symlinks: u64,
    /// FIFOs and devices sent.
    pub other: u64,
    /// Bytes of regular-file content sent, hardlinked content once.
    pub content_bytes: u64,
    /// The exact classic tar size of this entry set.
    pub tar_bytes: u64,
    /// Non-directories kept out by the ignore file.
    pub excluded_files: u64,
    /// Their bytes.
    pub excluded_bytes: u64,
}

/// The result of an analysis.
#[derive(Debug)]
pub struct Analysis {
    /// The context, Dockerfile and ignore file.
    pub resolved: Resolved,
    /// The builder used.
    pub builder: Builder,
    /// Every entry.
    pub tree: Tree,
    /// Totals.
    pub totals: Totals,
    /// The effective patterns (classic: including docker's appended exceptions).
    pub matcher: FastMatcher,
    /// Nodes that are hardlink entries (no data) in the classic tar.
    pub hardlink_entries: Vec<u32>,
    /// Every excluded directory was opened and sized: `excluded_files` and `excluded_bytes`
    /// are the whole of what is kept out. False when the walk left some unopened
    /// ([`Tree::unmeasured`]); the totals then hold only what it met.
    pub excluded_measured: bool,
    /// The walk's thread setting ([`Config::threads`]); the content reader after it uses the same.
    pub threads: usize,
}

/// `CTXSIZE_FULL_WALK`: `1` forces the full walk (kept-out sizes measured) everywhere, `0`
/// forces the walk without them wherever the output allows it (for running the conformance
/// checks in both modes); unset or anything else: each command's own choice.
pub(crate) fn full_walk_override() -> Option<bool> {
    match std::env::var("CTXSIZE_FULL_WALK").as_deref() {
        Ok("1") => Some(true),
        Ok("0") => Some(false),
        _ => None,
    }
}

fn pattern_err(r: &Resolved, e: PatternError, builder: Builder) -> Error {
    Error::Pattern {
        file: r
            .ignore_file
            .clone()
            .unwrap_or_else(|| r.root.join(".dockerignore")),
        source: e,
        buildkit: builder == Builder::Buildkit,
    }
}

/// Builds the effective pattern list for a builder (classic appends R18's exceptions).
pub(crate) fn effective_patterns(
    r: &Resolved,
    builder: Builder,
) -> Result<(Vec<PatternLine>, usize), Error> {
    let mut raw = if r.podman {
        crate::engine::read_buildah(&r.ignore_text)
    } else {
        dockerignore::read_all(&r.ignore_text).map_err(|e| pattern_err(r, e, builder))?
    };
    if builder == Builder::Buildkit {
        buildkit_transport(r, &mut raw)?;
    }
    let mut lines = dockerignore::to_pattern_list(&raw).map_err(|e| pattern_err(r, e, builder))?;
    let raw_len = lines.len();
    if r.podman_remote {
        // podman-remote's client always sends these (`prepareContainerFiles` `dontexcludes`).
        let mut extra: Vec<Vec<u8>> = [
            "!Dockerfile",
            "!Containerfile",
            "!.dockerignore",
            "!.containerignore",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
        if let Some(rel) = &r.dockerfile_rel {
            for ext in [&b""[..], b".dockerignore", b".containerignore"] {
                extra.push([&b"!"[..], rel, ext].concat());
            }
        }
        for e in extra {
            let raw = vec![(0, e.clone(), e)];
            for mut l in
                dockerignore::to_pattern_list(&raw).map_err(|e| pattern_err(r, e, builder))?
            {
                l.line = 0;
                lines.push(l);
            }
        }
    }
    // Buildah appends nothing: the Containerfile and the ignore file are read from disk.
    if builder == Builder::Classic && !r.podman {
        let set = PatternSet::new(lines.clone());
        let mut extra: Vec<Vec<u8>> = Vec::new();
        if set.matches_deprecated(b".dockerignore") {
            extra.push(b"!.dockerignore".to_vec());
        }
        if let Some(rel) = &r.dockerfile_rel {
            if set.matches_deprecated(rel) {
                let mut p = b"!".to_vec();
                p.extend_from_slice(rel);
                extra.push(p);
            }
        }
        for e in extra {
            // The CLI appends these to the pattern list itself: only patternmatcher.New's
            // trimming and cleaning apply, not the ignore-file reader's (a Dockerfile named
            // " df" or "x\ny" keeps its name).
            let raw = vec![(0, e.clone(), e)];
            let more =
                dockerignore::to_pattern_list(&raw).map_err(|e| pattern_err(r, e, builder))?;
            for mut l in more {
                l.line = 0;
                lines.push(l);
            }
        }
    }
    Ok((lines, raw_len))
}

/// B11, B12: BuildKit's frontend reads the ignore file and sends the patterns to the client
/// that applies them through JSON (each invalid UTF-8 byte becomes U+FFFD) and then as the gRPC
/// header `exclude-patterns`, raw unless some pattern has a non-ASCII character; grpc-go refuses
/// a raw value with a control character, and the build fails.
fn buildkit_transport(r: &Resolved, raw: &mut [dockerignore::RawLine]) -> Result<(), Error> {
    for l in raw.iter_mut() {
        if let std::borrow::Cow::Owned(j) = dockerignore::through_json(&l.2) {
            l.2 = j;
        }
    }
    let values: Vec<&[u8]> = raw.iter().map(|l| l.2.as_slice()).collect();
    if let Some(i) = dockerignore::header_rejects(&values) {
        return Err(Error::BuildkitHeader {
            prefix: "",
            key: "exclude-patterns",
            file: r
                .ignore_file
                .clone()
                .unwrap_or_else(|| r.root.join(".dockerignore")),
            line: raw[i].0,
            value: raw[i].1.clone(),
        });
    }
    Ok(())
}

/// The literal leading components of each exception (see [`Prune::Buildkit`]'s `reach`), or
/// `None` when an exception can match anywhere: its first component is not literal, or it holds
/// `|`, which patternmatcher leaves unescaped, so the regex alternation is no longer anchored
/// to the start of the path. A component counts as literal without `* ? [ ] ^ \ { }`.
fn exception_reach(exc: &[&PatternLine]) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    for l in exc {
        let p: &[u8] = &l.cleaned;
        if p.contains(&b'|') {
            return None;
        }
        let mut lit: Vec<u8> = Vec::new();
        for comp in p.split(|&b| b == b'/') {
            if comp.is_empty() || comp.iter().any(|c| b"*?[]^\\{}".contains(c)) {
                break;
            }
            if !lit.is_empty() {
                lit.push(b'/');
            }
            lit.extend_from_slice(comp);
        }
        if lit.is_empty() {
            return None;
        }
        out.push(lit);
    }
    Some(out)
}

/// The builder's own pruning rule for this analysis (without ctxsize's own shortcut for
/// directories no exception can reach, which changes nothing that is sent).
pub(crate) fn builder_prune_rule(a: &Analysis) -> Prune {
    match prune_rule(
        &a.matcher,
        a.builder,
        a.resolved.podman,
        a.resolved.podman_remote,
    ) {
        Prune::Buildkit {
            prefixes,
            has_exclusions,
            ..
        } => Prune::Buildkit {
            prefixes,
            has_exclusions,
            reach: None,
        },
        p => p,
    }
}

fn prune_rule(m: &FastMatcher, builder: Builder, podman: bool, remote: bool) -> Prune {
    let exc: Vec<&PatternLine> = m
        .set()
        .patterns()
        .iter()
        .filter(|p| p.exclusion())
        .map(|p| p.line())
        .collect();
    let has_exclusions = !exc.is_empty();
    if remote {
        // podman-remote's `nTar` never skips a directory: with any exception it walks every
        // excluded one (without one, nothing below an excluded directory can be sent).
        return Prune::Buildah {
            has_exclusions,
            prefixes: vec![Vec::new()],
        };
    }
    if podman {
        return Prune::Buildah {
            has_exclusions,
            prefixes: exc
                .iter()
                .map(|l| {
                    let mut v = l.cleaned.clone();
                    v.push(b'/');
                    v
                })
                .collect(),
        };
    }
    match builder {
        Builder::Classic => Prune::Classic {
            has_exclusions,
            prefixes: exc
                .iter()
                .map(|l| {
                    let mut v = l.cleaned.clone();
                    v.push(b'/');
                    v
                })
                .collect(),
        },
        Builder::Buildkit => {
            let reach = exception_reach(&exc);
            let mut prefixes = Some(Vec::new());
            for l in &exc {
                let mut s: &[u8] = &l.cleaned;
                if let Some(t) = s.strip_suffix(b"/**") {
                    s = t;
                }
                if let Some(t) = s.strip_suffix(b"/*") {
                    s = t;
                }
                if s.iter().any(|c| b"*[]?^\\".contains(c)) {
                    prefixes = None;
                    break;
                }
                if let Some(p) = prefixes.as_mut() {
                    let mut v = s.to_vec();
                    v.push(b'/');
                    p.push(v);
                }
            }
            Prune::Buildkit {
                prefixes,
                has_exclusions,
                reach,
            }
        }
    }
}

/// Runs the whole analysis.
pub fn analyze(cfg: &Config) -> Result<Analysis, Error> {
    analyze_with_progress(cfg, None)
}

/// [`analyze`], counting entries into `progress` as the walk goes.
pub(crate) fn analyze_with_progress(
    cfg: &Config,
    progress: Option<&std::sync::atomic::AtomicU64>,
) -> Result<Analysis, Error> {
    analyze_pruned(
        cfg.resolve_for(cfg.builder)?,
        cfg.builder,
        Walk {
            threads: cfg.threads,
            progress,
            reach: true,
            excluded_sizes: cfg.excluded_sizes,
        },
    )
}

/// Runs the analysis on an already resolved context (kept-out sizes measured).
pub(crate) fn analyze_resolved(
    resolved: Resolved,
    builder: Builder,
    threads: usize,
) -> Result<Analysis, Error> {
    analyze_resolved_sizes(resolved, builder, threads, true)
}

/// [`analyze_resolved`], measuring what is kept out only when `excluded_sizes` (see
/// [`Config::excluded_sizes`]).
pub(crate) fn analyze_resolved_sizes(
    resolved: Resolved,
    builder: Builder,
    threads: usize,
    excluded_sizes: bool,
) -> Result<Analysis, Error> {
    analyze_pruned(
        resolved,
        builder,
        Walk {
            threads,
            progress: None,
            reach: true,
            excluded_sizes,
        },
    )
}

/// How to walk.
struct Walk<'a> {
    threads: usize,
    progress: Option<&'a std::sync::atomic::AtomicU64>,
    /// Prune the excluded directories no exception can reach when BuildKit itself would walk
    /// them (off only to test that it changes nothing).
    reach: bool,
    /// [`Config::excluded_sizes`], before `CTXSIZE_FULL_WALK`.
    excluded_sizes: bool,
}

/// The analysis.
fn analyze_pruned(resolved: Resolved, builder: Builder, w: Walk) -> Result<Analysis, Error> {
    // Podman/Buildah: the classic walk with Buildah's changes (`WalkPlan::podman`).
    let podman = resolved.podman;
    let podman_remote = resolved.podman_remote;
    let builder = if podman { Builder::Classic } else { builder };
    let Walk {
        threads,
        progress,
        reach,
        excluded_sizes,
    } = w;
    let (lines, raw_len) = effective_patterns(&resolved, builder)?;
    let matcher = FastMatcher::new(PatternSet::new(lines));
    let plan = WalkPlan {
        root: &resolved.root,
        matcher: &matcher,
        builder,
        raw_len,
        podman,
        podman_remote,
        prune: match prune_rule(&matcher, builder, podman, podman_remote) {
            Prune::Buildkit {
                prefixes,
                has_exclusions,
                ..
            } if !reach => Prune::Buildkit {
                prefixes,
                has_exclusions,
                reach: None,
            },
            p => p,
        },
        threads,
        progress,
        excluded_sizes: full_walk_override().unwrap_or(excluded_sizes),
    };
    let mut tree = walk(&plan).map_err(|e| {
        let abs = abs_path(&resolved.root, &e.rel);
        match e.kind {
            WalkErrorKind::CantStat => Error::CantStat(abs),
            WalkErrorKind::Lstat(code) => {
                Error::CheckLstat(abs, std::io::Error::from_raw_os_error(code))
            }
            WalkErrorKind::NoPermission => Error::NoPermission(abs),
            WalkErrorKind::OpenDir(code) if podman => {
                Error::PodmanRead(abs, std::io::Error::from_raw_os_error(code))
            }
            WalkErrorKind::OpenDir(code) => {
                Error::SenderOpen(abs, std::io::Error::from_raw_os_error(code))
            }
            WalkErrorKind::Root(code) => Error::Io(abs, std::io::Error::from_raw_os_error(code)),
            WalkErrorKind::Walker(m) => Error::Usage(m),
            k @ (WalkErrorKind::TooManyEntries | WalkErrorKind::Panicked(_)) => Error::Io(
                abs,
                std::io::Error::other(k.internal_message().unwrap_or_default()),
            ),
            WalkErrorKind::Pattern(i) => {
                let l = &matcher.set().patterns()[i].line();
                pattern_err(
                    &resolved,
                    PatternError::Syntax {
                        line: l.line,
                        original: l.original.clone(),
                    },
                    builder,
                )
            }
        }
    })?;
    if builder == Builder::Buildkit {
        buildkit_path_max(&resolved, &mut tree)?;
        synthesize_parents(&mut tree);
    }
    if let Some((stop, i)) = tree.tar_stop.clone() {
        let l = &matcher.set().patterns()[i].line();
        tree.warnings.push(format!(
            "the classic builder stops its tar at {}: the pattern `{}` (line {}) is invalid (syntax error in pattern); docker logs \"Error matching\" and sends only the entries before it",
            crate::render::escape(&stop),
            crate::render::escape(&l.original),
            l.line
        ));
    }
    let (totals, hardlink_entries) = totals(&tree);
    Ok(Analysis {
        resolved,
        builder,
        excluded_measured: tree.unmeasured.is_empty(),
        tree,
        totals,
        matcher,
        hardlink_entries,
        threads,
    })
}

/// The analysis of `resolved` from an earlier one of the same walk: same root, builder, ignore
/// text, walk mode and (classic, whose appended exceptions depend on it) Dockerfile path. Only
/// the resolution and the matcher are rebuilt; the tree is copied, not walked again.
pub(crate) fn reuse(prev: &Analysis, resolved: Resolved) -> Result<Analysis, Error> {
    let (lines, _) = effective_patterns(&resolved, prev.builder)?;
    Ok(Analysis {
        resolved,
        builder: prev.builder,
        tree: prev.tree.clone(),
        totals: prev.totals,
        matcher: FastMatcher::new(PatternSet::new(lines)),
        hardlink_entries: prev.hardlink_entries.clone(),
        excluded_measured: prev.excluded_measured,
        threads: prev.threads,
    })
}

/// BuildKit's client fails on a path too long for one system call (see
/// [`crate::walk::pathmax`]): an error as `docker build .` gives it, or a warning when only a
/// context named by its absolute path would fail.
fn buildkit_path_max(resolved: &Resolved, tree: &mut Tree) -> Result<(), Error> {
    use crate::walk::pathmax;
    let too_long = std::io::Error::from_raw_os_error(crate::sys::ENAMETOOLONG);
    if let Some(t) = pathmax::buildkit_first(tree, 0) {
        let abs = abs_path(&resolved.root, &t.rel);
        return Err(if t.open {
            Error::SenderOpen(abs, too_long)
        } else {
            Error::SenderLstat(abs, too_long)
        });
    }
    let root_len = crate::sys::os_bytes(resolved.root.as_os_str()).len();
    if pathmax::buildkit_first(tree, root_len).is_some() {
        tree.warnings.push(format!(
            "some paths here are longer than the system takes with the context's own path ({}) before them: `docker build .` works, `docker build {}` fails with \"file name too long\"",
            crate::render::escape_path(&resolved.root),
            crate::render::escape_path(&resolved.root),
        ));
    }
    Ok(())
}

/// B5: an excluded directory that was walked into is sent when something below it is.
fn synthesize_parents(tree: &mut Tree) {
    let sent: Vec<u32> = tree.sent().collect();
    for id in sent {
        let mut cur = tree.nodes[id as usize].parent;
        while cur != crate::tree::ROOT {
            let n = &mut tree.nodes[cur as usize];
            if n.state != State::ExcludedWalked {
                break;
            }
            n.state = State::Sent;
            cur = n.parent;
        }
    }
}

fn totals(tree: &Tree) -> (Totals, Vec<u32>) {
    let mut t = Totals::default();
    // Hardlinks: in walk order, the first sent name of an inode carries the data.
    let mut cands: Vec<(Vec<u8>, u32, u64, i64)> = tree
        .links
        .iter()
        .filter(|c| tree.nodes[c.node as usize].state == State::Sent)
        .map(|c| (tree.path(c.node), c.node, c.ino, c.mtime))
        .collect();
    cands.sort_by(|a, b| walk_order(&a.0, &b.0));
    let mut first: HashMap<u64, Vec<u8>> = HashMap::new();
    let mut link_hdr: HashMap<u32, u64> = HashMap::new();
    for (path, node, ino, mtime) in &cands {
        match first.get(ino) {
            Some(target) => {
                link_hdr.insert(*node, header_bytes(path, Some(target), 0, *mtime));
            }
            None => {
                first.insert(*ino, path.clone());
            }
        }
    }
    // A cut stream has no trailer; find the cut node.
    let cut: Option<u32> = tree
        .tar_cut
        .as_ref()
        .and_then(|c| tree.sent().find(|&id| &tree.path(id) == c));
    let mut tar = if cut.is_some() { 0 } else { 1024u64 };
    for (i, n) in tree.nodes.iter().enumerate() {
        match n.state {
            State::Sent => {
                match n.kind {
                    Kind::File => t.files += 1,
                    Kind::Dir => t.dirs += 1,
                    Kind::Symlink => t.symlinks += 1,
                    _ => t.other += 1,
                }
                if n.kind == Kind::Dir && n.hdr == 0 {
                    // A directory synthesised under BuildKit: header from its path.
                    let mut p = tree.path(i as u32);
                    p.push(b'/');
                    tar += header_bytes(&p, None, 0, 0);
                    continue;
                }
                if cut.is_some_and(|c| c == i as u32) {
                    tar += n.hdr as u64;
                    continue;
                }
                let link = if link_hdr.is_empty() {
                    None
                } else {
                    link_hdr.get(&(i as u32))
                };
                match link {
                    Some(h) => tar += h,
                    None => {
                        tar += n.hdr as u64;
                        if n.kind == Kind::File {
                            tar += pad512(n.size);
                            t.content_bytes += n.size;
                        }
                    }
                }
            }
            State::Excluded if n.kind != Kind::Dir => {
                t.excluded_files += 1;
                t.excluded_bytes += n.size;
            }
            _ => {}
        }
    }
    for &(_, f, b) in &tree.pruned {
        t.excluded_files += f;
        t.excluded_bytes += b;
    }
    t.tar_bytes = tar;
    let mut hl: Vec<u32> = link_hdr.keys().copied().collect();
    hl.sort_unstable();
    (t, hl)
}

/// The sorted `list` output lines (without newlines) of the sent entries.
pub fn list_lines(tree: &Tree) -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    list_each(tree, |p| v.push(p.to_vec()));
    v
}

/// The `list` output: each sent entry's path (a directory's with a trailing `/`) followed by
/// `sep`, in byte order (see [`Tree::each_listed`]; no sort of the whole list).
pub(crate) fn list_into(tree: &Tree, sep: u8, out: &mut Vec<u8>) {
    list_each(tree, |p| {
        out.extend_from_slice(p);
        out.push(sep);
    });
}

/// Calls `f` with each `list` line, in order.
fn list_each(tree: &Tree, mut f: impl FnMut(&[u8])) {
    tree.each_listed(|id, path| {
        if tree.nodes[id as usize].state == State::Sent {
            f(path);
        }
    });
}

/// The context-relative display of an absolute path inside the root.
pub(crate) fn display_rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .map(|r| r.display().to_string())
        .unwrap_or_else(|_| p.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk_opts(reach: bool, excluded_sizes: bool) -> Walk<'static> {
        Walk {
            threads: 2,
            progress: None,
            reach,
            excluded_sizes,
        }
    }

    #[cfg(unix)]
    #[test]
    fn list_order_is_byte_order_without_a_sort() {
        use std::os::unix::ffi::OsStrExt;
        let d = crate::testutil::ctx(
            &[
                "a/x",
                "a-b",
                "a0/y",
                "a.b/z",
                "ab",
                "a/b/c",
                "A/q",
                "b",
                "b\nc/d",
                "~/e",
                "Dockerfile",
            ],
            "a0\n!a0/y\n",
            b"1",
        );
        for name in [&b"a\xff"[..], b"a\x01", b"\xc3\xa9", b"a/\xff\xfe"] {
            let p = d.path().join(std::ffi::OsStr::from_bytes(name));
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b"x").unwrap();
        }
        for builder in [Builder::Buildkit, Builder::Classic] {
            let r = crate::testutil::config(d.path(), builder, 2)
                .resolve_for(builder)
                .unwrap();
            let a = analyze_pruned(r, builder, walk_opts(true, true)).unwrap();
            let mut want: Vec<Vec<u8>> = a.tree.sent().map(|id| a.tree.list_path(id)).collect();
            want.sort_unstable();
            assert_eq!(list_lines(&a.tree), want, "{builder:?}");
            let mut joined = Vec::new();
            list_into(&a.tree, 0, &mut joined);
            assert_eq!(
                joined,
                want.iter()
                    .flat_map(|l| [&l[..], &[0]].concat())
                    .collect::<Vec<u8>>()
            );
        }
    }

    #[test]
    fn buildkit_patterns_arrive_through_json_and_headers() {
        let d = crate::testutil::ctx(&["Dockerfile", "keep"], "", b"1");
        let patterns = |text: &[u8], builder: Builder| {
            std::fs::write(d.path().join(".dockerignore"), text).unwrap();
            let r = crate::testutil::config(d.path(), builder, 1)
                .resolve_for(builder)
                .unwrap();
            effective_patterns(&r, builder).map(|(l, _)| {
                l.into_iter()
                    .filter(|l| l.line > 0)
                    .map(|l| l.cleaned)
                    .collect::<Vec<_>>()
            })
        };
        // B11: each invalid byte becomes U+FFFD under BuildKit; the classic builder keeps it.
        assert_eq!(
            patterns(b"caf\xe9\n!\xff\xfe\n", Builder::Buildkit).unwrap(),
            [
                "caf\u{fffd}".as_bytes().to_vec(),
                "\u{fffd}\u{fffd}".as_bytes().to_vec()
            ]
        );
        assert_eq!(
            patterns(b"caf\xe9\n", Builder::Classic).unwrap(),
            [b"caf\xe9".to_vec()]
        );
        // B12: a control character inside a pattern, no non-ASCII pattern: the header is refused.
        match patterns(b"# c\nok\nx\x01y\n", Builder::Buildkit) {
            Err(Error::BuildkitHeader { key, line, .. }) => {
                assert_eq!((key, line), ("exclude-patterns", 3))
            }
            other => panic!("{other:?}"),
        }
        assert!(patterns(b"x\x01y\n", Builder::Classic).is_ok());
        assert!(patterns(b"x\x01y\n\xe9\n", Builder::Buildkit).is_ok());
    }

    #[test]
    fn pruning_unreachable_excluded_directories_changes_nothing() {
        let d = crate::testutil::ctx(
            &[
                "node_modules/a/b/c.js",
                "node_modules/x/build/y",
                "node_modules/keep.txt",
                "src/a/build/z",
                "src/b/c/build/k",
                "src/keep.txt",
                "src/ab/k",
                "srcx/keep.txt",
                "docs/build/q",
                "build/r",
                "a|b/c",
                "b/x",
                "empty/",
                "Dockerfile",
            ],
            "",
            b"12345",
        );
        let excl = [
            "node_modules",
            "**/build",
            "src",
            "*",
            "docs/**",
            "src/*",
            "**",
        ];
        let exc = [
            "!src/**/build/",
            "!**/keep.txt",
            "!node_modules/x/**/y",
            "!src/a*",
            "!docs/build/q",
            "!a|b",
            "!src/{a,b}",
            "!sr[c]/keep.txt",
            "!/src/b",
            "!src/ab/*",
            "!node_modules/*/build",
        ];
        let mut checked = 0;
        for x in excl {
            for (i, e1) in exc.iter().enumerate() {
                for e2 in exc.iter().skip(i) {
                    for tail in ["", "\n**/k"] {
                        let text = format!("{x}\n{e1}\n{e2}{tail}\n");
                        std::fs::write(d.path().join(".dockerignore"), &text).unwrap();
                        let run = |reach: bool| {
                            let r = crate::testutil::config(d.path(), Builder::Buildkit, 2)
                                .resolve_for(Builder::Buildkit)
                                .unwrap();
                            let a = analyze_pruned(r, Builder::Buildkit, walk_opts(reach, true))
                                .unwrap();
                            (list_lines(&a.tree), a.totals)
                        };
                        assert_eq!(run(true), run(false), "{text}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 500, "{checked}");
    }
}
