//! The one pipeline: everything ctxsize says about one build context, built the same way for
//! the report, `list`, the gates, `explain` and every service of `--compose`.
//!
//! `build` runs, in order: the walk ([`crate::analysis`]), the findings
//! (`crate::findings::compute`), the report model, the Dockerfile's transfer set and checks
//! (read from the file, from stdin for `-f -`, or skipped with a note), the Dockerfile checks as
//! findings (`DF0xx`), the config file (rule settings, baseline) and the gates. Exporters
//! (`render/`) only turn the finished `Report` into bytes.

use std::path::Path;
use std::sync::atomic::AtomicU64;

use crate::analysis::{analyze_resolved_sizes, analyze_with_progress, Analysis, Config};
use crate::context::Resolved;
use crate::dockerfile::{self, is_dockerfile_name, Sources};
use crate::error::Error;
use crate::gate::{CiOptions, Measure, Outcome};
pub use crate::report::ReportOptions;
use crate::report::{DockerfileCheck, Finding, Report};
use crate::rules::lint_rules;
use crate::walk::Builder;

/// The Dockerfile's text when it does not come from a file (`-f -`), and how to evaluate it.
#[derive(Debug, Clone, Default)]
pub struct DockerfileInput {
    /// The Dockerfile read from stdin (`-f -`), if so.
    pub stdin: Option<Vec<u8>>,
    /// `--target`.
    pub target: Option<String>,
    /// `--build-arg` values as given (`NAME=VALUE`, or `NAME` from the environment).
    pub build_args: Vec<String>,
    /// `--churn-commits N`: how many commits of history to read for churn (`None`: 100, or
    /// every commit of the `churn_days` window when that is given; no note when there is no
    /// history; `Some(0)`: off).
    pub churn_commits: Option<u64>,
    /// `--churn-days N`: read only the commits of the last N days (`git log --since`);
    /// `Some(0)`: off.
    pub churn_days: Option<u64>,
    /// Named contexts (`--build-context NAME=…`): see `crate::named`.
    pub build_contexts: Vec<crate::compose::NamedContext>,
}

/// What the pipeline needs beyond the [`Config`].
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Report knobs.
    pub report: ReportOptions,
    /// Gates and the config file.
    pub ci: CiOptions,
    /// The Dockerfile's source and evaluation options.
    pub dockerfile: DockerfileInput,
}

/// A finished context: the analysis, its report, and the gate outcome (`None`: no gate set).
#[derive(Debug)]
pub(crate) struct Built {
    /// The walk.
    pub analysis: Analysis,
    /// The report.
    pub report: Report,
    /// The gates' outcome.
    pub outcome: Option<Outcome>,
}

/// Every file the context sends whose name looks like a Dockerfile, in byte order, escaped for
/// display.
pub(crate) fn dockerfiles_in(a: &Analysis) -> Vec<String> {
    let t = &a.tree;
    let mut v: Vec<Vec<u8>> = (0..t.nodes.len() as u32)
        .filter(|&i| t.nodes[i as usize].kind == crate::tree::Kind::File)
        .filter(|&i| t.nodes[i as usize].state == crate::tree::State::Sent)
        .filter(|&i| is_dockerfile_name(t.name(i)))
        .map(|i| t.path(i))
        .collect();
    v.sort();
    v.iter().map(|p| crate::render::escape(p)).collect()
}

/// The analysis alone (what `list` and `explain` need): the walk as `cfg.builder` does it. A
/// BuildKit context without a Dockerfile is analysed on its own (the context does not depend on
/// it unless `-f` names one): `no_dockerfile` is then true.
pub(crate) fn analyze(
    cfg: &Config,
    progress: Option<&AtomicU64>,
) -> Result<(Analysis, bool), Error> {
    match analyze_with_progress(cfg, progress).map_err(|e| name_given(cfg, e)) {
        Ok(a) => Ok((a, false)),
        Err(Error::BuildkitDockerfile(_))
            if cfg.builder == Builder::Buildkit && cfg.dockerfile.is_none() =>
        {
            let r = resolve_without_dockerfile(cfg)?;
            Ok((
                analyze_resolved_sizes(r, cfg.builder, cfg.threads, cfg.excluded_sizes)?,
                true,
            ))
        }
        Err(e) => Err(e),
    }
}

/// The context as `builder` resolves it; under BuildKit without `-f` and without a Dockerfile,
/// the context alone (`true`: no Dockerfile).
pub(crate) fn resolve(cfg: &Config, builder: Builder) -> Result<(Resolved, bool), Error> {
    match cfg.resolve_for(builder).map_err(|e| name_given(cfg, e)) {
        Ok(r) => Ok((r, false)),
        Err(Error::BuildkitDockerfile(_))
            if builder == Builder::Buildkit && cfg.dockerfile.is_none() =>
        {
            Ok((resolve_without_dockerfile(cfg)?, true))
        }
        Err(e) => Err(e),
    }
}

/// BuildKit's view of a context without a Dockerfile: resolved as for `-f -` (the root
/// `.dockerignore`, no per-Dockerfile file), no Dockerfile inside the context.
fn resolve_without_dockerfile(cfg: &Config) -> Result<Resolved, Error> {
    let mut r = crate::context::resolve(
        &cfg.cwd,
        &cfg.context,
        Some(Path::new("-")),
        Builder::Buildkit,
    )?;
    r.dockerfile = r.root.join("Dockerfile");
    r.dockerfile_rel = None;
    r.notes.extend(crate::context::containerfile_note(&r.root));
    Ok(r)
}

/// An error about the Dockerfile names the path the user gave with `-f`, not its file name only.
pub(crate) fn name_given(cfg: &Config, e: Error) -> Error {
    match (e, &cfg.dockerfile) {
        (Error::BuildkitDockerfile(_), Some(given)) if given != Path::new("-") => {
            Error::BuildkitDockerfile(given.display().to_string())
        }
        (e, _) => e,
    }
}

/// Which command prints [`no_dockerfile_note`]: its `--compose` hint names a command that
/// works for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoteFor {
    /// The report: `--compose` reports every service's context.
    Report,
    /// `suggest`: `--compose` serves only the services that build this context.
    Suggest,
    /// `list`, `hash`: no `--compose` of their own; the report's is named.
    Other,
}

/// The note for a context without a Dockerfile: which ones exist.
pub(crate) fn no_dockerfile_note(a: &Analysis, cmd: NoteFor) -> String {
    let sent = dockerfiles_in(a);
    let root = crate::render::escape_controls(&a.resolved.root.display().to_string());
    // Dockerfiles the ignore file keeps out (linkding's `docker/*.Dockerfile` under a `*`
    // allowlist) are looked for on disk: an excluded directory is not in the tree.
    let kept_out: Vec<String> = dockerfiles_on_disk(&a.resolved.root)
        .into_iter()
        .filter(|p| !sent.contains(p))
        .collect();
    let list = |v: &[String]| {
        let shown: Vec<&str> = v.iter().take(20).map(String::as_str).collect();
        let more = if v.len() > 20 {
            format!(" and {} more", v.len() - 20)
        } else {
            String::new()
        };
        format!("{}{more}", shown.join(", "))
    };
    // A Compose file at the root names the Dockerfiles its services build this context with
    // (one that only runs prebuilt images builds nothing: no hint).
    // `suggest --compose` serves the services that build this context from a Dockerfile that
    // exists, and stops with an error otherwise: named only then.
    let canon_root = std::fs::canonicalize(&a.resolved.root).unwrap_or(a.resolved.root.clone());
    let builds_here = |b: &crate::compose::ServiceBuild| {
        std::fs::canonicalize(&b.context).is_ok_and(|c| c == canon_root) && b.dockerfile_exists()
    };
    let compose = crate::compose::load(None, &a.resolved.root, &|k| std::env::var(k).ok())
        .ok()
        .filter(|(_, b)| match cmd {
            NoteFor::Suggest => b.builds.iter().any(builds_here),
            _ => !b.builds.is_empty(),
        })
        .and_then(|(f, _)| f.file_name().map(|n| n.to_string_lossy().into_owned()));
    let hint = match (compose, cmd) {
        (Some(f), NoteFor::Report) => format!(
            "pass one with -f to check its COPY sources, or run with --compose for the services {f} builds"
        ),
        (Some(f), NoteFor::Suggest) => format!(
            "pass one with -f, or run `ctxsize suggest --compose` for the services {f} builds with this context"
        ),
        (Some(f), NoteFor::Other) => format!(
            "pass one with -f, or run `ctxsize --compose` for the reports of the services {f} builds"
        ),
        (None, _) => "pass one with -f to check its COPY sources".to_string(),
    };
    match (sent.is_empty(), kept_out.is_empty()) {
        (true, true) => format!("no Dockerfile in {root}, and none elsewhere in the context: `docker build` needs one (-f); the context itself does not depend on it"),
        (false, true) => format!(
            "no Dockerfile at the context root; Dockerfiles in the context: {} ({hint})",
            list(&sent)
        ),
        (true, false) => format!(
            "no Dockerfile at the context root; Dockerfiles the ignore file keeps out of the context: {} ({hint}: docker reads it even when it is not sent)",
            list(&kept_out)
        ),
        (false, false) => format!(
            "no Dockerfile at the context root; Dockerfiles in the context: {}; kept out of it by the ignore file: {} ({hint})",
            list(&sent),
            list(&kept_out)
        ),
    }
}

/// Dockerfiles below `root` on disk, sent or not, in byte order and escaped: a bounded look
/// (8 levels, 4,000 directories, 20 names; dependency trees and VCS data skipped) for a note.
fn dockerfiles_on_disk(root: &Path) -> Vec<String> {
    let mut found: Vec<Vec<u8>> = Vec::new();
    let mut todo: Vec<(std::path::PathBuf, Vec<u8>, usize)> =
        vec![(root.to_path_buf(), Vec::new(), 0)];
    let mut dirs = 0;
    while let Some((dir, rel, depth)) = todo.pop() {
        dirs += 1;
        if dirs > 4000 || found.len() >= 20 {
            break;
        }
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let name = e.file_name();
            let nb = crate::sys::os_bytes(&name).into_owned();
            let mut path = rel.clone();
            if !path.is_empty() {
                path.push(b'/');
            }
            path.extend_from_slice(&nb);
            // Never through a symlink (docker does not follow them either).
            let Ok(ft) = e.file_type() else {
                continue;
            };
            if ft.is_dir() {
                if depth < 8
                    && !matches!(
                        &nb[..],
                        b".git" | b"node_modules" | b"vendor" | b"target" | b".venv" | b"venv"
                    )
                {
                    todo.push((e.path(), path, depth + 1));
                }
            } else if ft.is_file() && is_dockerfile_name(&nb) {
                found.push(path);
            }
        }
    }
    found.sort();
    found.truncate(20);
    found.iter().map(|p| crate::render::escape(p)).collect()
}

/// What makes two analyses one walk: the root, the builder (classic or not), the ignore text,
/// the classic builder's appended exceptions (R18: `!<Dockerfile>` when the file excludes it),
/// and the walk mode.
type WalkKey = (std::path::PathBuf, bool, Vec<u8>, Option<Vec<u8>>, bool);

/// Walks already made, for several targets sharing one context (Compose services): each
/// (context, builder, ignore file) is walked once.
#[derive(Default)]
pub(crate) struct WalkCache {
    walks: std::collections::HashMap<WalkKey, Analysis>,
    /// The Dockerfile-independent findings of each context walked (the rules, git, the
    /// content scan), for the next target that sends it.
    /// Keyed by the walk and the report options (as printed: every knob counts).
    prepared: std::collections::HashMap<(WalkKey, String), crate::findings::Prepared>,
}

impl WalkCache {
    /// The analysis for `cfg`, from the cache when an earlier target walked the same context.
    fn analyze(&mut self, cfg: &Config) -> Result<(Analysis, bool, WalkKey), Error> {
        let (r, no_dockerfile) = resolve(cfg, cfg.builder)?;
        let key: WalkKey = (
            r.root.clone(),
            cfg.builder == Builder::Classic,
            r.ignore_text.clone(),
            match cfg.builder {
                // The exceptions docker appends (line 0): `!.dockerignore`, `!<Dockerfile>`.
                Builder::Classic => Some(
                    crate::analysis::effective_patterns(&r, cfg.builder)?
                        .0
                        .iter()
                        .filter(|l| l.line == 0)
                        .flat_map(|l| [&l.cleaned[..], b"\0"].concat())
                        .collect(),
                ),
                Builder::Buildkit => None,
            },
            crate::analysis::full_walk_override().unwrap_or(cfg.excluded_sizes),
        );
        if let Some(prev) = self.walks.get(&key) {
            return Ok((crate::analysis::reuse(prev, r)?, no_dockerfile, key));
        }
        let a = analyze_resolved_sizes(r.clone(), cfg.builder, cfg.threads, cfg.excluded_sizes)?;
        let copy = crate::analysis::reuse(&a, r)?;
        self.walks.insert(key.clone(), a);
        Ok((copy, no_dockerfile, key))
    }

    /// The findings of `a` (walked as `key`) graded by `df`: the Dockerfile-independent part
    /// is computed for the first target on a context and reused for the others (ten targets on
    /// one context cost about what one does).
    fn findings(
        &mut self,
        key: &WalkKey,
        a: &Analysis,
        opts: &crate::report::ReportOptions,
        df: &crate::findings::PlanInput,
    ) -> crate::report::Extra {
        let key = (key.clone(), format!("{opts:?}"));
        if let Some(p) = self.prepared.get(&key) {
            return crate::findings::compute_prepared(a, opts, df, p);
        }
        let p = crate::findings::prepare(a, opts);
        let extra = crate::findings::compute_prepared(a, opts, df, &p);
        self.prepared.insert(key, p);
        extra
    }
}

/// Builds the full report for one context.
pub(crate) fn build(
    cfg: &Config,
    opts: &Options,
    progress: Option<&AtomicU64>,
) -> Result<Built, Error> {
    build_with(cfg, opts, progress, None).map(|(b, _)| b)
}

/// [`build`], also returning the Dockerfile's evaluated sources (`None`: no Dockerfile read).
pub(crate) fn build_with_sources(
    cfg: &Config,
    opts: &Options,
    progress: Option<&AtomicU64>,
) -> Result<(Built, Option<Sources>), Error> {
    build_with(cfg, opts, progress, None)
}

/// [`build`] for one of several targets (a context an earlier target walked is not walked
/// again), also returning the Dockerfile's evaluated sources.
pub(crate) fn build_cached_with_sources(
    cfg: &Config,
    opts: &Options,
    cache: &mut WalkCache,
) -> Result<(Built, Option<Sources>), Error> {
    build_with(cfg, opts, None, Some(cache))
}

fn build_with(
    cfg: &Config,
    opts: &Options,
    progress: Option<&AtomicU64>,
    cache: Option<&mut WalkCache>,
) -> Result<(Built, Option<Sources>), Error> {
    let cfg = &with_config_file_sizes(cfg, &opts.ci);
    let findings = !opts.ci.gates_only || gates_need_findings(cfg, &opts.ci)?;
    let mut cache = cache;
    // What git tracks is read beside the walk (it needs only the context's root).
    let read_git = findings && cache.is_none() && !opts.report.all_tracked;
    let (analyzed, git) = std::thread::scope(|s| {
        let ahead = read_git.then(|| {
            s.spawn(|| {
                crate::context::context_root(&cfg.cwd, &cfg.context)
                    .ok()
                    .map(crate::findings::git::Loaded::read)
            })
        });
        let analyzed = match cache.as_deref_mut() {
            Some(c) => c.analyze(cfg).map(|(a, nd, k)| (a, nd, Some(k))),
            None => analyze(cfg, progress).map(|(a, nd)| (a, nd, None)),
        };
        (analyzed, ahead.and_then(|h| h.join().ok()).flatten())
    });
    let (a, no_dockerfile, key) = analyzed?;
    let from_stdin = cfg.dockerfile.as_deref() == Some(Path::new("-"));
    // Secrets are graded by the Dockerfile the build uses: stdin's for `-f -`, same target and
    // build args as the transfer set.
    let plan_input = crate::findings::PlanInput {
        from_stdin,
        stdin: opts.dockerfile.stdin.clone(),
        options: dockerfile::Options {
            build_args: build_args(&opts.dockerfile.build_args),
            target: opts.dockerfile.target.clone(),
            classic: false,
        },
    };
    // The findings and the Dockerfile checks side by side (neither reads the other; the checks'
    // results are added after, in the order they would have been written).
    let (extra, df) = rayon::join(
        || {
            if !findings {
                crate::report::Extra::default()
            } else if let (Some(c), Some(k)) = (cache, key.as_ref()) {
                c.findings(k, &a, &opts.report, &plan_input)
            } else {
                crate::findings::compute_loaded(&a, &opts.report, &plan_input, git)
            }
        },
        || {
            (!no_dockerfile).then(|| {
                let mut df = DfReport::default();
                let sources = dockerfile_checks(&a, opts, from_stdin, &mut df);
                (df, sources)
            })
        },
    );
    let mut report = Report::new(&a, extra);
    report.root_files = Some(root_files(&a));
    let env = std::env::var_os("DOCKER_BUILDKIT");
    // DOCKER_BUILDKIT only here: the buildx plugin decides `docker build` alone, not compose or
    // bake, so the report command adds it ([`docker_build_note`]).
    report.notes.extend(engine_note(
        cfg.builder,
        env.as_deref().map(|v| v.to_string_lossy()),
        None,
    ));
    if from_stdin {
        report.dockerfile = "-".into();
    }
    let mut sources = None;
    if no_dockerfile {
        report.dockerfile = String::new();
        report.notes.push(no_dockerfile_note(&a, NoteFor::Report));
    }
    if let Some((df, s)) = df {
        df.apply(&mut report);
        sources = s;
    }
    let outcome = apply_config_and_gates(&opts.ci, &a, &mut report)?;
    Ok((
        Built {
            analysis: a,
            report,
            outcome,
        },
        sources,
    ))
}

/// Which builder `docker build` will use here, when it is not the one analysed (or why it
/// fails): `DOCKER_BUILDKIT` as docker/cli's `processBuilder` (cmd/docker/builder.go) reads it
/// (`os.Getenv`, so empty is unset, and Go's `strconv.ParseBool`; anything else fails), and, when
/// `setup` says docker is installed, whether the buildx plugin is there (without it docker
/// falls back to the legacy builder). See [`crate::buildx`].
pub(crate) fn engine_note(
    analysed: Builder,
    docker_buildkit: Option<std::borrow::Cow<'_, str>>,
    setup: Option<&crate::buildx::Setup>,
) -> Option<String> {
    crate::buildx::note(analysed, docker_buildkit.as_deref(), setup)
}

/// For the report of a `docker build` (not compose, not bake, which build differently): the
/// note of [`engine_note`] with the buildx plugin looked for as docker/cli does, in place of the
/// one the pipeline wrote from `DOCKER_BUILDKIT` alone.
pub(crate) fn docker_build_note(
    report: &mut Report,
    analysed: Builder,
    setup: &crate::buildx::Setup,
) {
    let env = std::env::var_os("DOCKER_BUILDKIT");
    let env = env.as_deref().map(|v| v.to_string_lossy());
    let plain = engine_note(analysed, env.clone(), None);
    let full = engine_note(analysed, env, Some(setup));
    if plain == full {
        return;
    }
    let at = plain
        .as_ref()
        .and_then(|p| report.notes.iter().position(|n| n == p));
    match (at, full) {
        (Some(i), Some(f)) => report.notes[i] = f,
        (Some(i), None) => {
            report.notes.remove(i);
        }
        (None, Some(f)) => report.notes.insert(0, f),
        (None, None) => {}
    }
}

/// `excluded_sizes = false` in the config file turns the kept-out sizes off as
/// `--no-excluded-sizes` does. The file is read here before the walk only for this key; an
/// error in it is reported after the walk, where the whole file is applied.
fn with_config_file_sizes(cfg: &Config, ci: &CiOptions) -> Config {
    let root = crate::context::absolute(&cfg.cwd, &cfg.context);
    let off = crate::config_file::FileConfig::load(ci.config.as_deref(), &root)
        .is_ok_and(|f| f.excluded_sizes == Some(false));
    Config {
        excluded_sizes: cfg.excluded_sizes && !off && !ci.gates_only,
        ..cfg.clone()
    }
}

/// With `--gates-only`: whether the gates compare findings (`--fail-on`, from the flags or the
/// config file), so that the rules and the content scan must run. An error when no gate is set
/// at all: a `--gates-only` run that checks nothing must not pass silently.
fn gates_need_findings(cfg: &Config, ci: &CiOptions) -> Result<bool, Error> {
    let root = crate::context::absolute(&cfg.cwd, &cfg.context);
    let file = crate::config_file::FileConfig::load(ci.config.as_deref(), &root)?;
    let limits = ci.limits.over(&file.limits);
    if !limits.any() {
        return Err(Error::Usage(
            "--gates-only: no gate is set (give --budget, --max-files, --max-file-size or --fail-on, or set them in .ctxsize.toml)".into(),
        ));
    }
    Ok(limits.fail_on.is_some())
}

/// Regular files sent at the context root: (files, bytes), hardlinked content once.
pub(crate) fn root_files(a: &Analysis) -> (u64, u64) {
    let t = &a.tree;
    let mut no_data = vec![false; t.nodes.len()];
    for &h in &a.hardlink_entries {
        no_data[h as usize] = true;
    }
    let (mut files, mut bytes) = (0, 0);
    for id in t.sent() {
        let n = &t.nodes[id as usize];
        if n.parent == crate::tree::ROOT && n.kind == crate::tree::Kind::File {
            files += 1;
            if !no_data[id as usize] {
                bytes += n.size;
            }
        }
    }
    (files, bytes)
}

/// Parses `--build-arg` values: `NAME=VALUE`, or `NAME` taken from the environment (skipped
/// when unset, as docker does).
pub(crate) fn build_args(raw: &[String]) -> Vec<(String, String)> {
    raw.iter()
        .filter_map(|a| match a.split_once('=') {
            Some((k, v)) => Some((k.to_string(), v.to_string())),
            None => std::env::var(a).ok().map(|v| (a.clone(), v)),
        })
        .collect()
}

/// The report for a named local context (`--build-context`, `additional_contexts`, bake
/// `contexts`): its own root `.dockerignore` only, never `<Dockerfile>.dockerignore` (BuildKit
/// reads `.dockerignore` alone for a `local:` named context: moby/buildkit
/// frontend/dockerui/namedcontext.go, `case "local"`), no Dockerfile of its own. `uses`: the
/// Dockerfile's sources that read it (`COPY --from=NAME`, `RUN --mount=from=NAME`, `FROM NAME`)
/// with the Dockerfile's path for findings; `None` when no Dockerfile was read.
pub(crate) fn build_named(
    cfg: &Config,
    opts: &Options,
    uses: Option<(&Sources, &str)>,
) -> Result<Built, Error> {
    let a = analyze_named(cfg)?;
    let extra = crate::findings::compute(&a, &opts.report);
    let mut report = Report::new(&a, extra);
    report.dockerfile = String::new();
    report.root_files = Some(root_files(&a));
    if let Some((sources, df_path)) = uses {
        report.dockerfile = df_path.to_string();
        let mut df = DfReport::default();
        apply_transfer(&a, sources, df_path, &mut df);
        df.apply(&mut report);
    }
    let outcome = apply_config_and_gates(&opts.ci, &a, &mut report)?;
    Ok(Built {
        analysis: a,
        report,
        outcome,
    })
}

/// The walk of a named local context: BuildKit's rules, its root `.dockerignore` only (resolved
/// as for `-f -`, which never reads `<Dockerfile>.dockerignore`).
pub(crate) fn analyze_named(cfg: &Config) -> Result<Analysis, Error> {
    if cfg.engine.is_podman() {
        let r = crate::context::resolve_podman_named(&cfg.cwd, &cfg.context)?;
        return analyze_resolved_sizes(r, Builder::Classic, cfg.threads, cfg.excluded_sizes);
    }
    let r = crate::context::resolve(
        &cfg.cwd,
        &cfg.context,
        Some(Path::new("-")),
        Builder::Buildkit,
    )?;
    analyze_resolved_sizes(r, Builder::Buildkit, cfg.threads, cfg.excluded_sizes)
}

fn parse_dockerfile(text: &[u8], name: &str, opts: &DockerfileInput) -> Result<Sources, String> {
    let text = String::from_utf8_lossy(text);
    let dopts = dockerfile::Options {
        build_args: build_args(&opts.build_args),
        target: opts.target.clone(),
        classic: false,
    };
    dockerfile::parse(&text)
        .and_then(|df| df.context_sources(&dopts))
        .map_err(|e| format!("Dockerfile {name} not analysed: {e}"))
}

/// The transfer set and the Dockerfile checks, added to the report; each check is also a
/// finding (`DF0xx`) on the Dockerfile's line.
fn dockerfile_checks(
    a: &Analysis,
    opts: &Options,
    from_stdin: bool,
    report: &mut DfReport,
) -> Option<Sources> {
    let path = &a.resolved.dockerfile;
    let name = if from_stdin {
        "- (stdin)".to_string()
    } else {
        crate::render::escape_controls(&path.display().to_string())
    };
    let text = match &opts.dockerfile.stdin {
        Some(t) if from_stdin => Ok(t.clone()),
        _ if from_stdin => Err("the Dockerfile from stdin was not read".to_string()),
        // As the builder reads it: BuildKit follows a symlink inside the Dockerfile's directory.
        _ => crate::context::read_regular(&crate::context::dockerfile_as_read(a.builder, path))
            .map_err(|e| {
                format!(
                    "cannot read the Dockerfile {name}: {}",
                    crate::error::go_err(&e)
                )
            }),
    };
    let steps = text
        .as_ref()
        .ok()
        .and_then(|t| dockerfile::stage_steps(&String::from_utf8_lossy(t)).ok());
    let sources = text.and_then(|t| parse_dockerfile(&t, &name, &opts.dockerfile));
    let df_path = if from_stdin {
        "-".to_string()
    } else {
        match path.strip_prefix(&a.resolved.root) {
            Ok(r) => r.display().to_string(),
            Err(_) => path.display().to_string(),
        }
    };
    let sources = match sources {
        Ok(s) => s,
        Err(e) => {
            let rule = lint_rules::rule("DF005").expect("DF005 is in the catalog");
            report.findings.push(Finding {
                rule: rule.id.into(),
                category: "dockerfile".into(),
                severity: "medium".into(),
                path: df_path,
                message: e.clone(),
                ..Default::default()
            });
            report.notes.push(e);
            return None;
        }
    };
    apply_transfer(a, &sources, &df_path, report);
    if let Some(steps) = steps {
        let copies = crate::layers::copy_files(a, &sources);
        let mut layers = crate::layers::analyse(&a.tree, &steps, &copies, &df_path);
        let days = opts.dockerfile.churn_days;
        let window = crate::churn::Window::new(opts.dockerfile.churn_commits, days);
        let history = match window {
            None => None,
            Some(w) => match crate::churn::history(&a.resolved.root, &w) {
                Ok(h) => Some(h),
                Err(e) => {
                    if opts.dockerfile.churn_commits.is_some() || days.is_some() {
                        report.notes.push(e);
                    }
                    None
                }
            },
        };
        let classic = a.builder == Builder::Classic;
        let churn = crate::churn::apply(
            &a.tree,
            &mut layers.stages,
            &copies,
            history.as_ref(),
            &df_path,
            classic,
        );
        if let (Some(d), Some(_)) = (days, &history) {
            for s in layers.stages.iter_mut().flat_map(|s| s.steps.iter_mut()) {
                if s.churn_commits.is_some() {
                    s.churn_days = Some(d);
                }
            }
        }
        report.findings.extend(layers.findings);
        report.findings.extend(churn);
        report.layers = Some(layers.stages);
    }
    Some(sources)
}

/// The transfer set of `sources` in the analysed context and the Dockerfile checks, added to the
/// report; each check is also a finding (`DF0xx`) on the Dockerfile's line.
fn apply_transfer(a: &Analysis, sources: &Sources, df_path: &str, report: &mut DfReport) {
    let root = a.resolved.root.clone();
    let exists = move |p: &str| std::fs::symlink_metadata(root.join(p)).is_ok();
    let mut t = crate::transfer::compute(a, sources, &exists);
    generated_sources(a, &mut t.checks);
    if a.builder == Builder::Buildkit {
        report.transfer_files = Some(t.files);
        report.transfer_bytes = Some(t.bytes);
        report.transfer_whole_context = Some(t.whole_context);
        if let Some(img) = crate::image::compute(a, sources, &t.used) {
            // Its notes depend on the secret findings, computed side by side: placed here
            // once they are known ([`DfReport::apply`]).
            report.copy_excluded_notes_at = Some((report.notes.len(), df_path.to_string()));
            report.image_files = Some(img.files);
            report.image_bytes = Some(img.bytes);
            report.copy_excluded = Some(img.excluded);
        }
    }
    // The whole-context note is about BuildKit's transfer; the classic builder always sends
    // everything it lists.
    report.notes.extend(
        t.notes
            .into_iter()
            .filter(|n| a.builder == Builder::Buildkit || !n.contains("whole context")),
    );
    report
        .findings
        .extend(t.checks.iter().filter_map(|c| check_finding(c, df_path)));
    report.dockerfile_checks = Some(t.checks);
}

/// A secret that `COPY --exclude` keeps out of the image is still transferred to the builder:
/// its finding says so ([`crate::findings`]), and a note gives the `.dockerignore` line that
/// keeps it off the wire.
fn copy_excluded_secrets(
    excluded: &[crate::report::CopyExcluded],
    df_path: &str,
    report: &Report,
) -> Vec<String> {
    let mut notes = Vec::new();
    for f in report.findings.iter().filter(|f| f.category == "secret") {
        let hit = excluded.iter().find(|e| {
            e.path == f.path
                || (e.path.starts_with(&f.path) && e.path[f.path.len()..].starts_with('/'))
        });
        if let Some(e) = hit {
            notes.push(format!(
                "{} is excluded only by COPY --exclude ({df_path} line {}): still transferred to the builder; add `{}` to .dockerignore to keep it out of the transfer too",
                crate::render::escape_controls(&f.path),
                e.line,
                f.fix
            ));
        }
    }
    notes
}

/// What the Dockerfile checks add to a report, computed beside the findings and then added
/// ([`DfReport::apply`]) exactly as if written into the report in order.
#[derive(Default)]
struct DfReport {
    findings: Vec<Finding>,
    notes: Vec<String>,
    /// Where among `notes` the `COPY --exclude` secret notes go, and the Dockerfile's path.
    copy_excluded_notes_at: Option<(usize, String)>,
    transfer_files: Option<u64>,
    transfer_bytes: Option<u64>,
    transfer_whole_context: Option<bool>,
    image_files: Option<u64>,
    image_bytes: Option<u64>,
    copy_excluded: Option<Vec<crate::report::CopyExcluded>>,
    dockerfile_checks: Option<Vec<crate::transfer::DockerfileCheck>>,
    layers: Option<Vec<crate::report::LayerStage>>,
}

impl DfReport {
    /// Adds these results to a report fresh from `Report::new` (its Dockerfile fields unset),
    /// whose findings are the report's own (the `COPY --exclude` notes are about its secret
    /// findings).
    fn apply(mut self, report: &mut Report) {
        if let (Some((at, df_path)), Some(ex)) = (&self.copy_excluded_notes_at, &self.copy_excluded)
        {
            let notes = copy_excluded_secrets(ex, df_path, report);
            let at = (*at).min(self.notes.len());
            self.notes.splice(at..at, notes);
        }
        report.notes.extend(self.notes);
        report.transfer_files = self.transfer_files;
        report.transfer_bytes = self.transfer_bytes;
        report.transfer_whole_context = self.transfer_whole_context;
        report.image_files = self.image_files;
        report.image_bytes = self.image_bytes;
        report.copy_excluded = self.copy_excluded;
        report.dockerfile_checks = self.dockerfile_checks;
        report.layers = self.layers;
        add_findings(report, self.findings);
    }
}

/// A missing source that git ignores (`COPY dist/$TARGETPLATFORM/app`, `COPY UI/Web/dist/browser`)
/// is what a step before the build writes (a `make`, a goreleaser or front-end build): still
/// a failing build until it exists, said so, but a warning, not an error, so that a pre-commit
/// check on a healthy checkout passes.
fn generated_sources(a: &Analysis, checks: &mut [DockerfileCheck]) {
    let missing = |c: &DockerfileCheck| {
        c.check == "missing-source" && c.severity == "error" && !c.path.is_empty()
    };
    if !checks.iter().any(missing) {
        return;
    }
    let ignored = crate::findings::git_ignores(a);
    let by_goreleaser = a
        .resolved
        .dockerfile_rel
        .as_deref()
        .is_some_and(|r| goreleaser_builds(&a.resolved.root, r));
    for c in checks.iter_mut() {
        if !missing(c) {
            continue;
        }
        if let Some(what) = git_ignored_source(&ignored, &c.path) {
            c.severity = "warning".into();
            c.message.push_str(&format!(
                "; git ignores {what}, so it is output a step before the build writes"
            ));
        } else if by_goreleaser {
            c.severity = "warning".into();
            c.message.push_str(
                "; goreleaser builds this Dockerfile (a `dockers` entry of its configuration) in a directory of its own holding the binaries it builds, so the path is output a step before that build writes",
            );
        }
    }
}

/// How git ignores a missing source `path` (`ignored(path, is_dir)`), said for the message: the
/// path as a file or as a directory (`dist/`, the usual line for a build's output directory,
/// names directories only, and a missing source may be either), or everything a directory there
/// would hold (`build/*`, `dist/**`: the directory itself is not ignored, what a step writes
/// into it is). `None`: git would track it.
fn git_ignored_source(ignored: &impl Fn(&str, bool) -> bool, path: &str) -> Option<&'static str> {
    let p = path.trim_end_matches('/');
    if p.is_empty() {
        return None;
    }
    if ignored(p, false) || ignored(p, true) {
        return Some("that path");
    }
    // A name no ignore line targets by itself: only a line over the directory's contents
    // (`build/*`, `build/**`) matches it.
    let probe = format!("{p}/ctxsize-probe-entry");
    (ignored(&probe, false) && ignored(&probe, true)).then_some("what that directory holds")
}

/// Whether a goreleaser configuration at the context root (`.goreleaser.yml`, …) builds the
/// Dockerfile at `rel`: an entry of its `dockers` or `dockers_v2` list names it (`dockerfile:`,
/// `Dockerfile` when left out). goreleaser builds that image in a directory of its own holding
/// the binaries it has just built and the entry's `extra_files`, not from the checkout, so a
/// `COPY ntfy /usr/bin` of its binary is no missing file there.
fn goreleaser_builds(root: &Path, rel: &[u8]) -> bool {
    use serde_yaml_ng::Value;
    [
        ".goreleaser.yml",
        ".goreleaser.yaml",
        "goreleaser.yml",
        "goreleaser.yaml",
    ]
    .iter()
    .filter_map(|n| std::fs::read_to_string(root.join(n)).ok())
    .filter_map(|t| serde_yaml_ng::from_str::<Value>(&t).ok())
    .any(|doc| {
        ["dockers", "dockers_v2"].iter().any(|k| {
            doc.get(k).and_then(Value::as_sequence).is_some_and(|list| {
                list.iter().any(|e| {
                    let df = e
                        .get("dockerfile")
                        .and_then(Value::as_str)
                        .unwrap_or("Dockerfile");
                    df.trim_start_matches("./").as_bytes() == rel
                })
            })
        })
    })
}

/// The finding for one Dockerfile check: a missing or excluded source fails the build (`high`,
/// which `--fail-on error` selects), unless the check is only a warning (BuildKit copies nothing
/// for an empty wildcard; a source git ignores is written before the build): `medium`; a partly
/// sent directory is `low`; an unresolved source `info`.
pub(crate) fn check_finding(c: &DockerfileCheck, dockerfile: &str) -> Option<Finding> {
    let rule = lint_rules::dockerfile_rule(&c.check)?;
    let severity = match c.check.as_str() {
        "missing-source" if c.severity == "warning" => "medium",
        "excluded-source" | "missing-source" => "high",
        "partly-sent" => "low",
        _ => "info",
    };
    let fix = match (&c.check[..], &c.ignore_pattern) {
        ("excluded-source", Some(_)) | ("partly-sent", Some(_)) if !c.path.is_empty() => {
            format!("!{}", c.path)
        }
        _ => String::new(),
    };
    Some(Finding {
        rule: rule.id.into(),
        category: "dockerfile".into(),
        severity: severity.into(),
        path: dockerfile.to_string(),
        files: c.files_not_sent,
        message: c.message.clone(),
        fix,
        line: Some(c.line),
        ..Default::default()
    })
}

fn rank(sev: &str) -> u8 {
    match sev {
        "high" => 3,
        "medium" => 2,
        "low" => 1,
        _ => 0,
    }
}

/// Inserts findings keeping the list most severe first (each goes after the existing findings
/// of its severity or above; the existing order is kept).
fn add_findings(report: &mut Report, new: Vec<Finding>) {
    add_sorted(&mut report.findings, new);
}

/// Adds `new` to a most-severe-first list, each after the findings of its own severity.
fn add_sorted(findings: &mut Vec<Finding>, new: Vec<Finding>) {
    for f in new {
        let at = findings
            .iter()
            .position(|x| rank(&x.severity) < rank(&f.severity))
            .unwrap_or(findings.len());
        findings.insert(at, f);
    }
}

/// Applies the config file (rule settings, baseline) to the report's findings and runs the
/// gates. Returns `None` when no gate is set.
pub(crate) fn apply_config_and_gates(
    ci: &CiOptions,
    a: &Analysis,
    report: &mut Report,
) -> Result<Option<Outcome>, Error> {
    let file = crate::config_file::FileConfig::load(ci.config.as_deref(), &a.resolved.root)?;
    let accepted = file.apply(&mut report.findings);
    if accepted > 0 {
        if let Some(p) = &file.path {
            report.notes.push(format!(
                "{accepted} finding{} accepted by the baseline in {}",
                if accepted == 1 { "" } else { "s" },
                p.display()
            ));
        }
    }
    let limits = ci.limits.over(&file.limits);
    if !limits.any() {
        return Ok(None);
    }
    let m = Measure::new(a, report, limits.max_file_size);
    crate::gate::evaluate(
        &limits,
        &m,
        &report.findings,
        ci.warn_only || file.warn_only,
    )
    .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_note_follows_docker_buildkit() {
        use std::borrow::Cow;
        let n = |b, v: Option<&'static str>| engine_note(b, v.map(Cow::Borrowed), None);
        assert_eq!(n(Builder::Buildkit, None), None);
        assert_eq!(n(Builder::Buildkit, Some("1")), None);
        assert_eq!(n(Builder::Classic, Some("false")), None);
        assert!(n(Builder::Buildkit, Some("0"))
            .unwrap()
            .contains("classic builder"));
        assert!(n(Builder::Buildkit, Some("F"))
            .unwrap()
            .contains("classic builder"));
        assert!(n(Builder::Classic, Some("True"))
            .unwrap()
            .contains("uses BuildKit"));
        // strconv.ParseBool rejects "yes" and "01": docker build fails.
        assert!(n(Builder::Buildkit, Some("yes"))
            .unwrap()
            .contains("not a boolean"));
        assert!(n(Builder::Classic, Some("01"))
            .unwrap()
            .contains("not a boolean"));
    }

    #[test]
    fn checks_become_findings() {
        let c = DockerfileCheck {
            check: "missing-source".into(),
            severity: "error".into(),
            line: 3,
            instruction: "COPY".into(),
            source: "missing.txt".into(),
            path: "missing.txt".into(),
            ignore_line: None,
            ignore_pattern: None,
            files: 0,
            files_not_sent: 0,
            message: "COPY missing.txt does not exist".into(),
        };
        let f = check_finding(&c, "Dockerfile").unwrap();
        assert_eq!(
            (f.rule.as_str(), f.severity.as_str(), f.line),
            ("DF002", "high", Some(3))
        );
        assert_eq!(f.path, "Dockerfile");
        for (check, rule, sev) in [
            ("excluded-source", "DF001", "high"),
            ("partly-sent", "DF003", "low"),
            ("unresolved-source", "DF004", "info"),
        ] {
            let c = DockerfileCheck {
                check: check.into(),
                ..c.clone()
            };
            let f = check_finding(&c, "Dockerfile").unwrap();
            assert_eq!((f.rule.as_str(), f.severity.as_str()), (rule, sev));
        }
        let c = DockerfileCheck {
            check: "something-new".into(),
            ..c
        };
        assert!(check_finding(&c, "Dockerfile").is_none());
    }

    fn finding(rule: &str, sev: &str) -> Finding {
        Finding {
            rule: rule.into(),
            category: "x".into(),
            severity: sev.into(),
            path: "p".into(),
            message: String::new(),
            ..Default::default()
        }
    }

    #[test]
    fn added_findings_keep_the_list_most_severe_first() {
        let a = crate::testutil::ctx(&["Dockerfile"], "", b"FROM scratch\n");
        let an = crate::analysis::analyze(&crate::testutil::config(a.path(), Builder::Buildkit, 1))
            .unwrap();
        let mut r = Report::new(&an, crate::report::Extra::default());
        r.findings = vec![
            finding("A", "high"),
            finding("B", "medium"),
            finding("C", "medium"),
            finding("D", "info"),
        ];
        add_findings(&mut r, vec![finding("X", "high"), finding("Y", "medium")]);
        let ids: Vec<&str> = r.findings.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(ids, ["A", "X", "B", "C", "Y", "D"]);
    }
}
