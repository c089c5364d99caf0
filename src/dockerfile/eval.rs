//! Evaluation for one set of [`Options`]: the automatic platform ARGs, ARG
//! and ENV scoping and substitution, build args, stage bases, `--target`
//! reachability (FROM, `COPY --from`, mount `from=`, ONBUILD triggers), and the
//! context sources of every reachable stage.

use std::collections::HashMap;

use super::lex::{expand, Env, Expanded};
use super::model::{
    syntax, Cmd, CmdKind, ContextSource, Dockerfile, DockerfileError, Options, Sources,
};
use super::sources::{
    clean_rel, contains_wildcards, csv_fields, is_git_source, is_http_source, mount_from,
};

/// ARGs that BuildKit always defines from the build and target platforms. Without a
/// `--build-arg` they take the builder's native platform, which for a local `docker build` is
/// `linux/<host architecture>` (Docker Desktop runs a VM of the host's architecture).
const PLATFORM_ARGS: &[&str] = &[
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDOSVERSION",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETOSVERSION",
    "TARGETARCH",
    "TARGETVARIANT",
];

/// The host's platform as BuildKit names it: `linux/amd64`, `linux/arm64`, `linux/arm/v7`, …
pub(crate) fn host_platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "x86" => "386",
        "aarch64" => "arm64",
        "arm" => "arm/v7",
        "powerpc64" => "ppc64le",
        "s390x" => "s390x",
        "riscv64" => "riscv64",
        "loongarch64" => "loong64",
        "mips64" => "mips64le",
        other => other,
    };
    format!("linux/{arch}")
}

/// The platform ARGs for a target platform (`os/arch[/variant]`) built on `build`: the values
/// BuildKit gives `TARGETPLATFORM`, `TARGETOS`, `TARGETARCH`, `TARGETVARIANT` and their `BUILD*`
/// twins.
pub(crate) fn platform_args(target: &str, build: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (prefix, p) in [("TARGET", target), ("BUILD", build)] {
        let mut parts = p.splitn(3, '/');
        let os = parts.next().unwrap_or("linux");
        let arch = parts.next().unwrap_or("");
        let variant = parts.next().unwrap_or("");
        out.push((format!("{prefix}PLATFORM"), p.to_string()));
        out.push((format!("{prefix}OS"), os.to_string()));
        out.push((format!("{prefix}ARCH"), arch.to_string()));
        out.push((format!("{prefix}VARIANT"), variant.to_string()));
        out.push((format!("{prefix}OSVERSION"), String::new()));
    }
    out
}

struct Eval<'a> {
    df: &'a Dockerfile,
    build_args: HashMap<&'a str, &'a str>,
    global: Env,
    /// Stage index by (lower-case) name, over all stages (last one wins).
    names: HashMap<&'a str, usize>,
    out: Vec<ContextSource>,
    external: Vec<(String, ContextSource)>,
}

impl Dockerfile {
    /// Context sources used when building `opts.target` (default: the last
    /// stage) with `opts.build_args`.
    pub(crate) fn context_sources(&self, opts: &Options) -> Result<Sources, DockerfileError> {
        let build_args: HashMap<&str, &str> = opts
            .build_args
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let last = self.stages.len() - 1;
        let target = match opts.target.as_deref().filter(|t| !t.is_empty()) {
            None => last,
            Some(t) => {
                let lt = t.to_lowercase();
                self.stages
                    .iter()
                    .rposition(|s| s.name.as_deref() == Some(lt.as_str()))
                    .ok_or_else(|| DockerfileError::UnknownTarget {
                        target: t.to_string(),
                        stages: self.stages.iter().filter_map(|s| s.name.clone()).collect(),
                    })?
            }
        };
        let target_name = match opts.target.as_deref().filter(|t| !t.is_empty()) {
            Some(t) => t.to_string(),
            None => self.stages[last].name.clone().unwrap_or_default(),
        };

        // Global scope: automatic platform ARGs, TARGETSTAGE, then the ARGs
        // before the first FROM.
        let mut global = Env::default();
        let host = host_platform();
        let native: HashMap<String, String> = platform_args(&host, &host).into_iter().collect();
        for &a in PLATFORM_ARGS {
            match build_args.get(a) {
                Some(v) => global.set(a, v.to_string(), false),
                None => global.set(a, native.get(a).cloned().unwrap_or_default(), false),
            }
            global.set_varying(a, true);
        }
        let ts = match build_args.get("TARGETSTAGE") {
            Some(v) => v.to_string(),
            None if target_name.is_empty() => "default".to_string(),
            None => target_name,
        };
        global.set("TARGETSTAGE", ts, false);
        global.set_varying("TARGETSTAGE", true);
        for cmd in &self.meta_args {
            if let CmdKind::Arg(args) = &cmd.kind {
                for (k, default) in args {
                    global.set_varying(k, true);
                    if let Some(v) = build_args.get(k.as_str()) {
                        global.set(k, v.to_string(), false);
                    } else if let Some(d) = default {
                        let e = expand(d, self.escape, &global).map_err(|m| syntax(cmd.line, m))?;
                        global.set(k, e.text, e.unresolved);
                    }
                }
            }
        }

        let mut names = HashMap::new();
        for s in &self.stages {
            if let Some(n) = &s.name {
                names.insert(n.as_str(), s.index);
            }
        }
        let mut ev = Eval {
            df: self,
            build_args,
            global,
            names,
            out: Vec::new(),
            external: Vec::new(),
        };

        // Base stages: FROM <earlier stage name>, after global ARG expansion.
        let mut base_of: Vec<Option<usize>> = Vec::with_capacity(self.stages.len());
        let mut base_text: Vec<String> = Vec::with_capacity(self.stages.len());
        let mut earlier: HashMap<&str, usize> = HashMap::new();
        for s in &self.stages {
            let e = expand(&s.base, self.escape, &ev.global).map_err(|m| syntax(s.line, m))?;
            base_text.push(e.text.clone());
            if e.text.is_empty() && !e.unresolved {
                return Err(syntax(
                    s.line,
                    format!("base name ({}) should not be blank", s.base),
                ));
            }
            base_of.push(earlier.get(e.text.as_str()).copied());
            if let Some(n) = &s.name {
                earlier.insert(n.as_str(), s.index);
            }
        }

        // Reachability from the target through FROM, COPY --from, mount from=
        // and ONBUILD triggers inherited from a parent stage.
        let mut deps: Vec<Vec<usize>> = Vec::with_capacity(self.stages.len());
        for s in &self.stages {
            let mut d: Vec<usize> = base_of[s.index].into_iter().collect();
            for cmd in ev.stage_cmds(s.index, &base_of) {
                d.extend(ev.cmd_deps(cmd.0)?);
            }
            deps.push(d);
        }
        let mut reachable = vec![false; self.stages.len()];
        let mut stack = vec![target];
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut reachable[i], true) {
                continue;
            }
            stack.extend(deps[i].iter().copied().filter(|&d| !reachable[d]));
        }

        let mut final_env: Vec<Option<Env>> = vec![None; self.stages.len()];
        for s in &self.stages {
            if !reachable[s.index] {
                continue;
            }
            let mut env = base_of[s.index]
                .and_then(|b| final_env[b].clone())
                .map(|e| if opts.classic { e.without_args() } else { e })
                .unwrap_or_default();
            if base_of[s.index].is_none() && onbuild_image(&base_text[s.index]) {
                // An `*-onbuild` image's own ONBUILD triggers run first in this stage and copy
                // from the context; they are in the image, not in this file, so any path may be
                // read: counted as the whole context.
                ev.out.push(ContextSource::pathless(
                    s.line,
                    ONBUILD_BASE,
                    s.index,
                    base_text[s.index].clone(),
                ));
            }
            for (cmd, trigger) in ev.stage_cmds(s.index, &base_of) {
                ev.dispatch(cmd, s.index, trigger, &mut env)?;
            }
            final_env[s.index] = Some(env);
            if base_of[s.index].is_none() && base_text[s.index] != "scratch" {
                let src = ContextSource::pathless(s.line, "FROM", s.index, s.base.clone());
                ev.external.push((base_text[s.index].clone(), src));
            }
        }

        let whole_context = ev.out.iter().any(|s| s.path.is_empty() && !s.unresolved);
        Ok(Sources {
            items: ev.out,
            whole_context,
            external: ev.external,
        })
    }
}

impl<'a> Eval<'a> {
    /// The commands a stage runs: ONBUILD triggers of its parent stage first,
    /// then its own. The flag tells whether the command is a trigger.
    fn stage_cmds(&self, idx: usize, base_of: &[Option<usize>]) -> Vec<(&'a Cmd, bool)> {
        let mut v = Vec::new();
        if let Some(b) = base_of[idx] {
            for c in &self.df.stages[b].cmds {
                if let CmdKind::Onbuild(inner) = &c.kind {
                    v.push((inner.as_ref(), true));
                }
            }
        }
        v.extend(self.df.stages[idx].cmds.iter().map(|c| (c, false)));
        v
    }

    fn stage_ref(&self, name: &str) -> Option<usize> {
        self.names.get(name.to_lowercase().as_str()).copied()
    }

    fn copy_from_stage(&self, cmd: &Cmd, from: &str) -> Result<Option<usize>, DockerfileError> {
        let e = expand(from, self.df.escape, &Env::default()).map_err(|m| syntax(cmd.line, m))?;
        if e.text != from {
            return Err(syntax(cmd.line, "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround"));
        }
        if let Ok(n) = from.parse::<i64>() {
            if n < 0 || n as u64 >= self.df.stages.len() as u64 {
                return Err(syntax(cmd.line, format!("invalid stage index {n}")));
            }
            return Ok(Some(n as usize));
        }
        Ok(self.stage_ref(from))
    }

    /// `COPY --from=NAME` where NAME is not a stage: its sources, recorded for the caller (a
    /// named context if the build defines one so, else an image).
    fn external_copy(
        &mut self,
        c: &super::model::CopyCmd,
        from: &str,
        line: usize,
        stage: usize,
        prefix: &str,
        env: &Env,
    ) -> Result<(), DockerfileError> {
        for raw in &c.sources {
            let e = expand(raw, self.df.escape, env).map_err(|m| syntax(line, m))?;
            let name = if c.add { "ADD" } else { "COPY" };
            let src = copy_source(c, line, format!("{prefix}{name}"), stage, raw, &e);
            self.external.push((from.to_string(), src));
        }
        Ok(())
    }

    fn cmd_deps(&self, cmd: &Cmd) -> Result<Vec<usize>, DockerfileError> {
        let mut d = Vec::new();
        match &cmd.kind {
            CmdKind::Copy(c) => {
                if let Some(from) = &c.from {
                    d.extend(self.copy_from_stage(cmd, from)?);
                }
            }
            CmdKind::Run(mounts) => {
                for m in mounts {
                    if let Some(from) = mount_from(m) {
                        d.extend(self.stage_ref(&from));
                    }
                }
            }
            _ => {}
        }
        Ok(d)
    }

    fn stage_label(&self, idx: usize) -> String {
        self.df.stages[idx]
            .name
            .clone()
            .unwrap_or_else(|| format!("stage-{idx}"))
    }

    fn dispatch(
        &mut self,
        cmd: &Cmd,
        stage: usize,
        trigger: bool,
        env: &mut Env,
    ) -> Result<(), DockerfileError> {
        let esc = self.df.escape;
        let line = cmd.line;
        let prefix = if trigger { "ONBUILD " } else { "" };
        match &cmd.kind {
            CmdKind::Arg(args) => {
                for (k, default) in args {
                    let value = if let Some(v) = self.build_args.get(k.as_str()) {
                        Some((v.to_string(), false))
                    } else if let Some(d) = default {
                        let e = expand(d, esc, env).map_err(|m| syntax(line, m))?;
                        Some((e.text, e.unresolved))
                    } else {
                        self.global.get(k).map(|g| (g.value.clone(), g.unknown))
                    };
                    if let Some((v, unknown)) = value {
                        env.set(k, v, unknown);
                        env.set_by_arg(k, true);
                    }
                    env.set_varying(k, true);
                }
            }
            CmdKind::Env(kvs) => {
                let mut expanded = Vec::with_capacity(kvs.len());
                for (k, v) in kvs {
                    let k = expand(k, esc, env).map_err(|m| syntax(line, m))?;
                    let v = expand(v, esc, env).map_err(|m| syntax(line, m))?;
                    expanded.push((k.text, v));
                }
                for (k, v) in expanded {
                    env.set_by_arg(&k, false);
                    env.set_varying(&k, v.varies);
                    env.set(&k, v.text, v.unresolved);
                }
            }
            CmdKind::Copy(c) => {
                if let Some(from) = &c.from {
                    if let Some(src) = self.copy_from_stage(cmd, from)? {
                        if src >= stage {
                            return Err(syntax(
                                line,
                                format!(
                                    "cannot copy from stage {:?}, it needs to be defined before current stage {:?}",
                                    from,
                                    self.stage_label(stage)
                                ),
                            ));
                        }
                    } else {
                        self.external_copy(c, from, line, stage, prefix, env)?;
                    }
                    return Ok(());
                }
                let name = if c.add { "ADD" } else { "COPY" };
                for raw in &c.sources {
                    let e = expand(raw, esc, env).map_err(|m| syntax(line, m))?;
                    let git = is_git_source(&e.text);
                    let http = !git && is_http_source(&e.text);
                    if c.add && (git || http) {
                        continue;
                    }
                    if git {
                        return Err(syntax(line, "source can't be a git ref for COPY"));
                    }
                    if http {
                        return Err(syntax(line, "source can't be a URL for COPY"));
                    }
                    let src = copy_source(c, line, format!("{prefix}{name}"), stage, raw, &e);
                    self.out.push(src);
                }
            }
            CmdKind::Run(mounts) => {
                for m in mounts {
                    let mut typ = "bind".to_string();
                    let mut from = String::new();
                    let mut target = String::new();
                    let mut source: Option<(String, Expanded)> = None;
                    for (k, v) in csv_fields(m) {
                        let Some(v) = v else { continue };
                        let e = expand(&v, esc, env).map_err(|msg| syntax(line, msg))?;
                        match k.as_str() {
                            "type" => typ = e.text.to_ascii_lowercase(),
                            "from" => from = e.text,
                            "source" | "src" => source = Some((v, e)),
                            "target" | "dst" | "destination" => target = e.text,
                            _ => {}
                        }
                    }
                    if !matches!(typ.as_str(), "bind" | "cache" | "tmpfs" | "secret" | "ssh") {
                        return Err(syntax(line, format!("unsupported mount type {typ:?}")));
                    }
                    if !from.is_empty() {
                        if let Some(src) = self.stage_ref(&from) {
                            if src >= stage {
                                return Err(syntax(
                                    line,
                                    format!("cannot mount from stage {from:?} to {target:?}, stage needs to be defined before current command"),
                                ));
                            }
                        } else if typ == "bind" || typ == "cache" {
                            let (raw, e) = match source {
                                Some(s) => s,
                                None => (
                                    String::new(),
                                    Expanded {
                                        text: String::new(),
                                        unresolved: false,
                                        varies: false,
                                    },
                                ),
                            };
                            let src = ContextSource {
                                line,
                                instruction: format!("{prefix}RUN --mount"),
                                stage,
                                raw,
                                path: clean_rel(&e.text),
                                has_wildcard: false,
                                unresolved: e.unresolved,
                                varies: e.varies,
                                excludes: Vec::new(),
                                parents: false,
                            };
                            self.external.push((from, src));
                        }
                        continue;
                    }
                    let instruction = match typ.as_str() {
                        "bind" => format!("{prefix}RUN --mount"),
                        // BuildKit records "/" for a tmpfs mount without from=.
                        "tmpfs" => format!("{prefix}RUN --mount=type=tmpfs"),
                        _ => continue,
                    };
                    let (raw, e) = match (typ.as_str(), source) {
                        ("bind", Some(s)) => s,
                        _ => (
                            String::new(),
                            Expanded {
                                text: String::new(),
                                unresolved: false,
                                varies: false,
                            },
                        ),
                    };
                    self.out.push(ContextSource {
                        line,
                        instruction,
                        stage,
                        raw,
                        path: clean_rel(&e.text),
                        has_wildcard: false,
                        unresolved: e.unresolved,
                        varies: e.varies,
                        excludes: Vec::new(),
                        parents: false,
                    });
                }
            }
            CmdKind::Onbuild(_) | CmdKind::Other => {}
        }
        Ok(())
    }
}

/// The instruction name of the source a stage built `FROM` an ONBUILD image gets: the image's
/// triggers (`ONBUILD COPY . /usr/src/app` in `node:onbuild`, `ONBUILD COPY
/// jupyterhub_config.py …` in `jupyter/jupyterhub-onbuild`) copy from the context, and the
/// image, not the Dockerfile, holds them. Its `raw` is the image reference.
pub(crate) const ONBUILD_BASE: &str = "ONBUILD of the base image";

/// True for an image reference whose name or tag says it is an ONBUILD image
/// (`node:8-onbuild`, `golang:onbuild`, `jupyter/jupyterhub-onbuild`): the last path component
/// holds `onbuild`. A digest, a registry or an organisation named so does not count.
pub(crate) fn onbuild_image(reference: &str) -> bool {
    let r = reference.split('@').next().unwrap_or("");
    r.rsplit('/')
        .next()
        .is_some_and(|last| last.to_ascii_lowercase().contains("onbuild"))
}

/// A COPY/ADD source as the evaluation records it, from its expanded text.
fn copy_source(
    c: &super::model::CopyCmd,
    line: usize,
    instruction: String,
    stage: usize,
    raw: &str,
    e: &super::lex::Expanded,
) -> ContextSource {
    ContextSource {
        line,
        instruction,
        stage,
        raw: raw.to_string(),
        path: clean_rel(&e.text),
        has_wildcard: contains_wildcards(&e.text),
        unresolved: e.unresolved,
        varies: e.varies,
        excludes: c.excludes.clone(),
        parents: c.parents,
    }
}
