//! Which carried lines the summary names as protective: those whose words name secrets or junk
//! ([`super::carry::protective`]), and those naming what the report flags as junk by its name
//! (`*/target/`, `**/dist`, `coverage/`: build output, caches, dependency trees, logs, editor
//! files). Other carried lines (`**/charts`, `/public/hot`, `src/**/*.snap`) are the user's
//! choices, carried but not called protective.

use crate::rules::{Category, EntryRef, Kind, RuleSet};

use super::carry;
use super::plan::Plan;

/// The carried lines that protect, in the file's order, each once (plane's file had
/// `node_modules/` twice).
pub(crate) fn protective_carried(plan: &Plan) -> Vec<String> {
    let rules = RuleSet::default_set();
    let mut out: Vec<String> = Vec::new();
    for l in plan
        .carried
        .iter()
        .filter(|l| carry::protective(l) || (!l.starts_with('!') && names_junk(rules, l)))
    {
        if !out.contains(l) {
            out.push(l.clone());
        }
    }
    out
}

/// Whether the exclusion `line` names, by its last components, an entry the report flags as
/// junk by its name: a path of its own shape (each wildcard run standing for one letter, `**`
/// for no directory) classified as a directory, or as a file unless the line ends with `/`.
fn names_junk(rules: &RuleSet, line: &str) -> bool {
    let t = line.trim();
    let comps: Vec<String> = t
        .split('/')
        .filter(|c| !c.is_empty() && *c != "." && *c != "**")
        .map(stand_in)
        .collect();
    if comps.is_empty() || comps.iter().any(|c| c.is_empty() || c == "..") {
        return false;
    }
    let probe = comps.join("/");
    let kinds: &[Kind] = if t.ends_with('/') {
        &[Kind::Dir]
    } else {
        &[Kind::Dir, Kind::File]
    };
    kinds.iter().any(|&kind| {
        rules
            .classify(&EntryRef {
                path: probe.as_bytes(),
                kind,
                size: 0,
            })
            .is_some_and(|h| {
                matches!(
                    h.category,
                    Category::Secret
                        | Category::Vcs
                        | Category::Dependencies
                        | Category::BuildOutput
                        | Category::Cache
                        | Category::Logs
                        | Category::EditorOs
                )
            })
    })
}

/// A pattern component as one name it matches: each run of wildcards (`*`, `?`, a `[…]` class)
/// becomes the letter `x`, an escape its character.
fn stand_in(c: &str) -> String {
    let mut out = String::new();
    let mut chars = c.chars();
    let mut wild = false;
    while let Some(ch) = chars.next() {
        let w = match ch {
            '*' | '?' => true,
            '[' => {
                for x in chars.by_ref() {
                    if x == ']' {
                        break;
                    }
                }
                true
            }
            '\\' => {
                out.extend(chars.next());
                false
            }
            _ => {
                out.push(ch);
                false
            }
        };
        if w && !wild {
            out.push('x');
        }
        wild = w;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_lines_by_the_report_rules() {
        let rules = RuleSet::default_set();
        for l in [
            "*/target/",
            "**/dist",
            "target",
            "coverage/",
            "**/.gradle",
            "api/build/",
            "*.log",
            "**/.dart_tool",
        ] {
            assert!(names_junk(rules, l), "{l}");
        }
        for l in ["*", "**", "src/", "docs", "*.md", "README.md", "public/hot"] {
            assert!(!names_junk(rules, l), "{l}");
        }
        assert_eq!(stand_in("*.py[cod]"), "x.pyx");
        assert_eq!(stand_in("a\\*b"), "a*b");
    }

    #[test]
    fn carried_junk_lines_are_named() {
        let plan = Plan {
            carried: vec![
                "*/target/".into(),
                "/public/hot".into(),
                ".env".into(),
                "**/charts".into(),
                "src/**/*.test.js".into(),
                "!dist/keep".into(),
                "**/obj".into(),
                ".env".into(),
            ],
            ..Plan::default()
        };
        assert_eq!(protective_carried(&plan), ["*/target/", ".env", "**/obj"]);
    }
}
