//! Reading a Compose file's builds (`ctxsize --compose`; the command is in
//! `commands/compose.rs`).
//!
//! Reads `services.*.build` in both forms: a string (the context) or a mapping with `context`
//! (default `.`), `dockerfile` (relative to the context), `dockerfile_inline` and
//! `additional_contexts` (a mapping or a list of `name=value`). Paths are relative to the Compose
//! file's directory; `${VAR}`, `${VAR:-default}`, `${VAR-default}` and `$$` are interpolated
//! from the environment, then the `.env` file beside the Compose file (`compose/dotenv.rs`);
//! an empty `dockerfile` (an unset variable) is the default one, as in compose; YAML merge keys
//! (`<<: *defaults`) are applied; with no file named, the override file beside the default one
//! is merged over it, as `docker compose` does; `extends` is followed (`compose/extends.rs`).
//! Remote contexts (git URLs, `https://…`) are skipped with a note.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_yaml_ng::Value;

use crate::error::Error;

mod dotenv;
mod extends;

/// File names looked up in the current directory, in this order (as `docker compose` does).
pub(crate) const DEFAULT_FILES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// One service's build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServiceBuild {
    /// The service name.
    pub service: String,
    /// The context directory (absolute).
    pub context: PathBuf,
    /// The Dockerfile (absolute), `-` for `dockerfile_inline`, `None` for the default.
    pub dockerfile: Option<PathBuf>,
    /// The text of `dockerfile_inline`.
    pub inline: Option<String>,
    /// `additional_contexts`, in the order written.
    pub additional_contexts: Vec<NamedContext>,
    /// `target`.
    pub target: Option<String>,
    /// `args`, as `NAME=VALUE` (or `NAME`, taken from the environment, as docker does).
    pub args: Vec<String>,
}

impl ServiceBuild {
    /// Whether the Dockerfile this build reads is a file that exists: the one named (not
    /// `dockerfile_inline`), else `Dockerfile` in the context. `docker compose build` fails
    /// without it.
    pub(crate) fn dockerfile_exists(&self) -> bool {
        !self.is_inline() && self.dockerfile_path().is_file()
    }

    /// Whether the build reads `dockerfile_inline` text ([`ServiceBuild::inline`]), no file.
    pub(crate) fn is_inline(&self) -> bool {
        self.dockerfile
            .as_ref()
            .is_some_and(|d| d.as_os_str() == "-")
    }

    /// The Dockerfile the build reads, as buildx finds it: the one named, else `Dockerfile` in
    /// the context ([`buildx_dockerfile`]); `-` for `dockerfile_inline`.
    pub(crate) fn dockerfile_path(&self) -> PathBuf {
        buildx_dockerfile(
            self.dockerfile
                .clone()
                .unwrap_or_else(|| self.context.join("Dockerfile")),
        )
    }
}

/// The Dockerfile buildx reads for `path` (`build/opt.go handleLowercaseDockerfile`): a path
/// named `Dockerfile` whose directory lists `dockerfile` but no `Dockerfile` is that
/// lowercase one (leantime's `.dev/dockerfile`, built by `build: .`); any other path as given.
pub(crate) fn buildx_dockerfile(path: PathBuf) -> PathBuf {
    if path.file_name().is_none_or(|n| n != "Dockerfile") {
        return path;
    }
    let Some(dir) = path.parent() else {
        return path;
    };
    if crate::context::only_lowercase_dockerfile(dir) {
        dir.join("dockerfile")
    } else {
        path
    }
}

/// What a named context (`additional_contexts`) points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NamedKind {
    /// A local directory (absolute path in `source`).
    Local,
    /// `docker-image://…`.
    Image,
    /// `service:NAME`: another service's image.
    Service,
    /// `target:NAME`: another bake target's result.
    Target,
    /// A git or HTTP(S) URL, or `oci-layout://…`.
    Remote,
}

/// One entry of `additional_contexts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedContext {
    /// The name the Dockerfile uses (`COPY --from=NAME`, `FROM NAME`).
    pub name: String,
    /// The value as written (interpolated); for a local directory, the absolute path.
    pub source: String,
    /// What it is.
    pub kind: NamedKind,
}

/// A named context from its name and value, a local path resolved against `dir`.
pub(crate) fn named_context(name: String, value: &str, dir: &Path) -> NamedContext {
    let kind = if value.starts_with("docker-image://") {
        NamedKind::Image
    } else if value.starts_with("service:") {
        NamedKind::Service
    } else if value.starts_with("target:") {
        NamedKind::Target
    } else if is_remote(value) || value.starts_with("oci-layout://") {
        NamedKind::Remote
    } else {
        NamedKind::Local
    };
    let source = if kind == NamedKind::Local {
        crate::context::absolute(dir, Path::new(value))
            .display()
            .to_string()
    } else {
        value.to_string()
    };
    NamedContext { name, source, kind }
}

/// One `--build-context NAME=VALUE` as buildx takes it: VALUE is a local directory (relative to
/// `cwd`), `docker-image://…`, `oci-layout://…`, `target:…` or a Git/HTTP(S) URL.
pub fn parse_build_context(raw: &str, cwd: &Path) -> Result<NamedContext, String> {
    match raw.split_once('=') {
        Some((name, value)) if !name.is_empty() && !value.is_empty() => {
            Ok(named_context(name.to_string(), value, cwd))
        }
        _ => Err(format!(
            "invalid --build-context {raw:?}: expected NAME=PATH (or NAME=docker-image://…, NAME=https://…)"
        )),
    }
}

fn build_args(v: Option<&Value>, env: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    match v {
        Some(Value::Mapping(m)) => m
            .iter()
            .filter_map(|(k, v)| {
                let k = k.as_str()?;
                Some(match as_str(v, env) {
                    Some(v) => format!("{k}={v}"),
                    None => bare_arg(k, env),
                })
            })
            .collect(),
        Some(Value::Sequence(items)) => items
            .iter()
            .filter_map(|i| as_str(i, env))
            .map(|a| {
                if a.contains('=') {
                    a
                } else {
                    bare_arg(&a, env)
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// An argument given by name only: its value from the environment or the project's `.env`,
/// as compose resolves it; the name alone when neither sets it.
fn bare_arg(k: &str, env: &dyn Fn(&str) -> Option<String>) -> String {
    env(k).map_or_else(|| k.to_string(), |v| format!("{k}={v}"))
}

fn additional_contexts(
    v: Option<&Value>,
    dir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Vec<NamedContext> {
    let mut out = Vec::new();
    match v {
        Some(Value::Mapping(m)) => {
            for (k, v) in m {
                if let (Some(k), Some(v)) = (k.as_str(), as_str(v, env)) {
                    out.push(named_context(k.to_string(), &v, dir));
                }
            }
        }
        Some(Value::Sequence(items)) => {
            for it in items {
                if let Some((k, v)) = as_str(it, env).as_deref().and_then(|s| s.split_once('=')) {
                    out.push(named_context(k.to_string(), v, dir));
                }
            }
        }
        _ => {}
    }
    out
}

/// What a Compose file says about builds.
#[derive(Debug, Default)]
pub(crate) struct ComposeBuilds {
    /// Local builds, in service-name order.
    pub builds: Vec<ServiceBuild>,
    /// Services skipped, and why.
    pub notes: Vec<String>,
}

/// `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `$VAR`, `$$`, with `env` supplying values.
pub(crate) fn interpolate(s: &str, env: &dyn Fn(&str) -> Option<String>) -> String {
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
                out.push_str(&braced(inner, env));
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

/// One `${…}`'s value, as compose-go's template does: `NAME`, `NAME:-default`/`NAME-default`
/// (unset or empty / unset), `NAME:+alt`/`NAME+alt` (set and not empty / set), `NAME:?err`/
/// `NAME?err` (the value; docker compose fails when it is missing, and it is empty here).
fn braced(inner: &str, env: &dyn Fn(&str) -> Option<String>) -> String {
    let n = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let (name, rest) = inner.split_at(n);
    let val = env(name);
    let (colon, rest) = match rest.strip_prefix(':') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    // With `:`, an empty value counts as unset.
    let set = val.as_deref().is_some_and(|v| !(colon && v.is_empty()));
    let mut ops = rest.chars();
    match ops.next() {
        Some('-') if !set => ops.as_str().to_string(),
        Some('+') if set => ops.as_str().to_string(),
        Some('+') => String::new(),
        _ => val.unwrap_or_default(),
    }
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

/// Applies YAML merge keys (`<<: *defaults`, `<<: [*a, *b]`) as docker compose does: a key
/// written in the mapping wins, then the merged mappings in their order. Inner mappings are
/// merged first, so a chain (`x-mid: {<<: *base}`, a service `<<: *mid`) reaches `base`'s
/// `build` (serde's `apply_merge` merges outside-in and leaves the inner `<<` unmerged).
fn merge_keys(v: &mut Value) -> Result<(), String> {
    match v {
        Value::Mapping(m) => {
            for child in m.values_mut() {
                merge_keys(child)?;
            }
            let sources = match m.remove("<<") {
                None => return Ok(()),
                Some(Value::Mapping(one)) => vec![one],
                Some(Value::Sequence(many)) => many
                    .into_iter()
                    .map(|s| match s {
                        Value::Mapping(one) => Ok(one),
                        _ => {
                            Err("a `<<` merge key lists a value that is not a mapping".to_string())
                        }
                    })
                    .collect::<Result<_, _>>()?,
                Some(_) => return Err("a `<<` merge key's value is not a mapping".into()),
            };
            for src in sources {
                for (k, val) in src {
                    m.entry(k).or_insert(val);
                }
            }
        }
        Value::Sequence(items) => {
            for child in items {
                merge_keys(child)?;
            }
        }
        Value::Tagged(t) => merge_keys(&mut t.value)?,
        _ => {}
    }
    Ok(())
}

/// Parses a Compose file's text; `dir` is its directory.
pub(crate) fn parse(
    text: &str,
    dir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<ComposeBuilds, String> {
    let mut doc = yaml(text)?;
    extends::apply(&mut doc, dir)?;
    from_doc(&doc, dir, env)
}

/// A Compose file's YAML, merge keys applied.
fn yaml(text: &str) -> Result<Value, String> {
    let mut doc: Value = serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?;
    merge_keys(&mut doc)?;
    Ok(doc)
}

/// Override files `docker compose` merges over the default file when no file is named, the
/// first present (compose-go `DefaultOverrideFileNames`).
const OVERRIDE_FILES: &[&str] = &[
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];

/// The builds of the Compose file `given`, else of the default file in `cwd` with the override
/// file beside it merged over it (a `build:` a local override adds to a prebuilt `image:`), as
/// `docker compose` reads them with no `-f`. Also returns the file.
/// The variables of the `.env` file in `dir` (none when it cannot be read), its own
/// references resolved from `env` first, as compose's dotenv reads it.
pub(crate) fn dotenv_in(
    dir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> std::collections::HashMap<String, String> {
    match crate::context::read_regular(&dir.join(".env")) {
        Ok(b) => dotenv::parse(&String::from_utf8_lossy(&b), env),
        Err(_) => Default::default(),
    }
}

pub(crate) fn load(
    given: Option<&Path>,
    cwd: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(PathBuf, ComposeBuilds), Error> {
    // `--compose DIR` (`ctxsize --compose .`, the way a context is named): the Compose file
    // docker compose reads in DIR with no -f, as if run there.
    let given_dir = given
        .map(|g| crate::context::absolute(cwd, g))
        .filter(|g| g.is_dir());
    let (given, cwd) = match &given_dir {
        Some(d) => (None, d.as_path()),
        None => (given, cwd),
    };
    let file = find(given, cwd)?;
    let dir = file.parent().unwrap_or(cwd).to_path_buf();
    // The project's `.env` supplies what the environment does not set.
    let dotenv = dotenv_in(&dir, env);
    let with_dotenv = |k: &str| env(k).or_else(|| dotenv.get(k).cloned());
    let env: &dyn Fn(&str) -> Option<String> = &with_dotenv;
    let read = |p: &Path| -> Result<Value, Error> {
        let text = std::fs::read_to_string(p).map_err(|e| Error::Io(p.to_path_buf(), e))?;
        yaml(&text).map_err(|e| Error::Usage(format!("{}: {e}", p.display())))
    };
    let mut doc = read(&file)?;
    let mut notes = Vec::new();
    if given.is_none() {
        if let Some(o) = OVERRIDE_FILES
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
        {
            overlay(&mut doc, read(&o)?);
            notes.push(format!(
                "{} merged over {}, as docker compose does with no -f",
                o.display(),
                file.display()
            ));
        }
    }
    extends::apply(&mut doc, &dir).map_err(|e| Error::Usage(format!("{}: {e}", file.display())))?;
    let mut builds =
        from_doc(&doc, &dir, env).map_err(|e| Error::Usage(format!("{}: {e}", file.display())))?;
    builds.notes.splice(0..0, notes);
    Ok((file, builds))
}

/// `over` merged into `base` as compose merges an override file: mappings key by key (a
/// `build:` string is its `context`), anything else replaced.
fn overlay(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Mapping(b), Value::Mapping(o)) => {
            for (k, mut v) in o {
                let build = k.as_str() == Some("build");
                match b.get_mut(&k) {
                    Some(old) => {
                        if build {
                            build_mapping(old);
                            build_mapping(&mut v);
                        }
                        overlay(old, v);
                    }
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, o) => *b = o,
    }
}

/// `build: ./dir` as `build: {context: ./dir}`.
fn build_mapping(v: &mut Value) {
    if let Value::String(ctx) = v {
        let mut m = serde_yaml_ng::Mapping::new();
        m.insert("context".into(), Value::String(std::mem::take(ctx)));
        *v = Value::Mapping(m);
    }
}

/// The builds of a parsed Compose document; `dir` is its file's directory.
fn from_doc(
    doc: &Value,
    dir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<ComposeBuilds, String> {
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
            Value::String(_) => (as_str(build, env).unwrap_or_default(), None, None),
            Value::Mapping(_) => (
                build
                    .get("context")
                    .and_then(|v| as_str(v, env))
                    .unwrap_or_else(|| ".".into()),
                build
                    .get("dockerfile")
                    .and_then(|v| as_str(v, env))
                    .filter(|d| !d.is_empty()),
                build
                    .get("dockerfile_inline")
                    .map(|v| v.as_str().unwrap_or_default().to_string()),
            ),
            Value::Null => (".".into(), None, None),
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
        let dockerfile = if inline.is_some() {
            Some(PathBuf::from("-"))
        } else {
            df.map(|d| crate::context::absolute(&context, Path::new(&d)))
        };
        let additional = additional_contexts(build.get("additional_contexts"), dir, env);
        out.builds.push(ServiceBuild {
            service: name,
            context,
            dockerfile,
            inline,
            additional_contexts: additional,
            target: build.get("target").and_then(|v| as_str(v, env)),
            args: build_args(build.get("args"), env),
        });
    }
    if out.builds.is_empty() && out.notes.is_empty() {
        out.notes.push(format!(
            "no service has a `build` section ({} {} a prebuilt `image:`): docker compose sends no build context",
            services.len(),
            if services.len() == 1 { "service runs" } else { "services run" }
        ));
    }
    Ok(out)
}

/// Finds the Compose file: `given`, else the first of [`DEFAULT_FILES`] in `cwd` (`load`
/// passes a given directory as `cwd`).
pub(crate) fn find(given: Option<&Path>, cwd: &Path) -> Result<PathBuf, Error> {
    if let Some(g) = given {
        return Ok(crate::context::absolute(cwd, g));
    }
    DEFAULT_FILES
        .iter()
        .map(|n| cwd.join(n))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            // docker compose does not look below the directory; a project's
            // `docker/docker-compose.yml` is named so that the command to run is at hand.
            // Whole paths: `--compose DIR` reads DIR as the directory, not the current one.
            let below: Vec<String> = files_below(cwd)
                .into_iter()
                .map(|r| match r.starts_with("and ") {
                    true => r,
                    false => cwd.join(r).display().to_string(),
                })
                .collect();
            let hint = match below.as_slice() {
                [] => String::new(),
                [one] => format!("; one is below it: run with --compose {one}"),
                many => format!(
                    "; below it: {}: name one with --compose FILE",
                    many.join(", ")
                ),
            };
            Error::Usage(format!(
                "no Compose file in {} (looked for {}){hint}",
                cwd.display(),
                DEFAULT_FILES.join(", ")
            ))
        })
}

/// The default-named Compose files one or two directories below `dir` (paths from it, sorted;
/// past five, four and "and N more"), not inside dependency trees or VCS directories.
fn files_below(dir: &Path) -> Vec<String> {
    let skip = |n: &str| {
        matches!(
            n,
            "node_modules" | ".git" | ".hg" | ".svn" | "vendor" | ".venv" | "venv" | "target"
        )
    };
    let subdirs = |d: &Path| -> Vec<(PathBuf, String)> {
        let mut v: Vec<(PathBuf, String)> = std::fs::read_dir(d)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter_map(|e| {
                let n = e.file_name().to_str()?.to_string();
                (!skip(&n)).then(|| (e.path(), n))
            })
            .collect();
        v.sort();
        v
    };
    let mut out = Vec::new();
    let look = |d: &Path, rel: &str, out: &mut Vec<String>| {
        if let Some(n) = DEFAULT_FILES.iter().find(|n| d.join(n).is_file()) {
            out.push(format!("{rel}/{n}"));
        }
    };
    for (d, n) in subdirs(dir).into_iter().take(200) {
        look(&d, &n, &mut out);
        for (d2, n2) in subdirs(&d).into_iter().take(200) {
            look(&d2, &format!("{n}/{n2}"), &mut out);
        }
    }
    out.sort();
    if out.len() > 5 {
        let more = out.len() - 4;
        out.truncate(4);
        out.push(format!("and {more} more"));
    }
    out
}

/// Whether `name` is a Compose file of a named variant that `docker compose -f` is pointed at
/// (`docker-compose.prod.yml`, `compose.dev.yaml`, `docker-compose-ci.yml`): not read by
/// default, but a project's builds all the same. The override file is merged by [`load`].
fn variant_file(name: &str) -> bool {
    let Some(stem) = name
        .strip_suffix(".yml")
        .or_else(|| name.strip_suffix(".yaml"))
    else {
        return false;
    };
    let rest = stem
        .strip_prefix("docker-compose")
        .or_else(|| stem.strip_prefix("compose"));
    matches!(rest, Some(r) if r.len() > 1 && (r.starts_with('.') || r.starts_with('-')))
        && !OVERRIDE_FILES.contains(&name)
}

/// Whether `name` is a Compose file that [`builds_in_dir`] reads: a default name, an override
/// file or a named variant (`docker-compose.prod.yml`).
pub(crate) fn is_compose_name(name: &str) -> bool {
    DEFAULT_FILES.contains(&name) || OVERRIDE_FILES.contains(&name) || variant_file(name)
}

/// Every local build that a Compose file in `dir` describes: the default file's (with its
/// override merged, as `load` reads it) and each named variant's beside it
/// (`docker-compose.prod.yml`), in that order. Files that cannot be read or parsed add
/// nothing: the callers only ask which context a directory or Dockerfile is built with.
pub(crate) fn builds_in_dir(dir: &Path, env: &dyn Fn(&str) -> Option<String>) -> Vec<ServiceBuild> {
    let mut out: Vec<ServiceBuild> = load(None, dir, env)
        .map(|(_, b)| b.builds)
        .unwrap_or_default();
    let mut variants: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_str().is_some_and(variant_file))
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    variants.sort();
    for v in variants {
        if let Ok((_, b)) = load(Some(&v), dir, env) {
            out.extend(b.builds);
        }
    }
    out
}

#[cfg(test)]
mod tests;
