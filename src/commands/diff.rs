//! `ctxsize diff BASE`: the context now against the context at a git revision (see
//! [`crate::growth`]) or against a saved JSON report (a file; see [`crate::growth::saved`]);
//! `--max-growth SIZE` fails (exit 1) when the context grew by more.

use std::io::Write;

use super::output;
use crate::analysis::Config;
use crate::error::Error;
use crate::exit::ExitCode;
use crate::growth::saved::{self, SavedGrowth};
use crate::growth::{self, Growth};
use crate::pipeline::{self, Options};
use crate::render::Format;
use crate::units::{count, human};

fn signed(n: i64) -> String {
    if n < 0 {
        format!("-{}", human(n.unsigned_abs()))
    } else {
        format!("+{}", human(n as u64))
    }
}

/// Runs the comparison.
pub(super) fn command(
    config: &Config,
    base: &str,
    max_growth: Option<u64>,
    format: Format,
    options: &Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Error> {
    let now = pipeline::build(config, options, None)?;
    let base_file = crate::context::absolute(&config.cwd, std::path::Path::new(base));
    if base_file.is_file() {
        let bytes = std::fs::read(&base_file).map_err(|e| Error::Io(base_file.clone(), e))?;
        let saved = saved::parse(&bytes)
            .map_err(|e| Error::Usage(format!("{}: {e}", base_file.display())))?;
        let g = saved::compare(base, &saved, (&now.analysis, &now.report));
        let mut buf = Vec::new();
        if format == Format::Json {
            serde_json::to_writer_pretty(&mut buf, &g)
                .map_err(|e| Error::Io("<stdout>".into(), e.into()))?;
            buf.push(b'\n');
        } else {
            saved_human(&g, &mut buf);
        }
        output(out.write_all(&buf))?;
        return Ok(gate(g.growth_bytes, base, max_growth, err));
    }
    let root = now.analysis.resolved.root.clone();
    let tree = growth::checkout(&root, base).map_err(|e| {
        // A saved report's name that is not there reads better as that than as git's error.
        if base.ends_with(".json") && !base_file.exists() {
            Error::Usage(format!(
                "{}: no such file (nor a git revision: {e})",
                base_file.display()
            ))
        } else {
            Error::Usage(e)
        }
    })?;
    let base_cfg = Config {
        context: tree.path(),
        dockerfile: growth::base_dockerfile(
            &now.analysis,
            &tree.path(),
            config.dockerfile.as_deref(),
        ),
        cwd: tree.path(),
        ..config.clone()
    };
    // The base holds only what git tracked at that revision: judged as tracked, as the
    // working tree's own files are, so a tracked `logs/` is not a "gone" finding.
    let base_opts = Options {
        ci: Default::default(),
        report: crate::report::ReportOptions {
            all_tracked: true,
            ..options.report.clone()
        },
        ..options.clone()
    };
    let then = pipeline::build(&base_cfg, &base_opts, None)?;
    let g = growth::compare(
        base,
        (&then.analysis, &then.report, &tree.commit),
        (&now.analysis, &now.report),
    );
    let mut buf = Vec::new();
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut buf, &g)
            .map_err(|e| Error::Io("<stdout>".into(), e.into()))?;
        buf.push(b'\n');
    } else {
        human_out(&g, &mut buf);
    }
    output(out.write_all(&buf))?;
    Ok(gate(g.growth_bytes, base, max_growth, err))
}

/// `--max-growth`: the gate line on `err` and the exit status.
fn gate(growth_bytes: i64, base: &str, max_growth: Option<u64>, err: &mut dyn Write) -> i32 {
    let Some(max) = max_growth else {
        return ExitCode::Ok.code();
    };
    if growth_bytes > max as i64 {
        let _ = writeln!(
            err,
            "gate max-growth: FAILED: the context grew by {} ({} bytes) since {}, more than {}",
            human(growth_bytes as u64),
            count(growth_bytes as u64),
            crate::render::escape_controls(base),
            human(max)
        );
        return ExitCode::Check.code();
    }
    let _ = writeln!(
        err,
        "gate max-growth: passed ({} since {}, limit {})",
        signed(growth_bytes),
        crate::render::escape_controls(base),
        human(max)
    );
    ExitCode::Ok.code()
}

fn pct(base: u64, growth: i64) -> String {
    if base > 0 {
        format!(" ({:+.1}%)", growth as f64 * 100.0 / base as f64)
    } else {
        String::new()
    }
}

fn saved_human(g: &SavedGrowth, o: &mut Vec<u8>) {
    let esc = crate::render::escape_controls;
    let _ = writeln!(
        o,
        "Base  {} (a saved report of {}, {})  {} in {} files",
        esc(&g.base),
        esc(&g.base_context),
        esc(&g.base_builder),
        human(g.base_content_bytes),
        count(g.base_files)
    );
    let _ = writeln!(
        o,
        "Now   {} in {} files  {}{}",
        human(g.content_bytes),
        count(g.files),
        signed(g.growth_bytes),
        pct(g.base_content_bytes, g.growth_bytes)
    );
    let _ = writeln!(
        o,
        "Tar   {} → {}",
        human(g.base_tar_bytes),
        human(g.tar_bytes)
    );
    if let Some((b, n)) = g.transfer_bytes {
        let _ = writeln!(o, "Transfer  {} → {}", human(b), human(n));
    }
    for w in &g.warnings {
        let _ = writeln!(o, "warning: {}", esc(w));
    }
    if !g.dirs.is_empty() || !g.dirs_not_in_base.is_empty() {
        let _ = writeln!(
            o,
            "\nBy directory (the base report's largest, measured now)"
        );
        for d in &g.dirs {
            let _ = writeln!(
                o,
                "  {:>10}  {:<30} {} → {}, {} → {} files",
                signed(d.delta_bytes),
                esc(&format!("{}/", d.path)),
                human(d.base_bytes),
                human(d.bytes),
                count(d.base_files),
                count(d.files)
            );
        }
        for d in &g.dirs_not_in_base {
            let _ = writeln!(
                o,
                "  {:>10}  {:<30} {} now; not among the base report's largest: its base size is not known",
                "?",
                esc(&format!("{}/", d.path)),
                human(d.bytes)
            );
        }
    }
    if !g.largest_files.is_empty() || !g.files_not_in_base.is_empty() {
        let _ = writeln!(o, "\nLargest files (the base report's list, measured now)");
        for f in &g.largest_files {
            let _ = match f.bytes {
                Some(b) if b == f.base_bytes => Ok(()),
                Some(b) => writeln!(
                    o,
                    "  {:>10}  {}  {} → {}",
                    signed(b as i64 - f.base_bytes as i64),
                    esc(&f.path),
                    human(f.base_bytes),
                    human(b)
                ),
                None => writeln!(
                    o,
                    "  {:>10}  {}  no longer sent",
                    signed(-(f.base_bytes as i64)),
                    esc(&f.path)
                ),
            };
        }
        let same = g
            .largest_files
            .iter()
            .filter(|f| f.bytes == Some(f.base_bytes))
            .count();
        if same > 0 {
            let _ = writeln!(
                o,
                "  {:>10}  {} more of its files, the same size now",
                "=",
                count(same as u64)
            );
        }
        let smallest = g.largest_files.iter().map(|f| f.base_bytes).min();
        for f in &g.files_not_in_base {
            if g.base_files_complete {
                let _ = writeln!(
                    o,
                    "  {:>10}  {}  added (the base report lists every file it sent)",
                    signed(f.bytes as i64),
                    esc(&f.path)
                );
                continue;
            }
            let _ = writeln!(
                o,
                "  {:>10}  {}  {} now; not in the base report's list: added, or smaller than {} at the base",
                "?",
                esc(&f.path),
                human(f.bytes),
                smallest.map_or("its smallest entry".to_string(), human)
            );
        }
    }
    for (title, list) in [
        ("New findings", &g.new_findings),
        ("Gone findings", &g.gone_findings),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(o, "\n{title}");
        for f in list {
            let _ = writeln!(o, "  {}", esc(f));
        }
    }
    let _ = writeln!(o, "\nA saved report cannot show");
    for n in &g.not_shown {
        let _ = writeln!(o, "  - {}", esc(n));
    }
}

fn human_out(g: &Growth, o: &mut Vec<u8>) {
    let esc = crate::render::escape_controls;
    let _ = writeln!(
        o,
        "Base  {} ({})  {} in {} files",
        esc(&g.base),
        &g.base_commit[..g.base_commit.len().min(12)],
        human(g.base_content_bytes),
        count(g.base_files)
    );
    let pct = if g.base_content_bytes > 0 {
        format!(
            " ({:+.1}%)",
            g.growth_bytes as f64 * 100.0 / g.base_content_bytes as f64
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        o,
        "Now   {} in {} files  {}{pct}",
        human(g.content_bytes),
        count(g.files),
        signed(g.growth_bytes)
    );
    if !g.dirs.is_empty() {
        let _ = writeln!(o, "\nBy directory");
        for d in g.dirs.iter().take(15) {
            let _ = writeln!(
                o,
                "  {:>10}  {:<30} {} added, {} removed, {} grew, {} shrank",
                signed(d.delta_bytes),
                esc(&d.path),
                d.added,
                d.removed,
                d.grew,
                d.shrank
            );
        }
    }
    for (title, list, sign) in [
        ("Added", &g.added, 1i64),
        ("Removed", &g.removed, -1),
        ("Grew", &g.grew, 0),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(o, "\n{title} ({} files)", count(list.len() as u64));
        for f in list.iter().take(10) {
            let d = match sign {
                1 => signed(f.bytes as i64),
                -1 => signed(-(f.base_bytes as i64)),
                _ => signed(f.bytes as i64 - f.base_bytes as i64),
            };
            let _ = writeln!(o, "  {d:>10}  {}", esc(&f.path));
        }
        if list.len() > 10 {
            let _ = writeln!(o, "  … and {} more", list.len() - 10);
        }
    }
    for (title, list) in [
        ("New findings", &g.new_findings),
        ("Gone findings", &g.gone_findings),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(o, "\n{title}");
        for f in list {
            let _ = writeln!(o, "  {}", esc(f));
        }
    }
}
