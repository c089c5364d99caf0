//! `ctxsize diff BASE`: the context now against the context at a git revision (see
//! [`crate::growth`]); `--max-growth SIZE` fails (exit 1) when the context grew by more.

use std::io::Write;

use super::output;
use crate::analysis::Config;
use crate::error::Error;
use crate::exit::ExitCode;
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
    let root = now.analysis.resolved.root.clone();
    let tree = growth::checkout(&root, base).map_err(Error::Usage)?;
    let base_cfg = Config {
        context: tree.dir.path().to_path_buf(),
        dockerfile: growth::base_dockerfile(
            &now.analysis,
            tree.dir.path(),
            config.dockerfile.as_deref(),
        ),
        cwd: tree.dir.path().to_path_buf(),
        ..config.clone()
    };
    let base_opts = Options {
        ci: Default::default(),
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
    if let Some(max) = max_growth {
        if g.growth_bytes > max as i64 {
            let _ = writeln!(
                err,
                "gate max-growth: FAILED: the context grew by {} ({} bytes) since {}, more than {}",
                human(g.growth_bytes as u64),
                count(g.growth_bytes as u64),
                crate::render::escape_controls(base),
                human(max)
            );
            return Ok(ExitCode::Check.code());
        }
        let _ = writeln!(
            err,
            "gate max-growth: passed ({} since {}, limit {})",
            signed(g.growth_bytes),
            crate::render::escape_controls(base),
            human(max)
        );
    }
    Ok(ExitCode::Ok.code())
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
