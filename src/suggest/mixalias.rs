//! `mix ALIAS` that fetches the dependencies: Phoenix's `mix setup` is an alias that mix.exs
//! defines in its `aliases` (`setup: ["deps.get", "ecto.setup", …]`). A Dockerfile running it
//! fetches `deps/` again, as `mix deps.get` does. Read conservatively: only a keyword whose list
//! holds the string `"deps.get"` (alone or with its options), or another such alias by name.

use std::collections::{BTreeMap, BTreeSet};

/// The keyword lists of `text` whose elements are strings: `key: ["a", "b --x"]`, the key a
/// plain atom (`setup`) or a quoted one (`"ecto.setup"`). Comments (`#` to the end of a line)
/// are left out first; a list holding another list is skipped.
fn string_lists(text: &str) -> BTreeMap<String, Vec<String>> {
    let clean: String = text
        .lines()
        .map(|l| match l.find('#') {
            // A `#` inside a string (`"#{x}"`) is kept: only one before any quote ends the line.
            Some(k) if !l[..k].contains('"') => &l[..k],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let b = clean.as_bytes();
    let mut out = BTreeMap::new();
    let mut i = 0;
    while let Some(off) = clean[i..].find(':') {
        let colon = i + off;
        i = colon + 1;
        let after = clean[i..].trim_start();
        if !after.starts_with('[') {
            continue;
        }
        let key = if colon > 0 && b[colon - 1] == b'"' {
            let head = &clean[..colon - 1];
            match head.rfind('"') {
                Some(q) => head[q + 1..].to_string(),
                None => continue,
            }
        } else {
            let head = &clean[..colon];
            let start = head
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '?' | '!')))
                .map_or(0, |k| {
                    k + head[k..].chars().next().map_or(1, char::len_utf8)
                });
            head[start..].to_string()
        };
        if key.is_empty() {
            continue;
        }
        let body_start = clean.len() - after.len() + 1;
        let Some(end) = clean[body_start..].find(']') else {
            break;
        };
        let body = &clean[body_start..body_start + end];
        if body.contains('[') {
            continue;
        }
        let items: Vec<String> = body
            .split('"')
            .skip(1)
            .step_by(2)
            .map(|s| s.trim().to_string())
            .collect();
        out.insert(key, items);
    }
    out
}

/// The aliases of a mix.exs that run `deps.get`, directly or through another such alias.
pub(crate) fn aliases_fetching_deps(mix_exs: &str) -> BTreeSet<String> {
    let lists = string_lists(mix_exs);
    let mut found: BTreeSet<String> = BTreeSet::new();
    loop {
        let more: Vec<String> = lists
            .iter()
            .filter(|(k, _)| !found.contains(*k))
            .filter(|(_, v)| {
                v.iter().any(|t| {
                    let task = t.split_whitespace().next().unwrap_or("");
                    task == "deps.get" || found.contains(task)
                })
            })
            .map(|(k, _)| k.clone())
            .collect();
        if more.is_empty() {
            return found;
        }
        found.extend(more);
    }
}

pub(crate) use crate::dockerfile::mix_tasks;

/// Whether one of the commands (each its words) runs `mix ALIAS` (or `mix do ALIAS + …`) for
/// an alias the context's mix.exs (`read` gives its text) defines to run `deps.get`.
pub(crate) fn runs_fetching_alias(
    commands: &[Vec<String>],
    read: impl FnOnce() -> Option<String>,
) -> bool {
    let tasks: Vec<&str> = commands
        .iter()
        .flat_map(|words| {
            words.iter().enumerate().flat_map(move |(k, w)| {
                let tool = w.rsplit('/').next().unwrap_or(w);
                let next = words.get(k + 1).map(String::as_str).unwrap_or("");
                let rest = &words[(k + 2).min(words.len())..];
                if tool == "mix" {
                    mix_tasks(next, rest)
                } else {
                    Vec::new()
                }
            })
        })
        .collect();
    if tasks.is_empty() {
        return false;
    }
    let Some(text) = read() else {
        return false;
    };
    let aliases = aliases_fetching_deps(&text);
    tasks.iter().any(|t| aliases.contains(*t))
}

#[cfg(test)]
mod tests {
    use super::{aliases_fetching_deps, runs_fetching_alias};

    #[test]
    fn a_run_of_the_alias_counts() {
        let exs =
            || Some("defp aliases do\n  [setup: [\"deps.get\", \"ecto.setup\"]]\nend\n".into());
        let w = |s: &str| vec![s.split(' ').map(str::to_string).collect::<Vec<_>>()];
        assert!(runs_fetching_alias(&w("MIX_ENV=prod mix setup"), exs));
        assert!(runs_fetching_alias(&w("mix do setup + compile"), exs));
        assert!(!runs_fetching_alias(&w("mix compile"), exs));
        assert!(!runs_fetching_alias(&w("mix setup"), || None));
        assert!(!runs_fetching_alias(&w("echo mix"), exs));
    }

    #[test]
    fn phoenix_setup_alias_fetches_deps() {
        let exs = r#"
  def project do
    [app: :x, deps: deps(), aliases: aliases()]
  end
  defp deps do
    [{:phoenix, "~> 1.7"}, {:ecto_sql, "~> 3.10"}]
  end
  defp aliases do
    [
      setup: ["deps.get", "ecto.setup", "assets.setup"],
      "ecto.setup": ["ecto.create", "ecto.migrate"],
      # old: ["deps.get"],
      ci: ["setup", "test"],
      "assets.deploy": ["tailwind x --minify", "phx.digest"],
      prod: ["deps.get --only prod", "compile"]
    ]
  end
"#;
        let got: Vec<String> = aliases_fetching_deps(exs).into_iter().collect();
        assert_eq!(got, ["ci", "prod", "setup"]);
        assert!(aliases_fetching_deps("aliases: [setup: [\"ecto.setup\"]]").is_empty());
        assert!(aliases_fetching_deps("").is_empty());
    }
}
