//! Sources led by a variable (`COPY authelia-${TARGETOS}-${TARGETARCH}/authelia`, built once
//! per platform): suggest keeps the paths this build's values name, and the user's wildcard
//! exception that names them (`!authelia-linux-*`) is what serves the other values.

use crate::dockerignore::PatternSet;

use super::model::Model;

/// `body` (an exception without its `!`) holds a wildcard after literal text in its first
/// component and matches, itself or at a directory above, a path a source led by a variable
/// names with this build's values (`authelia-linux-*` over `authelia-linux-amd64/authelia`):
/// the user wrote it for every value, and the values suggest did not evaluate (another
/// `--platform`, another `--build-arg`) keep their files only while it is carried.
pub(super) fn covers_lead_values(m: &Model, body: &str) -> bool {
    let body = body.trim();
    let first = body
        .trim_start_matches("./")
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("");
    if !body.contains(['*', '?', '['])
        || !first.chars().any(|c| !matches!(c, '*' | '?' | '[' | ']'))
        || first.starts_with(['*', '?', '['])
    {
        return false;
    }
    let Ok(set) = PatternSet::parse(body.as_bytes()) else {
        return false;
    };
    m.lead_paths
        .iter()
        .any(|p| set.matches_or_parent_matches(p.as_bytes()).unwrap_or(false))
}

/// The warning for a source led by a variable ("a build with other values … fails unless you
/// add a `!` line for them") names the carried user exception that already serves the values it
/// matches (`!authelia-linux-*`), under both builders: it sends the directory it names itself.
pub(super) fn say_carried_lead(plan: &super::plan::Plan, warnings: &mut [String]) {
    const MARK: &str = "; a variable comes first, so a build with other values";
    for w in warnings.iter_mut() {
        let Some(at) = w.find(MARK) else {
            continue;
        };
        // The value path, in the backticks before the mark.
        let Some(path) = w[..at]
            .rsplit_once("(`")
            .and_then(|(_, p)| p.strip_suffix("`)"))
            .map(str::to_string)
        else {
            continue;
        };
        let covers = |l: &&String| -> bool {
            let Some(body) = l.trim().strip_prefix('!') else {
                return false;
            };
            PatternSet::parse(body.trim().as_bytes()).is_ok_and(|s| {
                s.matches_or_parent_matches(path.as_bytes())
                    .unwrap_or(false)
            })
        };
        let Some(line) = plan.carried.iter().find(covers) else {
            continue;
        };
        w.truncate(at);
        w.push_str(&format!(
            "; the carried `{}` sends what the other values it matches name, under both builders; a build with a value it does not match fails with \"not found\" unless you add a `!` line for it",
            line.trim()
        ));
    }
}

/// A line that excludes every entry (`*`, `**`, `/*`, `/**`): the line an allowlist starts with,
/// as the proposal does.
pub(super) fn is_exclude_all(line: &str) -> bool {
    matches!(line.trim(), "*" | "**" | "/*" | "/**")
}
