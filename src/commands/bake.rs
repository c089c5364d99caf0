//! `ctxsize bake [TARGET|GROUP…]`: what each target of a `docker buildx bake` definition sends,
//! through the same driver as `--compose` (and so the single pipeline), a context shared by
//! several targets counted once in the totals, with what sending it per target would cost.

use std::io::Write;
use std::path::PathBuf;

use super::compose::{run, Source};
use crate::analysis::Config;
use crate::error::Error;
use crate::pipeline;
use crate::render::Format;

/// `ctxsize bake`.
#[allow(clippy::too_many_arguments)]
pub(super) fn command(
    files: &[PathBuf],
    targets: &[String],
    cfg: &Config,
    format: Format,
    options: &pipeline::Options,
    total_budget: Option<u64>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Error> {
    let paths = crate::bake::files(files, &cfg.cwd).map_err(Error::Usage)?;
    let env = |k: &str| std::env::var(k).ok();
    let def = crate::bake::read(&paths, &env).map_err(Error::Usage)?;
    let resolved = crate::bake::resolve(&def, targets).map_err(Error::Usage)?;
    let mut builds = crate::bake::builds(&resolved, &cfg.cwd);
    let mut notes = def.notes;
    notes.append(&mut builds.notes);
    builds.notes = notes;
    run(
        &Source::Bake(paths),
        &builds,
        cfg,
        format,
        options,
        total_budget,
        out,
        err,
    )
}
