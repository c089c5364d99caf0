//! `.gitlab-ci.yml` read as YAML (serde_yaml_ng): the shell commands of every job's
//! `before_script`, `script` and `after_script` (and of `default:` and the deprecated global
//! ones), nested lists flattened and `<<:` merge keys applied as GitLab does, each multi-line
//! command joined at its `\` continuations, then checked as one command line. Job and global
//! `variables:` with literal values are expanded, and `$CI_PROJECT_DIR` is the repository root
//! (GitLab's predefined variable: "the full path the repository is cloned to, and where the job
//! runs from"), so `docker build -f $CI_PROJECT_DIR/api/Dockerfile $CI_PROJECT_DIR/api` is
//! checked like the literal command. Keywords that are not jobs (GitLab CI YAML reference,
//! "Global keywords") are skipped. `!reference` tags are not followed.

use std::collections::HashMap;
use std::path::Path;

use serde_yaml_ng::Value;

use super::{build_command, CiFinding};

/// Top-level keys that are not jobs.
const GLOBAL: &[&str] = &[
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "spec",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
];

const SCRIPTS: &[&str] = &["before_script", "script", "after_script"];

/// The findings of a `.gitlab-ci.yml`; `None` when it is not YAML (the caller then scans its
/// lines as text).
pub(super) fn scan(text: &str, file: &str, root: &Path) -> Option<Vec<CiFinding>> {
    let mut doc: Value = serde_yaml_ng::from_str(text).ok()?;
    doc.apply_merge().ok()?;
    let map = doc.as_mapping()?;
    let lines: Vec<&str> = text.lines().collect();
    let global_vars = variables(map.get("variables"));
    let mut out = Vec::new();
    // (section, its key line, its mapping holding the script keys, variables)
    let mut sections: Vec<(String, &Value, HashMap<String, String>)> = Vec::new();
    sections.push((String::new(), &doc, global_vars.clone()));
    for (k, v) in map {
        let Some(name) = k.as_str() else { continue };
        if name == "default" || !GLOBAL.contains(&name) {
            let mut vars = global_vars.clone();
            vars.extend(variables(v.get("variables")));
            sections.push((name.to_string(), v, vars));
        }
    }
    for (name, section, vars) in sections {
        let start = if name.is_empty() {
            0
        } else {
            key_line(&lines, &name).unwrap_or(0)
        };
        let mut from = start;
        for key in SCRIPTS {
            let mut cmds = Vec::new();
            if let Some(s) = section.get(*key) {
                strings(s, &mut cmds, 0);
            }
            for script in cmds {
                for (first, cmd) in commands(&script) {
                    let line = [(from, false), (start, false), (from, true), (start, true)]
                        .into_iter()
                        .find_map(|(f, words)| locate(&lines, f, &first, words))
                        .unwrap_or(start);
                    from = line + 1;
                    let expanded = expand(&cmd, &vars);
                    if let Some((rule, message, fix)) = build_command(&expanded, root) {
                        out.push(CiFinding {
                            rule,
                            file: file.to_string(),
                            line: line + 1,
                            message: if name.is_empty() {
                                message
                            } else {
                                format!("job {name}: {message}")
                            },
                            fix,
                        });
                    }
                }
            }
        }
    }
    out.sort_by_key(|f| f.line);
    Some(out)
}

/// The 0-based line of a top-level key `name:`.
fn key_line(lines: &[&str], name: &str) -> Option<usize> {
    lines.iter().position(|l| {
        let l = l.trim_end();
        [name.to_string(), format!("\"{name}\""), format!("'{name}'")]
            .iter()
            .any(|k| {
                l.strip_prefix(k.as_str())
                    .is_some_and(|r| r.trim_start().starts_with(':'))
            })
    })
}

/// The first line at or after `from` holding the command's first line (`words`: its first
/// two words, for a folded scalar whose text spans several lines).
fn locate(lines: &[&str], from: usize, cmd: &str, words: bool) -> Option<usize> {
    let first = cmd.lines().next()?.trim();
    let first = first.get(..first.len().min(60)).unwrap_or(first);
    if first.is_empty() {
        return None;
    }
    if !words {
        return (from..lines.len()).find(|&i| lines[i].contains(first));
    }
    let two: Vec<&str> = first.split_whitespace().take(2).collect();
    (from..lines.len()).find(|&i| {
        let ws: Vec<&str> = lines[i].split_whitespace().collect();
        ws.windows(two.len()).any(|w| w == two.as_slice())
    })
}

/// Script entries: a string or a list of them, lists nested up to 10 levels (GitLab flattens
/// them).
fn strings(v: &Value, out: &mut Vec<String>, depth: usize) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Sequence(seq) if depth < 10 => {
            for x in seq {
                strings(x, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// The commands of one script entry, lines joined at a trailing `\`: (the command's first
/// line as written, the joined command).
fn commands(script: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut first: Option<String> = None;
    for l in script.lines() {
        let t = l.trim_end();
        first.get_or_insert_with(|| t.trim_end_matches('\\').to_string());
        match t.strip_suffix('\\') {
            Some(head) => {
                cur.push_str(head);
                cur.push(' ');
            }
            None => {
                cur.push_str(t);
                out.push((first.take().unwrap_or_default(), std::mem::take(&mut cur)));
            }
        }
    }
    if !cur.trim().is_empty() {
        out.push((first.unwrap_or_default(), cur));
    }
    out
}

/// `variables:`: `NAME: value` or `NAME: {value: …}`.
fn variables(v: Option<&Value>) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let Some(m) = v.and_then(Value::as_mapping) else {
        return out;
    };
    for (k, v) in m {
        let Some(k) = k.as_str() else { continue };
        let val = match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Mapping(_) => v.get("value").and_then(Value::as_str).map(str::to_string),
            _ => None,
        };
        if let Some(val) = val {
            out.insert(k.to_string(), val);
        }
    }
    out
}

/// Expands `$NAME` and `${NAME}` for the known variables (`CI_PROJECT_DIR` is `.`); unknown
/// ones stay (the command is then not judged on them). Values are expanded again, three levels
/// deep, as GitLab expands variables that reference others.
fn expand(cmd: &str, vars: &HashMap<String, String>) -> String {
    let mut s = cmd.to_string();
    for _ in 0..3 {
        let next = expand_once(&s, vars);
        if next == s {
            break;
        }
        s = next;
    }
    s
}

fn expand_once(s: &str, vars: &HashMap<String, String>) -> String {
    let lookup = |n: &str| -> Option<String> {
        match vars.get(n) {
            Some(v) => Some(v.clone()),
            None if n == "CI_PROJECT_DIR" => Some(".".into()),
            None => None,
        }
    };
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' {
            let (name, end) = if b.get(i + 1) == Some(&b'{') {
                match s[i + 2..].find('}') {
                    Some(j) => (&s[i + 2..i + 2 + j], i + 3 + j),
                    None => ("", i + 1),
                }
            } else {
                let j = s[i + 1..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .map_or(s.len(), |j| i + 1 + j);
                (&s[i + 1..j], j)
            };
            if let Some(v) = (!name.is_empty()).then(|| lookup(name)).flatten() {
                out.push_str(&v);
                i = end;
                continue;
            }
        }
        let c = s[i..].chars().next().expect("in bounds");
        out.push(c);
        i += c.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> Vec<(&'static str, usize)> {
        scan(text, ".gitlab-ci.yml", Path::new("/nonexistent"))
            .expect("YAML")
            .into_iter()
            .map(|f| (f.rule, f.line))
            .collect()
    }

    #[test]
    fn jobs_scripts_and_continuations() {
        let y = "\
stages: [build]
variables:
  REPO: https://gitlab.com/acme/app.git
build:
  stage: build
  before_script:
    - echo start
  script:
    - |
      docker build \\
        -t app \\
        - < ctx.tar
    - docker build $REPO
    - [docker build -t ok ., [\"docker build ${REPO}\"]]
.template:
  script: docker build - < t.tar
";
        assert_eq!(
            rules(y),
            vec![("CI003", 10), ("CI002", 13), ("CI002", 14), ("CI003", 16)]
        );
    }

    #[test]
    fn keywords_are_not_jobs_and_text_in_them_is_not_a_command() {
        // A `docker build - <` inside `variables:` or a job's `rules:` is data, not a command
        // (the line scan used to report it).
        let y = "\
variables:
  NOTE: \"docker build - < ctx.tar\"
test:
  rules:
    - if: '$X == \"docker build - < x\"'
  script:
    - docker build -t x .
";
        assert_eq!(rules(y), vec![]);
    }

    #[test]
    fn merge_keys_and_default() {
        let y = "\
.base: &base
  script:
    - docker build git@gitlab.com:acme/app.git
default:
  before_script:
    - docker build - < d.tar
job:
  <<: *base
";
        let got = rules(y);
        assert!(got.contains(&("CI003", 6)), "{got:?}");
        // The anchor's command, found at its own line for .base and for job.
        assert_eq!(
            got.iter().filter(|(r, _)| *r == "CI002").count(),
            2,
            "{got:?}"
        );
    }

    #[test]
    fn expansion() {
        let mut v = HashMap::new();
        v.insert("A".to_string(), "$B/x".to_string());
        v.insert("B".to_string(), "b".to_string());
        assert_eq!(
            expand("docker build ${A} $CI_PROJECT_DIR/y $NOPE", &v),
            "docker build b/x ./y $NOPE"
        );
        assert_eq!(
            commands("a \\\n  b\nc\n"),
            vec![("a ".into(), "a    b".into()), ("c".into(), "c".into())]
        );
    }

    #[test]
    fn not_yaml_is_none() {
        assert!(scan("a: [\n", "f", Path::new("/")).is_none());
    }
}
