//! `ctxsize list`: every entry sent, in byte order (the stable interface the conformance checks
//! compare with the real docker CLI).

use std::io::Write;

use super::output;
use crate::analysis::{list_into, Config};
use crate::compose::{NamedContext, NamedKind};
use crate::error::Error;
use crate::exit::ExitCode;
use crate::pipeline;

/// Lists the context. Without a Dockerfile `docker build` fails before it sends anything, and
/// so does `list` (exit 2, docker's error), naming the Dockerfiles the context holds; the report
/// still describes such a context.
pub(super) fn command(
    config: &Config,
    null: bool,
    named: Option<&NamedContext>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Error> {
    if let Some(nc) = named {
        return list_named(config, nc, null, out);
    }
    let (a, no_dockerfile) = pipeline::analyze(config, None)?;
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

/// `list --context NAME`: a local named context's entries after its own root `.dockerignore`
/// (BuildKit only; see [`crate::named`]).
fn list_named(
    config: &Config,
    nc: &NamedContext,
    null: bool,
    out: &mut dyn Write,
) -> Result<i32, Error> {
    if nc.kind != NamedKind::Local {
        return Err(Error::Usage(format!(
            "named context {} = {} is not a local directory: nothing to list",
            nc.name, nc.source
        )));
    }
    if config.builder != crate::walk::Builder::Buildkit {
        return Err(Error::Usage(
            "the classic builder has no named contexts (--build-context needs BuildKit)".into(),
        ));
    }
    let c = Config {
        context: nc.source.clone().into(),
        dockerfile: None,
        ..config.clone()
    };
    let a = pipeline::analyze_named(&c)?;
    let mut buf = Vec::new();
    list_into(&a.tree, if null { b'\0' } else { b'\n' }, &mut buf);
    output(out.write_all(&buf))?;
    Ok(ExitCode::Ok.code())
}
