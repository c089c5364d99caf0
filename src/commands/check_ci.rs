//! `ctxsize check-ci [DIR]`: builds in CI files and scripts whose context ignores the
//! `.dockerignore` the user edits ([`crate::check_ci`]). Exit 1 when one is found.

use std::io::Write;
use std::path::Path;

use super::output;
use crate::error::Error;
use crate::exit::ExitCode;
use crate::render::{escape_controls, Format};

/// Scans `root` and writes the findings.
pub(super) fn command(root: &Path, format: Format, out: &mut dyn Write) -> Result<i32, Error> {
    let found = crate::check_ci::scan(root)?;
    let res = if format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, &serde_json::json!({ "findings": found }))
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        (|| {
            for f in &found {
                writeln!(
                    out,
                    "{}:{}: [{}] {}",
                    escape_controls(&f.file),
                    f.line,
                    f.rule,
                    escape_controls(&f.message)
                )?;
                writeln!(out, "  fix: {}", escape_controls(&f.fix))?;
            }
            if found.is_empty() {
                writeln!(
                    out,
                    "no build found whose context ignores the .dockerignore in effect"
                )
            } else {
                writeln!(
                    out,
                    "{} problem{}",
                    found.len(),
                    if found.len() == 1 { "" } else { "s" }
                )
            }
        })()
    };
    output(res)?;
    Ok(if found.is_empty() {
        ExitCode::Ok.code()
    } else {
        ExitCode::Check.code()
    })
}
