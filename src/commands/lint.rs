//! `ctxsize lint`: the ignore file's problems, in every format. Exit 1 only on a problem that
//! changes what is sent or breaks the build (severity `low` or above by default; `DI002`
//! "matches nothing" is `info`).

use std::io::Write;

use super::{finish, output};
use crate::analysis::Config;
use crate::error::Error;
use crate::gate::{CiOptions, FailOn, Limits, Measure, Severity};
use crate::lint::{lint, render_human};
use crate::render::{github, sarif, Format};

/// `ctxsize lint`: runs the checks, applies the config file's rule settings and baseline, prints
/// in `format`, and returns 1 when a finding trips `--fail-on` (default: any finding above
/// `info`), unless `--warn-only`.
pub(super) fn command(
    cfg: &Config,
    format: Format,
    ci: &CiOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Error> {
    let mut r = lint(cfg)?;
    let root = std::path::PathBuf::from(&r.context);
    let file = crate::config_file::FileConfig::load(ci.config.as_deref(), &root)?;
    let accepted = file.apply(&mut r.findings);
    if accepted > 0 {
        r.notes
            .push(format!("{accepted} finding(s) accepted by the baseline"));
    }
    let fail_on = ci
        .limits
        .fail_on
        .clone()
        .or_else(|| file.limits.fail_on.clone())
        .unwrap_or(FailOn {
            severity: Some(Severity::Low),
            ..FailOn::default()
        });
    let limits = Limits {
        fail_on: Some(fail_on),
        ..Limits::default()
    };
    let mut outcome = crate::gate::evaluate(
        &limits,
        &Measure::default(),
        &r.findings,
        ci.warn_only || file.warn_only,
    )?;
    outcome.passed.clear();
    let anchor = r.ignore_file.clone();
    let g = sarif::Group {
        root: &root,
        findings: &r.findings,
        outcome: None,
        anchor,
        warnings: &[],
    };
    let res = match format {
        // The CLI refuses it (exit 2); a library caller gets the same refusal.
        Format::Html => Err(std::io::Error::other(
            "html is written for the report of one context only (ctxsize --format html DIR)",
        )),
        Format::Human => render_human(&r, out),
        Format::Json => serde_json::to_writer_pretty(&mut *out, &r)
            .map_err(std::io::Error::from)
            .and_then(|_| writeln!(out)),
        Format::Sarif => sarif::render(&[g], &cfg.cwd, out),
        Format::Github => {
            let problems = r.findings.iter().filter(|f| f.severity != "info").count();
            let summary = format!(
                "ctxsize lint: {} problem{} and {} info finding{} in {}",
                problems,
                if problems == 1 { "" } else { "s" },
                r.findings.len() - problems,
                if r.findings.len() - problems == 1 {
                    ""
                } else {
                    "s"
                },
                r.ignore_file.as_deref().unwrap_or("(no ignore file)")
            );
            github::render(&[g], &cfg.cwd, &[summary], out)
        }
    };
    output(res)?;
    Ok(finish(Some(&outcome), err))
}
