//! `ctxsize hash`: the fingerprint of what the builder sends, and one per COPY/ADD of the
//! Dockerfile (the layers that would be cache hits); with `--build-context NAME=PATH`, one per
//! local named context (its own root `.dockerignore`, see [`crate::named`]) and per COPY that
//! reads it. See [`crate::hash`] and `docs/hash.md`.

use std::io::Write;

use super::output;
use crate::analysis::Config;
use crate::compose::NamedContext;
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

/// One named context's digest (a local one under BuildKit), or why it has none.
#[derive(serde::Serialize)]
struct NamedDigest {
    name: String,
    source: String,
    kind: &'static str,
    #[serde(flatten)]
    fingerprint: Option<Fingerprint>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    copies: Vec<CopyDigest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
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
    /// Named contexts (`--build-context`), absent without them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    contexts: Vec<NamedDigest>,
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
    let mut sources_read = None;
    if no_dockerfile {
        notes.push(pipeline::no_dockerfile_note(&a, pipeline::NoteFor::Other));
    } else if config.dockerfile.as_deref() == Some(std::path::Path::new("-")) {
        notes.push("the Dockerfile from stdin is not read by `hash`: no per-COPY digests".into());
    } else {
        let opts = crate::dockerfile::Options {
            build_args: pipeline::build_args(&df.build_args),
            target: df.target.clone(),
            classic: false,
        };
        match crate::transfer::load_sources(&a.resolved.dockerfile, &opts) {
            Ok(sources) => {
                copies = copy_digests(&a, &sources)?;
                sources_read = Some(sources);
            }
            Err(e) => notes.push(e),
        }
    }
    let contexts = df
        .build_contexts
        .iter()
        .map(|nc| named_digest(config, nc, sources_read.as_ref()))
        .collect::<Result<Vec<_>, Error>>()?;
    let o = Out {
        schema_version: crate::report::SCHEMA_VERSION,
        context: a.resolved.root.display().to_string(),
        builder: a.builder,
        fingerprint: whole,
        copies,
        notes,
        contexts,
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
            "{}:{}  {} ({}, {}, {})",
            o.fingerprint.algorithm,
            o.fingerprint.digest,
            esc(&o.context),
            counted(o.fingerprint.entries, "entry", "entries"),
            counted(o.fingerprint.files, "file", "files"),
            crate::units::human(o.fingerprint.bytes)
        );
        for c in &o.copies {
            let _ = writeln!(
                buf,
                "  stage {} line {:<4} {}:{}  {}",
                c.stage,
                c.line,
                c.fingerprint.algorithm,
                c.fingerprint.digest,
                counted(c.fingerprint.files, "file", "files")
            );
        }
        for n in &o.notes {
            let _ = writeln!(buf, "note: {}", esc(n));
        }
        for c in &o.contexts {
            let head = format!("named context {} = {}", esc(&c.name), esc(&c.source));
            match &c.fingerprint {
                Some(f) => {
                    let _ = writeln!(
                        buf,
                        "{}:{}  {head} ({}, {}, {})",
                        f.algorithm,
                        f.digest,
                        counted(f.entries, "entry", "entries"),
                        counted(f.files, "file", "files"),
                        crate::units::human(f.bytes)
                    );
                }
                None => {
                    let _ = writeln!(buf, "{head}: no digest");
                }
            }
            for cp in &c.copies {
                let _ = writeln!(
                    buf,
                    "  stage {} line {:<4} {}:{}  {}",
                    cp.stage,
                    cp.line,
                    cp.fingerprint.algorithm,
                    cp.fingerprint.digest,
                    counted(cp.fingerprint.files, "file", "files")
                );
            }
            if let Some(n) = &c.note {
                let _ = writeln!(buf, "  note: {}", esc(n));
            }
        }
    }
    output(out.write_all(&buf))?;
    Ok(ExitCode::Ok.code())
}

fn copy_digests(
    a: &crate::analysis::Analysis,
    sources: &crate::dockerfile::Sources,
) -> Result<Vec<CopyDigest>, Error> {
    crate::layers::copy_files(a, sources)
        .into_iter()
        .map(|c| {
            Ok(CopyDigest {
                line: c.line,
                stage: c.stage,
                fingerprint: crate::hash::files(a, &c.ids)?,
            })
        })
        .collect()
}

/// The digest of a named context: what it sends under its own root `.dockerignore`, and one per
/// `COPY --from=NAME` that reads it (when the Dockerfile was read).
fn named_digest(
    config: &Config,
    nc: &NamedContext,
    sources: Option<&crate::dockerfile::Sources>,
) -> Result<NamedDigest, Error> {
    let mut d = NamedDigest {
        name: nc.name.clone(),
        source: nc.source.clone(),
        kind: crate::named::kind_name(&nc.kind),
        fingerprint: None,
        copies: Vec::new(),
        note: None,
    };
    let cfg = match crate::named::local_config(config, nc) {
        Ok(c) => c,
        Err(e) => {
            d.note = Some(e.to_string());
            return Ok(d);
        }
    };
    let a = pipeline::analyze_named(&cfg)
        .map_err(|e| Error::Usage(format!("named context {}: {e}", nc.name)))?;
    d.fingerprint = Some(crate::hash::context(&a)?);
    match sources.map(|s| crate::named::uses_of(s, &nc.name)) {
        Some(u) if u.items.is_empty() => {
            d.note = Some(format!(
                "the Dockerfile does not read {0} (no COPY --from={0}, RUN --mount=from={0} or FROM {0} in the stages built): BuildKit does not transfer it",
                nc.name
            ))
        }
        Some(u) => d.copies = copy_digests(&a, &u)?,
        None => d.note = Some("no Dockerfile was read: no per-COPY digests".into()),
    }
    Ok(d)
}

/// `1 file`, `2 files`, `1,024 files`.
fn counted(n: u64, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        crate::units::count(n),
        if n == 1 { one } else { many }
    )
}
