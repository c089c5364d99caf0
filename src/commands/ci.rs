//! The CI formats of a finished report: SARIF and GitHub annotations.

use std::io::Write;
use std::path::Path;

use crate::analysis::Analysis;
use crate::render::{github, sarif, Format};
use crate::report::{Outcome, Report};

/// One plain summary line for CI logs.
pub(crate) fn summary_line(report: &Report) -> String {
    format!(
        "ctxsize: {} sends {} in {} files ({} tar bytes, {})",
        crate::render::escape_controls(&report.context),
        crate::units::human(report.totals.content_bytes),
        report.totals.files,
        report.totals.tar_bytes,
        report.builder.name()
    )
}

/// Renders a report in a CI format (`Format::Sarif` or `Format::Github`).
pub(crate) fn render_ci(
    format: Format,
    a: &Analysis,
    report: &Report,
    outcome: Option<&Outcome>,
    base: &Path,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let g = sarif::Group {
        root: &a.resolved.root,
        findings: &report.findings,
        outcome,
        anchor: crate::gate::anchor(a),
        warnings: &report.warnings,
    };
    match format {
        Format::Github => github::render(&[g], base, &[summary_line(report)], out),
        _ => sarif::render(&[g], base, out),
    }
}
