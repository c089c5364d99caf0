//! Every context of one build: the main context and its named contexts (`--build-context
//! NAME=…`, compose `additional_contexts`, bake `contexts`), each through the one pipeline
//! ([`crate::pipeline`]), one [`Report`](crate::report::Report) per context.
//!
//! BuildKit resolves `COPY --from=NAME`, `RUN --mount=from=NAME` and `FROM NAME` to the named
//! context NAME when the build defines one and no stage of the Dockerfile has that name. A local
//! named context is its own transfer: its root `.dockerignore` only, never
//! `<Dockerfile>.dockerignore` (moby/buildkit frontend/dockerui/namedcontext.go, `case "local"`:
//! it loads `DefaultDockerignoreName` and nothing else), and only what those uses select is
//! transferred (the frontend loads a named context only when the Dockerfile reads it). Other
//! kinds (`docker-image://`, `oci-layout://`, `target:`, Git/HTTP URLs) are listed, not walked.
//! The classic builder has no named contexts.
//!
//! [`build`] is the entry point for anything that knows a build's contexts (the report, compose,
//! a bake target): (context, named contexts, Dockerfile input, options) → per-context reports.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;

use crate::analysis::Config;
use crate::compose::{NamedContext, NamedKind};
use crate::dockerfile::Sources;
use crate::error::Error;
use crate::pipeline::{self, Built, Options};
pub(crate) use crate::report::SetTotal;
use crate::walk::Builder;

/// One named context of a build and, for an analysed local one, its report.
#[derive(Debug)]
pub(crate) struct NamedBuilt {
    /// The name, its value and kind.
    pub context: NamedContext,
    /// The report (`None`: not a local directory, or the classic builder).
    pub built: Option<Built>,
    /// Why it was not analysed (an analysed one carries its notes in its report).
    pub note: Option<String>,
}

/// The main context and its named contexts.
#[derive(Debug)]
pub(crate) struct BuildSet {
    /// The main context.
    pub main: Built,
    /// The named contexts, in the order given.
    pub named: Vec<NamedBuilt>,
}

/// Builds the report of the main context (`cfg`, `opts`) and of each named context.
pub(crate) fn build(
    cfg: &Config,
    named: &[NamedContext],
    opts: &Options,
    progress: Option<&AtomicU64>,
) -> Result<BuildSet, Error> {
    let (main, sources) = pipeline::build_with_sources(cfg, opts, progress)?;
    with_named(cfg, named, opts, main, sources)
}

/// [`build`] for one of several builds (Compose services, bake targets): a main context an
/// earlier build walked is not walked again.
pub(crate) fn build_cached(
    cfg: &Config,
    named: &[NamedContext],
    opts: &Options,
    cache: &mut pipeline::WalkCache,
) -> Result<BuildSet, Error> {
    let (main, sources) = pipeline::build_cached_with_sources(cfg, opts, cache)?;
    with_named(cfg, named, opts, main, sources)
}

fn with_named(
    cfg: &Config,
    named: &[NamedContext],
    opts: &Options,
    main: Built,
    sources: Option<Sources>,
) -> Result<BuildSet, Error> {
    let df_path = df_display(&main);
    let mut out = Vec::with_capacity(named.len());
    for nc in named {
        let mut n = build_one(cfg, nc, opts, sources.as_ref(), &df_path)?;
        if let Some(b) = n.built.as_mut().filter(|_| sources.is_some()) {
            b.report.dockerfile = main.report.dockerfile.clone();
        }
        out.push(n);
    }
    Ok(BuildSet { main, named: out })
}

fn df_display(main: &Built) -> String {
    let d = &main.report.dockerfile;
    match Path::new(d).strip_prefix(&main.analysis.resolved.root) {
        Ok(r) => r.display().to_string(),
        Err(_) => d.clone(),
    }
}

fn build_one(
    cfg: &Config,
    nc: &NamedContext,
    opts: &Options,
    sources: Option<&Sources>,
    df_path: &str,
) -> Result<NamedBuilt, Error> {
    let skip = |note: String| NamedBuilt {
        context: nc.clone(),
        built: None,
        note: Some(note),
    };
    if nc.kind != NamedKind::Local {
        return Ok(skip(format!(
            "{} is not a local directory ({}): nothing is sent from this machine, not analysed",
            nc.source,
            kind_name(&nc.kind)
        )));
    }
    if cfg.builder != Builder::Buildkit && !cfg.engine.is_podman() {
        return Ok(skip(NO_CLASSIC.into()));
    }
    let uses = sources.map(|s| uses_of(s, &nc.name));
    let c = Config {
        context: PathBuf::from(&nc.source),
        dockerfile: None,
        ..cfg.clone()
    };
    let mut built = pipeline::build_named(&c, opts, uses.as_ref().map(|u| (u, df_path)))
        .map_err(|e| Error::Usage(format!("named context {}: {e}", nc.name)))?;
    let note = match &uses {
        Some(u) if u.items.is_empty() => Some(format!(
            "the Dockerfile does not read {} (no COPY --from={0}, RUN --mount=from={0} or FROM {0} in the stages built): BuildKit does not transfer it",
            nc.name
        )),
        Some(_) => None,
        None => Some("no Dockerfile was read: the transfer set is not known".into()),
    };
    // Said in the context's own report, so every exporter and compose show it.
    built.report.notes.extend(note);
    Ok(NamedBuilt {
        context: nc.clone(),
        built: Some(built),
        note: None,
    })
}

/// What the classic builder says of a named context.
pub(crate) const NO_CLASSIC: &str =
    "the classic builder has no named contexts (--build-context needs BuildKit)";

/// The configuration of a local named context (BuildKit only), or why it has none.
pub(crate) fn local_config(cfg: &Config, nc: &NamedContext) -> Result<Config, Error> {
    if nc.kind != NamedKind::Local {
        return Err(Error::Usage(format!(
            "named context {} = {} is not a local directory: nothing is sent from this machine",
            nc.name, nc.source
        )));
    }
    if cfg.builder != Builder::Buildkit && !cfg.engine.is_podman() {
        return Err(Error::Usage(NO_CLASSIC.into()));
    }
    Ok(Config {
        context: nc.source.clone().into(),
        dockerfile: None,
        ..cfg.clone()
    })
}

/// The kind's name as the report shows it.
pub(crate) fn kind_name(k: &NamedKind) -> &'static str {
    match k {
        NamedKind::Local => "local",
        NamedKind::Image => "docker-image",
        NamedKind::Service => "service",
        NamedKind::Target => "target",
        NamedKind::Remote => "remote",
    }
}

/// The Dockerfile's sources that read the named context `name` (a stage of that name would
/// have been resolved as a stage, so every external use with this name is the context's).
pub(crate) fn uses_of(s: &Sources, name: &str) -> Sources {
    let items: Vec<_> = s
        .external
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, src)| src.clone())
        .collect();
    let whole_context = items.iter().any(|i| i.path.is_empty() && !i.unresolved);
    Sources {
        items,
        whole_context,
        external: Vec::new(),
    }
}

impl BuildSet {
    /// The sum over the main context and each analysed named context.
    pub(crate) fn total(&self) -> SetTotal {
        let mut t = SetTotal::default();
        let reports = std::iter::once(&self.main.report).chain(
            self.named
                .iter()
                .filter_map(|n| n.built.as_ref().map(|b| &b.report)),
        );
        for r in reports {
            t.contexts += 1;
            t.files += r.totals.files;
            t.content_bytes += r.totals.content_bytes;
            t.tar_bytes += r.totals.tar_bytes;
            t.transfer_files += r.transfer_files.unwrap_or(0);
            t.transfer_bytes += r.transfer_bytes.unwrap_or(0);
        }
        t
    }
}
