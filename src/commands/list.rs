//! `ctxsize list`: every entry sent, in byte order (the stable interface the conformance checks
//! compare with the real docker CLI).

use std::io::Write;

use super::output;
use crate::analysis::{list_into, Config};
use crate::compose::NamedContext;
use crate::error::Error;
use crate::exit::ExitCode;
use crate::pipeline;

/// Lists the context. Without a Dockerfile `docker build` fails before it sends anything, and
/// so does `list` (exit 2, docker's error), naming the Dockerfiles the context holds; the report
/// still describes such a context.
pub(super) fn command(
    config: &Config,
    null: bool,
    depfile: Option<&str>,
    named: Option<&NamedContext>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Error> {
    if let Some(nc) = named {
        return list_named(config, nc, null, out);
    }
    // `list` prints only what is sent: the walk opens only what docker opens.
    let config = Config {
        excluded_sizes: false,
        ..config.clone()
    };
    let (a, no_dockerfile) = pipeline::analyze(&config, None)?;
    if no_dockerfile {
        let _ = writeln!(
            err,
            "note: {}",
            pipeline::no_dockerfile_note(&a, pipeline::NoteFor::Other)
        );
        return Err(Error::BuildkitDockerfile("Dockerfile".into()));
    }
    if let Some(target) = depfile {
        let mut buf = Vec::new();
        depfile_into(&a, &config, target, &mut buf);
        output(out.write_all(&buf))?;
        return Ok(ExitCode::Ok.code());
    }
    let sep = if null { b'\0' } else { b'\n' };
    let mut buf = Vec::new();
    list_into(&a.tree, sep, &mut buf);
    output(out.write_all(&buf))?;
    Ok(ExitCode::Ok.code())
}

/// Escapes a path for a Make rule: `$` doubles, spaces, `#`, `:` and `\` take a backslash.
fn make_escape(p: &[u8], out: &mut Vec<u8>) {
    for &b in p {
        match b {
            b'$' => out.extend_from_slice(b"$$"),
            b' ' | b'#' | b':' | b'\\' | b'\t' => {
                out.push(b'\\');
                out.push(b);
            }
            b'\n' => out.extend_from_slice(b"?"),
            _ => out.push(b),
        }
    }
}

/// `TARGET: prerequisites`: every sent file and symlink (directories left out: their mtimes
/// change with unrelated entries), the Dockerfile and the ignore file in effect, as paths
/// joined to the context as given (relative to the current directory when it was), one per
/// line with `\` continuations.
fn depfile_into(a: &crate::analysis::Analysis, config: &Config, target: &str, out: &mut Vec<u8>) {
    let mut base = config.context.as_os_str().to_string_lossy().into_owned();
    if base.is_empty() {
        base = ".".into();
    }
    let join = |p: &[u8]| -> Vec<u8> {
        let mut v = base.trim_end_matches('/').as_bytes().to_vec();
        v.push(b'/');
        v.extend_from_slice(p);
        v
    };
    make_escape(target.as_bytes(), out);
    out.push(b':');
    let mut deps: Vec<Vec<u8>> = Vec::new();
    let r = &a.resolved;
    for p in [Some(&r.dockerfile), r.ignore_file.as_ref()]
        .into_iter()
        .flatten()
    {
        if let Ok(rel) = p.strip_prefix(&r.root) {
            deps.push(join(rel.to_string_lossy().as_bytes()));
        } else {
            deps.push(p.to_string_lossy().as_bytes().to_vec());
        }
    }
    a.tree.each_listed(|id, path| {
        let n = &a.tree.nodes[id as usize];
        if n.state == crate::tree::State::Sent && n.kind != crate::tree::Kind::Dir {
            deps.push(join(path));
        }
    });
    let mut seen = std::collections::HashSet::new();
    for d in deps {
        if seen.insert(d.clone()) {
            out.extend_from_slice(b" \\\n  ");
            make_escape(&d, out);
        }
    }
    out.push(b'\n');
}

/// `list --context NAME`: a local named context's entries after its own root `.dockerignore`
/// (BuildKit only; see [`crate::named`]).
fn list_named(
    config: &Config,
    nc: &NamedContext,
    null: bool,
    out: &mut dyn Write,
) -> Result<i32, Error> {
    let c = crate::named::local_config(config, nc)?;
    let a = pipeline::analyze_named(&c)?;
    let mut buf = Vec::new();
    list_into(&a.tree, if null { b'\0' } else { b'\n' }, &mut buf);
    output(out.write_all(&buf))?;
    Ok(ExitCode::Ok.code())
}
