//! `ctxsize --compose [FILE]`: every build context of a Compose file, each reported once with the
//! services that use it, plus totals. The gates apply to each context.
//!
//! Reads `services.*.build` in both forms: a string (the context) or a mapping with `context`
//! (default `.`), `dockerfile` (relative to the context) and `dockerfile_inline`. Paths are
//! relative to the Compose file's directory; `${VAR}`, `${VAR:-default}`, `${VAR-default}` and
//! `$$` are interpolated from the environment. Remote contexts (git URLs, `https://…`) are
//! skipped with a note.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_yaml_ng::Value;

use crate::analysis::{analyze, Analysis, Config};
use crate::error::Error;
use crate::findings::ReportOptions;
use crate::gate::{CiOptions, Outcome};
use crate::render::Format;
use crate::report::Report;

/// File names looked up in the current directory, in this order (as `docker compose` does).
pub const DEFAULT_FILES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// One service's build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceBuild {
    /// The service name.
    pub service: String,
    /// The context directory (absolute).
    pub context: PathBuf,
    /// The Dockerfile (absolute), `-` for `dockerfile_inline`, `None` for the default.
    pub dockerfile: Option<PathBuf>,
}

/// What a Compose file says about builds.
#[derive(Debug, Default)]
pub struct ComposeBuilds {
    /// Local builds, in service-name order.
    pub builds: Vec<ServiceBuild>,
    /// Services skipped, and why.
    pub notes: Vec<String>,
}

/// `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `$VAR`, `$$`, with `env` supplying values.
pub fn interpolate(s: &str, env: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut it = s.char_indices().peekable();
    let b = s.as_bytes();
    while let Some((i, c)) = it.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match b.get(i + 1) {
            Some(b'$') => {
                out.push('$');
                it.next();
            }
            Some(b'{') => {
                let Some(end) = s[i..].find('}') else {
                    out.push_str(&s[i..]);
                    break;
                };
                let inner = &s[i + 2..i + end];
                let (name, default, empty_too) = if let Some((n, d)) = inner.split_once(":-") {
                    (n, Some(d), true)
                } else if let Some((n, d)) = inner.split_once('-') {
                    (n, Some(d), false)
                } else {
                    (inner, None, false)
                };
                let val = env(name);
                let v = match (val, default) {
                    (Some(v), Some(d)) if v.is_empty() && empty_too => d.to_string(),
                    (Some(v), _) => v,
                    (None, Some(d)) => d.to_string(),
                    (None, None) => String::new(),
                };
                out.push_str(&v);
                while let Some(&(j, _)) = it.peek() {
                    if j > i + end {
                        break;
                    }
                    it.next();
                }
            }
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                let len = s[i + 1..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(s.len() - i - 1);
                out.push_str(&env(&s[i + 1..i + 1 + len]).unwrap_or_default());
                for _ in 0..len {
                    it.next();
                }
            }
            _ => out.push('$'),
        }
    }
    out
}

fn is_remote(ctx: &str) -> bool {
    ctx.contains("://") || ctx.starts_with("git@") || ctx.starts_with("github.com/")
}

fn as_str(v: &Value, env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    match v {
        Value::String(s) => Some(interpolate(s, env)),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Parses a Compose file's text; `dir` is its directory.
pub fn parse(
    text: &str,
    dir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<ComposeBuilds, String> {
    let doc: Value = serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?;
    let mut out = ComposeBuilds::default();
    let Some(services) = doc.get("services") else {
        return Err("no `services` in the Compose file".into());
    };
    let Value::Mapping(services) = services else {
        return Err("`services` is not a mapping".into());
    };
    let mut names: Vec<(String, &Value)> = services
        .iter()
        .filter_map(|(k, v)| k.as_str().map(|k| (k.to_string(), v)))
        .collect();
    names.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, svc) in names {
        let Some(build) = svc.get("build") else {
            continue;
        };
        let (ctx, df, inline) = match build {
            Value::String(_) => (as_str(build, env).unwrap_or_default(), None, false),
            Value::Mapping(_) => (
                build
                    .get("context")
                    .and_then(|v| as_str(v, env))
                    .unwrap_or_else(|| ".".into()),
                build.get("dockerfile").and_then(|v| as_str(v, env)),
                build.get("dockerfile_inline").is_some(),
            ),
            Value::Null => (".".into(), None, false),
            _ => {
                return Err(format!(
                    "service {name}: `build` must be a string or a mapping"
                ))
            }
        };
        if is_remote(&ctx) {
            out.notes
                .push(format!("service {name}: remote context {ctx} skipped"));
            continue;
        }
        let context = crate::context::absolute(dir, Path::new(&ctx));
        let dockerfile = if inline {
            Some(PathBuf::from("-"))
        } else {
            df.map(|d| crate::context::absolute(&context, Path::new(&d)))
        };
        out.builds.push(ServiceBuild {
            service: name,
            context,
            dockerfile,
        });
    }
    Ok(out)
}

/// Finds the Compose file: `given`, else the first of [`DEFAULT_FILES`] in `cwd`.
pub fn find(given: Option<&Path>, cwd: &Path) -> Result<PathBuf, Error> {
    if let Some(g) = given {
        return Ok(crate::context::absolute(cwd, g));
    }
    DEFAULT_FILES
        .iter()
        .map(|n| cwd.join(n))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            Error::Usage(format!(
                "no Compose file in {} (looked for {})",
                cwd.display(),
                DEFAULT_FILES.join(", ")
            ))
        })
}

/// One context, once, with its services.
#[derive(Serialize)]
pub struct ContextEntry {
    /// Services that build from it.
    pub services: Vec<String>,
    /// The report.
    pub report: Report,
    /// The gate outcome, if gates ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate: Option<Outcome>,
}

/// Totals over all distinct contexts.
#[derive(Serialize, Default)]
pub struct ComposeTotals {
    /// Distinct contexts.
    pub contexts: usize,
    /// Files sent.
    pub files: u64,
    /// Content bytes sent.
    pub content_bytes: u64,
    /// Tar bytes.
    pub tar_bytes: u64,
}

/// `ctxsize --compose`.
pub fn command(
    file: Option<&Path>,
    cfg: &Config,
    format: Format,
    options: &ReportOptions,
    ci: &CiOptions,
    out: &mut dyn std::io::Write,
) -> Result<i32, Error> {
    let path = find(file, &cfg.cwd)?;
    let text = std::fs::read_to_string(&path).map_err(|e| Error::Io(path.clone(), e))?;
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| cfg.cwd.clone());
    let parsed = parse(&text, &dir, &|k| std::env::var(k).ok())
        .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
    let mut groups: BTreeMap<(PathBuf, Option<PathBuf>), Vec<String>> = BTreeMap::new();
    for b in &parsed.builds {
        groups
            .entry((b.context.clone(), b.dockerfile.clone()))
            .or_default()
            .push(b.service.clone());
    }
    let mut entries: Vec<(ContextEntry, Analysis)> = Vec::new();
    let mut totals = ComposeTotals::default();
    for ((ctx, df), services) in groups {
        let c = Config {
            context: ctx,
            dockerfile: df,
            ..cfg.clone()
        };
        let a = analyze(&c).map_err(|e| match e {
            Error::Usage(m) => Error::Usage(format!("service {}: {m}", services.join(", "))),
            other => other,
        })?;
        let extra = crate::findings::compute(&a, options);
        let mut report = Report::new(&a, extra);
        let gate = crate::gate::check(ci, &a, &mut report)?;
        totals.contexts += 1;
        totals.files += report.totals.files;
        totals.content_bytes += report.totals.content_bytes;
        totals.tar_bytes += report.totals.tar_bytes;
        entries.push((
            ContextEntry {
                services,
                report,
                gate,
            },
            a,
        ));
    }
    let res = (|| -> std::io::Result<()> {
        match format {
            Format::Json => {
                let contexts: Vec<&ContextEntry> = entries.iter().map(|(e, _)| e).collect();
                let v = serde_json::json!({
                    "compose_file": path.display().to_string(),
                    "contexts": contexts,
                    "totals": &totals,
                    "notes": &parsed.notes,
                });
                serde_json::to_writer_pretty(&mut *out, &v)?;
                writeln!(out)
            }
            Format::Human => {
                writeln!(out, "compose file {}", path.display())?;
                for n in &parsed.notes {
                    writeln!(out, "note: {n}")?;
                }
                for (e, _) in &entries {
                    writeln!(out)?;
                    writeln!(out, "== services: {}", e.services.join(", "))?;
                    crate::render::human::render(
                        &e.report,
                        crate::render::human::Style::default(),
                        out,
                    )?;
                }
                writeln!(out)?;
                writeln!(
                    out,
                    "total       {} in {} files, {} tar bytes, over {} context{}",
                    humansize::format_size(totals.content_bytes, humansize::DECIMAL),
                    totals.files,
                    totals.tar_bytes,
                    totals.contexts,
                    if totals.contexts == 1 { "" } else { "s" }
                )
            }
            Format::Sarif | Format::Github => {
                let groups: Vec<crate::render::sarif::Group> = entries
                    .iter()
                    .map(|(e, a)| crate::render::sarif::Group {
                        root: &a.resolved.root,
                        findings: &e.report.findings,
                        outcome: e.gate.as_ref(),
                        anchor: crate::gate::anchor(a),
                    })
                    .collect();
                if format == Format::Sarif {
                    crate::render::sarif::render(&groups, &cfg.cwd, out)
                } else {
                    let summary: Vec<String> = entries
                        .iter()
                        .map(|(e, _)| {
                            format!(
                                "{} [{}]",
                                crate::gate::summary_line(&e.report),
                                e.services.join(", ")
                            )
                        })
                        .collect();
                    crate::render::github::render(&groups, &cfg.cwd, &summary, out)
                }
            }
        }
    })();
    crate::gate::io(res)?;
    let mut code = crate::exit::ExitCode::Ok.code();
    for (e, _) in &entries {
        if let Some(o) = &e.gate {
            for l in o.lines() {
                eprintln!("{} [{}]: {l}", e.report.context, e.services.join(", "));
            }
            code = code.max(o.exit_code());
        }
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(k: &str) -> Option<String> {
        match k {
            "TAG" => Some("v1".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn interpolation() {
        assert_eq!(interpolate("a${TAG}b", &env), "av1b");
        assert_eq!(
            interpolate("${NOPE:-x}/${EMPTY:-y}/${EMPTY-z}", &env),
            "x/y/"
        );
        assert_eq!(interpolate("$$TAG $TAG.", &env), "$TAG v1.");
    }

    #[test]
    fn both_forms() {
        let text = r#"
services:
  web:
    build: ./web
  api:
    build:
      context: ./api
      dockerfile: docker/Dockerfile.${TAG}
  worker:
    build:
      context: ./api
      dockerfile: docker/Dockerfile.v1
  db:
    image: postgres
  remote:
    build: https://github.com/x/y.git
  inline:
    build:
      dockerfile_inline: "FROM scratch"
"#;
        let c = parse(text, Path::new("/p"), &env).unwrap();
        let got: Vec<(&str, String, Option<String>)> = c
            .builds
            .iter()
            .map(|b| {
                (
                    b.service.as_str(),
                    b.context.display().to_string(),
                    b.dockerfile.as_ref().map(|d| d.display().to_string()),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "api",
                    "/p/api".into(),
                    Some("/p/api/docker/Dockerfile.v1".into())
                ),
                ("inline", "/p".into(), Some("-".into())),
                ("web", "/p/web".into(), None),
                (
                    "worker",
                    "/p/api".into(),
                    Some("/p/api/docker/Dockerfile.v1".into())
                ),
            ]
        );
        assert_eq!(c.notes.len(), 1);
        assert!(parse("services: 3", Path::new("/p"), &env).is_err());
        assert!(parse("x: [", Path::new("/p"), &env).is_err());
    }
}
