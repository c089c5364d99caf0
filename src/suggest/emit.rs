//! What `ctxsize suggest` does with finished proposals: prints them (or a diff) on standard
//! output and their summaries on standard error, and with `--write` writes each atomically.

use std::io::Write;

use crate::analysis::Config;
use crate::error::Error;

use super::{named, output, unified_diff, with_compose_dockerfile, write, write_atomic};
use super::{summary, SuggestOptions, Suggestion};

/// Prints (or writes) the proposals and their summaries, each file after a `# ==> PATH <==` line
/// when `header`; exit 1 and nothing written when one is not proven.
pub(super) fn emit(
    config: &Config,
    opts: &SuggestOptions,
    all: &[Suggestion],
    header: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Error> {
    let ioe = |e: std::io::Error| Error::Io("<stdout>".into(), e);
    for s in all {
        let dest = s.destination.display().to_string();
        if opts.diff {
            let old = s
                .current
                .as_deref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            let d = unified_diff(
                &old,
                &s.text,
                &format!("{dest} (current)"),
                &format!("{dest} (suggested)"),
            );
            out.write_all(d.as_bytes()).map_err(ioe)?;
        } else if !opts.write {
            if header {
                out.write_all(format!("# ==> {dest} <==\n").as_bytes())
                    .map_err(ioe)?;
            }
            out.write_all(s.text.as_bytes()).map_err(ioe)?;
        }
    }
    out.flush().map_err(ioe)?;
    for s in all {
        let _ = err.write_all(summary(s).as_bytes());
    }
    if all.iter().any(|s| !s.proven()) {
        if opts.write {
            let _ = writeln!(err, "  not written: the proposal is not proven");
        }
        return Ok(crate::exit::ExitCode::Check.code());
    }
    if opts.write {
        // `--compose` with no root Dockerfile: resolve the context as the proposal did.
        let owned = match (&opts.named, all.first().and_then(|s| s.found_main.clone())) {
            (Some(_), _) => None,
            // No Dockerfile given or at the root: the one discovery served first.
            (None, Some(df)) => Some(Config {
                dockerfile: Some(df),
                ..config.clone()
            }),
            (None, None) => with_compose_dockerfile(config, opts)?,
        };
        let config = owned.as_ref().unwrap_or(config);
        let root = match &opts.named {
            Some(nc) => named::resolve(config, nc)?.root,
            None => config.resolve_for(config.builder)?.root,
        };
        for s in all {
            let dir = write::backup_dir(&root);
            // A symlinked ignore file (`.dockerignore -> .gitignore`) is replaced by a regular
            // file, its target left as it is: say so, or the two silently part ways.
            let link = std::fs::symlink_metadata(&s.destination)
                .is_ok_and(|m| m.file_type().is_symlink())
                .then(|| std::fs::read_link(&s.destination).ok())
                .flatten();
            let bak = write_atomic(&s.destination, s.text.as_bytes(), &s.seen, &dir, &mut || {})?;
            let bak = match (bak, &opts.named) {
                (Some(b), Some(nc)) => Some(named::secure_backup(config, nc, b)?),
                (Some(b), None) => Some(write::secure_backup(config, &root, b)?),
                (None, _) => None,
            };
            let _ = writeln!(
                err,
                "  wrote {}{}",
                output::esc(&s.destination.display().to_string()),
                match bak {
                    Some((b, note)) => format!(
                        " (previous file kept as {}{})",
                        output::esc(&b.display().to_string()),
                        note.map_or(String::new(), |n| format!("; {n}"))
                    ),
                    None => String::new(),
                }
            );
            if let Some(t) = link {
                let _ = writeln!(
                    err,
                    "  note: {} was a symlink to {}; it is now a regular file, and {} is unchanged",
                    output::esc(&s.destination.display().to_string()),
                    output::esc(&t.display().to_string()),
                    output::esc(&t.display().to_string()),
                );
            }
        }
    }
    Ok(crate::exit::ExitCode::Ok.code())
}
