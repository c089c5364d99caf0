//! Compose's `dockerfile_inline`: suggest reads Dockerfiles from files, so each service's text
//! is written to a file of its own in a temporary directory, outside the context (BuildKit
//! reads the text apart from the context too), and shown by the service's name.

use std::path::{Path, PathBuf};

use crate::error::Error;

use super::SuggestOptions;

/// `opts` with a directory for the services' `dockerfile_inline` texts, when `--compose` is
/// given and it has none yet (`None`: `opts` as it is). A directory that cannot be made is an
/// error.
pub(super) fn with_dir(opts: &SuggestOptions) -> Result<Option<SuggestOptions>, Error> {
    if opts.compose.is_none() || opts.inline_dir.is_some() {
        return Ok(None);
    }
    let dir = tempfile::Builder::new()
        .prefix("ctxsize-inline-")
        .tempdir()
        .map_err(|e| Error::Io(std::env::temp_dir(), e))?;
    Ok(Some(SuggestOptions {
        inline_dir: Some(std::sync::Arc::new(dir)),
        ..opts.clone()
    }))
}

/// The file holding a service's `dockerfile_inline` text, in `opts.inline_dir` (written on the
/// first call), `Ok(None)` without a directory or a text; a file that cannot be written is an
/// error. Compose service names are letters, digits, `.`, `_` and `-`, so each service has a
/// file of its own; any other byte becomes `_`.
pub(crate) fn file(
    opts: &SuggestOptions,
    service: &str,
    text: Option<&str>,
) -> Result<Option<PathBuf>, Error> {
    let (Some(dir), Some(text)) = (opts.inline_dir.as_ref(), text) else {
        return Ok(None);
    };
    let name: String = service
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let p = dir.path().join(format!("{name}.Dockerfile"));
    if !p.is_file() {
        std::fs::write(&p, text).map_err(|e| Error::Io(p.clone(), e))?;
    }
    Ok(Some(p))
}

/// The display name of a served Dockerfile that is a service's `dockerfile_inline` (a file in
/// `opts.inline_dir`), else `None`.
pub(super) fn display(opts: &SuggestOptions, path: &Path) -> Option<String> {
    let dir = opts.inline_dir.as_ref()?;
    let stem = path.strip_prefix(dir.path()).ok()?.to_str()?;
    Some(format!(
        "dockerfile_inline of {}",
        stem.trim_end_matches(".Dockerfile")
    ))
}
