//! `COPY . .`: the user's `!` line for one top-level name that is absent today (excalidraw's
//! `*` … `!.prettierrc` in a checkout without one). The keep lines are the top-level entries
//! sent today, so the name gets none; the exception is the user's word that such an entry is
//! sent when it is there, and is carried, unless it names a secret or junk (a protective name,
//! which `carry` leaves out, or one a re-exclusion of the proposal matches).

use std::collections::BTreeSet;

use crate::dockerignore::PatternSet;

use super::model::Model;
use super::plan::{plain, Plan};

/// The top-level name a `!` line sends, when the line is just that name (`!.prettierrc`,
/// `!/public/`, `!./tsconfig.json`): no wildcard, one component.
fn top_name(line: &str) -> Option<&str> {
    let body = line.trim().strip_prefix('!')?;
    let body = body.trim_start_matches("./").trim_start_matches('/');
    let body = body.strip_suffix('/').unwrap_or(body);
    (plain(body) && !body.contains('/') && body != "." && body != "..").then_some(body)
}

/// The `!` lines of `set` (the user's file) that send one top-level name absent today, in
/// whole-context mode, with the name: `(pattern index, name)`. Lines already in `carry`, and
/// names a re-exclusion of the proposal matches, are left out.
pub(crate) fn absent_top_exceptions<'a>(
    m: &Model,
    plan: &Plan,
    set: &'a PatternSet,
    carry: &BTreeSet<usize>,
) -> Vec<(usize, &'a str)> {
    let mut out = Vec::new();
    if !plan.whole || plan.open {
        return out;
    }
    let re: Vec<&str> = plan.reexcl.iter().map(|(l, _)| l.as_str()).collect();
    let reset = PatternSet::parse(re.join("\n").as_bytes()).unwrap_or_default();
    for (k, pat) in set.patterns().iter().enumerate() {
        if !pat.exclusion() || pat.line().line == 0 || carry.contains(&k) {
            continue;
        }
        let Ok(text) = std::str::from_utf8(&pat.line().original) else {
            continue;
        };
        let Some(name) = top_name(text) else {
            continue;
        };
        if m.has(name) || reset.matches_or_parent_matches(name.as_bytes()) != Ok(false) {
            continue;
        }
        // The line decides the name in the user's file: it is sent there when present.
        let (excluded, hits) = set.trace(name.as_bytes());
        if !excluded && hits.last() == Some(&k) {
            out.push((k, name));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::top_name;

    #[test]
    fn top_names_of_exception_lines() {
        assert_eq!(top_name("!.prettierrc"), Some(".prettierrc"));
        assert_eq!(top_name(" !/public/ "), Some("public"));
        assert_eq!(top_name("!./tsconfig.json"), Some("tsconfig.json"));
        for l in ["!src/x", "!*.json", "!", "!/", "public", "!.."] {
            assert_eq!(top_name(l), None, "{l}");
        }
    }
}
