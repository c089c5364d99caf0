//! `ctxsize [CONTEXT]`: the report, in every format.

use std::io::Write;

use super::progress::with_progress;
use super::{finish, output, Ui};
use crate::analysis::Config;
use crate::error::Error;
use crate::pipeline::{self, Built};
use crate::render::{self, Format};

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
    let built = with_progress(ui.progress, |p| pipeline::build(config, &options, p))?;
    output(write(format, &built, ui, config, out))?;
    Ok(finish(built.outcome.as_ref(), err))
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
