//! Which source of a found Dockerfile copies the whole context, for the serving decision and
//! its note. `Sources::whole_context` also counts a `RUN --mount=type=tmpfs`: BuildKit records
//! the context root for it (so the transfer is the whole context), yet the build reads nothing
//! from the context through it. Judged by that flag, discourse_docker's `image/base/Dockerfile`
//! (ADD/COPY of named files, tmpfs mounts for apt) was said to have "its `COPY . .`", which it
//! does not have.

use crate::dockerfile::ContextSource;

/// Whether `s` is a tmpfs mount (BuildKit's root record, nothing read through it).
fn is_tmpfs(s: &ContextSource) -> bool {
    s.instruction.contains("tmpfs")
}

/// The first resolved source (of a found Dockerfile's) that copies the context root (`COPY . .`, `ADD ./ /x`, a bind
/// mount without `source=`, an ONBUILD base image's triggers); never a tmpfs mount.
pub(crate) fn whole_copy(items: &[ContextSource]) -> Option<&ContextSource> {
    items
        .iter()
        .find(|s| s.path.is_empty() && !s.unresolved && !is_tmpfs(s))
}

/// Whether it reads nothing from a build context: no source at all, or tmpfs mounts only.
pub(crate) fn copies_nothing(items: &[ContextSource]) -> bool {
    items.iter().all(is_tmpfs)
}

/// How the note names the whole-context source `s`: "`COPY .` (line 4)".
pub(crate) fn describe(s: &ContextSource) -> String {
    if s.instruction == crate::dockerfile::ONBUILD_BASE {
        return format!("FROM {} (line {}, an ONBUILD image)", s.raw, s.line);
    }
    let what = match (&s.raw[..], s.instruction.ends_with("RUN --mount")) {
        ("", true) => format!("`{}` without source=", s.instruction),
        (raw, true) => format!("`{} source={raw}`", s.instruction),
        (raw, false) => format!("`{} {raw}`", s.instruction),
    };
    format!("{what} (line {})", s.line)
}
