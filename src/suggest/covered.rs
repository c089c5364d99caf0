//! Why a line of the current file that matches nothing today is safe to drop when it lies
//! inside a top-level directory the allowlist keeps only part of (livebook's `/priv/static`
//! beside the kept `priv/.gitkeep`): no keep line sends anything there, so `*` keeps out
//! whatever it would match.

use super::plan::{at_or_below, literal_dirs, Plan};

/// The directory (`priv/static`) a line below the root is about when the allowlist's `*` keeps
/// out everything in it: no kept path, kept glob or carried exception lies at, above or below
/// it. `None` when one may send something there, or it cannot be told (a wildcard in the first
/// component of the line or of a glob, no `*` line, a line about one top-level name).
pub(crate) fn star_covers_below(plan: &Plan, line: &str) -> Option<String> {
    let t = line.trim();
    if plan.open || t.starts_with('!') || t.starts_with('#') {
        return None;
    }
    let prefix = literal_dirs(t)?;
    if !prefix.contains('/') {
        return None;
    }
    let near = |k: &str| at_or_below(k, &prefix) || at_or_below(&prefix, k);
    if plan
        .keep
        .iter()
        .chain(&plan.rekeep)
        .chain(&plan.user_keep)
        .any(|k| near(k))
    {
        return None;
    }
    let bodies = plan.globs.iter().map(String::as_str).chain(
        plan.carried
            .iter()
            .filter_map(|l| l.trim().strip_prefix('!')),
    );
    for b in bodies {
        if near(&literal_dirs(b)?) {
            return None;
        }
    }
    Some(prefix)
}

#[cfg(test)]
mod tests {
    use super::star_covers_below;
    use crate::suggest::plan::Plan;

    #[test]
    fn a_directory_beside_the_kept_file_is_covered() {
        let mut plan = Plan::default();
        plan.keep.insert("priv/.gitkeep".into());
        plan.keep.insert("lib".into());
        assert_eq!(
            star_covers_below(&plan, "/priv/static").as_deref(),
            Some("priv/static")
        );
        assert_eq!(
            star_covers_below(&plan, "priv/static/*.js").as_deref(),
            Some("priv/static")
        );
        // Inside a kept path, above one, one top-level name, an exception, a wildcard first.
        for l in [
            "lib/x",
            "/priv",
            "priv/.gitkeep/x",
            "tmp",
            "!priv/static",
            "*/static",
        ] {
            assert_eq!(star_covers_below(&plan, l), None, "{l}");
        }
        plan.globs.insert("priv/*.txt".into());
        assert_eq!(star_covers_below(&plan, "/priv/static"), None);
        plan.globs.clear();
        plan.open = true;
        assert_eq!(star_covers_below(&plan, "/priv/static"), None);
    }
}
