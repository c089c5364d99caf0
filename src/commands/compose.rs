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
use crate::compose::{find, parse, NamedContext, NamedKind};
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

fn tag(e: &Error, services: &[String]) -> Error {
    match e {
        Error::Usage(m) => Error::Usage(format!("service {}: {m}", services.join(", "))),
        _ => Error::Usage(format!("service {}: {e}", services.join(", "))),
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
    let path = find(file, &cfg.cwd)?;
    let text = std::fs::read_to_string(&path).map_err(|e| Error::Io(path.clone(), e))?;
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| cfg.cwd.clone());
    let parsed = parse(&text, &dir, &|k| std::env::var(k).ok())
        .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
    let mut notes = parsed.notes.clone();
    // (context, Dockerfile, inline text) → services, and the services' named contexts.
    let mut groups: BTreeMap<Key, (Vec<String>, Vec<NamedContext>)> = BTreeMap::new();
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
            match n.kind {
                NamedKind::Local if cfg.builder == Builder::Buildkit => {}
                NamedKind::Local => notes.push(format!(
                    "service {}: named context {} ({}) is not used by the classic builder",
                    b.service, n.name, n.source
                )),
                _ => notes.push(format!(
                    "service {}: named context {} = {} is not a local directory: not analysed",
                    b.service, n.name, n.source
                )),
            }
        }
    }
    let mut entries: Vec<(ContextEntry, Analysis)> = Vec::new();
    for ((ctx, df, inline, target, args), (services, additional)) in groups {
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
        let set = named::build(&c, &additional, &o, None).map_err(|e| tag(&e, &services))?;
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
    let totals = totals(&entries);
    let res = write(format, &path, &notes, &entries, &totals, cfg, out);
    output(res)?;
    let mut code = ExitCode::Ok.code();
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

fn label(e: &ContextEntry) -> String {
    match &e.named_context {
        Some(n) => format!("named context {n} of {}", e.services.join(", ")),
        None => format!("services: {}", e.services.join(", ")),
    }
}

fn write(
    format: Format,
    path: &Path,
    notes: &[String],
    entries: &[(ContextEntry, Analysis)],
    totals: &ComposeTotals,
    cfg: &Config,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => {
            let contexts: Vec<&ContextEntry> = entries.iter().map(|(e, _)| e).collect();
            let v = serde_json::json!({
                "compose_file": path.display().to_string(),
                "contexts": contexts,
                "totals": totals,
                "notes": notes,
            });
            serde_json::to_writer_pretty(&mut *out, &v)?;
            writeln!(out)
        }
        Format::Human => {
            writeln!(
                out,
                "compose file {}",
                render::escape_controls(&path.display().to_string())
            )?;
            for n in notes {
                writeln!(out, "note: {}", render::escape_controls(n))?;
            }
            for (e, _) in entries {
                writeln!(out)?;
                writeln!(out, "== {}", render::escape_controls(&label(e)))?;
                for n in &e.additional_contexts {
                    writeln!(
                        out,
                        "   additional context {} = {}",
                        render::escape_controls(&n.name),
                        render::escape_controls(&n.source)
                    )?;
                }
                render::human::render(&e.report, render::human::Style::default(), out)?;
            }
            writeln!(out)?;
            writeln!(
                out,
                "total       {} in {} files, {} tar bytes, over {} context director{}",
                crate::units::human(totals.content_bytes),
                totals.files,
                totals.tar_bytes,
                totals.contexts,
                if totals.contexts == 1 { "y" } else { "ies" }
            )
        }
        Format::Sarif | Format::Github => {
            let groups: Vec<render::sarif::Group> = entries
                .iter()
                .map(|(e, a)| render::sarif::Group {
                    root: &a.resolved.root,
                    findings: &e.report.findings,
                    outcome: e.gate.as_ref(),
                    anchor: crate::gate::anchor(a),
                })
                .collect();
            if format == Format::Sarif {
                render::sarif::render(&groups, &cfg.cwd, out)
            } else {
                let summary: Vec<String> = entries
                    .iter()
                    .map(|(e, _)| format!("{} [{}]", summary_line(&e.report), label(e)))
                    .collect();
                render::github::render(&groups, &cfg.cwd, &summary, out)
            }
        }
    }
}
