//! `ctxsize explain PATH…`: why each path is sent or not, under both builders; with
//! `--named-context NAME`, a path of that named context against its own root `.dockerignore`
//! (BuildKit only: moby/buildkit frontend/dockerui/namedcontext.go, see [`crate::named`]).

use std::io::Write;

use super::output;
use crate::analysis::Config;
use crate::compose::NamedContext;
use crate::error::Error;
use crate::exit::ExitCode;
use crate::explain::{context_path, explain, render_human, Explainer};
use crate::pipeline;
use crate::render::Format;

/// `ctxsize explain PATH…`: human text or JSON (`[Explanation, …]`).
pub(super) fn command(
    cfg: &Config,
    paths: &[std::ffi::OsString],
    named: Option<&NamedContext>,
    format: Format,
    out: &mut dyn Write,
) -> Result<i32, Error> {
    if !matches!(format, Format::Human | Format::Json) {
        return Err(Error::Usage(
            "explain writes human or json output (--format human|json)".into(),
        ));
    }
    // No sizes are explained: the walks open only what docker opens.
    let cfg = &Config {
        excluded_sizes: false,
        ..cfg.clone()
    };
    let (chosen, other, other_err, given_root, header) = match named {
        Some(nc) => {
            let c = crate::named::local_config(cfg, nc)?;
            let a = pipeline::analyze_named(&c)
                .map_err(|e| Error::Usage(format!("named context {}: {e}", nc.name)))?;
            let header = format!(
                "named context {} = {} (its root .dockerignore only; BuildKit)",
                nc.name, nc.source
            );
            let given = crate::context::absolute(&cfg.cwd, &c.context);
            (
                a,
                None,
                Some(crate::named::NO_CLASSIC.to_string()),
                given,
                Some(header),
            )
        }
        None => {
            let chosen = pipeline::analyze(cfg, None)?.0;
            // With Podman, the other verdict is docker's default (BuildKit) with the same
            // Containerfile (`docker build -f`), not a second Buildah one.
            let other_cfg = match cfg.engine {
                crate::engine::Engine::Podman { .. } => Config {
                    builder: crate::Builder::Buildkit,
                    engine: crate::engine::Engine::Docker,
                    dockerfile: Some(chosen.resolved.dockerfile.clone()),
                    ..cfg.clone()
                },
                crate::engine::Engine::Docker => Config {
                    builder: cfg.builder.other(),
                    ..cfg.clone()
                },
            };
            let (other, other_err) = match pipeline::analyze(&other_cfg, None) {
                Ok((a, _)) => (Some(a), None),
                Err(e) => (None, Some(e.to_string())),
            };
            let given = crate::context::absolute(&cfg.cwd, &cfg.context);
            (chosen, other, other_err, given, None)
        }
    };
    let ce = Explainer::new(&chosen);
    let oe = other.as_ref().map(Explainer::new);
    let mut list = Vec::new();
    for p in paths {
        let rel = context_path(&chosen.resolved.root, &given_root, p).map_err(Error::Usage)?;
        list.push(explain(&ce, oe.as_ref(), other_err.as_deref(), &rel));
    }
    let res = match format {
        Format::Json => serde_json::to_writer_pretty(&mut *out, &list)
            .map_err(std::io::Error::from)
            .and_then(|_| writeln!(out)),
        _ => (|| {
            if let Some(h) = &header {
                writeln!(out, "{}\n", crate::render::escape_controls(h))?;
            }
            render_human(&list, out)
        })(),
    };
    output(res)?;
    Ok(ExitCode::Ok.code())
}
