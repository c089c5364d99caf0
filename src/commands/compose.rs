//! `ctxsize --compose [FILE]`: every build context of a Compose file through the same pipeline
//! as a single context (transfer set, Dockerfile checks with the service's `target` and `args`,
//! report flags, gates), each (context, Dockerfile, target, args) once with the services that
//! use it. Local `additional_contexts`
//! are analysed with their own root `.dockerignore` (BuildKit); other named contexts are listed.
//! Totals count each directory once, however many services and Dockerfiles share it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{output, summary_line};
use crate::analysis::{Analysis, Config};
use crate::compose::{NamedContext, NamedKind};
use crate::error::Error;
use crate::exit::ExitCode;
use crate::named;
use crate::pipeline::{self, Built};
use crate::render::{self, Format};
use crate::report::{Outcome, Report};
use crate::walk::Builder;

/// One context, once, with its services.
#[derive(Serialize)]
struct ContextEntry {
    /// Services that build from it.
    pub services: Vec<String>,
    /// For a named context (`additional_contexts`): its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub named_context: Option<String>,
    /// The services' `additional_contexts` (the local ones also have an entry of their own).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub additional_contexts: Vec<NamedContext>,
    /// The report.
    pub report: Report,
    /// The gate outcome, if gates ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate: Option<Outcome>,
}

/// Totals over all distinct context directories.
#[derive(Serialize, Default)]
struct ComposeTotals {
    /// Distinct context directories.
    pub contexts: usize,
    /// Files sent.
    pub files: u64,
    /// Content bytes sent.
    pub content_bytes: u64,
    /// Tar bytes.
    pub tar_bytes: u64,
    /// Bake: the tar bytes if each target's build sent its contexts itself (buildx before 0.17,
    /// or separate `docker build` runs): each context counted once per target that uses it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_build_tar_bytes: Option<u64>,
}

/// Context, Dockerfile, inline Dockerfile text, target, build args: what makes two services'
/// builds the same.
type Key = (
    PathBuf,
    Option<PathBuf>,
    Option<String>,
    Option<String>,
    Vec<String>,
);

fn tag(e: &Error, noun: &str, services: &[String]) -> Error {
    match e {
        Error::Usage(m) => Error::Usage(format!("{noun} {}: {m}", services.join(", "))),
        _ => Error::Usage(format!("{noun} {}: {e}", services.join(", "))),
    }
}

/// `ctxsize --compose`.
pub(super) fn command(
    file: Option<&Path>,
    cfg: &Config,
    format: Format,
    options: &pipeline::Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Error> {
    let (path, parsed) = crate::compose::load(file, &cfg.cwd, &|k| std::env::var(k).ok())?;
    let src = Source::Compose(path);
    run(&src, &parsed, cfg, format, options, None, out, err)
}

/// Where the builds come from: a Compose file's services or a bake file's targets.
pub(super) enum Source {
    /// `--compose FILE`.
    Compose(PathBuf),
    /// `ctxsize bake`: the bake files read.
    Bake(Vec<PathBuf>),
}

impl Source {
    fn noun(&self) -> &'static str {
        match self {
            Source::Compose(_) => "service",
            Source::Bake(_) => "target",
        }
    }
}

/// Every build of `parsed` through the single pipeline, each (context, Dockerfile, target,
/// args) once with the builds that use it; `total_budget` gates the sum over distinct contexts.
#[allow(clippy::too_many_arguments)]
pub(super) fn run(
    src: &Source,
    parsed: &crate::compose::ComposeBuilds,
    cfg: &Config,
    format: Format,
    options: &pipeline::Options,
    total_budget: Option<u64>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Error> {
    let noun = src.noun();
    let mut notes = parsed.notes.clone();
    // (context, Dockerfile, inline text) → services, and the services' named contexts.
    let mut groups: BTreeMap<Key, (Vec<String>, Vec<NamedContext>)> = BTreeMap::new();
    // (kind, name, source) of each named context ctxsize does not analyse → the builds using it.
    let mut named_notes: BTreeMap<(u8, String, String), Vec<String>> = BTreeMap::new();
    for b in &parsed.builds {
        let g = groups
            .entry((
                b.context.clone(),
                b.dockerfile.clone(),
                b.inline.clone(),
                b.target.clone(),
                b.args.clone(),
            ))
            .or_default();
        g.0.push(b.service.clone());
        for n in &b.additional_contexts {
            if !g.1.contains(n) {
                g.1.push(n.clone());
            }
            let kind = match n.kind {
                NamedKind::Local if cfg.builder == Builder::Buildkit => continue,
                NamedKind::Local => 0,
                // bake builds a linked target too (`bake::resolve`): reported as its own.
                NamedKind::Target => 1,
                _ => 2,
            };
            let users = named_notes
                .entry((kind, n.name.clone(), n.source.clone()))
                .or_default();
            if !users.contains(&b.service) {
                users.push(b.service.clone());
            }
        }
    }
    // One note per named context, naming every build that uses it (25 targets of one bake file
    // sharing `java_base = target:java_base` made 25 identical notes).
    for ((kind, name, source), users) in named_notes {
        let who = match users.as_slice() {
            [one] => format!("{noun} {one}"),
            many if many.len() <= 6 => format!("{} {noun}s ({})", many.len(), many.join(", ")),
            many => format!(
                "{} {noun}s ({} and {} more)",
                many.len(),
                many[..5].join(", "),
                many.len() - 5
            ),
        };
        notes.push(match kind {
            0 => format!("{who}: named context {name} ({source}) is not used by the classic builder"),
            1 => format!(
                "{who}: named context {name} = {source}: that target's result, built first (its context is reported with that target)"
            ),
            _ => format!("{who}: named context {name} = {source} is not a local directory: not analysed"),
        });
    }
    let mut entries: Vec<(ContextEntry, Analysis)> = Vec::new();
    // Services sharing a context (with other Dockerfiles, targets or args) share its walk.
    let mut walks = pipeline::WalkCache::default();
    for ((ctx, df, inline, target, args), (services, additional)) in groups {
        // A build with no `dockerfile` reads `Dockerfile` in its context (compose and bake
        // set that name): when there is none, `docker compose build` (`docker buildx bake`)
        // fails, and so does its report here (not the note of a bare `ctxsize DIR`, whose
        // context does not depend on a Dockerfile).
        let df = match df {
            None if inline.is_none() && ctx.is_dir() && !ctx.join("Dockerfile").is_file() => {
                Some(ctx.join("Dockerfile"))
            }
            df => df,
        };
        let c = Config {
            context: ctx,
            dockerfile: df,
            ..cfg.clone()
        };
        let mut o = options.clone();
        if let Some(t) = inline {
            o.dockerfile.stdin = Some(t.into_bytes());
        }
        // The service's own `target`; its `args`, then `--build-arg` (a later value wins, as
        // `docker compose build --build-arg` overrides the file).
        if target.is_some() {
            o.dockerfile.target = target;
        }
        o.dockerfile.build_args = args
            .into_iter()
            .chain(options.dockerfile.build_args.iter().cloned())
            .collect();
        // The service's build with its named contexts, through the one pipeline: each local
        // named context gets its own report and the transfer set of the Dockerfile's uses.
        let set = named::build_cached(&c, &additional, &o, &mut walks)
            .map_err(|e| tag(&e, noun, &services))?;
        entries.push(entry(set.main, services.clone(), None, additional));
        for n in set.named {
            if let Some(built) = n.built {
                entries.push(entry(
                    built,
                    services.clone(),
                    Some(n.context.name),
                    Vec::new(),
                ));
            }
        }
    }
    let mut totals = totals(&entries);
    if let Source::Bake(_) = src {
        totals.per_build_tar_bytes = Some(per_build(&entries));
        notes.extend(shared_notes(&entries));
    }
    let res = write(format, src, &notes, &entries, &totals, cfg, out);
    output(res)?;
    let mut code = ExitCode::Ok.code();
    if let Some(limit) = total_budget {
        if totals.content_bytes > limit {
            let _ = writeln!(
                err,
                "total budget exceeded: {} sent over {} context director{} > {} ({} over)",
                crate::units::human(totals.content_bytes),
                totals.contexts,
                if totals.contexts == 1 { "y" } else { "ies" },
                crate::units::human(limit),
                crate::units::human(totals.content_bytes - limit)
            );
            code = code.max(ExitCode::Check.code());
        }
    }
    for (e, _) in &entries {
        if let Some(o) = &e.gate {
            for l in o.lines() {
                let _ = writeln!(
                    err,
                    "{} [{}]: {l}",
                    render::escape_controls(&e.report.context),
                    e.services.join(", ")
                );
            }
            code = code.max(o.exit_code());
        }
    }
    Ok(code)
}

fn entry(
    b: Built,
    services: Vec<String>,
    named_context: Option<String>,
    additional_contexts: Vec<NamedContext>,
) -> (ContextEntry, Analysis) {
    (
        ContextEntry {
            services,
            named_context,
            additional_contexts,
            report: b.report,
            gate: b.outcome,
        },
        b.analysis,
    )
}

/// Each context directory once (the first report of it: the same directory read with another
/// Dockerfile sends the same entries unless a `<Dockerfile>.dockerignore` differs).
fn totals(entries: &[(ContextEntry, Analysis)]) -> ComposeTotals {
    let mut seen = BTreeSet::new();
    let mut t = ComposeTotals::default();
    for (e, a) in entries {
        if !seen.insert(a.resolved.root.clone()) {
            continue;
        }
        t.contexts += 1;
        t.files += e.report.totals.files;
        t.content_bytes += e.report.totals.content_bytes;
        t.tar_bytes += e.report.totals.tar_bytes;
    }
    t
}

fn label(e: &ContextEntry, noun: &str) -> String {
    match &e.named_context {
        Some(n) => format!("named context {n} of {}", e.services.join(", ")),
        None => format!("{noun}s: {}", e.services.join(", ")),
    }
}

/// Each context's tar bytes once per build that uses it.
fn per_build(entries: &[(ContextEntry, Analysis)]) -> u64 {
    entries
        .iter()
        .map(|(e, _)| e.report.totals.tar_bytes * e.services.len() as u64)
        .sum()
}

/// A context directory used by several targets: what buildx sends (docker/buildx
/// build/build.go `detectSharedMounts`, since buildx 0.17: one shared session per local
/// directory, so one transfer) against separate builds.
fn shared_notes(entries: &[(ContextEntry, Analysis)]) -> Vec<String> {
    let mut by_dir: BTreeMap<&Path, (Vec<&str>, u64)> = BTreeMap::new();
    for (e, a) in entries {
        let d = by_dir.entry(a.resolved.root.as_path()).or_default();
        d.0.extend(e.services.iter().map(String::as_str));
        d.1 = d.1.max(e.report.totals.tar_bytes);
    }
    by_dir
        .into_iter()
        .filter(|(_, (users, _))| users.len() > 1)
        .map(|(dir, (users, bytes))| {
            format!(
                "{} is the context of {} targets ({}): buildx 0.17 and later send it once per \
                 bake run (a shared session); separate builds or older buildx send it {} times, \
                 {} of tar in all",
                dir.display(),
                users.len(),
                users.join(", "),
                users.len(),
                crate::units::show_size(bytes * users.len() as u64)
            )
        })
        .collect()
}

fn write(
    format: Format,
    src: &Source,
    notes: &[String],
    entries: &[(ContextEntry, Analysis)],
    totals: &ComposeTotals,
    cfg: &Config,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        // The CLI refuses it (exit 2); a library caller gets the same refusal.
        Format::Html => Err(std::io::Error::other(
            "html is written for the report of one context only (ctxsize --format html DIR)",
        )),
        Format::Json => {
            let contexts: Vec<&ContextEntry> = entries.iter().map(|(e, _)| e).collect();
            let v = match src {
                Source::Compose(path) => serde_json::json!({
                    "compose_file": path.display().to_string(),
                    "contexts": contexts,
                    "totals": totals,
                    "notes": notes,
                }),
                Source::Bake(files) => {
                    let mut contexts = serde_json::to_value(contexts)?;
                    // A bake entry lists targets, not services.
                    for c in contexts.as_array_mut().into_iter().flatten() {
                        if let Some(o) = c.as_object_mut() {
                            if let Some(s) = o.remove("services") {
                                o.insert("targets".into(), s);
                            }
                        }
                    }
                    serde_json::json!({
                        "bake_files": files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
                        "contexts": contexts,
                        "totals": totals,
                        "notes": notes,
                    })
                }
            };
            serde_json::to_writer_pretty(&mut *out, &v)?;
            writeln!(out)
        }
        Format::Human => {
            match src {
                Source::Compose(path) => writeln!(
                    out,
                    "compose file {}",
                    render::escape_controls(&path.display().to_string())
                )?,
                Source::Bake(files) => {
                    for f in files {
                        writeln!(
                            out,
                            "bake file {}",
                            render::escape_controls(&f.display().to_string())
                        )?;
                    }
                }
            }
            for n in notes {
                writeln!(out, "note: {}", render::escape_controls(n))?;
            }
            for (k, (e, _)) in entries.iter().enumerate() {
                writeln!(out)?;
                writeln!(out, "== {}", render::escape_controls(&label(e, src.noun())))?;
                for n in &e.additional_contexts {
                    writeln!(
                        out,
                        "   additional context {} = {}",
                        render::escape_controls(&n.name),
                        render::escape_controls(&n.source)
                    )?;
                }
                // A context an earlier build already showed in full (services sharing one
                // directory and ignore file): its sizes and tree are not printed again.
                let shown = entries[..k]
                    .iter()
                    .map(|(p, _)| p)
                    .find(|p| render::human::same_sent(&e.report, &p.report));
                let style = render::human::Style::default();
                match shown {
                    Some(p) => render::human::render_sharing(
                        &e.report,
                        &p.report,
                        &label(p, src.noun()),
                        style,
                        out,
                    )?,
                    None => render::human::render(&e.report, style, out)?,
                }
            }
            writeln!(out)?;
            writeln!(
                out,
                "total       {} in {} files, tar {}, over {} context director{}",
                crate::units::human(totals.content_bytes),
                crate::units::count(totals.files),
                crate::units::show_size(totals.tar_bytes),
                totals.contexts,
                if totals.contexts == 1 { "y" } else { "ies" }
            )?;
            if let Some(n) = totals.per_build_tar_bytes {
                writeln!(
                    out,
                    "            tar {} if every target sent its contexts itself",
                    crate::units::show_size(n)
                )?;
            }
            Ok(())
        }
        Format::Sarif | Format::Github => {
            let groups: Vec<render::sarif::Group> = entries
                .iter()
                .map(|(e, a)| render::sarif::Group {
                    root: &a.resolved.root,
                    findings: &e.report.findings,
                    outcome: e.gate.as_ref(),
                    anchor: crate::gate::anchor(a),
                    warnings: &e.report.warnings,
                })
                .collect();
            if format == Format::Sarif {
                render::sarif::render(&groups, &cfg.cwd, out)
            } else {
                let summary: Vec<String> = entries
                    .iter()
                    .map(|(e, _)| format!("{} [{}]", summary_line(&e.report), label(e, src.noun())))
                    .collect();
                render::github::render(&groups, &cfg.cwd, &summary, out)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_sharing_a_context_walk_it_once() {
        let d = crate::testutil::ctx(
            &["app/src/main.rs", "app/node_modules/x/y.js", "other/f"],
            "",
            b"x",
        );
        let p = d.path();
        std::fs::write(p.join("app/.dockerignore"), "node_modules\n").unwrap();
        for df in ["Dockerfile", "api.Dockerfile", "worker.Dockerfile"] {
            std::fs::write(p.join("app").join(df), "FROM scratch\nCOPY src /src\n").unwrap();
        }
        std::fs::write(p.join("other/Dockerfile"), "FROM scratch\n").unwrap();
        let compose = |services: &str| {
            std::fs::write(p.join("compose.yaml"), format!("services:\n{services}")).unwrap();
        };
        let three = "  web:\n    build: app\n  api:\n    build:\n      context: app\n      dockerfile: api.Dockerfile\n  worker:\n    build:\n      context: ./app\n      dockerfile: worker.Dockerfile\n      target: x\n";
        for builder in [Builder::Buildkit, Builder::Classic] {
            let cfg = crate::testutil::config(p, builder, 1);
            let run = || {
                let (mut out, mut err) = (Vec::new(), Vec::new());
                let before = crate::walk::walks_started();
                command(
                    None,
                    &cfg,
                    Format::Json,
                    &pipeline::Options::default(),
                    &mut out,
                    &mut err,
                )
                .unwrap();
                let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
                (crate::walk::walks_started() - before, v)
            };
            compose(three);
            let (walks, v) = run();
            // One walk for the context whatever the Dockerfile, target or args.
            assert_eq!(walks, 1, "{builder:?}: {v}");
            compose(&format!("{three}  other:\n    build: other\n"));
            assert_eq!(run().0, 2, "{builder:?}");
            if builder == Builder::Classic {
                // The classic builder appends `!api.Dockerfile` when the ignore file excludes
                // it (R18): that walk differs and is made on its own.
                std::fs::write(
                    p.join("app/.dockerignore"),
                    "node_modules
*.Dockerfile
",
                )
                .unwrap();
                compose(three);
                assert_eq!(run().0, 3, "{builder:?}");
                std::fs::write(
                    p.join("app/.dockerignore"),
                    "node_modules
",
                )
                .unwrap();
            }
        }
    }
}
