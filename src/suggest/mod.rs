//! `ctxsize suggest`: an allowlist ignore file generated from the Dockerfiles that use it,
//! proven before it is offered.
//!
//! 1. The whole context is walked with no patterns (`model`). The served Dockerfiles
//!    (`targets`) are every `-f`, the Compose services that build this context, and the
//!    Dockerfiles found by name in the context whose sources point into it. Their sources
//!    (`COPY`/`ADD` without `--from`, `RUN --mount=type=bind`, in the stages the target
//!    reaches; platform ARGs for the native and the common platforms) select what the build
//!    copies.
//! 2. The file (`plan`) is `*`, then `!` lines: the Dockerfiles' own globs mirrored, the
//!    fewest literal lines that keep every selected path, sources that do not exist yet; for
//!    `COPY . .` one line per top-level entry worth sending. Then the user's lines
//!    (`carry`): those still deciding something inside the kept paths and every protective
//!    line. Then re-exclusions (`reexclude`) limited to what cannot belong in an image.
//! 3. `prove` analyses the context again with the proposal for every served Dockerfile under
//!    every builder that reads the file: every file the build copies and sends today must still
//!    be sent, except the listed removals. A failure broadens the lines and proves again; what
//!    cannot be proven is reported and the command exits 1. What no line can fix (a
//!    Dockerfile built with another context, a secret inside a file the build copies) is a
//!    warning of the summary (`warn`).
//! 4. [`write`] replaces the file atomically and keeps the previous one where the next build
//!    does not send it (checked after the write).

mod absent_top;
mod buildout;
pub(crate) mod carry;
mod composed;
mod contexts;
mod covered;
pub(crate) mod discovered;
mod emit;
mod exceptions;
mod guard;
mod inline;
mod leadvar;
mod missing;
mod mixalias;
pub(crate) mod model;
pub(crate) mod named;
pub(crate) mod output;
pub(crate) mod plan;
mod protect;
pub(crate) mod prove;
pub(crate) mod reexclude;
mod rmcheck;
mod runreads;
mod shellwords;
pub(crate) mod targets;
mod warn;
mod wholectx;
mod widened;
pub(crate) mod write;
mod written;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Write;
use std::path::PathBuf;

use crate::analysis::{analyze_resolved, Config};
use crate::context::Resolved;
use crate::dockerignore::PatternSet;
use crate::error::Error;
use crate::pipeline::build_args;
use crate::transfer::{self, node_paths};
use crate::tree::{Tree, ROOT};
use crate::walk::Builder;

#[cfg(test)]
use model::broad_prefix;
pub use output::summary;
pub(crate) use output::unified_diff;
pub use write::{write_atomic, Snapshot};

use model::Model;
use output::label;
use plan::{keep_pattern, Plan};
use prove::{per_file, Check};
use targets::Target;
use warn::{built_elsewhere, content_secret_warnings, drop_served_values, say_carried_spans};

/// What `ctxsize suggest` was asked for, beyond the context, Dockerfile and builder.
#[derive(Debug, Clone, Default)]
pub struct SuggestOptions {
    /// `--target`.
    pub target: Option<String>,
    /// `--build-arg NAME=VALUE` (a bare `NAME` takes the value from the environment).
    pub build_args: Vec<String>,
    /// `--diff`: print a unified diff against the current file instead of the file.
    pub diff: bool,
    /// `--write`: write the file (atomically, keeping a backup where the build does not send it).
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
    /// `--context NAME`: propose the root `.dockerignore` of this named context instead.
    pub named: Option<crate::compose::NamedContext>,
    /// Where `--compose` writes the services' `dockerfile_inline` texts to read them as files
    /// (made by suggest when `None`; removed when the last clone is dropped).
    pub inline_dir: Option<std::sync::Arc<tempfile::TempDir>>,
    /// `--compose` with no CONTEXT argument: when no service builds the current directory,
    /// propose an ignore file for every context the Compose file builds.
    pub every_context: bool,
}

/// Files and bytes.
pub(crate) type Count = (u64, u64);

/// Sizes of one builder's context before and after the proposal (the first served Dockerfile).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// The builder.
    pub builder: Option<Builder>,
    /// Files and content bytes sent with the current ignore file (`None`: it does not parse).
    pub before: Option<(u64, u64)>,
    /// Files and content bytes sent with the proposal.
    pub after: (u64, u64),
    /// BuildKit only: each served Dockerfile's transfer set (files, bytes) before and after,
    /// with its path from the context root; one per Dockerfile BuildKit builds with the file.
    pub transfer: Vec<(String, Option<Count>, Count)>,
}

/// A proposal and its proof.
#[derive(Debug, Clone)]
pub struct Suggestion {
    /// The complete ignore file.
    pub text: String,
    /// Where it goes.
    pub destination: PathBuf,
    /// An alternative place worth offering, and why.
    pub alternative: Option<(PathBuf, String)>,
    /// The current bytes of `destination` (`None`: it does not exist).
    pub current: Option<Vec<u8>>,
    /// What `--write` compares against before replacing the file.
    pub seen: Snapshot,
    /// `COPY . .`: the keep lines are the top-level entries.
    pub whole_context: bool,
    /// No `*` line (no allowlist could be proven).
    pub open: bool,
    /// The kept paths (the `!` lines, unescaped).
    pub kept: Vec<String>,
    /// The kept globs.
    pub globs: Vec<String>,
    /// Re-exclusions: (line, reason).
    pub reexcluded: Vec<(String, String)>,
    /// Lines carried over from the current ignore file.
    pub carried: Vec<String>,
    /// Carried lines that are protective (secret and junk patterns).
    pub protective: Vec<String>,
    /// Lines of the current file dropped because they are invalid: (line number, line, why).
    pub dropped_lines: Vec<(usize, String, String)>,
    /// Valid lines of the current file the proposal does not keep (comments aside): (line
    /// number, line, why).
    pub not_carried: Vec<(usize, String, String)>,
    /// Files the build copies and sent today that the proposal removes: (path, reason).
    pub removals: Vec<(String, String)>,
    /// The same, grouped by the entry the rule fired on: (path, `/` for a directory; reason;
    /// files).
    pub removal_groups: Vec<(String, String, u64)>,
    /// The Dockerfiles served: (path relative to the context, why).
    pub served: Vec<(String, String)>,
    /// Files the served Dockerfiles copy that are sent today and still sent with the proposal.
    pub used_files: u64,
    /// Facts: Dockerfiles not served, suspicious entries kept with their size, …
    pub notes: Vec<String>,
    /// Warnings (unresolved sources, broadened lines, names that cannot be written, …).
    pub warnings: Vec<String>,
    /// What the proof found wrong (empty: proven).
    pub failures: Vec<String>,
    /// Before → after, per builder, for the first served Dockerfile.
    pub figures: Vec<Figures>,
    /// Builders the proof ran under (empty when it failed).
    pub proven_for: Vec<Builder>,
    /// Proven for Podman/Buildah (`--engine podman`): `proven_for` then holds `classic`, the walk
    /// Buildah's is modelled on.
    pub podman: bool,
    /// With no Dockerfile given and none at the context root: the first Dockerfile discovery
    /// served, which `--write` resolves the context with (as the proposal did).
    pub found_main: Option<PathBuf>,
}

impl Suggestion {
    /// Every check passed.
    pub fn proven(&self) -> bool {
        self.failures.is_empty() && !self.proven_for.is_empty()
    }
}

pub(crate) fn walk_all(main: &Resolved, threads: usize) -> Result<Tree, Error> {
    Ok(analyze_resolved(
        Resolved {
            ignore_file: None,
            ignore_text: Vec::new(),
            ..main.clone()
        },
        Builder::Buildkit,
        threads,
    )?
    .tree)
}

/// Builds and proves the proposal for the configuration's ignore file (with
/// `--per-dockerfile`: the first Dockerfile's own file).
pub fn suggest(config: &Config, opts: &SuggestOptions) -> Result<Suggestion, Error> {
    Ok(suggest_all(config, opts)?.remove(0))
}

/// With no Dockerfile at the root and none given, `--compose` names the one a service builds
/// this context with: the configuration with it (`None`: the given one resolves, or no compose
/// file applies). Both the proposal and `--write` (the context root, the backup check) use it.
fn with_compose_dockerfile(
    config: &Config,
    opts: &SuggestOptions,
) -> Result<Option<Config>, Error> {
    match config.resolve_for(config.builder) {
        // None from the compose file: the configuration's own error, when it is resolved.
        Err(_) => Ok(composed::main(config, opts)?.map(|df| Config {
            dockerfile: Some(df),
            ..config.clone()
        })),
        Ok(_) => Ok(None),
    }
}

/// The context's own ignore file (at its root), which the Dockerfiles found in the context read:
/// the resolved one when it is that file, else `.dockerignore` there (empty when absent).
fn context_file(main: &Resolved) -> PatternSet {
    let text = match &main.ignore_file {
        Some(f) if f.parent() == Some(main.root.as_path()) => main.ignore_text.clone(),
        _ => crate::context::read_regular(&main.root.join(".dockerignore"))
            .map(|b| crate::context::Platform::host().ignore_text(b))
            .unwrap_or_default(),
    };
    PatternSet::parse(&text).unwrap_or_default()
}

/// Builds and proves every proposal: one for the ignore file the Dockerfiles share, or with
/// `--per-dockerfile` one `<Dockerfile>.dockerignore` per served Dockerfile.
pub(crate) fn suggest_all(
    config: &Config,
    opts: &SuggestOptions,
) -> Result<Vec<Suggestion>, Error> {
    suggest_all_noted(config, opts, &mut Vec::new())
}

/// [`suggest_all`]; when no Dockerfile is given, none is at the root and discovery serves
/// none, `why_none` receives discovery's notes (why each found one was not served).
fn suggest_all_noted(
    config: &Config,
    opts: &SuggestOptions,
    why_none: &mut Vec<String>,
) -> Result<Vec<Suggestion>, Error> {
    if let Some(nc) = &opts.named {
        return Ok(vec![named::suggest(config, opts, nc)?]);
    }
    let with_dir = inline::with_dir(opts)?;
    let opts = with_dir.as_ref().unwrap_or(opts);
    let owned = with_compose_dockerfile(config, opts)?;
    let config = owned.as_ref().unwrap_or(config);
    // A Compose file that builds nothing adds no Dockerfile: as without `--compose`.
    let builds_nothing = composed::builds_nothing(config, opts)?;
    let (main, missing) = match config.resolve_for(config.builder) {
        Ok(r) => (r, None),
        // No Dockerfile given and none at the root: the Dockerfiles discovery finds in the
        // context are served alone (their own `-f` builds, the ignore file shared), those the
        // current ignore file excludes too (docker reads a Dockerfile whatever it says).
        Err(e @ (Error::BuildkitDockerfile(_) | Error::DockerfileMissing(_)))
            if config.dockerfile.is_none()
                && opts.discover
                && (opts.compose.is_none() || builds_nothing.is_some()) =>
        {
            // The context and its ignore file, resolved as the report does without a
            // Dockerfile (the classic builder reads the same root file).
            let placeholder = Config {
                dockerfile: Some(PathBuf::from("-")),
                ..config.clone()
            };
            let Ok(mut r) = placeholder.resolve_for(Builder::Buildkit) else {
                return Err(e);
            };
            r.dockerfile = r.root.join("Dockerfile");
            (r, Some(e))
        }
        Err(e) => return Err(e),
    };
    if main.dockerfile.as_os_str() == "-" || main.dockerfile.as_os_str().is_empty() {
        return Err(Error::Usage(
            "suggest needs the Dockerfile as a file (not -f -)".into(),
        ));
    }
    let args = build_args(&opts.build_args);
    let tree = walk_all(&main, config.threads)?;
    let paths = node_paths(&tree);
    let mut notes = Vec::new();
    let current = context_file(&main);
    let targets = targets::collect(
        config,
        opts,
        &main.root,
        missing.is_none().then_some(main.dockerfile.as_path()),
        &paths,
        &current,
        &args,
        &mut notes,
    )?;
    // None served: docker's own error, with the note naming what the context holds.
    let (main, found_main, chosen) = match (missing, targets.first()) {
        (None, _) => (main, None, None),
        (Some(e), None) => {
            *why_none = notes;
            return Err(e);
        }
        (Some(_), Some(t)) => {
            let chosen = Config {
                dockerfile: Some(t.dockerfile.clone()),
                ..config.clone()
            };
            notes.insert(
                0,
                format!(
                    "no Dockerfile at the context root and none given{}: serving the {} Dockerfile(s) found in the context that are built with it",
                    if builds_nothing.is_some() {
                        ", and the Compose file builds nothing"
                    } else {
                        ""
                    },
                    targets.len()
                ),
            );
            (
                chosen.resolve_for(config.builder)?,
                Some(t.dockerfile.clone()),
                Some(chosen),
            )
        }
    };
    let config = chosen.as_ref().unwrap_or(config);
    drop(paths);
    if opts.per_dockerfile {
        let mut out = Vec::new();
        let mut tree = Some(tree);
        for t in targets {
            let dest = per_file(&t.dockerfile);
            let tr = match tree.take() {
                Some(t) => t,
                None => walk_all(&main, config.threads)?,
            };
            let mut n = notes.clone();
            n.push(if config.engine.is_podman() {
                format!(
                    "Podman/Buildah read {} before any other ignore file (unless --ignorefile is given)",
                    dest.display()
                )
            } else {
                format!(
                    "{} is read by BuildKit only; the classic builder keeps using {}",
                    dest.display(),
                    main.root.join(".dockerignore").display()
                )
            });
            let mut one = build(config, opts, &main, tr, vec![t], dest, n, None)?;
            one.found_main = found_main.clone();
            buildout::warn(&mut one, &main.root);
            out.push(one);
        }
        return Ok(out);
    }
    // With Podman and no ignore file yet: `.containerignore`, the name Podman reads first.
    let default_name = if config.engine.is_podman() {
        ".containerignore"
    } else {
        ".dockerignore"
    };
    let destination = main
        .ignore_file
        .clone()
        .unwrap_or_else(|| main.root.join(default_name));
    let mut one = build(config, opts, &main, tree, targets, destination, notes, None)?;
    one.found_main = found_main;
    buildout::warn(&mut one, &main.root);
    Ok(vec![one])
}

/// A removable entry inside the kept paths that the file as written still sends gets its exact
/// line. The carried lines are left to decide an entry they match, but placed after the keep
/// lines they may no longer reach it: BuildKit walks with its parents' results, so `target/`
/// after `!target/lib` does not exclude `target/lib/.env` (dependency-track's `target/`,
/// `!target/lib/*.jar`).
fn still_sent_removals(
    m: &Model,
    plan: &mut Plan,
    reasons: &[Option<&'static str>],
    installs: &[targets::Installs],
    text: &str,
    warnings: &mut Vec<String>,
) {
    use crate::dockerignore::ParentRule;
    let Ok(set) = PatternSet::parse(text.as_bytes()) else {
        return;
    };
    let excluded = |p: &str| {
        [ParentRule::UsingParentResults, ParentRule::OrParentMatches]
            .iter()
            .all(|&r| set.decide(p.as_bytes(), r).is_ok_and(|d| d.excluded()))
    };
    // By rule: one generic line (`**/__pycache__`) for the same name repeated, when it removes
    // only removable entries (a carried allowlist's `!app/**` sends every `__pycache__` below).
    let mut hits: BTreeMap<(&'static str, Option<&'static str>), Vec<u32>> = BTreeMap::new();
    for (i, p) in m.paths.iter().enumerate() {
        let Some(why) = reasons[i] else { continue };
        // The top of a removable subtree only (its entries go with it).
        let parent = m.tree.nodes[i].parent;
        if (parent != ROOT && reasons[parent as usize].is_some())
            || m.named[i]
            || !plan::inside(plan, p)
            || excluded(p)
        {
            continue;
        }
        let generic =
            reexclude::strict(m, i as u32, reexclude::installs_for(m, installs, i as u32))
                .filter(|s| s.reason == why)
                .and_then(|s| s.generic);
        hits.entry((why, generic)).or_default().push(i as u32);
    }
    let ok = |j: usize| !m.named[j] && reasons[j].is_some();
    let mut lines = Vec::new();
    for ((why, generic), ids) in hits {
        reexclude::lines_for(m, plan, why, generic, &ids, &ok, &mut lines, warnings);
    }
    for (l, why) in lines {
        if !plan.reexcl.iter().any(|(x, _)| *x == l) {
            plan.reexcl.push((l, why));
        }
    }
}

/// The strict removal reason of each node: its own rule or an ancestor's (never for a node a
/// source names, nor for one the user's own `!` line sends on purpose).
fn removal_reasons(
    m: &Model,
    installs: &[targets::Installs],
    on_purpose: &[Option<(usize, String)>],
) -> Vec<Option<&'static str>> {
    let n = m.tree.nodes.len();
    let mut out: Vec<Option<&'static str>> = vec![None; n];
    let mut stack: Vec<(u32, Option<&'static str>)> = m.top().iter().map(|&i| (i, None)).collect();
    while let Some((i, inherited)) = stack.pop() {
        // A node the user's own `!` line sends on purpose is no removal, nor is anything below
        // it (`.git` then `!.git/refs/heads`: the build reads them).
        let own = if m.named[i as usize] || on_purpose[i as usize].is_some() {
            None
        } else {
            inherited.or_else(|| {
                let inst = reexclude::installs_for(m, installs, i);
                reexclude::strict(m, i, inst)
                    .filter(|s| {
                        reexclude::kept_for_build(m, i, inst, s).is_none()
                            && on_purpose[i as usize].is_none()
                    })
                    .map(|s| s.reason)
            })
        };
        out[i as usize] = own;
        for &c in m.kids.of(i) {
            stack.push((c, own));
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn build(
    config: &Config,
    opts: &SuggestOptions,
    main: &Resolved,
    tree: Tree,
    targets: Vec<Target>,
    destination: PathBuf,
    mut notes: Vec<String>,
    given_checks: Option<Vec<Check>>,
) -> Result<Suggestion, Error> {
    let threads = config.threads;
    let seen = Snapshot::take(&destination);
    let current = seen.bytes.clone();
    let mut warnings = Vec::new();

    // Who reads the destination, and what they send today.
    let all_checks = match given_checks {
        Some(c) => c,
        None => prove::checks(config, &targets, &destination, &mut notes)?,
    };
    let keep_t: Vec<usize> = (0..targets.len())
        .filter(|k| *k == 0 || all_checks.iter().any(|c| c.target == *k))
        .collect();
    let targets: Vec<Target> = keep_t.iter().map(|&k| targets[k].clone()).collect();
    let checks: Vec<Check> = all_checks
        .into_iter()
        .filter_map(|mut c| {
            let k = keep_t.iter().position(|&x| x == c.target)?;
            c.target = k;
            Some(c)
        })
        .collect();
    // The user's lines: the destination's, else what the first Dockerfile reads today.
    let user_text = match &current {
        Some(b) => crate::context::Platform::host().ignore_text(b.clone()),
        None => main.ignore_text.clone(),
    };
    let user = carry::read(&user_text);

    let mut m = Model::new(&main.root, tree, &targets, &mut warnings);
    missing::warn(&m, &targets, &mut warnings);
    if let Some(w) = built_elsewhere(&m, &main.root, &targets[0]) {
        warnings.insert(0, w);
    }
    warnings.extend(warn::onbuild_bases(&targets));
    let installs: Vec<targets::Installs> = targets.iter().map(|t| t.installs).collect();
    // What the user's own `!` lines send on purpose (`!packages/database/.env`): never
    // re-excluded.
    let user_set = PatternSet::parse(user.text.as_bytes()).unwrap_or_default();
    m.note_user_file(&user_set);
    let on_purpose: Vec<Option<(usize, String)>> = {
        let hand_written = !user.text.contains("Generated by `ctxsize suggest`");
        if user_set.patterns().iter().any(|p| p.exclusion()) {
            let mut v: Vec<Option<(usize, String)>> = m
                .paths
                .iter()
                .map(|p| carry::sent_on_purpose(&user_set, p, hand_written))
                .collect();
            if hand_written {
                exceptions::whole_dir_exceptions(&m, &user_set, &installs, &mut v);
            }
            v
        } else {
            vec![None; m.paths.len()]
        }
    };
    let reasons = removal_reasons(&m, &installs, &on_purpose);
    let sent_before: Vec<bool> = {
        // The classic builder sends the Dockerfile it reads and `.dockerignore` even when the
        // ignore file excludes them (the CLI appends `!` lines for them): that is no sign the
        // user wants them sent, so it does not make them worth a keep line (glance's `*`
        // allowlist beside a `Dockerfile.goreleaser`: kept, it would be copied into the image
        // of every `COPY . .` build).
        let sets: Vec<(&HashSet<String>, Vec<String>)> = checks
            .iter()
            .filter_map(|c| c.before.as_deref().map(|b| (b, c.classic_forced())))
            .collect();
        let none = checks.iter().any(|c| c.before.is_none()) || checks.is_empty();
        m.paths
            .iter()
            .map(|p| {
                none || sets
                    .iter()
                    .any(|(s, forced)| s.contains(p) && !forced.contains(p))
            })
            .collect()
    };

    let mut plan = Plan::default();
    if m.whole() {
        plan.whole = true;
        let removable = |i: u32| reasons[i as usize].is_some();
        if !plan::choose_top(&m, &mut plan, &sent_before, &removable, &mut warnings) {
            plan.open = true;
        }
    } else if !plan::choose_keep(&m, &mut plan, &mut warnings) {
        plan.open = true;
    }
    for (name, line, text) in absent_top::absent_top_parents(&m, &plan, &user_set) {
        notes.push(format!(
            "kept {name}, which is not in the context today: current ignore line {line} `{text}` sends a path inside it, and that file sends {name} whenever it is there (made before the build, as a CI step does)"
        ));
        plan.keep.insert(name);
    }

    let served: Vec<String> = targets.iter().map(|t| t.rel.clone()).collect();
    let dopts_desc = {
        let mut s = String::new();
        if let Some(t) = &opts.target {
            s.push_str(&format!(" (target {t})"));
        }
        let a = build_args(&opts.build_args);
        if !a.is_empty() {
            s.push_str(&format!(
                " with --build-arg {}",
                a.iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            ));
        }
        s
    };
    // The Dockerfiles and the ignore file itself, relative to the root (the header says they
    // need no line to be read; a keep line for one is only there because the build copies it).
    let build_files: Vec<String> = {
        let mut v = served.clone();
        if let Ok(r) = destination.strip_prefix(&main.root) {
            v.push(r.to_string_lossy().replace('\\', "/"));
        }
        v
    };
    let render_text = |plan: &Plan| {
        let listed: Vec<String> = plan
            .keep
            .iter()
            .filter(|k| build_files.contains(k))
            .cloned()
            .collect();
        let mut h = vec![format!(
            "Generated by `ctxsize suggest` from {}{dopts_desc}.",
            if served.len() > 1 {
                format!("{} Dockerfiles", served.len())
            } else {
                served.join(", ")
            }
        )];
        h.extend(output::header(
            plan,
            &served,
            &listed,
            config.engine.is_podman(),
        ));
        if let Some(nc) = &opts.named {
            // The last two lines speak of the main context's Dockerfile and builders.
            h.truncate(h.len().saturating_sub(2));
            h.push(format!(
                "The root .dockerignore of the named context {}: BuildKit reads it alone for it.",
                nc.name
            ));
        }
        output::render(plan, &h)
    };
    let mut banned: BTreeSet<String> = BTreeSet::new();
    let mut text;
    let mut proof;
    let mut round = 0;
    let mut round_warnings;
    loop {
        round += 1;
        round_warnings = Vec::new();
        let (carried, rekeep) = carry::choose(&m, &plan, &user, &mut round_warnings);
        plan.carried = carried
            .into_iter()
            .filter(|l| !banned.contains(l))
            .collect();
        plan.rekeep = rekeep;
        plan.reexcl = reexclude::choose(&m, &plan, &installs, &on_purpose, &mut round_warnings);
        plan.user_keep =
            exceptions::user_keep(&m, &reasons, &on_purpose, &sent_before, &mut round_warnings);
        let first = render_text(&plan);
        still_sent_removals(
            &m,
            &mut plan,
            &reasons,
            &installs,
            &first,
            &mut round_warnings,
        );
        text = render_text(&plan);
        proof = prove::prove(&m, &checks, &text, &reasons, threads)?;
        if proof.failures.is_empty() || round > 8 {
            break;
        }
        // Broaden: a carried line that excludes a copied file goes; a kept line becomes its
        // top-level entry; then the allowlist goes.
        let carried_set: Vec<(String, PatternSet)> = plan
            .carried
            .iter()
            .map(|l| {
                (
                    l.clone(),
                    PatternSet::parse(l.as_bytes()).unwrap_or_default(),
                )
            })
            .collect();
        let mut changed = false;
        let mut go_open = false;
        for (b, p, _) in &proof.failures {
            if let Some((l, _)) = carried_set
                .iter()
                .find(|(_, s)| s.matches_or_parent_matches(p.as_bytes()).unwrap_or(false))
            {
                if banned.insert(l.clone()) {
                    warnings.push(format!(
                        "current ignore line `{l}` would exclude {p}, which the build copies; not carried over"
                    ));
                    changed = true;
                }
                continue;
            }
            if plan.open {
                continue;
            }
            let top = p.split('/').next().unwrap_or(p).to_string();
            let line = plan.keep.iter().find(|k| plan::at_or_below(p, k)).cloned();
            match line {
                Some(k) if k != top && keep_pattern(&top).is_some() => {
                    warnings.push(format!(
                        "{p} is not sent under {} with !{k}; broadened to !{top}",
                        label(*b, config.engine.is_podman())
                    ));
                    plan.keep.remove(&k);
                    plan.keep.retain(|q| !plan::at_or_below(q, &top));
                    plan.keep.insert(top);
                    changed = true;
                }
                Some(k) if k != top => go_open = true,
                None if !plan.keep.contains(&top) && keep_pattern(&top).is_some() => {
                    warnings.push(format!(
                        "{p} is not sent under {}; keeping !{top}",
                        label(*b, config.engine.is_podman())
                    ));
                    plan.keep.retain(|q| !plan::at_or_below(q, &top));
                    plan.keep.insert(top);
                    changed = true;
                }
                _ => go_open = true,
            }
        }
        if !changed && go_open && !plan.open {
            warnings.push(format!(
                "{} is not sent under {} even with a top-level line; no allowlist is written",
                proof.failures[0].1,
                label(proof.failures[0].0, config.engine.is_podman())
            ));
            plan.open = true;
            plan.keep.clear();
            plan.globs.clear();
            changed = true;
        }
        if !changed {
            break;
        }
    }
    warnings.extend(round_warnings);
    say_carried_spans(&plan, &mut warnings);
    leadvar::say_carried_lead(&plan, &mut warnings);
    if proof.failures.is_empty() && !plan.open {
        if let Some((t, p)) = drop_redundant(
            &m,
            &checks,
            &mut plan,
            &build_files,
            &proof,
            &render_text,
            &|t| prove::prove(&m, &checks, t, &reasons, threads),
        )? {
            text = t;
            proof = p;
        }
    }

    drop_served_values(&m, &plan, &text, &mut warnings);
    warnings.extend(widened::warning(&proof));
    warn::group_alike(&mut warnings);

    let failures: Vec<String> = proof
        .failures
        .iter()
        .map(|(b, p, why)| format!("{p} under {}: {why}", label(*b, config.engine.is_podman())))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let proven_for: Vec<Builder> = if failures.is_empty() {
        let mut v: Vec<Builder> = checks.iter().map(|c| c.builder).collect();
        v.sort_by_key(|b| *b != Builder::Buildkit);
        v.dedup();
        v
    } else {
        Vec::new()
    };
    if checks.is_empty() {
        notes.push("no builder reads the proposed file for these Dockerfiles".into());
    }

    // Figures for the first Dockerfile.
    let mut figures = Vec::new();
    for c in checks.iter().filter(|c| c.target == 0) {
        let Some((_, after)) = proof.afters.iter().find(|(b, _)| *b == c.builder) else {
            continue;
        };
        // Every Dockerfile BuildKit builds with the proposed file transfers its own set.
        let transfer = checks
            .iter()
            .filter(|k| c.builder == Builder::Buildkit && k.builder == Builder::Buildkit)
            .map(|k| {
                let t = &targets[k.target];
                let tr = transfer::compute(after, &t.sources, &|_| false);
                (t.rel.clone(), k.before_transfer, (tr.files, tr.bytes))
            })
            .collect();
        figures.push(Figures {
            builder: Some(c.builder),
            before: c.before_counts,
            after: written::after_counts(after, &destination, &text),
            transfer,
        });
    }

    let removals: Vec<(String, String)> = proof.removals.into_iter().collect();
    // Group the removals by the entry the rule fired on (`.git/` rather than each file in it).
    let mut removal_groups: Vec<(String, String, u64)> = Vec::new();
    if !removals.is_empty() {
        let index: std::collections::HashMap<&str, u32> = m
            .paths
            .iter()
            .enumerate()
            .map(|(i, p)| (p.as_str(), i as u32))
            .collect();
        let mut groups: BTreeMap<String, (String, u64)> = Default::default();
        for (p, why) in &removals {
            let mut i = index.get(p.as_str()).copied().unwrap_or(ROOT);
            while i != ROOT {
                let parent = m.tree.nodes[i as usize].parent;
                if parent == ROOT || reasons[parent as usize] != reasons[i as usize] {
                    break;
                }
                i = parent;
            }
            let key = if i == ROOT {
                p.clone()
            } else if m.is_dir(i) {
                format!("{}/", m.paths[i as usize])
            } else {
                m.paths[i as usize].clone()
            };
            let e = groups.entry(key).or_insert((why.clone(), 0));
            e.1 += 1;
        }
        removal_groups = groups.into_iter().map(|(k, (w, n))| (k, w, n)).collect();
    }
    // What the proposed file sends under every builder, by the engine's own walk and matcher:
    // the analyses of the proof, else the file's patterns alone. Every claim below is checked
    // against it.
    let sent_after: Vec<bool> = {
        let sets: Vec<std::collections::HashSet<String>> = proof
            .afters
            .iter()
            .map(|(_, a)| prove::sent_set(a))
            .collect();
        let proposal = PatternSet::parse(text.as_bytes()).unwrap_or_default();
        m.paths
            .iter()
            .map(|p| {
                if sets.is_empty() {
                    !proposal
                        .matches_or_parent_matches(p.as_bytes())
                        .unwrap_or(true)
                } else {
                    sets.iter().all(|s| s.contains(p))
                }
            })
            .collect()
    };
    // A plain `rm` of what is no longer sent: the step fails.
    {
        let sets: Vec<HashSet<String>> = proof
            .afters
            .iter()
            .map(|(_, a)| prove::sent_set(a))
            .collect();
        let after_any = |i: usize| {
            if sets.is_empty() {
                sent_after[i]
            } else {
                sets.iter().any(|s| s.contains(&m.paths[i]))
            }
        };
        for t in &targets {
            warnings.extend(rmcheck::warnings(t, &m, &|i| sent_before[i], &after_any));
        }
    }
    let secret_warnings = content_secret_warnings(config, opts, &m, &|i| sent_after[i as usize]);
    // An entry a warning already names (the user's own `!` line sends it, git tracks it as
    // settings, or the report finds a secret in it) is said once, by that warning.
    let warned = |path: &str| {
        let p = path.trim_end_matches('/');
        let (named, found) = (format!("kept {p:?} ("), format!("kept {p:?}:"));
        warnings.iter().any(|w| w.starts_with(&named))
            || secret_warnings.iter().any(|w| w.starts_with(&found))
    };
    notes.extend(reexclude::kept_notes(
        &m,
        &plan,
        &|i| sent_after[i as usize],
        &warned,
    ));
    warnings.extend(secret_warnings);

    // Files the served Dockerfiles copy that are sent today and still sent with the proposal.
    let used_files = (0..m.tree.nodes.len())
        .filter(|&i| {
            !m.is_dir(i as u32)
                && sent_before[i]
                && sent_after[i]
                && m.needs.iter().any(|n| n.copies[i])
        })
        .count() as u64;
    let protective = guard::protective_carried(&plan);
    let alternative = if opts.per_dockerfile || targets.len() > 1 || opts.named.is_some() {
        None
    } else {
        targets::per_dockerfile_offer(config, main)
    };
    let not_carried = carry::not_carried(&m, &plan, &user, &text, &warnings);
    Ok(Suggestion {
        text,
        destination,
        alternative,
        current,
        seen,
        whole_context: plan.whole,
        open: plan.open,
        kept: plan.keep.iter().cloned().collect(),
        globs: plan.globs.iter().cloned().collect(),
        reexcluded: plan.reexcl.clone(),
        carried: plan.carried.clone(),
        protective,
        dropped_lines: user.dropped.clone(),
        not_carried,
        removals,
        removal_groups,
        served: targets
            .iter()
            .map(|t| (t.rel.clone(), t.origin.clone()))
            .collect(),
        used_files,
        notes,
        warnings: warn::group_kept(warnings),
        failures,
        figures,
        proven_for,
        podman: config.engine.is_podman(),
        found_main: None,
    })
}

/// Proves a text.
type ProveText<'a> = dyn Fn(&str) -> Result<prove::Proof, Error> + 'a;

/// Keep lines another keep line already implies (`!package-lock.json` beside
/// `!package-lock.json*`) or that name a served Dockerfile or the ignore file, dropped only when
/// the file without them sends exactly the same paths under every check (and so proves the
/// same). First all at once, then one by one. Returns the new text and its proof when a line
/// went.
fn drop_redundant(
    m: &Model,
    checks: &[Check],
    plan: &mut Plan,
    build_files: &[String],
    proof: &prove::Proof,
    render: &dyn Fn(&Plan) -> String,
    prove_text: &ProveText<'_>,
) -> Result<Option<(String, prove::Proof)>, Error> {
    let try_text = |p: &Plan| -> Result<(String, prove::Proof), Error> {
        let t = render(p);
        let proof = prove_text(&t)?;
        Ok((t, proof))
    };
    if checks.is_empty() {
        return Ok(None);
    }
    let lines: Vec<String> = plan
        .globs
        .iter()
        .cloned()
        .chain(plan.keep.iter().filter_map(|k| keep_pattern(k)))
        .collect();
    let implied = |k: &str| {
        let own = keep_pattern(k);
        lines.iter().any(|l| {
            Some(l) != own.as_ref()
                && PatternSet::parse(l.as_bytes())
                    .is_ok_and(|s| s.matches_or_parent_matches(k.as_bytes()).unwrap_or(false))
        })
    };
    let candidates: Vec<String> = plan
        .keep
        .iter()
        .filter(|k| build_files.contains(k) || implied(k))
        .filter(|k| m.has(k))
        .cloned()
        .collect();
    // The matcher first (cheap): a line whose removal changes the verdict of a path at or below
    // it is needed; only the others go to the walks.
    let verdicts = |text: &str, k: &str| -> Vec<bool> {
        let set = PatternSet::parse(text.as_bytes()).unwrap_or_default();
        m.paths
            .iter()
            .filter(|p| plan::at_or_below(p, k))
            .map(|p| set.matches_or_parent_matches(p.as_bytes()).unwrap_or(true))
            .collect()
    };
    let full = render(plan);
    let candidates: Vec<String> = candidates
        .into_iter()
        .filter(|k| {
            let mut trial = plan.clone();
            trial.keep.remove(k);
            verdicts(&full, k) == verdicts(&render(&trial), k)
        })
        .take(16)
        .collect();
    if candidates.is_empty() {
        return Ok(None);
    }
    let same = |p: &prove::Proof| {
        p.failures.is_empty()
            && p.sent.len() == proof.sent.len()
            && p.sent.iter().zip(&proof.sent).all(|(a, b)| a == b)
    };
    let mut trial = plan.clone();
    for k in &candidates {
        trial.keep.remove(k);
    }
    let (t, p) = try_text(&trial)?;
    if same(&p) {
        *plan = trial;
        return Ok(Some((t, p)));
    }
    let mut best = None;
    for k in &candidates {
        let mut trial = plan.clone();
        trial.keep.remove(k);
        let (t, p) = try_text(&trial)?;
        if same(&p) {
            *plan = trial;
            best = Some((t, p));
        }
    }
    Ok(best)
}

/// `ctxsize suggest`: the file (or a diff) on `out`, the summary on `err`. Exits 1 (and writes
/// nothing) when a proposal cannot be proven.
pub(crate) fn command(
    config: &Config,
    opts: &SuggestOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Error> {
    let with_dir = inline::with_dir(opts)?;
    let opts = with_dir.as_ref().unwrap_or(opts);
    // `--compose` with no context named, and no service builds this directory: every context
    // the Compose file builds gets its own proposal.
    if let Some(code) = contexts::every_context(config, opts, out, err)? {
        return Ok(code);
    }
    let mut why_none = Vec::new();
    let all = match suggest_all_noted(config, opts, &mut why_none) {
        // `--compose` on a Compose file that builds nothing, no Dockerfile at the root and
        // none found that is built with this context: `docker compose build` has nothing to
        // do and succeeds, as `ctxsize --compose` does. Say so plainly; nothing to propose.
        Err(e @ (Error::BuildkitDockerfile(_) | Error::DockerfileMissing(_)))
            if config.dockerfile.is_none()
                && opts.named.is_none()
                && opts.dockerfiles.is_empty()
                && opts.compose.is_some() =>
        {
            let Some(why) = composed::builds_nothing(config, opts)? else {
                return Err(e);
            };
            composed::say_nothing_to_build(config, opts, &why, &why_none, err);
            return Ok(crate::exit::ExitCode::Ok.code());
        }
        // No Dockerfile at the root and none given: name those the context holds, as `list`
        // does, so the user knows what to pass with -f, and why none was served.
        Err(e @ (Error::BuildkitDockerfile(_) | Error::DockerfileMissing(_)))
            if config.dockerfile.is_none() && opts.named.is_none() && opts.compose.is_none() =>
        {
            // The classic builder reads the same root ignore file: the context as BuildKit
            // analyses it without a Dockerfile.
            let probe = Config {
                builder: Builder::Buildkit,
                ..config.clone()
            };
            if let Ok((a, true)) = crate::pipeline::analyze(&probe, None) {
                let _ = writeln!(
                    err,
                    "note: {}",
                    crate::pipeline::no_dockerfile_note(&a, crate::pipeline::NoteFor::Suggest)
                );
            }
            for n in &why_none {
                let _ = writeln!(err, "note: {}", output::esc(n));
            }
            return Err(e);
        }
        r => r?,
    };
    emit::emit(config, opts, &all, all.len() > 1, out, err)
}

#[cfg(test)]
mod tests;
