//! `ctxsize [CONTEXT]`: the report, in every format.

use std::io::Write;

use super::progress::with_progress;
use super::{finish, output, Ui};
use crate::analysis::Config;
use crate::error::Error;
use crate::named;
use crate::pipeline::{self, Built};
use crate::render::{self, Format};
use crate::report::{ContextSection, Report};

/// Builds the report through the pipeline, writes it, prints the gate lines.
pub(super) fn command(
    config: &Config,
    format: Format,
    options: &pipeline::Options,
    ui: Ui,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Error> {
    let mut options = options.clone();
    if config.dockerfile.as_deref() == Some(std::path::Path::new("-"))
        && options.dockerfile.stdin.is_none()
    {
        // `-f -`: the Dockerfile comes on stdin (BuildKit); the classic builder cannot list such
        // a context exactly, which the analysis reports as an error.
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut text)
            .map_err(|e| Error::Io("<stdin>".into(), e))?;
        options.dockerfile.stdin = Some(text);
    }
    if !options.dockerfile.build_contexts.is_empty() {
        return with_named(config, format, &options, ui, out, err);
    }
    let mut built = with_progress(ui.progress, |p| pipeline::build(config, &options, p))?;
    buildx_note(&mut built.report, config);
    if !options.ci.gates_only {
        output(write(format, &built, ui, config, out))?;
    }
    Ok(finish(built.outcome.as_ref(), err))
}

/// Which builder `docker build` really uses here, the buildx plugin included (see
/// [`crate::buildx`]).
fn buildx_note(report: &mut Report, config: &Config) {
    let setup = crate::buildx::Setup::detect(&crate::buildx::Lookup::from_env());
    pipeline::docker_build_note(report, config.builder, &setup);
}

/// The report with named contexts: the main context's report carries one section per named
/// context and the total; each context's gates run on its own (the exit status is the worst).
fn with_named(
    config: &Config,
    format: Format,
    options: &pipeline::Options,
    ui: Ui,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Error> {
    let named = &options.dockerfile.build_contexts;
    let set = with_progress(ui.progress, |p| named::build(config, named, options, p))?;
    let total = set.total();
    let mut built = set.main;
    buildx_note(&mut built.report, config);
    built.report.total = Some(total);
    let mut code = finish(built.outcome.as_ref(), err);
    for n in set.named {
        let (report, gate) = match n.built {
            Some(b) => (Some(Box::new(b.report)), b.outcome),
            None => (None, None),
        };
        if let Some(o) = &gate {
            for l in o.lines() {
                let _ = writeln!(
                    err,
                    "named context {}: {}",
                    render::escape_controls(&n.context.name),
                    render::escape_controls(&l)
                );
            }
            code = code.max(o.exit_code());
        }
        built.report.contexts.push(ContextSection {
            name: n.context.name,
            source: n.context.source,
            kind: named::kind_name(&n.context.kind).into(),
            note: n.note,
            report,
            gate,
        });
    }
    if options.ci.gates_only {
        return Ok(code);
    }
    output(write(format, &built, ui, config, out))?;
    if format == Format::Human {
        output(write_sections(&built.report, ui, out))?;
    }
    Ok(code)
}

/// The human sections after the main report: one per named context, then the total.
fn write_sections(r: &Report, ui: Ui, out: &mut dyn Write) -> std::io::Result<()> {
    for c in &r.contexts {
        writeln!(out)?;
        writeln!(
            out,
            "== named context {} = {} ({})",
            render::escape_controls(&c.name),
            render::escape_controls(&c.source),
            c.kind
        )?;
        if let Some(n) = &c.note {
            writeln!(out, "note: {}", render::escape_controls(n))?;
        }
        if let Some(rep) = &c.report {
            let style = render::human::Style {
                color: ui.color,
                bar: 0,
            };
            render::human::render(rep, style, out)?;
        }
    }
    if let Some(t) = &r.total {
        writeln!(out)?;
        writeln!(
            out,
            "total       {} in {} files ({} tar bytes) sent over {} context{}; transferred {} in {} files",
            crate::units::human(t.content_bytes),
            crate::units::count(t.files),
            crate::units::count(t.tar_bytes),
            t.contexts,
            if t.contexts == 1 { "" } else { "s" },
            crate::units::human(t.transfer_bytes),
            crate::units::count(t.transfer_files),
        )?;
    }
    Ok(())
}

/// Turns a finished report into bytes.
fn write(
    format: Format,
    built: &Built,
    ui: Ui,
    config: &Config,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let report = &built.report;
    match format {
        Format::Json => render::json::render(report, out),
        Format::Human => render::human::render(
            report,
            render::human::Style {
                color: ui.color,
                bar: 0,
            },
            out,
        ),
        Format::Html => out.write_all(render::html::html(report).as_bytes()),
        Format::Sarif | Format::Github => super::render_ci(
            format,
            &built.analysis,
            report,
            built.outcome.as_ref(),
            &config.cwd,
            out,
        ),
    }
}
