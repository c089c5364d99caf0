//! The Dockerfiles lint checks the ignore file against: the one the configuration resolves to
//! (if any) and every one `suggest`'s discovery serves with this context — the Compose and bake
//! services built with it (hoppscotch's root `prod.Dockerfile`, named only by its Compose file),
//! Dockerfiles at the root and those below it whose sources point into it. The ignore file is
//! shared by all of them: a fix that keeps out what any of them copies breaks that build.

use std::path::{Path, PathBuf};

use crate::analysis::Config;
use crate::context::Resolved;
use crate::dockerfile::Sources;
use crate::dockerignore::PatternSet;

/// One Dockerfile served with this context: its path, its path for display, and its sources
/// (every stage, the common platforms).
pub(super) struct Served {
    pub dockerfile: PathBuf,
    pub rel: String,
    pub sources: Sources,
}

/// The served Dockerfiles, the resolved one first (`None` when there is none: no `-f` and no
/// Dockerfile at the root). `tree` is every entry of the context (lint's walk, the ignore file
/// not applied: docker reads a Dockerfile it excludes all the same). Discovery that fails (an
/// unreadable Compose file) adds nothing.
pub(super) fn dockerfiles(
    cfg: &Config,
    resolved: &Resolved,
    main: Option<&Path>,
    tree: &[(Vec<u8>, bool)],
) -> Vec<Served> {
    let root = &resolved.root;
    let paths: Vec<String> = tree.iter().map(|(p, _)| crate::paths::lossy(p)).collect();
    let current = PatternSet::parse(&resolved.ignore_text).unwrap_or_default();
    let opts = crate::suggest::SuggestOptions {
        discover: true,
        ..Default::default()
    };
    let mut notes = Vec::new();
    let collected =
        crate::suggest::targets::collect(cfg, &opts, root, main, &paths, &current, &[], &mut notes);
    let mut v: Vec<Served> = match collected {
        Ok(ts) => ts
            .into_iter()
            .map(|t| Served {
                dockerfile: t.dockerfile,
                rel: t.rel,
                sources: t.sources,
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    // Without a resolved one, those at the root first (the note names them, and the classic
    // builder's comparison builds the first): discovery lists them in path order.
    if main.is_none() {
        v.sort_by_key(|s| s.rel.contains('/'));
    }
    v
}

/// The note naming the Dockerfiles checked when the context root has none: a few named, the
/// rest counted.
pub(super) fn note(served: &[Served]) -> String {
    let shown: Vec<String> = served.iter().take(3).map(|s| s.rel.clone()).collect();
    let more = match served.len() {
        0..=3 => String::new(),
        n => format!(" and {} more", n - 3),
    };
    format!(
        "no Dockerfile at the context root: the ignore file was checked against the {} Dockerfile{} built with this context that discovery finds: {}{more} (pass -f to check another)",
        served.len(),
        if served.len() == 1 { "" } else { "s" },
        shown.join(", ")
    )
}

/// The Compose and bake builds (of a file at the root or in a directory below it, as discovery
/// reads them) that build with this context, the root: (service, the Dockerfile, the build
/// file's directory from the root, empty for the root), the Dockerfile's path canonical, in
/// order. Read once per lint run; [`root_build_in`] asks it per nested ignore file.
pub(super) fn root_builds(root: &Path, paths: &[String]) -> Vec<(String, PathBuf, String)> {
    let root_c = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut builds = crate::suggest::discovered::file_builds(root, paths, |d| {
        crate::suggest::discovered::is_template_dir(d)
    });
    builds.sort();
    builds
        .into_iter()
        .filter(|(_, _, ctx, _)| *ctx == root_c)
        .map(|(svc, df, _, file_dir)| (svc, df, file_dir))
        .collect()
}

/// A build of [`root_builds`] whose Dockerfile is in `dir`: (service, the Dockerfile from the
/// root, the build file's directory from the root). Such a build reads the root ignore file,
/// not one beside its Dockerfile (hoppscotch's `packages/hoppscotch-backend/Dockerfile`, built
/// with `context: .` by the root Compose file).
pub(super) fn root_build_in(
    builds: &[(String, PathBuf, String)],
    root: &Path,
    dir: &Path,
) -> Option<(String, String, String)> {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (root_c, dir_c) = (canon(root), canon(dir));
    builds
        .iter()
        .find(|(_, df, _)| df.parent() == Some(dir_c.as_path()))
        .map(|(svc, df, file_dir)| {
            (
                svc.clone(),
                crate::explain::rel_display(&root_c, df),
                file_dir.clone(),
            )
        })
}

/// Whether the builds copy `path` (relative to the context) only through a copy of the whole
/// context (`COPY . .`): some served Dockerfile copies the whole context, and none names the
/// path (or a directory holding it) by a source of its own (nor may: a source with an unknown value). Such a copy says nothing about
/// whether the image needs the file: it copies everything the ignore file lets through.
pub(super) fn whole_context_only(served: &[Served], path: &str) -> bool {
    served.iter().any(|d| d.sources.whole_context)
        && !served.iter().any(|d| {
            d.sources.items.iter().any(|s| {
                // A source naming a value nobody knows may name it.
                s.unresolved
                    || (!s.path.is_empty() && crate::dockerfile::source_matches(&s.path, path))
            })
        })
}
