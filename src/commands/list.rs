//! `ctxsize list`: every entry sent, in byte order (the stable interface the conformance checks
//! compare with the real docker CLI).

use std::io::Write;

use super::output;
use crate::analysis::{list_into, Config};
use crate::error::Error;
use crate::exit::ExitCode;
use crate::pipeline;

/// Lists the context. Without a Dockerfile `docker build` fails before it sends anything, and
/// so does `list` (exit 2, docker's error), naming the Dockerfiles the context holds; the report
/// still describes such a context.
pub(super) fn command(
    config: &Config,
    null: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Error> {
    // `list` prints only what is sent: the walk opens only what docker opens.
    let config = Config {
        excluded_sizes: false,
        ..config.clone()
    };
    let (a, no_dockerfile) = pipeline::analyze(&config, None)?;
    if no_dockerfile {
        let _ = writeln!(err, "note: {}", pipeline::no_dockerfile_note(&a));
        return Err(Error::BuildkitDockerfile("Dockerfile".into()));
    }
    let sep = if null { b'\0' } else { b'\n' };
    let mut buf = Vec::new();
    list_into(&a.tree, sep, &mut buf);
    output(out.write_all(&buf))?;
    Ok(ExitCode::Ok.code())
}
