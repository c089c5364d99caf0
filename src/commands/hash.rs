//! `ctxsize hash`: the fingerprint of what the builder sends, and one per COPY/ADD of the
//! Dockerfile (the layers that would be cache hits). See [`crate::hash`] and `docs/hash.md`.

use std::io::Write;

use super::output;
use crate::analysis::Config;
use crate::error::Error;
use crate::exit::ExitCode;
use crate::hash::Fingerprint;
use crate::pipeline::{self, DockerfileInput};
use crate::render::Format;

#[derive(serde::Serialize)]
struct CopyDigest {
    line: usize,
    stage: usize,
    #[serde(flatten)]
    fingerprint: Fingerprint,
}

#[derive(serde::Serialize)]
struct Out {
    schema_version: u32,
    context: String,
    builder: crate::Builder,
    #[serde(flatten)]
    fingerprint: Fingerprint,
    copies: Vec<CopyDigest>,
    notes: Vec<String>,
}

/// Hashes the context; per-COPY digests when the Dockerfile can be read.
pub(super) fn command(
    config: &Config,
    format: Format,
    df: &DockerfileInput,
    out: &mut dyn Write,
) -> Result<i32, Error> {
    let (a, no_dockerfile) = pipeline::analyze(config, None)?;
    let whole = crate::hash::context(&a)?;
    let mut notes = Vec::new();
    let mut copies = Vec::new();
    if no_dockerfile {
        notes.push(pipeline::no_dockerfile_note(&a));
    } else if config.dockerfile.as_deref() == Some(std::path::Path::new("-")) {
        notes.push("the Dockerfile from stdin is not read by `hash`: no per-COPY digests".into());
    } else {
        let opts = crate::dockerfile::Options {
            build_args: pipeline::build_args(&df.build_args),
            target: df.target.clone(),
        };
        match crate::transfer::load_sources(&a.resolved.dockerfile, &opts) {
            Ok(sources) => {
                for c in crate::layers::copy_files(&a, &sources) {
                    copies.push(CopyDigest {
                        line: c.line,
                        stage: c.stage,
                        fingerprint: crate::hash::files(&a, &c.ids)?,
                    });
                }
            }
            Err(e) => notes.push(e),
        }
    }
    let o = Out {
        schema_version: crate::report::SCHEMA_VERSION,
        context: a.resolved.root.display().to_string(),
        builder: a.builder,
        fingerprint: whole,
        copies,
        notes,
    };
    let mut buf = Vec::new();
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut buf, &o)
            .map_err(|e| Error::Io("<stdout>".into(), e.into()))?;
        buf.push(b'\n');
    } else {
        let esc = |s: &str| crate::render::escape_controls(s);
        let _ = writeln!(
            buf,
            "{}:{}  {} ({} entries, {} files, {})",
            o.fingerprint.algorithm,
            o.fingerprint.digest,
            esc(&o.context),
            crate::units::count(o.fingerprint.entries),
            crate::units::count(o.fingerprint.files),
            crate::units::human(o.fingerprint.bytes)
        );
        for c in &o.copies {
            let _ = writeln!(
                buf,
                "  stage {} line {:<4} {}:{}  {} files",
                c.stage,
                c.line,
                c.fingerprint.algorithm,
                c.fingerprint.digest,
                crate::units::count(c.fingerprint.files)
            );
        }
        for n in &o.notes {
            let _ = writeln!(buf, "note: {}", esc(n));
        }
    }
    output(out.write_all(&buf))?;
    Ok(ExitCode::Ok.code())
}
