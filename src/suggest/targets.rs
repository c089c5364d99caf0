//! The Dockerfiles a proposal serves: every `-f`, the Compose services that build this context,
//! and the Dockerfiles found by name in the context; each with its sources (for the native
//! platform and the common others) and the ecosystems it re-installs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::analysis::Config;
use crate::dockerfile::{
    host_platform, is_dockerfile_name, platform_args, ContextSource, Options, Sources, StageSteps,
};
use crate::dockerignore::PatternSet;
use crate::error::Error;

use super::SuggestOptions;

/// Platforms a multi-platform build commonly targets; sources that use a platform ARG are kept
/// for each of them (and for the native one).
const PLATFORMS: &[&str] = &["linux/amd64", "linux/arm64", "linux/arm/v7"];

pub(crate) use crate::dockerfile::Installs;

/// One Dockerfile the proposal serves.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// The Dockerfile (absolute).
    pub dockerfile: PathBuf,
    /// Its path relative to the context root, for messages.
    pub rel: String,
    /// Why it is served: `-f`, `compose service web`, `found in the context`.
    pub origin: String,
    /// The sources, over the native and the common platforms.
    pub sources: Sources,
    /// What it re-installs.
    pub installs: Installs,
    /// Its stages' instructions, for the plain `rm` warning ([`super::rmcheck`]).
    pub steps: Vec<crate::dockerfile::StageSteps>,
}

/// The sources of one Dockerfile: evaluated for the native platform and each common platform
/// (unless the user set a platform ARG), merged. Without a `target`, for the default stage and
/// for every named stage as a target too (`docker build --target full` builds a stage the
/// default build skips: gotenberg's Makefile always passes one); the third value names the
/// stages that added sources the default build does not use.
pub(crate) fn load(
    path: &Path,
    root: &Path,
    builder: crate::walk::Builder,
    build_args: &[(String, String)],
    target: Option<&str>,
) -> Result<(Sources, Installs, Vec<String>, Vec<StageSteps>), String> {
    // Read as the builder reads it: BuildKit follows a Dockerfile symlink inside its directory.
    let bytes = std::fs::read(crate::context::dockerfile_as_read(builder, path))
        .map_err(|e| format!("cannot read the Dockerfile {}: {e}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let df = crate::dockerfile::parse(&text)
        .map_err(|e| format!("Dockerfile {} not analysed: {e}", path.display()))?;
    let user_sets_platform = build_args
        .iter()
        .any(|(k, _)| k.starts_with("TARGET") || k.starts_with("BUILD"));
    let host = host_platform();
    let mut platforms: Vec<String> = vec![host.clone()];
    if !user_sets_platform {
        platforms.extend(
            PLATFORMS
                .iter()
                .map(|p| p.to_string())
                .filter(|p| *p != host),
        );
    }
    let stage_targets: Vec<Option<String>> = match target {
        Some(t) => vec![Some(t.to_string())],
        None => std::iter::once(None)
            .chain(df.stages().iter().filter_map(|s| s.name.clone()).map(Some))
            .collect(),
    };
    let mut merged = Sources::default();
    let mut seen: BTreeSet<(usize, String, String)> = BTreeSet::new();
    let mut seen_external: BTreeSet<(usize, String, String)> = BTreeSet::new();
    let mut other_stages: Vec<String> = Vec::new();
    // Each also as the classic builder scopes ARGs (a stage built `FROM` another does not see
    // its ARG values: `COPY ${SITE}/ …` there copies the context root), for the proposal holds
    // under both builders.
    for (((n, p), tgt), classic) in platforms
        .iter()
        .enumerate()
        .flat_map(|np| stage_targets.iter().map(move |t| (np, t)))
        .flat_map(|x| [(x, false), (x, true)])
    {
        let mut args = if n == 0 || user_sets_platform {
            Vec::new()
        } else {
            platform_args(p, &host)
        };
        args.extend(build_args.iter().cloned());
        let s = match df.context_sources(&Options {
            build_args: args,
            target: tgt.clone().or_else(|| target.map(str::to_string)),
            classic,
        }) {
            Ok(s) => s,
            // Another stage as a target is a bonus: one that does not evaluate is left out.
            Err(_) if target.is_none() && tgt.is_some() => continue,
            // So is the classic builder's scoping (`${VAR:?}` of an ARG only BuildKit passes on).
            Err(_) if classic => continue,
            Err(e) => return Err(format!("Dockerfile {} not analysed: {e}", path.display())),
        };
        // Sources only another stage than the default one uses.
        let extra = target.is_none() && tgt.is_some();
        let mut added = extra && s.whole_context && !merged.whole_context;
        merged.whole_context |= s.whole_context;
        for item in s.items {
            if seen.insert((item.line, item.instruction.clone(), item.path.clone())) {
                added |= extra;
                merged.items.push(item);
            }
        }
        if let Some(t) = tgt.as_ref().filter(|_| added) {
            if !other_stages.contains(t) {
                other_stages.push(t.clone());
            }
        }
        // Uses of named contexts (`COPY --from=NAME`, …), for `suggest --context NAME`.
        for (name, item) in s.external {
            let key = (
                item.line,
                format!("{name}\0{}", item.instruction),
                item.path.clone(),
            );
            if seen_external.insert(key) {
                merged.external.push((name, item));
            }
        }
    }
    let commands = crate::dockerfile::run_commands(&text);
    let words = commands.concat();
    let mut installs = Installs::of_commands(&commands);
    installs.git =
        crate::dockerfile::build_runs_git(&words, |rel| crate::walk::read_small_text(root, rel))
            || crate::dockerfile::go_build_stamps_vcs(&commands);
    // `mix setup`: an alias of the context's mix.exs that runs `deps.get`.
    installs.mix |= super::mixalias::runs_fetching_alias(&commands, || {
        crate::walk::read_small_text(root, "mix.exs")
    });
    let steps = crate::dockerfile::stage_steps(&text).unwrap_or_default();
    Ok((merged, installs, other_stages, steps))
}

/// Directories where a Dockerfile is not the project's own: dependency trees, VCS data, and a
/// project template's directories (`{{ cookiecutter.project_slug }}/Dockerfile`), which a
/// generator renders into another project; docker never builds them as they are.
fn foreign(path: &str) -> bool {
    path.split('/').any(|c| {
        matches!(
            c,
            "node_modules" | ".git" | ".hg" | ".svn" | "vendor" | ".venv" | "venv" | "__pycache__"
        ) || super::discovered::is_template_dir(c)
    })
}

/// A source that resolves to something in this context (or may, once generated).
fn exists_in(paths: &[String], s: &ContextSource) -> bool {
    paths.iter().any(|p| s.matches(p))
}

/// A source that resolves to something the context's current ignore file sends today, under
/// either builder: one whose every match it excludes (a developer's root `dist/` under
/// `**/dist`) fails a build with this context today, so it says nothing of that context.
fn sent_in(paths: &[String], s: &ContextSource, current: &PatternSet) -> bool {
    use crate::dockerignore::ParentRule;
    paths.iter().any(|p| {
        s.matches(p)
            && [ParentRule::UsingParentResults, ParentRule::OrParentMatches]
                .iter()
                .any(|&r| {
                    current
                        .decide(p.as_bytes(), r)
                        .map_or(true, |d| !d.excluded())
                })
    })
}

/// The directories between a context path and the root, deepest first (`a/b/Dockerfile` →
/// `a/b`, `a`).
fn ancestors(p: &str) -> impl Iterator<Item = &str> {
    p.match_indices('/').map(move |(i, _)| &p[..i]).rev()
}

/// Whether the directory of the context path `p` (a Dockerfile) holds nothing but Dockerfiles
/// and ignore files: `COPY . .` from there would copy only those, so a whole-context Dockerfile
/// there is built with a directory above it (`docker/Dockerfile.agent` beside
/// `docker/Dockerfile.cli`, built by a Makefile with the repository root as the context).
fn dockerfiles_only(root: &Path, p: &str) -> bool {
    let Some((dir, _)) = p.rsplit_once('/') else {
        return false;
    };
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return false;
    };
    entries.into_iter().all(|e| {
        e.is_ok_and(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            e.file_type().is_ok_and(|t| t.is_file())
                && (is_dockerfile_name(name.as_bytes())
                    || name.ends_with(".dockerignore")
                    || name.ends_with(".containerignore"))
        })
    })
}

/// `<dir>/<name>.dockerignore` beside a Dockerfile: the file BuildKit reads for it instead of
/// the context's.
pub(crate) fn per_file(dockerfile: &Path) -> PathBuf {
    let mut n = dockerfile.file_name().unwrap_or_default().to_os_string();
    n.push(".dockerignore");
    dockerfile.with_file_name(n)
}

/// Whether the Dockerfile at the context path `p` names its own directory by its path from the
/// root (`COPY --from=build /src/app/cmd/cli/cli …` in `cmd/cli/Dockerfile` after
/// `COPY . /src/app`, or a comment `-f cmd/cli/Dockerfile .`): the tree it copies holds that
/// directory at that path, so it is built with the root, not with its own directory. After a
/// `/` the path counts only below where the context was copied (`/src/app/cmd/cli/`): in
/// `sentry/Dockerfile`, `/usr/src/sentry/…` after `COPY . /usr/src/sentry` is the image's own
/// path, not the context's `sentry/`.
fn names_own_dir(root: &Path, p: &str) -> bool {
    let Some((dir, _)) = p.rsplit_once('/') else {
        return false;
    };
    let Ok(text) = std::fs::read_to_string(root.join(p)) else {
        return false;
    };
    let copied_to = whole_context_destinations(&text);
    let needle = format!("{dir}/");
    text.match_indices(&needle).any(|(i, _)| {
        let before = &text[..i];
        match before.chars().next_back() {
            None => true,
            Some('/') => copied_to.iter().any(|d| before.ends_with(&format!("{d}/"))),
            Some(c) => c == '=' || c == '"' || c == '\'' || c.is_whitespace(),
        }
    })
}

/// Where a Dockerfile copies its whole context (`COPY . /src/app`, `ADD ./ /src`; for a
/// relative destination, `COPY . .`, every absolute `WORKDIR`), without a trailing `/`.
fn whole_context_destinations(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut relative = false;
    let mut workdirs: Vec<&str> = Vec::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(first) = words.first() else { continue };
        let op = first.to_ascii_uppercase();
        if op == "WORKDIR" {
            workdirs.extend(words.get(1).filter(|w| w.starts_with('/')));
            continue;
        }
        if op != "COPY" && op != "ADD" {
            continue;
        }
        let args: Vec<&str> = words[1..]
            .iter()
            .copied()
            .filter(|w| !w.starts_with("--"))
            .collect();
        let Some((dest, srcs)) = args.split_last() else {
            continue;
        };
        if !srcs.iter().any(|s| matches!(*s, "." | "./")) {
            continue;
        }
        if dest.starts_with('/') {
            out.push(dest.trim_end_matches('/').to_string());
        } else {
            relative = true;
        }
    }
    if relative {
        out.extend(workdirs.iter().map(|w| w.trim_end_matches('/').to_string()));
    }
    out
}

/// A source that resolves to something below `dir` when `dir` is the context.
fn exists_below(paths: &[String], dir: &str, s: &ContextSource) -> bool {
    paths
        .iter()
        .filter_map(|p| p.strip_prefix(dir).and_then(|r| r.strip_prefix('/')))
        .any(|r| s.matches(r))
}

/// Collects the served Dockerfiles. `paths` are every context path (the full walk), the ones
/// the current ignore file excludes too (docker reads a Dockerfile it excludes all the same);
/// `main` is the Dockerfile the configuration resolves to, `None` when there is none (no -f and
/// no Dockerfile at the root): then the Dockerfiles discovery serves alone, possibly none.
#[allow(clippy::too_many_arguments)]
pub(crate) fn collect(
    config: &Config,
    opts: &SuggestOptions,
    root: &Path,
    main: Option<&Path>,
    paths: &[String],
    current: &PatternSet,
    build_args: &[(String, String)],
    notes: &mut Vec<String>,
) -> Result<Vec<Target>, Error> {
    let rel = |p: &Path| crate::explain::rel_display(root, p);
    let notes_before = notes.len();
    let mut out: Vec<Target> = Vec::new();
    let add = |path: PathBuf,
               origin: String,
               required: bool,
               out: &mut Vec<Target>,
               notes: &mut Vec<String>|
     -> Result<(), Error> {
        let canon = std::fs::canonicalize(&path).unwrap_or(path.clone());
        if out
            .iter()
            .any(|t| std::fs::canonicalize(&t.dockerfile).unwrap_or(t.dockerfile.clone()) == canon)
        {
            return Ok(());
        }
        match load(
            &path,
            root,
            config.builder,
            build_args,
            opts.target.as_deref(),
        ) {
            Ok((mut sources, installs, other_stages, steps)) => {
                // Files a step tests for in a copied tree, not in the context yet.
                let reads = super::runreads::optional_reads(&steps, &sources, root);
                sources.items.extend(reads);
                if !other_stages.is_empty() {
                    notes.push(format!(
                        "{}: stage{} {} {} not built by default but by `docker build --target`; {} sources are kept too (pass --target for a file that serves one stage only)",
                        rel(&path),
                        if other_stages.len() == 1 { "" } else { "s" },
                        other_stages.join(", "),
                        if other_stages.len() == 1 { "is" } else { "are" },
                        if other_stages.len() == 1 { "its" } else { "their" },
                    ));
                }
                out.push(Target {
                    rel: rel(&path),
                    dockerfile: path,
                    origin,
                    sources,
                    installs,
                    steps,
                });
                Ok(())
            }
            Err(e) if required => Err(Error::Usage(e)),
            Err(e) => {
                notes.push(format!("{} ({origin}) not served: {e}", rel(&path)));
                Ok(())
            }
        }
    };
    if let Some(main) = main {
        add(main.to_path_buf(), "-f".into(), true, &mut out, notes)?;
        if out[0].origin == "-f" && opts.dockerfiles.is_empty() {
            out[0].origin = "default".into();
        }
    }
    for f in opts.dockerfiles.iter().skip(1) {
        let p = crate::context::absolute(&config.cwd, f);
        add(p, "-f".into(), true, &mut out, notes)?;
    }
    if let Some(given) = &opts.compose {
        let env = |k: &str| std::env::var(k).ok();
        let (_, builds) = crate::compose::load(given.as_deref(), &config.cwd, &env)?;
        notes.extend(builds.notes);
        for b in builds.builds {
            let ctx = std::fs::canonicalize(&b.context).unwrap_or(b.context.clone());
            if ctx != root {
                continue;
            }
            match b.dockerfile {
                // `dockerfile_inline`: served from the file its text is written to.
                Some(d) if d.as_os_str() == "-" => {
                    match super::inline::file(opts, &b.service, b.inline.as_deref())? {
                        Some(p) if main == Some(p.as_path()) => {
                            out[0].origin = format!("compose service {}", b.service);
                        }
                        Some(p) => add(
                            p,
                            format!("compose service {}", b.service),
                            false,
                            &mut out,
                            notes,
                        )?,
                        None => notes.push(format!(
                            "compose service {}: dockerfile_inline not served",
                            b.service
                        )),
                    }
                }
                d => {
                    let d = crate::compose::buildx_dockerfile(
                        d.unwrap_or_else(|| root.join("Dockerfile")),
                    );
                    // A service whose Dockerfile does not exist fails `docker compose build`,
                    // and `ctxsize --compose` with it: an error here too, not a note (the
                    // proposal would serve the others and claim a proof for a build that
                    // cannot run).
                    if !d.is_file() {
                        return Err(Error::Usage(format!(
                            "compose service {}: failed to read dockerfile: open {}: no such file or directory",
                            b.service,
                            d.display()
                        )));
                    }
                    // The first served one, taken from this file (`composed::main`): say so.
                    let same = |a: &Path| std::fs::canonicalize(a).unwrap_or(a.to_path_buf());
                    // The root Dockerfile a service builds too (`build: .`): say so, else the
                    // summary reads as if the compose file had not been read.
                    if main.is_some_and(|m| out[0].origin == "default" && same(&d) == same(m)) {
                        out[0].origin = if config.dockerfile.is_some() {
                            format!("compose service {}", b.service)
                        } else {
                            format!("default, compose service {}", b.service)
                        };
                    }
                    add(
                        d,
                        format!("compose service {}", b.service),
                        false,
                        &mut out,
                        notes,
                    )?;
                }
            }
        }
    }
    if opts.discover {
        let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        // The builds of the Compose and bake files, read once ([`super::discovered::file_builds`]).
        let mut compose_builds: Option<Vec<(String, PathBuf, PathBuf, String)>> = None;
        // In path order: the tree's node order follows the parallel walk's timing, and the
        // served list (the header, the summary) must be the same on every run.
        // Test fixtures found, not served: said once, after the loop.
        let mut fixtures: Vec<&str> = Vec::new();
        let mut found: Vec<&String> = paths
            .iter()
            .filter(|p| is_dockerfile_name(p.rsplit('/').next().unwrap_or(p).as_bytes()))
            .collect();
        found.sort();
        for p in found {
            let name = p.rsplit('/').next().unwrap_or(p);
            if !is_dockerfile_name(name.as_bytes()) || foreign(p) {
                continue;
            }
            let abs = root.join(p);
            if !abs.is_file() || super::discovered::source_file(&abs, name) {
                continue;
            }
            // A Compose file at the root (or a named variant: `docker-compose.prod.yml`) that
            // builds it says with which context. Built only
            // with another directory (`build: ./sentry`): not served, that directory's own
            // ignore file applies. Built with this one: served, whatever its sources say.
            let composed = compose_builds.get_or_insert_with(|| {
                super::discovered::file_builds(root, paths, |d| {
                    foreign(d) || super::discovered::is_template_dir(d)
                })
            });
            let canon_abs = canon(&abs);
            let by: Vec<(&str, &PathBuf, &str)> = composed
                .iter()
                .filter(|(_, d, _, _)| *d == canon_abs)
                .map(|(s, _, c, f)| (s.as_str(), c, f.as_str()))
                .collect();
            let compose_here = by.iter().any(|(_, c, _)| c.as_path() == root);
            // A test fixture (below `testdata/`, `fixtures/`, …) is data the tests hand to a
            // builder with a context of their own (testcontainers-go's `testdata/` and
            // `internal/core/testdata/Dockerfile`'s `COPY . .`), or never build at all (a
            // linter's invalid Dockerfile): not read, not served, unless a Compose or bake file
            // builds it with this context. Served, a whole-context one had the file keep the
            // whole repository (`node_modules/`, `bin/`, `target/` included).
            if !compose_here && super::discovered::in_fixture_dir(p) {
                fixtures.push(p.as_str());
                continue;
            }
            let before = out.len();
            add(abs, "found in the context".into(), false, &mut out, notes)?;
            if out.len() == before {
                continue;
            }
            // A Dockerfile found in a subdirectory is served only when its sources point into
            // this context (else it is built with another context, such as its own directory).
            // One at the root is built with this context by default: served even when its
            // sources do not exist yet (a binary `make` or goreleaser writes first).
            let t = &out[before];
            let ctx_items: Vec<&ContextSource> = t
                .sources
                .items
                .iter()
                .filter(|s| !s.instruction.contains("tmpfs") && !s.unresolved && !s.path.is_empty())
                .filter(|s| s.instruction != super::runreads::RUN_TEST)
                .collect();
            let at_root = !p.contains('/');
            // Sources the current ignore file excludes here do not count: a build with this
            // context could not copy them today (langfuse's package Dockerfile `COPY dist`
            // beside a developer's root `dist/` under `**/dist`).
            let here = ctx_items
                .iter()
                .filter(|s| sent_in(paths, s, current))
                .count();
            let mut excluded_here: Vec<String> = ctx_items
                .iter()
                .filter(|s| exists_in(paths, s) && !sent_in(paths, s, current))
                .map(|s| s.raw.clone())
                .collect();
            excluded_here.sort_unstable();
            excluded_here.dedup();
            // Its sources found as well (or better) from its own directory, or one between it
            // and the root: that is the context it is built with (`services/api/Dockerfile`'s
            // `COPY package.json .env ./` names services/api/'s files, not the root's).
            // The directory (its own, or one between it and the root) holding the most of its
            // sources, at least `min` of them; the deeper one on a tie.
            let best_dir = |min: usize| {
                ancestors(p)
                    .map(|d| {
                        let n = ctx_items
                            .iter()
                            .filter(|s| exists_below(paths, d, s))
                            .count();
                        (d, n)
                    })
                    .filter(|&(_, n)| n >= min)
                    .max_by_key(|&(d, n)| (n, d.len()))
            };
            let own = (!at_root && here > 0).then(|| best_dir(here)).flatten();
            if !at_root && !by.is_empty() && !compose_here {
                let (svc, ctx, dir) = &by[0];
                let t = out.pop().expect("just added");
                let which = if dir.is_empty() {
                    "the Compose file".to_string()
                } else {
                    format!("the Compose file in {dir}/")
                };
                notes.push(format!(
                    "{} (found in the context) not served: {which} builds it (service `{svc}`) with the context {}/, whose own ignore file applies; run `ctxsize suggest {}` for it",
                    t.rel,
                    rel(ctx),
                    rel(ctx),
                ));
                continue;
            }
            // One that copies nothing from a context at all (a `.devcontainer/Dockerfile` of
            // FROM and RUN lines) needs nothing from this one: not served, said. Unless the root
            // Compose file builds it with this context (BookStack's `app` service, `dockerfile:
            // ./dev/docker/Dockerfile`): that build sends this context, and needs none of it.
            let t = &out[before];
            let copies_nothing = !at_root && super::wholectx::copies_nothing(&t.sources.items);
            if copies_nothing && !compose_here {
                let t = out.pop().expect("just added");
                notes.push(format!(
                    "{} (found in the context) not served: it copies nothing from a build context (no COPY, ADD or bind mount of one), so this file changes nothing for it",
                    t.rel
                ));
                continue;
            }
            // Whole directories of other checkouts beside this one (nats-server's
            // `COPY ./nats-server/ ./nsc/ ./natscli/`): built with a parent directory.
            let siblings = !at_root
                && here == 0
                && excluded_here.is_empty()
                && !ctx_items.is_empty()
                && super::discovered::sibling_checkouts(root, paths, &ctx_items);
            let serve = at_root
                || compose_here
                || if ctx_items.is_empty() {
                    super::wholectx::whole_copy(&t.sources.items).is_none()
                        || dockerfiles_only(root, p)
                        || names_own_dir(root, p)
                } else if here == 0 {
                    // Sources that exist nowhere yet (`COPY dist/cli/app /`, written by `make`
                    // first), from a directory of Dockerfiles only: from there they could not
                    // exist either, so it is built with a directory above it, like a whole-
                    // context one there. Left unserved, the proposal would exclude them once
                    // they exist, and that build would fail.
                    dockerfiles_only(root, p)
                        && !ancestors(p)
                            .any(|d| ctx_items.iter().any(|s| exists_below(paths, d, s)))
                        && !super::discovered::missing_source_dir_in_ancestor(paths, p, &ctx_items)
                        && !siblings
                } else {
                    here > 0 && own.is_none()
                };
            // A source that climbs out of its context (atsea's `database/mysql/Dockerfile`,
            // `COPY ../images /images`) was written for a context below this one, where `..`
            // names a directory of this one: docker clips it to the context root, so built
            // with this one it copies `images` from here, which the author did not mean.
            let climbs = (!at_root && !compose_here)
                .then(|| {
                    ctx_items
                        .iter()
                        .find(|s| super::discovered::climbs_out(&s.raw))
                })
                .flatten();
            if let (true, Some(c)) = (serve, climbs) {
                let raw = c.raw.clone();
                let t = out.pop().expect("just added");
                notes.push(format!(
                    "{} (found in the context) not served: its source `{raw}` climbs out of the build context, which docker clips to the context root, so it is written for a context below this one; pass it with -f (or --compose) if it is built with this one",
                    t.rel
                ));
                continue;
            }
            let n_items = ctx_items.len();
            // The sources it names, for the note when none exists here: named, so the user
            // can check; `COPY . .` beside them is said too ("none of its sources exist" is
            // false of a whole-context copy).
            let named = {
                let mut raws: Vec<&str> = ctx_items.iter().map(|s| s.raw.as_str()).collect();
                raws.sort_unstable();
                raws.dedup();
                let more = match raws.len() {
                    0..=3 => String::new(),
                    n => format!(" and {} more", n - 3),
                };
                raws.truncate(3);
                format!("{}{more}", raws.join(", "))
            };
            // Where they do exist (its own directory, or one between it and the root): the
            // directory to run suggest for (jitsi's `base/Dockerfile`, `COPY rootfs /`, beside
            // base/rootfs/).
            let found = best_dir(1);
            if !serve {
                let whole = ctx_items.is_empty();
                let t = out.pop().expect("just added");
                notes.push(if let Some((d, n)) = own {
                    format!(
                        "{} (found in the context) not served: {n} of its {} COPY source(s) exist in {}/, {here} in this context{}, so it is built with that directory; pass it with -f (or --compose) if it is built with this one",
                        t.rel,
                        n_items,
                        d,
                        if excluded_here.is_empty() {
                            String::new()
                        } else {
                            format!(
                                " (not counting {}, which the current ignore file excludes)",
                                excluded_here.join(", ")
                            )
                        }
                    )
                } else if whole {
                    format!(
                        "{} (found in the context) not served: it copies the whole context ({}), which could as well be its own directory; pass it with -f (or --compose) if it is built with this one",
                        t.rel,
                        super::wholectx::whole_copy(&t.sources.items)
                            .map_or_else(|| "`COPY . <dest>` or the like".into(), super::wholectx::describe)
                    )
                } else if !excluded_here.is_empty() {
                    format!(
                        "{} (found in the context) not served: none of its COPY sources is sent from this context today (the current ignore file excludes {}), so it is built with another one",
                        t.rel,
                        excluded_here.join(", ")
                    )
                } else if siblings {
                    format!(
                        "{} (found in the context) not served: the sources it names ({named}) are whole directories that do not exist in this context, named like other checkouts (or this one) beside it, so it is built with a parent directory that holds them; pass it with -f (or --compose) if it is built with this one",
                        t.rel
                    )
                } else {
                    format!(
                        "{} (found in the context) not served: none of the sources it names ({named}) exist in this context{}, so it is built with another one{}",
                        t.rel,
                        super::wholectx::whole_copy(&t.sources.items).map_or_else(String::new, |s| format!(
                            " (its {} would copy any context)",
                            super::wholectx::describe(s)
                        )),
                        match found {
                            Some((d, n)) => format!(
                                ": {n} of its {n_items} exist in {d}/; run `ctxsize suggest {d}` if that is its context"
                            ),
                            None => String::new(),
                        }
                    )
                });
                continue;
            }
            // One with its own `<Dockerfile>.dockerignore` never reads this file under
            // BuildKit: its needs kept here would only widen what the other builds send (a
            // strict allowlist for a release binary growing to the whole source tree for a
            // dev image). Served only when asked for (-f, --compose) or with --per-dockerfile.
            let own_file = per_file(&root.join(p));
            if config.builder == crate::walk::Builder::Buildkit
                && matches!(config.engine, crate::engine::Engine::Docker)
                && !opts.per_dockerfile
                && own_file.is_file()
            {
                let t = out.pop().expect("just added");
                notes.push(format!(
                    "{} (found in the context) not served: under BuildKit it reads its own {}, not this file; pass it with -f if the classic builder builds it with this one",
                    t.rel,
                    crate::explain::rel_display(root, &own_file)
                ));
            }
        }
        super::discovered::collapse_unserved(notes, notes_before);
        super::discovered::note_fixtures(&fixtures, notes);
    } else {
        // Not looked at, but said: a Dockerfile beside the one served may need what the
        // proposal leaves out (saleor's root `COPY . /app` with `-f .devcontainer/Dockerfile`).
        let mut others: Vec<&String> = paths
            .iter()
            .filter(|p| {
                let name = p.rsplit('/').next().unwrap_or(p);
                is_dockerfile_name(name.as_bytes())
                    && !foreign(p)
                    && !out.iter().any(|t| t.dockerfile == root.join(p.as_str()))
            })
            .collect();
        others.sort();
        if !others.is_empty() {
            let shown: Vec<&str> = others.iter().take(5).map(|p| p.as_str()).collect();
            let more = others.len().saturating_sub(5);
            notes.push(format!(
                "--no-discover: {} other Dockerfile(s) in the context not considered ({}{}); the proposed file may leave out what they copy",
                others.len(),
                shown.join(", "),
                if more > 0 { format!(", and {more} more") } else { String::new() }
            ));
        }
    }
    for t in out.iter_mut() {
        if let Some(r) = super::inline::display(opts, &t.dockerfile) {
            for n in notes.iter_mut().skip(notes_before) {
                if let Some(rest) = n.strip_prefix(&format!("{}: stage", t.rel)) {
                    *n = format!("{r}: stage{rest}");
                }
            }
            t.rel = r;
        }
    }
    let served: Vec<&str> = out.iter().map(|t| t.rel.as_str()).collect();
    super::discovered::drop_unserved_stage_notes(notes, notes_before, &served);
    Ok(out)
}

/// With BuildKit and `-f dir/X.Dockerfile`, the per-Dockerfile ignore file is worth offering.
pub(super) fn per_dockerfile_offer(
    config: &Config,
    main: &crate::context::Resolved,
) -> Option<(PathBuf, String)> {
    if config.builder != crate::walk::Builder::Buildkit {
        return None;
    }
    let f = config.dockerfile.as_ref()?;
    if f.as_os_str() == "-" {
        return None;
    }
    let name = main.dockerfile.file_name()?.to_os_string();
    let dir = main.dockerfile.parent()?;
    let per = per_file(&main.dockerfile);
    if main.ignore_file.as_deref() == Some(per.as_path()) {
        return None;
    }
    if name == "Dockerfile" && dir == main.root {
        return None;
    }
    // A Dockerfile outside the context is read with other contexts too (spring-petclinic-
    // microservices builds docker/Dockerfile with each module's target/): its own file would
    // apply to all of them, with this context's paths.
    if !main.dockerfile.starts_with(&main.root) {
        return None;
    }
    Some((
        per.clone(),
        format!(
            "BuildKit reads {} before {}/.dockerignore, so this Dockerfile can have its own allowlist without changing the context's other builds (--per-dockerfile); the classic builder ignores it",
            per.display(),
            main.root.display()
        ),
    ))
}
