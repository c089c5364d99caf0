//! DI010, ignore files that docker does not read for this build: the root file shadowed by a
//! `<Dockerfile>.dockerignore`, and nested `.dockerignore` files, graded by what their authors
//! lose (a vendored package's, one beside another Dockerfile or a Compose context, a stale
//! allowlist, or one whose patterns keep out nothing this build sends: info).

use std::path::Path;

use super::{engine_name, show, Ctx};
use crate::analysis::Config;
use crate::context::Resolved;
use crate::dockerignore::{self, Pattern, PatternSet};
use crate::explain::rel_display;
use crate::report::Finding;

/// How a nested file's message names the Compose or bake build that uses the Dockerfile beside
/// it with this context.
const ROOT_BUILD: &str = ", and the Compose or bake file";

/// DI010: ignore files present but not read.
pub(super) fn unused_ignore_files(cx: &mut Ctx, cfg: &Config, tree: &[(Vec<u8>, bool)]) {
    let r = cx.resolved;
    let root_ignore = r.root.join(".dockerignore");
    let in_effect = r.ignore_file.clone();
    let push = |cx: &mut Ctx, p: &Path, why: String| {
        let path = rel_display(&r.root, p);
        cx.findings.push(Finding {
            rule: "DI010".into(),
            category: "dockerignore".into(),
            severity: "medium".into(),
            path,
            message: why,
            ..Default::default()
        });
    };
    if root_ignore.is_file() && in_effect.as_deref() != Some(root_ignore.as_path()) {
        let why = match &in_effect {
            Some(f) => format!(
                "not used: {} reads {} instead",
                engine_name(cfg),
                rel_display(&r.root, f)
            ),
            None => "not used: it cannot be read as a file".into(),
        };
        push(cx, &root_ignore, why);
    }
    // The per-Dockerfile ignore file beside the Dockerfile.
    if let Some(name) = r.dockerfile.file_name() {
        let mut per = name.to_os_string();
        per.push(".dockerignore");
        if let Some(dir) = r.dockerfile.parent() {
            let p = dir.join(per);
            if p.is_file() && in_effect.as_deref() != Some(p.as_path()) {
                push(
                    cx,
                    &p,
                    format!(
                        "not used: {} reads only {}",
                        engine_name(cfg),
                        // Podman reads one file among several: the one in effect.
                        match (&in_effect, cfg.engine.is_podman()) {
                            (Some(f), true) => rel_display(&r.root, f),
                            _ => rel_display(&r.root, &root_ignore),
                        }
                    ),
                );
            }
        }
    }
    let mut compose_builds: Option<Vec<crate::compose::ServiceBuild>> = None;
    let mut all_paths: Option<Vec<String>> = None;
    let mut root_builds: Option<Vec<(String, std::path::PathBuf, String)>> = None;
    for (path, dir) in tree {
        if *dir
            || path.rsplit(|&b| b == b'/').next() != Some(b".dockerignore")
            || path == b".dockerignore"
        {
            continue;
        }
        let abs = crate::walk::abs_path(&r.root, path);
        if in_effect.as_deref() == Some(abs.as_path()) {
            continue;
        }
        let rules = crate::rules::RuleSet::default_set();
        if rules.in_dependency_tree(path) {
            // A vendored package's own ignore file: written for that package's builds, not
            // a mistake in this one.
            push(cx, &abs, "not used: docker never reads a .dockerignore below the context root; this one belongs to a dependency (its own builds), so nothing is expected of it".into());
            if let Some(f) = cx.findings.last_mut() {
                f.severity = "info".into();
            }
            continue;
        }
        // Beside another Dockerfile than this build's: most likely the file of builds that use
        // that directory as their context (remark42's `site/`), not a mistake in this one.
        // Beside this build's Dockerfile it is the classic mistake: medium.
        let dir = abs.parent().unwrap_or(r.root.as_path());
        // A Compose service (of the default Compose file or a named variant beside it) built
        // with that directory as its context reads it (BuildKit: unless
        // its Dockerfile has its own `<Dockerfile>.dockerignore`).
        let compose = compose_builds.get_or_insert_with(|| {
            crate::compose::builds_in_dir(&r.root, &|k| std::env::var(k).ok())
        });
        if let Some(b) = compose.iter().find(|b| b.context == dir) {
            let d = rel_display(&r.root, dir);
            push(cx, &abs, format!("not used by this build, but read by the Compose build of service `{}`, whose context is {d}/", b.service));
            if let Some(f) = cx.findings.last_mut() {
                f.severity = "info".into();
            }
            continue;
        }
        // Beside a Dockerfile that a Compose or bake file builds with this context (the
        // root): that build reads the root file, not this one (hoppscotch's root Compose file
        // builds `packages/hoppscotch-backend/Dockerfile` with `context: .`). Graded below by
        // what its author loses.
        if r.dockerfile.parent() != Some(dir) {
            let builds = root_builds.get_or_insert_with(|| {
                let paths = all_paths.get_or_insert_with(|| {
                    tree.iter().map(|(p, _)| crate::paths::lossy(p)).collect()
                });
                super::served::root_builds(&r.root, paths)
            });
            if let Some((svc, df, file_dir)) = super::served::root_build_in(builds, &r.root, dir) {
                let file = if file_dir.is_empty() {
                    "at the root".to_string()
                } else {
                    format!("in {file_dir}/")
                };
                push(cx, &abs, format!("not used: docker reads a .dockerignore only at the context root{ROOT_BUILD} {file} builds {df} beside it with this context (service `{svc}`), which reads the root one; move its patterns into the root file, prefixed with the directory"));
                continue;
            }
        }
        if r.dockerfile.parent() != Some(dir) {
            if let Some(df) = dockerfile_in(dir) {
                let d = rel_display(&r.root, dir);
                push(cx, &abs, format!("not used by this build: docker reads a .dockerignore only at the context root; this one sits beside {d}/{df}, so it is read when {d}/ is the context"));
                if let Some(f) = cx.findings.last_mut() {
                    f.severity = "info".into();
                }
                continue;
            }
        }
        // Above a Dockerfile that reads this directory as its context (a test suite's
        // `integration/dockerfiles/…`, built with `integration/`): read by those builds.
        if r.dockerfile.parent() != Some(dir) {
            let d = rel_display(&r.root, dir);
            let paths = all_paths
                .get_or_insert_with(|| tree.iter().map(|(p, _)| crate::paths::lossy(p)).collect());
            if let Some(df) = dockerfile_below_reading(&r.root, &d, paths) {
                push(cx, &abs, format!("not used by this build: docker reads a .dockerignore only at the context root; {df}'s sources exist below {d}/ and not at the root, so it is built with {d}/ as the context, which reads this one"));
                if let Some(f) = cx.findings.last_mut() {
                    f.severity = "info".into();
                }
                continue;
            }
        }
        // At the root of a vendored project (`lib/<library>-<version>/` with its own license
        // file), not beside this build's Dockerfile: written for that project's builds.
        if r.dockerfile.parent() != Some(dir) && vendored_project(dir) {
            let d = rel_display(&r.root, dir);
            push(cx, &abs, format!("not used: docker never reads a .dockerignore below the context root; this one sits at the root of a vendored project ({d}/ has its own license file) and belongs to that project's own builds, so nothing is expected of it"));
            if let Some(f) = cx.findings.last_mut() {
                f.severity = "info".into();
            }
            continue;
        }
        push(cx, &abs, "not used: docker never reads a .dockerignore below the context root; move its patterns into the root file, prefixed with the directory".into());
    }
}

/// Whether `dir` (a directory below the context root) is the root of another project copied
/// into this one: it holds its own license file (`LICENSE`, `LICENSE.txt`, `COPYING`, …), as a
/// vendored library's source tree does (`lib/<library>-<version>/`). Its `.dockerignore` was
/// written for that project's own builds.
fn vendored_project(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let name = e.file_name();
        let up = name.to_string_lossy().to_ascii_uppercase();
        let stem = up.split(['.', '-']).next().unwrap_or("");
        matches!(stem, "LICENSE" | "LICENCE" | "COPYING")
            && e.file_type().is_ok_and(|t| t.is_file())
    })
}

/// Grades a nested DI010 (a `.dockerignore` below the root that no build of this context
/// reads) by what its author loses: the entries its patterns, read from its own directory as
/// its author meant them, would keep out but this build sends. None (a stale file holding only
/// `target`, comments, or what the root file already excludes): info, so that `ctxsize lint`
/// passes; some: medium, naming how many and one of them. The one beside this build's
/// Dockerfile stays medium (the classic mistake), unless it is a stale allowlist or this
/// Dockerfile is evidently built with that directory as its context ([`own_dir_context`]).
pub(super) fn stale_nested_loses(
    cx: &mut Ctx,
    cfg: &Config,
    root_set: &PatternSet,
    tree: &[(Vec<u8>, bool)],
) {
    let root = cx.resolved.root.clone();
    let own = cx
        .resolved
        .dockerfile
        .parent()
        .map(|d| rel_display(&root, &d.join(".dockerignore")));
    let own_context = own.as_deref().filter(|o| o.contains('/')).and_then(|o| {
        own_dir_context(cx.resolved, cfg, o.trim_end_matches("/.dockerignore"), tree)
    });
    let df_name = cx
        .resolved
        .dockerfile
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for f in cx.findings.iter_mut().filter(|f| {
        f.rule == "DI010"
            && f.severity == "medium"
            && f.path.contains('/')
            && f.path.ends_with("/.dockerignore")
    }) {
        let is_own = own.as_deref() == Some(f.path.as_str());
        let dir = f.path.trim_end_matches(".dockerignore").as_bytes().to_vec();
        if is_own {
            if let Some((below, of)) = own_context {
                f.severity = "info".into();
                f.message = format!(
                    "not used by this build, whose context is the root: docker reads a \
                     .dockerignore only at the context root; but {below} of this Dockerfile's \
                     {of} COPY source(s) exist in {d} and none at the root, so it is built with \
                     {d} as its context (`docker build {d}`), where this file is read: check \
                     that build with `ctxsize -f {d}{name} {d}`",
                    d = show(&dir),
                    name = df_name,
                );
                continue;
            }
        }
        let Ok(text) = std::fs::read(crate::walk::abs_path(&root, f.path.as_bytes())) else {
            continue;
        };
        let Ok(lines) =
            dockerignore::read_all(&text).and_then(|raw| dockerignore::to_pattern_list(&raw))
        else {
            continue;
        };
        let nested = PatternSet::new(lines);
        // An allowlist (`*` first, then `!` lines for what its build copies) was written for a
        // build with its directory as the context, not to keep things out of this one: what
        // it "keeps out" here is that directory's own sources, and its lines moved into the
        // root file would keep them from every build of this context.
        let allowlist = nested.patterns().first().is_some_and(|p| {
            !p.exclusion() && matches!(p.line().cleaned.as_slice(), b"*" | b"**" | b"**/*")
        });
        // Its exceptions name files of its own directory, none from the root: written for a
        // build of that directory alone, not for this one.
        let for_own_dir = || {
            let excs: Vec<&Pattern> = nested.patterns().iter().filter(|p| p.exclusion()).collect();
            let hit = |p: &[u8]| excs.iter().any(|e| e.matches(p) == Ok(true));
            let mut below = false;
            for (path, _) in tree {
                if hit(path) {
                    return false;
                }
                below |= path
                    .strip_prefix(dir.as_slice())
                    .is_some_and(|r| !r.is_empty() && hit(r));
            }
            below
        };
        if allowlist && is_own && for_own_dir() {
            // Beside this build's Dockerfile, which names its sources from the root: an
            // allowlist left from a build of that directory alone. Moved into the root file,
            // its `*` would keep out everything else.
            f.severity = "info".into();
            f.message = format!(
                "not used: docker reads a .dockerignore only at the context root; this one is \
                 an allowlist (`*` first) whose exceptions name files of {0} and none from \
                 the root, so it was written for a build whose context is {0}, and this \
                 build's context is the root: delete it if no build uses {0} as its context \
                 (its lines do not belong in the root file)",
                show(&dir)
            );
            continue;
        }
        if is_own {
            // Written for this build, its patterns meant from the root: medium whatever it
            // holds, unless the root file already keeps out what each line names below its
            // directory (svix's `bridge/.dockerignore`, `target/`, under a root `*/target/`).
            if root_covers(&nested, root_set, &dir) {
                f.severity = "info".into();
                f.message = format!(
                    "not used, and nothing is lost: docker reads a .dockerignore only at the \
                     context root, and the root file already keeps out what each of its lines \
                     names below {0}; delete it, or keep it for builds whose context is {0}",
                    show(&dir)
                );
            }
            continue;
        }
        if allowlist {
            f.severity = "info".into();
            f.message = format!(
                "not used: docker reads a .dockerignore only at the context root; this one is \
                 an allowlist (`*` first) for a build whose context is {}, and no build \
                 here has that context (no Dockerfile beside it, no Compose service); \
                 delete it if no build uses that directory as its context (its lines \
                 do not belong in the root file)",
                show(&dir)
            );
            continue;
        }
        let mut lost = 0usize;
        let mut first: Option<&[u8]> = None;
        for (path, is_dir) in tree {
            let Some(rel) = path.strip_prefix(dir.as_slice()) else {
                continue;
            };
            if *is_dir || rel.is_empty() || rel == b".dockerignore" {
                continue;
            }
            // Git's bookkeeping files (`.gitignore`, `.gitattributes`, `.gitkeep`), which the
            // common ignore-file templates list beside `.git`: no image reads them, and sending
            // them loses nothing but a few bytes.
            let base = rel.rsplit(|&b| b == b'/').next().unwrap_or(rel);
            if matches!(base, b".gitignore" | b".gitattributes" | b".gitkeep") {
                continue;
            }
            if root_set.matches_or_parent_matches(path) != Ok(false)
                || nested.matches_or_parent_matches(rel) != Ok(true)
            {
                continue;
            }
            lost += 1;
            first.get_or_insert(path);
        }
        match first {
            None => {
                f.severity = "info".into();
                // Beside a Dockerfile a Compose or bake build uses with this context: that
                // build is named, not denied.
                let why = match f.message.split_once(ROOT_BUILD) {
                    Some((_, rest)) => format!(
                        "docker reads a .dockerignore only at the context root{ROOT_BUILD}{}",
                        rest.split_once("; move").map_or(rest, |(a, _)| a)
                    ),
                    None => format!(
                        "docker reads a .dockerignore only at the context root (this one only \
                         when {} is a build's context, and no build here has it)",
                        String::from_utf8_lossy(&dir)
                    ),
                };
                f.message = format!(
                    "not used, and nothing is lost: {why}, and its patterns keep nothing out \
                     that this build sends (they match nothing there, or the root file excludes \
                     it already); delete it, or move its patterns into the root file when they \
                     are meant"
                );
            }
            Some(p) => f.message.push_str(&format!(
                "; read from its directory, its patterns would keep out {lost} file{} this build \
                 sends (e.g. {})",
                if lost == 1 { "" } else { "s" },
                show(p)
            )),
        }
    }
}

/// Whether the root file already keeps out what every line of the nested file `nested` names,
/// read from its directory `dir` (`bridge/`): each line is an exclusion (no `!` exception) and
/// the root file excludes the path it names there (`bridge/target` for `target/`, by a root
/// `*/target/` or `bridge/target`). A glob line is probed as written (`bridge/*.log`), which a
/// root line as broad (`**/*.log`) matches.
fn root_covers(nested: &PatternSet, root_set: &PatternSet, dir: &[u8]) -> bool {
    let pats = nested.patterns();
    !pats.is_empty()
        && pats.iter().all(|p| {
            let line = &p.line().cleaned;
            let mut probe = dir.to_vec();
            probe.extend_from_slice(line.strip_prefix(b"/").unwrap_or(line));
            !p.exclusion() && root_set.matches_or_parent_matches(&probe) == Ok(true)
        })
}

/// Whether this build's Dockerfile is evidently built with its own directory `dir` (relative
/// to the root) as the context: some of its COPY/ADD sources exist below `dir` and none at the
/// root. Then (sources found below, sources in all).
fn own_dir_context(
    r: &Resolved,
    cfg: &Config,
    dir: &str,
    tree: &[(Vec<u8>, bool)],
) -> Option<(usize, usize)> {
    let df = crate::context::dockerfile_as_read(cfg.builder, &r.dockerfile);
    let paths: Vec<String> = tree.iter().map(|(p, _)| crate::paths::lossy(p)).collect();
    sources_below(&df, dir, &paths)
}

/// Whether the Dockerfile `df` reads `dir` as its context: some of its COPY/ADD sources exist
/// below `dir` (relative to the root) and none at the root. Then (sources found below,
/// sources in all).
fn sources_below(df: &Path, dir: &str, paths: &[String]) -> Option<(usize, usize)> {
    let sources = crate::transfer::load_sources(df, &Default::default()).ok()?;
    let items: Vec<_> = sources
        .items
        .iter()
        .filter(|s| !s.instruction.contains("tmpfs") && !s.unresolved && !s.path.is_empty())
        .collect();
    if items.is_empty() || items.iter().any(|s| paths.iter().any(|p| s.matches(p))) {
        return None;
    }
    let below = items
        .iter()
        .filter(|s| {
            paths
                .iter()
                .filter_map(|p| p.strip_prefix(dir).and_then(|r| r.strip_prefix('/')))
                .any(|p| s.matches(p))
        })
        .count();
    (below > 0).then_some((below, items.len()))
}

/// A Dockerfile deeper below `dir` (a context-relative directory) that reads `dir` as its
/// context ([`sources_below`]): kaniko's `integration/dockerfiles/Dockerfile_test_add`
/// (`ADD context/foo`, which exists as `integration/context/foo`), run by its tests with
/// `integration/` as the context, which reads `integration/.dockerignore`. The first in path
/// order, of the first 64 looked at.
fn dockerfile_below_reading(root: &Path, dir: &str, paths: &[String]) -> Option<String> {
    let prefix = format!("{dir}/");
    let mut found: Vec<&String> = paths
        .iter()
        .filter(|p| {
            p.strip_prefix(&prefix)
                .is_some_and(|rest| rest.contains('/'))
                && crate::dockerfile::is_dockerfile_name(
                    p.rsplit('/').next().unwrap_or(p).as_bytes(),
                )
        })
        .collect();
    found.sort();
    found
        .into_iter()
        .take(64)
        .find(|p| {
            let abs = root.join(p.as_str());
            abs.is_file() && sources_below(&abs, dir, paths).is_some()
        })
        .cloned()
}

/// The name of a Dockerfile in `dir` (`Dockerfile`, `Containerfile`, `Dockerfile.*`,
/// `*.Dockerfile`), if there is one.
fn dockerfile_in(dir: &Path) -> Option<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| {
            n == "Dockerfile"
                || n == "Containerfile"
                || (n.starts_with("Dockerfile.") && !n.ends_with(".dockerignore"))
                || n.ends_with(".Dockerfile")
        })
        .collect();
    names.sort();
    names.into_iter().next()
}
