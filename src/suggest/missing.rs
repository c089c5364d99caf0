//! The summary's warning for each source that matches nothing in the context: kept in the
//! file when it may be generated before the build, or copied as nothing (an empty wildcard).

use super::model::Model;
use super::runreads::RUN_TEST;
use super::targets::Target;

/// One warning per Dockerfile and source, with every line that names it (one `COPY hadolint
/// /bin/` per stage is one warning, its lines in order), added to `warnings` unless present.
pub(super) fn warn(m: &Model, targets: &[Target], warnings: &mut Vec<String>) {
    // (Dockerfile, instruction, source, kept in the file): the lines naming it, and each value
    // of a source with variables (woodpecker's `dist/server/${TARGETOS}_${TARGETARCH}/…` once).
    type Missing<'a> = (&'a str, &'a str, &'a str, bool);
    let mut missing: Vec<(Missing, Vec<usize>, Vec<&str>)> = Vec::new();
    for t in targets {
        for s in t
            .sources
            .items
            .iter()
            .filter(|s| !s.unresolved && !s.path.is_empty() && !s.instruction.contains("tmpfs"))
        {
            if !m.paths.iter().any(|p| s.matches(p)) {
                // A source with variables is evaluated once per platform: each value named.
                // A file a step tests for: the context path it reads.
                let value =
                    (s.raw.contains('$') || s.instruction == RUN_TEST).then_some(s.path.as_str());
                let key = (
                    t.rel.as_str(),
                    s.instruction.as_str(),
                    s.raw.as_str(),
                    !s.has_wildcard,
                );
                let i = missing
                    .iter()
                    .position(|(k, ..)| *k == key)
                    .unwrap_or_else(|| {
                        missing.push((key, Vec::new(), Vec::new()));
                        missing.len() - 1
                    });
                let (_, lines, values) = &mut missing[i];
                lines.push(s.line);
                values.extend(value.filter(|v| !values.contains(v)));
            }
        }
    }
    for ((rel, instruction, raw, kept), mut lines, values) in missing {
        let value = match values.is_empty() {
            true => String::new(),
            false => format!(" = {}", values.join(", ")),
        };
        lines.sort_unstable();
        lines.dedup();
        let at = match lines.as_slice() {
            [one] => format!("line {one}"),
            more => format!(
                "lines {}",
                more.iter()
                    .map(|l| l.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let w = if instruction == RUN_TEST {
            format!(
                "{rel}: a RUN step ({at}) tests for `{raw}`, which the whole-context copy before it fills from the context's `{}`: that does not exist yet; kept in the file, so the image gets it once it exists (the step skips it while it is absent)",
                values.join("`, `")
            )
        } else {
            format!(
                "{rel}: {instruction} {raw}{value} ({at}) matches nothing in the context{}",
                if kept {
                    ": kept in the file, as it may be generated before the build (the build fails with \"not found\" until it exists)"
                } else {
                    // BuildKit allows an empty wildcard; the classic builder does not.
                    ": BuildKit copies nothing for it (an empty wildcard is allowed); the classic builder fails with \"no source files were specified\""
                }
            )
        };
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    }
}
