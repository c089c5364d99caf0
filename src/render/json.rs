//! JSON output: one object, raw integers.

use crate::report::Report;

/// Renders the report as pretty JSON followed by a newline.
pub(crate) fn render(r: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, r)?;
    writeln!(out)
}
