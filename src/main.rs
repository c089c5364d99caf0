//! The `ctxsize` binary: parse, run, print errors with hints, exit.

mod cli;
mod man;

use std::io::Write;

use clap::FromArgMatches;

fn main() {
    let matches = cli::command()
        .try_get_matches_from(cli::reorder(std::env::args_os().collect()))
        .unwrap_or_else(|e| clap_exit(&e));
    let args = cli::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let cmd = args.into_command(cwd);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut err = std::io::stderr();
    let result = ctxsize::commands::run(&cmd, &mut out, &mut err);
    // Buffered output reaches the file only here: a failed flush (`> /dev/full`) is an error
    // like any other write; a closed pipe (`| head`) is not.
    let flushed = ctxsize::commands::output(out.flush());
    let code = match result.and_then(|code| flushed.map(|()| code)) {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(err, "error: {}", cap(&e.to_string()));
            if let Some(h) = e.hint() {
                let _ = writeln!(err, "hint: {}", cap(&h));
            }
            ctxsize::ExitCode::Error.code()
        }
    };
    std::process::exit(code);
}

/// Ends the run clap stopped: a usage error as clap prints it (on stderr, status 2); help and
/// version text (`--help`, `-V`, `help lint`) on standard output, where a failed write
/// (`--help > /dev/full`) is an error, status 2, as for any other output (clap's own `exit`
/// ignores it and exits 0). A closed pipe (`--help | head -1`) is not one.
fn clap_exit(e: &clap::Error) -> ! {
    if e.use_stderr() {
        e.exit()
    }
    let printed = e.print().and_then(|()| std::io::stdout().flush());
    let code = match ctxsize::commands::output(printed) {
        Ok(()) => e.exit_code(),
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "error: {err}");
            ctxsize::ExitCode::Error.code()
        }
    };
    std::process::exit(code)
}

/// An error line for a terminal: control bytes escaped in the README's `\xNN` form, and text
/// echoed from a file (a binary ignore file's "line") cut to 400 characters: the first 320 and
/// the last 80, which hold the reason.
fn cap(s: &str) -> String {
    const MAX: usize = 400;
    const TAIL: usize = 80;
    // Control bytes (from a file name or a Dockerfile line) escaped, line by line.
    let s = &s
        .split('\n')
        .map(ctxsize::render::escape_controls)
        .collect::<Vec<_>>()
        .join("\n");
    let n = s.chars().count();
    if n <= MAX {
        return s.to_string();
    }
    // The end too: it holds the reason (`…: file name too long`).
    let head: String = s.chars().take(MAX - TAIL).collect();
    let tail: String = s.chars().skip(n - TAIL).collect();
    format!("{head}…{tail} ({n} characters in all)")
}
