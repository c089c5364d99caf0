//! `suggest --context NAME`: the root `.dockerignore` of a local named context
//! (`--build-context NAME=PATH`), from the Dockerfile's sources that read it (`COPY --from=NAME`,
//! `RUN --mount=from=NAME`, `FROM NAME`), proven as the main context's proposal is.
//!
//! BuildKit reads that file alone for the named context — never `<Dockerfile>.dockerignore`
//! (moby/buildkit frontend/dockerui/namedcontext.go, `case "local"`) — and the classic builder
//! has no named contexts, so the proof runs under BuildKit only.

use std::path::Path;
use std::rc::Rc;

use crate::analysis::{analyze_resolved, Config};
use crate::compose::NamedContext;
use crate::context::Resolved;
use crate::error::Error;
use crate::pipeline::build_args;
use crate::walk::Builder;

use super::prove::Check;
use super::targets::{self, Target};
use super::{walk_all, SuggestOptions, Suggestion};

/// The named context as BuildKit resolves it: its root, its root `.dockerignore` only (as for
/// `-f -`, which never reads `<Dockerfile>.dockerignore`).
pub(crate) fn resolve(config: &Config, nc: &NamedContext) -> Result<Resolved, Error> {
    let c = crate::named::local_config(config, nc)?;
    crate::context::resolve(&c.cwd, &c.context, Some(Path::new("-")), Builder::Buildkit)
        .map_err(|e| Error::Usage(format!("named context {}: {e}", nc.name)))
}

/// Builds and proves the proposal for the named context `nc`.
pub(crate) fn suggest(
    config: &Config,
    opts: &SuggestOptions,
    nc: &NamedContext,
) -> Result<Suggestion, Error> {
    let named = resolve(config, nc)?;
    let main = config.resolve_for(Builder::Buildkit)?;
    if main.dockerfile.as_os_str() == "-" || main.dockerfile.as_os_str().is_empty() {
        return Err(Error::Usage(
            "suggest needs the Dockerfile as a file (not -f -)".into(),
        ));
    }
    let args = build_args(&opts.build_args);
    let (sources, installs, _, steps) = targets::load(
        &main.dockerfile,
        &main.root,
        Builder::Buildkit,
        &args,
        opts.target.as_deref(),
    )
    .map_err(Error::Usage)?;
    let uses = crate::named::uses_of(&sources, &nc.name);
    let df = crate::explain::rel_display(&main.root, &main.dockerfile);
    if uses.items.is_empty() {
        return Err(Error::Usage(format!(
            "{df} does not read the named context {0} (no COPY --from={0}, RUN --mount=from={0} or FROM {0} in the stages built{1}): BuildKit does not transfer it, so there is nothing to propose",
            nc.name,
            opts.target.as_deref().map(|t| format!(" for target {t}")).unwrap_or_default()
        )));
    }
    let target = Target {
        dockerfile: main.dockerfile.clone(),
        rel: format!("{df} (uses of {})", nc.name),
        origin: format!("named context {}", nc.name),
        sources: uses,
        installs,
        steps,
    };
    let tree = walk_all(&named, config.threads)?;
    let check = check(&named, &target, config.threads);
    let destination = named.root.join(".dockerignore");
    let notes = vec![format!(
        "{} is the named context {}'s own ignore file: BuildKit reads it alone for this context (no <Dockerfile>.dockerignore), the classic builder has no named contexts",
        destination.display(),
        nc.name
    )];
    super::build(
        config,
        opts,
        &named,
        tree,
        vec![target],
        destination,
        notes,
        Some(vec![check]),
    )
}

/// What BuildKit sends of the named context today (the one check of its proof).
fn check(named: &Resolved, t: &Target, threads: usize) -> Check {
    let a = analyze_resolved(named.clone(), Builder::Buildkit, threads).ok();
    Check {
        target: 0,
        builder: Builder::Buildkit,
        resolved: named.clone(),
        before: a.as_ref().map(|a| Rc::new(super::prove::sent_set(a))),
        before_counts: a.as_ref().map(|a| (a.totals.files, a.totals.content_bytes)),
        before_transfer: a.as_ref().map(|a| {
            let tr = crate::transfer::compute(a, &t.sources, &|_| false);
            (tr.files, tr.bytes)
        }),
    }
}

/// After `--write`: the backup must not be sent by the named context's next transfer; if it
/// would be, it moves to the cache directory. Returns the backup's path and what was checked.
pub(crate) fn secure_backup(
    config: &Config,
    nc: &NamedContext,
    bak: std::path::PathBuf,
) -> Result<(std::path::PathBuf, Option<String>), Error> {
    let named = resolve(config, nc)?;
    let Ok(rel) = bak.strip_prefix(&named.root) else {
        return Ok((bak, None));
    };
    let rel = rel.to_string_lossy().replace('\\', "/");
    let a = analyze_resolved(named.clone(), Builder::Buildkit, config.threads)?;
    let paths = crate::transfer::node_paths(&a.tree);
    if !a.tree.sent().any(|i| paths[i as usize] == rel) {
        return Ok((
            bak,
            Some(format!(
                "checked: the named context {} does not send it",
                nc.name
            )),
        ));
    }
    let moved = super::write::move_backup(&bak, &super::write::cache_dir(&named.root))?;
    Ok((
        moved,
        Some(format!(
            "moved out of the named context {}: BuildKit would have sent it",
            nc.name
        )),
    ))
}
