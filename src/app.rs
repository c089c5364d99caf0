//! The program behind the command line: plain configuration in, output and an exit status out.

use std::io::Write;

use crate::analysis::{analyze, list_lines, Config};
use crate::error::Error;
use crate::render::{self, Format};
use crate::report::Report;

/// What the user asked for.
#[derive(Debug, Clone)]
pub enum Command {
    /// The report (`ctxsize [CONTEXT]`).
    Report {
        /// What to analyse.
        config: Config,
        /// Output format.
        format: Format,
    },
    /// `ctxsize list`.
    List {
        /// What to analyse.
        config: Config,
        /// NUL-separated output.
        null: bool,
    },
}

/// Exit status: everything fine.
pub const EXIT_OK: i32 = 0;
/// Exit status: a check failed.
pub const EXIT_CHECK: i32 = 1;
/// Exit status: an error.
pub const EXIT_ERROR: i32 = 2;

/// Runs a command, writing to `out`. Errors are returned for the caller to print.
pub fn run(cmd: &Command, out: &mut dyn Write) -> Result<i32, Error> {
    match cmd {
        Command::Report { config, format } => {
            let a = analyze(config)?;
            let report = Report::new(&a);
            let res = match format {
                Format::Json => render::json::render(&report, out),
                Format::Human => render::human::render(&report, out),
            };
            io_ok(res)?;
            Ok(EXIT_OK)
        }
        Command::List { config, null } => {
            let a = analyze(config)?;
            let sep = if *null { b'\0' } else { b'\n' };
            let mut buf = Vec::new();
            for line in list_lines(&a.tree) {
                buf.extend_from_slice(&line);
                buf.push(sep);
            }
            io_ok(out.write_all(&buf))?;
            Ok(EXIT_OK)
        }
    }
}

/// A closed pipe (`ctxsize list | head`) is not an error.
fn io_ok(r: std::io::Result<()>) -> Result<(), Error> {
    match r {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Io("<stdout>".into(), e)),
    }
}
