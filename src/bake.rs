//! `docker buildx bake` definitions: which builds a bake file asks for, as the builds a Compose
//! file asks for ([`crate::compose::ServiceBuild`]), so both go through one driver and the single
//! pipeline.
//!
//! What is read follows docker/buildx `bake/bake.go` (commit 461836b, 2026-08):
//! - the default files, all merged in this order when no `-f` is given (`defaultFilenames`):
//!   the Compose names, then `docker-bake.json`, `docker-bake.hcl`, `docker-bake.override.json`,
//!   `docker-bake.override.hcl`;
//! - no target named: the group (or target) `default`; a group expands to its targets,
//!   recursively; a name that is neither fails;
//! - `inherits`: the parents' fields first, in order, then the target's own (`Target.Merge`:
//!   a field set later wins, `args` and `contexts` merge key by key);
//! - `context` defaults to `.`, relative to the directory bake runs in (not the bake file's);
//!   `dockerfile` defaults to `Dockerfile`, joined to the context unless absolute (`toBuildOpt`);
//!   `cwd://` prefixes are the current directory; a named context's local path is relative to
//!   the current directory too;
//! - `variable "NAME" { default = … }`, overridden by the environment variable `NAME`.
//!
//! Only the fields that decide what a build sends are evaluated (`context`, `contexts`,
//! `dockerfile`, `dockerfile-inline`, `target`, `args`, `inherits`), so a function ctxsize does
//! not know in `tags` or `labels` costs nothing; one it meets in those fields is a note naming the
//! target. `matrix` targets expand to one target per combination, their label a group of them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use hcl::eval::Context;
use hcl::expr::TemplateExpr;
use hcl::{Body, Expression, Value};

use crate::compose::{named_context, ComposeBuilds, ServiceBuild};

/// The files `docker buildx bake` reads when none is given, in its merge order.
pub(crate) const DEFAULT_FILES: [&str; 8] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
    "docker-bake.json",
    "docker-bake.hcl",
    "docker-bake.override.json",
    "docker-bake.override.hcl",
];

/// A target's fields that decide what its build sends (unset: `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Target {
    /// `context`.
    pub context: Option<String>,
    /// `dockerfile`.
    pub dockerfile: Option<String>,
    /// `dockerfile-inline`.
    pub dockerfile_inline: Option<String>,
    /// `target`.
    pub target: Option<String>,
    /// `args`; `None` for a `null` value (taken from the environment, as `--build-arg NAME`).
    pub args: BTreeMap<String, Option<String>>,
    /// `contexts`.
    pub contexts: BTreeMap<String, String>,
    /// `inherits`.
    pub inherits: Vec<String>,
    /// Why the target cannot be analysed (`matrix`, an expression ctxsize cannot evaluate).
    pub unsupported: Option<String>,
}

impl Target {
    /// `t2` over `self`, as buildx's `Target.Merge`.
    fn merge(&mut self, t2: &Target) {
        for (mine, theirs) in [
            (&mut self.context, &t2.context),
            (&mut self.dockerfile, &t2.dockerfile),
            (&mut self.dockerfile_inline, &t2.dockerfile_inline),
            (&mut self.target, &t2.target),
            (&mut self.unsupported, &t2.unsupported),
        ] {
            if theirs.is_some() {
                mine.clone_from(theirs);
            }
        }
        self.args
            .extend(t2.args.iter().map(|(k, v)| (k.clone(), v.clone())));
        self.contexts
            .extend(t2.contexts.iter().map(|(k, v)| (k.clone(), v.clone())));
        if !t2.inherits.is_empty() {
            self.inherits.clone_from(&t2.inherits);
        }
    }
}

/// Groups and targets of one or more bake files, merged.
#[derive(Debug, Default)]
pub(crate) struct Definition {
    /// `group "NAME" { targets = [...] }`.
    pub groups: BTreeMap<String, Vec<String>>,
    /// `target "NAME" { ... }`.
    pub targets: BTreeMap<String, Target>,
    /// What could not be read, per file and target.
    pub notes: Vec<String>,
}

impl Definition {
    /// Adds `other` over `self` (a later file wins field by field).
    pub(crate) fn merge(&mut self, other: Definition) {
        for (g, ts) in other.groups {
            let mine = self.groups.entry(g).or_default();
            for t in ts {
                if !mine.contains(&t) {
                    mine.push(t);
                }
            }
        }
        for (name, t) in other.targets {
            self.targets.entry(name).or_default().merge(&t);
        }
        self.notes.extend(other.notes);
    }
}

pub(super) fn value_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The value of a variable given in the environment, typed like its default.
fn typed_env(raw: String, default: &Value) -> Value {
    match default {
        Value::Bool(_) => match raw.as_str() {
            "true" | "1" => Value::Bool(true),
            "false" | "0" | "" => Value::Bool(false),
            _ => Value::String(raw),
        },
        Value::Number(_) => raw
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| raw.parse::<f64>().map(Value::from))
            .unwrap_or(Value::String(raw)),
        _ => Value::String(raw),
    }
}

/// Variables: each one's default evaluated (defaults may use other variables), then the
/// environment's value where set.
fn variables(
    decls: &[(String, Option<Expression>)],
    user: Vec<(String, hcl::eval::FuncDef)>,
    env: &dyn Fn(&str) -> Option<String>,
    notes: &mut Vec<String>,
    file: &str,
) -> Context<'static> {
    let mut ctx = Context::new();
    stdlib::declare(&mut ctx);
    for (name, f) in user {
        ctx.declare_func(name, f);
    }
    ctx.declare_var("BAKE_CMD_CONTEXT", ".");
    ctx.declare_var("BAKE_LOCAL_PLATFORM", "linux/amd64");
    let mut pending: Vec<&(String, Option<Expression>)> = decls.iter().collect();
    // The last evaluation error of each variable still pending.
    let mut why: BTreeMap<&str, String> = BTreeMap::new();
    // Each pass settles at least one variable whose default uses only settled ones.
    for _ in 0..=decls.len() {
        let mut rest = Vec::new();
        for d in pending {
            let (name, default) = d;
            let evaluated = match default {
                None => Ok(Value::String(String::new())),
                Some(e) => userfunc::evaluate(e, &ctx),
            };
            match evaluated {
                Ok(v) => {
                    why.remove(name.as_str());
                    let v = match env(name) {
                        Some(raw) => typed_env(raw, &v),
                        None => v,
                    };
                    ctx.declare_var(name.clone(), v);
                    userfunc::share(&ctx);
                }
                Err(e) => {
                    why.insert(name.as_str(), e.to_string());
                    rest.push(d);
                }
            }
        }
        pending = rest;
        if pending.is_empty() {
            break;
        }
    }
    for (name, _) in pending {
        let reason = why
            .get(name.as_str())
            .map_or(String::new(), |e| format!(" ({e})"));
        notes.push(format!(
            "{file}: variable {name}: its default could not be evaluated{reason}; taken as \
             empty (or the environment's value): a target that uses it in `context`, \
             `dockerfile`, `target`, `args` or `contexts` is measured with that value"
        ));
        ctx.declare_var(name.clone(), env(name).unwrap_or_default());
    }
    userfunc::share(&ctx);
    ctx
}

fn eval_string(e: &Expression, ctx: &Context) -> Result<Option<String>, String> {
    match userfunc::evaluate(e, ctx)? {
        Value::Null => Ok(None),
        v => value_string(&v)
            .map(Some)
            .ok_or_else(|| "not a string".to_string()),
    }
}

fn eval_map(e: &Expression, ctx: &Context) -> Result<BTreeMap<String, Option<String>>, String> {
    match userfunc::evaluate(e, ctx)? {
        Value::Object(m) => Ok(m.into_iter().map(|(k, v)| (k, value_string(&v))).collect()),
        Value::Null => Ok(BTreeMap::new()),
        _ => Err("not a map".into()),
    }
}

fn eval_list(e: &Expression, ctx: &Context) -> Result<Vec<String>, String> {
    match userfunc::evaluate(e, ctx)? {
        Value::Array(items) => Ok(items.iter().filter_map(value_string).collect()),
        Value::Null => Ok(Vec::new()),
        _ => Err("not a list".into()),
    }
}

fn target_from(attrs: &[(String, Expression)], ctx: &Context) -> Target {
    let mut t = Target::default();
    for (key, e) in attrs {
        let res: Result<(), String> = (|| {
            match key.as_str() {
                "context" => t.context = eval_string(e, ctx)?,
                "dockerfile" => t.dockerfile = eval_string(e, ctx)?,
                "dockerfile-inline" | "dockerfile_inline" => {
                    t.dockerfile_inline = eval_string(e, ctx)?
                }
                "target" => t.target = eval_string(e, ctx)?,
                "args" => t.args = eval_map(e, ctx)?,
                "contexts" => {
                    t.contexts = eval_map(e, ctx)?
                        .into_iter()
                        .filter_map(|(k, v)| Some((k, v?)))
                        .collect()
                }
                "inherits" => t.inherits = eval_list(e, ctx)?,
                _ => {}
            }
            Ok(())
        })();
        if let Err(why) = res {
            t.unsupported = Some(format!("`{key}`: {why}"));
        }
    }
    t
}

/// The groups and targets a definition holds, for an error that names none of them.
fn what_is_defined(def: &Definition) -> String {
    // Whole names only, up to about 140 characters a list: a matrix's expanded names
    // (discourse_docker's `base-release-main-amd64`, …) would otherwise pass the 400 characters
    // an error line is cut to, mid-name.
    let list = |names: Vec<&String>| {
        const BUDGET: usize = 140;
        let n = names.len();
        let mut shown: Vec<&str> = Vec::new();
        let mut len = 0;
        for s in names.iter().take(10) {
            if !shown.is_empty() && len + 2 + s.len() > BUDGET {
                break;
            }
            len += s.len() + if shown.is_empty() { 0 } else { 2 };
            shown.push(s.as_str());
        }
        let more = n - shown.len();
        let mut out = shown.join(", ");
        if more > 0 {
            out.push_str(&format!(" and {more} more"));
        }
        out
    };
    let targets: Vec<&String> = def.targets.keys().filter(|t| !t.starts_with('_')).collect();
    match (def.groups.is_empty(), targets.is_empty()) {
        (true, true) => "the bake files define no group and no target (a Compose service is a target only with a `build` section); name the file with -f"
            .to_string(),
        (true, false) => format!("name one of the targets: {}", list(targets)),
        (false, _) => format!(
            "name a group ({}) or a target ({})",
            list(def.groups.keys().collect()),
            list(targets)
        ),
    }
}

/// A `matrix` target: one target per combination of the matrix values (the last key varies
/// fastest), named by its `name` expression, as buildx's `TestHCLMatrix*` cases expect; the
/// block's label becomes a group of them.
fn matrix(
    m: &Expression,
    attrs: &[(String, Expression)],
    ctx: &Context<'static>,
) -> Result<Vec<(String, Target)>, String> {
    let Value::Object(keys) = userfunc::evaluate(m, ctx)? else {
        return Err("not a map of lists".into());
    };
    let mut combos: Vec<Vec<(String, Value)>> = vec![Vec::new()];
    for (k, v) in keys {
        let Value::Array(values) = v else {
            return Err(format!("`{k}` is not a list"));
        };
        let mut next = Vec::with_capacity(combos.len() * values.len());
        for c in &combos {
            for val in &values {
                let mut c = c.clone();
                c.push((k.clone(), val.clone()));
                next.push(c);
            }
        }
        combos = next;
    }
    let name = attrs
        .iter()
        .find(|(k, _)| k == "name")
        .map(|(_, e)| e)
        .ok_or("a matrix target needs `name`")?;
    let rest: Vec<(String, Expression)> = attrs
        .iter()
        .filter(|(k, _)| k != "matrix" && k != "name")
        .cloned()
        .collect();
    combos
        .into_iter()
        .map(|combo| {
            let mut c = ctx.clone();
            for (k, v) in combo {
                c.declare_var(k, v);
            }
            let n = eval_string(name, &c)?.ok_or("`name` is null")?;
            Ok((n, target_from(&rest, &c)))
        })
        .collect()
}

/// Parses an HCL bake file. `file` names it in notes.
pub(crate) fn parse_hcl(
    text: &str,
    file: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Definition, String> {
    let body: Body = hcl::parse(text).map_err(|e| e.to_string())?;
    let mut decls = Vec::new();
    for b in body.blocks().filter(|b| b.identifier() == "variable") {
        if let Some(name) = b.labels().first() {
            let default = b
                .body()
                .attributes()
                .find(|a| a.key() == "default")
                .map(|a| a.expr().clone());
            decls.push((name.as_str().to_string(), default));
        }
    }
    let mut def = Definition::default();
    // The file's functions live in this thread's table while it is read.
    struct Clear;
    impl Drop for Clear {
        fn drop(&mut self) {
            userfunc::clear();
        }
    }
    let _clear = Clear;
    let user = userfunc::register(&body, file, &mut def.notes);
    let ctx = variables(&decls, user, env, &mut def.notes, file);
    for b in body.blocks() {
        let Some(name) = b.labels().first().map(|l| l.as_str().to_string()) else {
            continue;
        };
        let attrs: Vec<(String, Expression)> = b
            .body()
            .attributes()
            .map(|a| (a.key().to_string(), a.expr().clone()))
            .collect();
        match b.identifier() {
            "group" => {
                let targets = attrs
                    .iter()
                    .find(|(k, _)| k == "targets")
                    .map(|(_, e)| eval_list(e, &ctx))
                    .transpose()
                    .map_err(|e| format!("group {name}: {e}"))?
                    .unwrap_or_default();
                def.groups.entry(name).or_default().extend(targets);
            }
            "target" => match attrs.iter().find(|(k, _)| k == "matrix") {
                None => {
                    let t = target_from(&attrs, &ctx);
                    def.targets.entry(name).or_default().merge(&t);
                }
                Some((_, m)) => match matrix(m, &attrs, &ctx) {
                    Ok(expanded) => {
                        let g = def.groups.entry(name).or_default();
                        g.extend(expanded.iter().map(|(n, _)| n.clone()));
                        for (n, t) in expanded {
                            def.targets.entry(n).or_default().merge(&t);
                        }
                    }
                    Err(why) => {
                        let t = Target {
                            unsupported: Some(format!("`matrix`: {why}")),
                            ..Target::default()
                        };
                        def.targets.insert(name, t);
                    }
                },
            },
            _ => {}
        }
    }
    Ok(def)
}

/// Parses a JSON bake file (`{"variable": …, "group": …, "target": …}`); strings are HCL
/// templates, as buildx reads JSON through HCL's JSON syntax.
pub(crate) fn parse_json(
    text: &str,
    file: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Definition, String> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let as_expr = |v: &serde_json::Value| -> Expression {
        let hv: Value = serde_json::from_value(v.clone()).unwrap_or(Value::Null);
        templated(hv)
    };
    let mut decls = Vec::new();
    if let Some(vars) = doc.get("variable").and_then(|v| v.as_object()) {
        for (name, body) in vars {
            decls.push((name.clone(), body.get("default").map(as_expr)));
        }
    }
    let mut def = Definition::default();
    let ctx = variables(&decls, Vec::new(), env, &mut def.notes, file);
    if let Some(groups) = doc.get("group").and_then(|v| v.as_object()) {
        for (name, body) in groups {
            let targets = match body.get("targets") {
                Some(t) => {
                    eval_list(&as_expr(t), &ctx).map_err(|e| format!("group {name}: {e}"))?
                }
                None => Vec::new(),
            };
            def.groups.entry(name.clone()).or_default().extend(targets);
        }
    }
    if let Some(targets) = doc.get("target").and_then(|v| v.as_object()) {
        for (name, body) in targets {
            let attrs: Vec<(String, Expression)> = body
                .as_object()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), as_expr(v))).collect())
                .unwrap_or_default();
            let t = target_from(&attrs, &ctx);
            def.targets.entry(name.clone()).or_default().merge(&t);
        }
    }
    Ok(def)
}

/// A JSON value as an expression whose strings are templates (`${VAR}`).
fn templated(v: Value) -> Expression {
    match v {
        Value::String(s) if s.contains("${") || s.contains("%{") => {
            Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(s)))
        }
        Value::Array(items) => Expression::Array(items.into_iter().map(templated).collect()),
        Value::Object(m) => Expression::Object(
            m.into_iter()
                .map(|(k, v)| (hcl::ObjectKey::from(k), templated(v)))
                .collect(),
        ),
        other => Expression::from(other),
    }
}

/// A Compose file's builds as bake targets (buildx reads Compose files as bake input).
pub(crate) fn from_compose(c: &ComposeBuilds) -> Definition {
    let mut def = Definition {
        notes: c.notes.clone(),
        ..Definition::default()
    };
    for b in &c.builds {
        let mut t = Target {
            context: Some(b.context.display().to_string()),
            dockerfile: b
                .dockerfile
                .as_ref()
                .filter(|d| d.as_os_str() != "-")
                .map(|d| d.display().to_string()),
            dockerfile_inline: b.inline.clone(),
            target: b.target.clone(),
            ..Target::default()
        };
        for a in &b.args {
            match a.split_once('=') {
                Some((k, v)) => t.args.insert(k.into(), Some(v.into())),
                None => t.args.insert(a.clone(), None),
            };
        }
        for n in &b.additional_contexts {
            t.contexts.insert(n.name.clone(), n.source.clone());
        }
        def.groups
            .entry("default".into())
            .or_default()
            .push(b.service.clone());
        def.targets.insert(b.service.clone(), t);
    }
    def
}

/// The targets `names` ask for (groups expanded, `default` when empty), each once, in order,
/// with `inherits` applied.
pub(crate) fn resolve(def: &Definition, names: &[String]) -> Result<Vec<(String, Target)>, String> {
    let default = ["default".to_string()];
    let names = if names.is_empty() {
        &default[..]
    } else {
        names
    };
    let mut order = Vec::new();
    let mut seen = BTreeSet::new();
    for n in names {
        expand(def, n, &mut order, &mut seen, &mut Vec::new()).map_err(|e| {
            if e == format!("failed to find target {n}") {
                format!("{e}: {}", what_is_defined(def))
            } else {
                e
            }
        })?;
    }
    let mut out = Vec::new();
    for n in order {
        let t = inherited(def, &n, &mut Vec::new())?;
        out.push((n, t));
    }
    // A `contexts` value `target:NAME` makes bake build NAME too, and send its context
    // (buildx `loadLinks`), even when it was not asked for.
    let mut i = 0;
    while i < out.len() {
        let links: Vec<String> = out[i]
            .1
            .contexts
            .values()
            .filter_map(|v| v.strip_prefix("target:"))
            .map(str::to_string)
            .collect();
        for l in links {
            if l == out[i].0 {
                return Err(format!("target {l} cannot link to itself"));
            }
            if out.iter().any(|(n, _)| *n == l) {
                continue;
            }
            if !def.targets.contains_key(&l) {
                return Err(format!(
                    "failed to find target {l} (linked by {})",
                    out[i].0
                ));
            }
            let t = inherited(def, &l, &mut Vec::new())?;
            out.push((l, t));
        }
        i += 1;
    }
    Ok(out)
}

fn expand(
    def: &Definition,
    name: &str,
    order: &mut Vec<String>,
    seen: &mut BTreeSet<String>,
    stack: &mut Vec<String>,
) -> Result<(), String> {
    if let Some(targets) = def.groups.get(name) {
        if stack.iter().any(|s| s == name) {
            return Err(format!("group {name} includes itself"));
        }
        stack.push(name.to_string());
        for t in targets {
            // A group may list a target of its own name (buildx allows it).
            if t == name && def.targets.contains_key(t) {
                if seen.insert(t.clone()) {
                    order.push(t.clone());
                }
                continue;
            }
            expand(def, t, order, seen, stack)?;
        }
        stack.pop();
        return Ok(());
    }
    if def.targets.contains_key(name) {
        if seen.insert(name.to_string()) {
            order.push(name.to_string());
        }
        return Ok(());
    }
    Err(format!("failed to find target {name}"))
}

fn inherited(def: &Definition, name: &str, stack: &mut Vec<String>) -> Result<Target, String> {
    if stack.iter().any(|s| s == name) {
        return Err(format!("target {name} inherits from itself"));
    }
    let own = def
        .targets
        .get(name)
        .ok_or_else(|| format!("failed to find target {name} (inherited)"))?;
    stack.push(name.to_string());
    let mut t = Target::default();
    for parent in &own.inherits {
        let p = inherited(def, parent, stack)?;
        t.merge(&p);
    }
    stack.pop();
    t.merge(own);
    t.inherits.clone_from(&own.inherits);
    Ok(t)
}

fn strip_cwd(s: &str) -> &str {
    s.strip_prefix("cwd://").unwrap_or(s)
}

fn is_remote(s: &str) -> bool {
    s.contains("://") && !s.starts_with("cwd://") || s.starts_with("git@")
}

/// The resolved targets as builds; `cwd` is where bake runs. Remote contexts and targets that
/// cannot be analysed become notes.
pub(crate) fn builds(targets: &[(String, Target)], cwd: &Path) -> ComposeBuilds {
    let mut out = ComposeBuilds::default();
    for (name, t) in targets {
        if let Some(why) = &t.unsupported {
            out.notes
                .push(format!("target {name}: not analysed ({why})"));
            continue;
        }
        let ctx = t.context.as_deref().unwrap_or(".");
        if is_remote(ctx) {
            out.notes.push(format!(
                "target {name}: remote context {ctx}: the repository's own .dockerignore applies \
                 on the builder; not analysed here"
            ));
            continue;
        }
        let context = crate::context::absolute(cwd, Path::new(strip_cwd(ctx)));
        let dockerfile = if t.dockerfile_inline.is_some() {
            Some(PathBuf::from("-"))
        } else {
            t.dockerfile.as_deref().map(|d| {
                let d = Path::new(strip_cwd(d));
                if t.dockerfile
                    .as_deref()
                    .is_some_and(|x| x.starts_with("cwd://"))
                {
                    crate::context::absolute(cwd, d)
                } else {
                    crate::context::absolute(&context, d)
                }
            })
        };
        out.builds.push(ServiceBuild {
            service: name.clone(),
            context,
            dockerfile,
            inline: t.dockerfile_inline.clone(),
            additional_contexts: t
                .contexts
                .iter()
                .map(|(k, v)| named_context(k.clone(), strip_cwd(v), cwd))
                .collect(),
            target: t.target.clone(),
            args: t
                .args
                .iter()
                .map(|(k, v)| match v {
                    Some(v) => format!("{k}={v}"),
                    None => k.clone(),
                })
                .collect(),
        });
    }
    out
}

/// The bake files to read: the given ones (relative to `cwd`), else every default file present.
pub(crate) fn files(given: &[PathBuf], cwd: &Path) -> Result<Vec<PathBuf>, String> {
    if !given.is_empty() {
        return Ok(given
            .iter()
            .map(|g| crate::context::absolute(cwd, g))
            .collect());
    }
    let found: Vec<PathBuf> = DEFAULT_FILES
        .iter()
        .map(|n| cwd.join(n))
        .filter(|p| p.is_file())
        .collect();
    if found.is_empty() {
        return Err(format!(
            "no bake file in {} (looked for {})",
            cwd.display(),
            DEFAULT_FILES.join(", ")
        ));
    }
    Ok(found)
}

/// Reads and merges bake files (HCL, JSON or Compose by name). A Compose file is interpolated
/// from the environment, then from the `.env` file of the working directory `cwd` (buildx
/// bake/compose.go `loadDotEnv`, docker/buildx#1261; HCL and JSON files do not read it).
pub(crate) fn read(
    paths: &[PathBuf],
    cwd: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Definition, String> {
    // Read only once a Compose file needs it.
    let dotenv = std::cell::OnceCell::new();
    let with_dotenv = |k: &str| {
        env(k).or_else(|| {
            dotenv
                .get_or_init(|| crate::compose::dotenv_in(cwd, env))
                .get(k)
                .cloned()
        })
    };
    let mut def = Definition::default();
    for p in paths {
        let text = std::fs::read_to_string(p)
            .map_err(|e| format!("{}: {}", p.display(), crate::error::go_err(&e)))?;
        let label = p.display().to_string();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let one = if name.ends_with(".json") {
            parse_json(&text, &label, env)
        } else if name.ends_with(".yml") || name.ends_with(".yaml") {
            let dir = p.parent().unwrap_or(Path::new("."));
            crate::compose::parse(&text, dir, &with_dotenv).map(|c| from_compose(&c))
        } else {
            parse_hcl(&text, &label, env)
        }
        .map_err(|e| format!("{label}: {e}"))?;
        def.merge(one);
    }
    Ok(def)
}

mod dates;
mod stdlib;
mod userfunc;

#[cfg(test)]
mod tests;
