//! The proof: for every served Dockerfile and every builder that reads the proposed file, the
//! context is analysed again with it (the crate's own engine), and every file the Dockerfile's
//! sources copy (`COPY --exclude` respected) that is sent today must still be sent, unless a
//! strict rule removes it (listed by path and reason). Sources that do not exist yet must not
//! be excluded either.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::analysis::{analyze_resolved, Analysis, Config};
use crate::context::Resolved;
use crate::dockerignore::PatternSet;
use crate::error::Error;
use crate::transfer::node_paths;
use crate::walk::Builder;

use super::model::Model;
use super::targets::Target;

/// One Dockerfile under one builder that reads the proposed file.
pub(crate) struct Check {
    /// Index into the served Dockerfiles.
    pub target: usize,
    /// The builder.
    pub builder: Builder,
    /// How that builder resolves the Dockerfile's context today.
    pub resolved: Resolved,
    /// What is sent today (`None`: the current ignore file does not parse, so the build fails).
    pub before: Option<Rc<HashSet<String>>>,
    /// Files and bytes sent today.
    pub before_counts: Option<(u64, u64)>,
    /// BuildKit's transfer set today.
    pub before_transfer: Option<(u64, u64)>,
}

pub(crate) use super::targets::per_file;

impl Check {
    /// What the classic builder sends only because the CLI adds it whatever the ignore file
    /// says: the Dockerfile it reads and `.dockerignore`, when that file excludes them.
    pub(crate) fn classic_forced(&self) -> Vec<String> {
        if self.builder != Builder::Classic {
            return Vec::new();
        }
        let Ok(set) = PatternSet::parse(&self.resolved.ignore_text) else {
            return Vec::new();
        };
        let mut names: Vec<&[u8]> = vec![b".dockerignore"];
        if let Some(rel) = &self.resolved.dockerfile_rel {
            names.push(rel);
        }
        names
            .into_iter()
            .filter(|n| set.matches_deprecated(n))
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect()
    }
}

fn same(a: &Path, b: &Path) -> bool {
    a == b
        || match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => {
                // Not created yet: compare the canonical parents.
                let pc = |p: &Path| {
                    p.parent()
                        .and_then(|d| std::fs::canonicalize(d).ok())
                        .map(|d| d.join(p.file_name().unwrap_or_default()))
                };
                pc(a).is_some() && pc(a) == pc(b)
            }
        }
}

/// The paths `a` sends.
pub(crate) fn sent_set(a: &Analysis) -> HashSet<String> {
    let paths = node_paths(&a.tree);
    a.tree.sent().map(|i| paths[i as usize].clone()).collect()
}

/// Resolves every served Dockerfile under both builders and keeps the pairs that read
/// `destination`, with what they send today.
pub(crate) fn checks(
    config: &Config,
    targets: &[Target],
    destination: &Path,
    notes: &mut Vec<String>,
) -> Result<Vec<Check>, Error> {
    let mut out = Vec::new();
    // BuildKit's walk depends on the context and the ignore text only, not on the Dockerfile.
    // With the analysis, kept for each later Dockerfile's own transfer set.
    type Before = (
        Option<Rc<HashSet<String>>>,
        Option<(u64, u64)>,
        Option<Rc<Analysis>>,
    );
    let mut bk_cache: HashMap<(PathBuf, Vec<u8>), Before> = HashMap::new();
    let podman = config.engine.is_podman();
    let builders: &[Builder] = if podman {
        // One walk: Buildah's (the classic one with its changes, `crate::engine`).
        &[Builder::Classic]
    } else {
        &[Builder::Buildkit, Builder::Classic]
    };
    let name = |b: Builder| super::output::label(b, podman);
    for (k, t) in targets.iter().enumerate() {
        for &b in builders {
            let cfg = Config {
                dockerfile: Some(t.dockerfile.clone()),
                builder: b,
                ..config.clone()
            };
            let r = match cfg.resolve_for(b) {
                Ok(r) => r,
                // A service's `dockerfile_inline` (its text in a file outside the context):
                // Compose builds it with BuildKit only.
                Err(_) if t.rel.starts_with("dockerfile_inline of ") && b == Builder::Classic => {
                    notes.push(format!(
                        "{} not checked under {}: Compose builds `dockerfile_inline` with BuildKit only",
                        t.rel,
                        name(b)
                    ));
                    continue;
                }
                Err(e) => {
                    notes.push(format!("{} not checked under {}: {e}", t.rel, name(b)));
                    continue;
                }
            };
            let ctx_file = r.root.join(".dockerignore");
            if podman {
                // Buildah reads the first of its candidates that exists, so after the write:
                // the first that exists or is the destination.
                let ignorefile = match &config.engine {
                    crate::engine::Engine::Podman { ignorefile, .. } => ignorefile.as_deref(),
                    crate::engine::Engine::Docker => None,
                };
                let cands = if config.engine.is_remote() && ignorefile.is_none() {
                    crate::context::remote_candidates(&r.root, &r.dockerfile)
                } else {
                    crate::context::ignore_candidates(
                        &config.cwd,
                        &r.root,
                        Some(t.dockerfile.as_path()),
                        ignorefile,
                    )
                };
                let reads = cands
                    .iter()
                    .find(|c| same(c, destination) || std::fs::symlink_metadata(c).is_ok());
                if !reads.is_some_and(|c| same(c, destination)) {
                    notes.push(format!(
                        "{} under Podman/Buildah reads {}, not the proposed file",
                        t.rel,
                        reads.map_or("no ignore file".into(), |c| c.display().to_string())
                    ));
                    continue;
                }
            }
            let uses = podman
                || match b {
                    Builder::Buildkit => {
                        let per = per_file(&r.dockerfile);
                        if same(&per, destination) {
                            true
                        } else if per.is_file() {
                            false
                        } else {
                            same(&ctx_file, destination)
                        }
                    }
                    Builder::Classic => same(&ctx_file, destination),
                };
            if !uses {
                if k == 0 || b == Builder::Buildkit {
                    notes.push(format!(
                        "{} under {} reads {}, not the proposed file",
                        t.rel,
                        name(b),
                        if b == Builder::Buildkit && per_file(&r.dockerfile).is_file() {
                            per_file(&r.dockerfile).display().to_string()
                        } else {
                            ctx_file.display().to_string()
                        }
                    ));
                }
                continue;
            }
            let key = (r.root.clone(), r.ignore_text.clone());
            let cached = (b == Builder::Buildkit && k > 0)
                .then(|| bk_cache.get(&key).cloned())
                .flatten();
            // BuildKit transfers what this Dockerfile's sources select: each its own.
            let transfer_of = |a: &Analysis| {
                let tr = crate::transfer::compute(a, &t.sources, &|_| false);
                (tr.files, tr.bytes)
            };
            let (before, before_counts, before_transfer) = match cached {
                Some((set, counts, a)) => (set, counts, a.as_deref().map(transfer_of)),
                None => {
                    let a = analyze_resolved(r.clone(), b, config.threads).ok();
                    let set = a.as_ref().map(|a| Rc::new(sent_set(a)));
                    let counts = a.as_ref().map(|a| (a.totals.files, a.totals.content_bytes));
                    let transfer = match (&a, b) {
                        (Some(a), Builder::Buildkit) => Some(transfer_of(a)),
                        _ => None,
                    };
                    if b == Builder::Buildkit {
                        bk_cache.insert(key, (set.clone(), counts, a.map(Rc::new)));
                    }
                    (set, counts, transfer)
                }
            };
            out.push(Check {
                target: k,
                builder: b,
                before_counts,
                before,
                before_transfer,
                resolved: r,
            });
        }
    }
    Ok(out)
}

/// The outcome of one proof run.
#[derive(Default)]
pub(crate) struct Proof {
    /// `(builder, path, why)` of each file the build copies that is no longer sent.
    pub failures: Vec<(Builder, String, String)>,
    /// Files removed on purpose: path → reason.
    pub removals: BTreeMap<String, String>,
    /// For the first Dockerfile's checks: (builder, the analysis with the proposal), for the
    /// figures.
    pub afters: Vec<(Builder, Analysis)>,
    /// What each check sends with the proposal (in the order of the checks).
    pub sent: Vec<Rc<HashSet<String>>>,
    /// Files a source copies (not by name) that today's file keeps out and the proposal sends:
    /// they go into the image.
    pub widened: std::collections::BTreeSet<String>,
}

/// Proves `text` for every check. `reason[i]` is the strict rule that removes node `i` (or an
/// ancestor), if any.
pub(crate) fn prove(
    m: &Model,
    checks: &[Check],
    text: &str,
    reason: &[Option<&'static str>],
    threads: usize,
) -> Result<Proof, Error> {
    let mut p = Proof::default();
    let proposal = PatternSet::parse(text.as_bytes()).unwrap_or_default();
    let mut bk_sent: HashMap<PathBuf, Rc<HashSet<String>>> = HashMap::new();
    for c in checks {
        let mut r = c.resolved.clone();
        r.ignore_text = text.as_bytes().to_vec();
        let cached = (c.builder == Builder::Buildkit && c.target > 0)
            .then(|| bk_sent.get(&r.root).cloned())
            .flatten();
        let (sent, analysis) = match cached {
            Some(s) => (s, None),
            None => {
                let root = r.root.clone();
                let a = analyze_resolved(r, c.builder, threads)?;
                let s = Rc::new(sent_set(&a));
                if c.builder == Builder::Buildkit {
                    bk_sent.insert(root, s.clone());
                }
                (s, Some(a))
            }
        };
        p.sent.push(sent.clone());
        let need = &m.needs[c.target];
        for (i, path) in m.paths.iter().enumerate() {
            if m.is_dir(i as u32) || !need.copies[i] {
                continue;
            }
            if c.before.as_ref().is_some_and(|s| !s.contains(path))
                && !m.named[i]
                && sent.contains(path)
            {
                p.widened.insert(path.clone());
            }
            let required = c.before.as_ref().is_none_or(|s| s.contains(path)) || m.named[i];
            if !required || sent.contains(path) {
                continue;
            }
            match reason[i] {
                Some(why) if !m.named[i] => {
                    p.removals.insert(path.clone(), why.to_string());
                }
                _ => p.failures.push((
                    c.builder,
                    path.clone(),
                    "copied by the build and sent today, not sent with the proposal".into(),
                )),
            }
        }
        // Sources that do not exist yet must stay sendable.
        for s in &need.sels {
            if s.wildcard || s.broad || s.path.is_empty() || m.has(&s.path) {
                continue;
            }
            if proposal
                .matches_or_parent_matches(s.path.as_bytes())
                .unwrap_or(true)
            {
                p.failures.push((
                    c.builder,
                    s.path.clone(),
                    "a COPY source that does not exist yet would be excluded once it does".into(),
                ));
            }
        }
        if let (0, Some(a)) = (c.target, analysis) {
            p.afters.push((c.builder, a));
        }
    }
    Ok(p)
}
