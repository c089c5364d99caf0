//! The human report.

use humansize::{format_size, DECIMAL};

use crate::report::Report;
use crate::walk::Builder;

/// Renders a short human summary.
pub fn render(r: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let t = &r.totals;
    let builder = match r.builder {
        Builder::Buildkit => "BuildKit",
        Builder::Classic => "classic builder",
    };
    writeln!(out, "context     {}", r.context)?;
    writeln!(out, "builder     {builder}")?;
    writeln!(out, "dockerfile  {}", r.dockerfile)?;
    writeln!(
        out,
        "ignore file {}",
        r.ignore_file.as_deref().unwrap_or("(none)")
    )?;
    for n in &r.notes {
        writeln!(out, "note: {n}")?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "sent        {} in {} files, {} dirs, {} symlinks{}",
        format_size(t.content_bytes, DECIMAL),
        t.files,
        t.dirs,
        t.symlinks,
        if t.other > 0 {
            format!(", {} other", t.other)
        } else {
            String::new()
        }
    )?;
    writeln!(
        out,
        "tar size    {} ({} bytes, as the classic builder sends it)",
        format_size(t.tar_bytes, DECIMAL),
        t.tar_bytes
    )?;
    writeln!(
        out,
        "kept out    {} in {} files",
        format_size(t.excluded_bytes, DECIMAL),
        t.excluded_files
    )?;
    for w in &r.warnings {
        writeln!(out, "warning: {w}")?;
    }
    Ok(())
}
