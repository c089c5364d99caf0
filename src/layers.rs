//! Layer order: per stage, the COPY/ADD instructions in order with what each sends, and the
//! RUN steps between them; a broad COPY (`COPY . .`, a whole directory) placed before a
//! dependency install that only needs the manifests is finding `DF010` with the reordered lines
//! as its fix (COPY the manifests, install, COPY the rest), as Docker's build guide shows
//! ("Layers": `COPY go.mod go.sum .`, `RUN go mod download`, then `COPY . .`).
//!
//! A changed layer rebuilds every layer after it in the stage: a COPY whose files change busts
//! the install that follows it. The install needs only the manifests of its ecosystem
//! ([`ECOSYSTEMS`]); copying them first keeps the install cached while the sources change.
//!
//! Choices: only a COPY that sends at least one of the ecosystem's manifests *and* other files
//! is flagged (a `COPY scripts/ …` before `npm ci` may be needed by the install and is left
//! alone); `--exclude` flags of COPY are not applied to what a step sends; manifests are looked
//! up directly in the broad source's directory (workspace members' manifests are not listed).

use crate::analysis::Analysis;
use crate::dockerfile::{ContextSource, Sources, StageSteps, Step};
use crate::report::{Finding, LayerStage, LayerStep};
use crate::tree::{Kind, State};

/// A dependency-install ecosystem: its name, the manifest files its install reads, and the
/// dependency-only command for a fix when the step itself also needs the sources.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ecosystem {
    /// Short name (`npm`, `go`, …).
    pub name: &'static str,
    /// File names the install reads (directly in the copied directory).
    pub manifests: &'static [&'static str],
}

/// Every ecosystem recognised.
pub(crate) const ECOSYSTEMS: &[Ecosystem] = &[
    Ecosystem {
        name: "npm",
        manifests: &[
            "package.json",
            "package-lock.json",
            "npm-shrinkwrap.json",
            ".npmrc",
        ],
    },
    Ecosystem {
        name: "yarn",
        manifests: &["package.json", "yarn.lock", ".yarnrc", ".yarnrc.yml"],
    },
    Ecosystem {
        name: "pnpm",
        manifests: &[
            "package.json",
            "pnpm-lock.yaml",
            "pnpm-workspace.yaml",
            ".npmrc",
        ],
    },
    Ecosystem {
        name: "pip",
        manifests: &["requirements.txt"],
    },
    Ecosystem {
        name: "poetry",
        manifests: &["pyproject.toml", "poetry.lock"],
    },
    Ecosystem {
        name: "uv",
        manifests: &["pyproject.toml", "uv.lock"],
    },
    Ecosystem {
        name: "go",
        manifests: &["go.mod", "go.sum"],
    },
    Ecosystem {
        name: "cargo",
        manifests: &["Cargo.toml", "Cargo.lock"],
    },
    Ecosystem {
        name: "bundler",
        manifests: &["Gemfile", "Gemfile.lock"],
    },
    Ecosystem {
        name: "composer",
        manifests: &["composer.json", "composer.lock"],
    },
    Ecosystem {
        name: "maven",
        manifests: &["pom.xml"],
    },
    Ecosystem {
        name: "gradle",
        manifests: &[
            "build.gradle",
            "build.gradle.kts",
            "settings.gradle",
            "settings.gradle.kts",
            "gradle.properties",
        ],
    },
];

/// A dependency install found in a RUN command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Install {
    /// The ecosystem's name.
    pub ecosystem: &'static str,
    /// The command segment as written (`npm ci`).
    pub command: String,
    /// The command to run on the manifests alone, when the step also builds the sources
    /// (`cargo build` → `cargo fetch`); `None`: the command itself.
    pub deps_only: Option<String>,
    /// Manifest files the command names (`pip install -r req/base.txt`).
    pub named: Vec<String>,
}

/// The shell words of a RUN command (JSON form joined), split into command segments at `&&`,
/// `||`, `;`, `|` and newlines.
fn segments(text: &str) -> Vec<Vec<String>> {
    let t = text.trim_start();
    let joined;
    let text = if t.starts_with('[') {
        match serde_json::from_str::<Vec<String>>(t) {
            Ok(v) => {
                joined = v.join(" ");
                joined.as_str()
            }
            Err(_) => text,
        }
    } else {
        text
    };
    let mut out = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    for raw in text.split_whitespace() {
        let mut w = raw;
        let mut ends = false;
        for sep in ["&&", "||", ";", "|"] {
            if w == sep {
                ends = true;
                w = "";
                break;
            }
            if let Some(x) = w.strip_suffix(sep) {
                w = x;
                ends = true;
                break;
            }
        }
        let w = w.trim_matches(|c| c == '(' || c == ')');
        if !w.is_empty() {
            cur.push(w.to_string());
        }
        if ends && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The dependency installs a RUN command runs, in order.
pub(crate) fn installs(text: &str) -> Vec<Install> {
    let mut out = Vec::new();
    for seg in segments(text) {
        // Leading `VAR=value` assignments, `sudo`, `exec`, `env` do not change the command.
        let words: Vec<&str> = seg
            .iter()
            .map(String::as_str)
            .skip_while(|w| {
                (w.contains('=') && !w.starts_with('-'))
                    || matches!(*w, "sudo" | "exec" | "env")
                    // RUN's own flags, which the step text keeps (`--mount=type=cache,…`).
                    || ["--mount=", "--network=", "--security="]
                        .iter()
                        .any(|f| w.starts_with(f))
            })
            .collect();
        let Some(&cmd) = words.first() else { continue };
        let bin = cmd.rsplit('/').next().unwrap_or(cmd);
        let args: Vec<&str> = words[1..].to_vec();
        let sub = args.iter().copied().find(|a| !a.starts_with('-'));
        let global = args.iter().any(|a| matches!(*a, "-g" | "--global"));
        let command = words.join(" ");
        let mk = |eco: &'static str, deps_only: Option<String>, named: Vec<String>| Install {
            ecosystem: eco,
            command: command.clone(),
            deps_only,
            named,
        };
        let found = match bin {
            "npm" if matches!(sub, Some("ci" | "install" | "i")) && !global => {
                // `npm install <pkg>` adds a package; only the bare form reads the manifests.
                let pkgs = args.iter().filter(|a| !a.starts_with('-')).count();
                (pkgs == 1).then(|| mk("npm", None, vec![]))
            }
            "yarn" if matches!(sub, None | Some("install")) && !global => {
                Some(mk("yarn", None, vec![]))
            }
            "pnpm" if matches!(sub, Some("install" | "i" | "fetch")) && !global => {
                let pkgs = args.iter().filter(|a| !a.starts_with('-')).count();
                (pkgs == 1).then(|| mk("pnpm", None, vec![]))
            }
            "pip" | "pip3" | "python" | "python3" | "uv" => {
                let pip_at = args.iter().position(|a| *a == "install");
                let is_pip = matches!(bin, "pip" | "pip3")
                    || args.windows(2).any(|w| w == ["-m", "pip"])
                    || (bin == "uv" && args.first() == Some(&"pip"));
                if bin == "uv" && sub == Some("sync") {
                    Some(mk("uv", None, vec![]))
                } else if is_pip && pip_at.is_some() {
                    let mut named = Vec::new();
                    let mut i = 0;
                    while i < args.len() {
                        let a = args[i];
                        if (a == "-r" || a == "--requirement") && i + 1 < args.len() {
                            named.push(args[i + 1].to_string());
                            i += 1;
                        } else if let Some(v) = a
                            .strip_prefix("--requirement=")
                            .or_else(|| a.strip_prefix("-r").filter(|v| !v.is_empty()))
                        {
                            named.push(v.to_string());
                        }
                        i += 1;
                    }
                    (!named.is_empty()).then(|| mk("pip", None, named))
                } else {
                    None
                }
            }
            "poetry" if sub == Some("install") => Some(mk("poetry", None, vec![])),
            "go" if args.starts_with(&["mod", "download"]) => Some(mk("go", None, vec![])),
            "cargo" if sub == Some("fetch") => Some(mk("cargo", None, vec![])),
            // cargo-chef: `cargo chef cook` builds the dependencies from a recipe (the
            // manifests, copied from a planner stage): the install step, so a later
            // `COPY . .` and `cargo build` is the build itself. `cargo chef prepare` is not.
            "cargo" if sub == Some("chef") && args.contains(&"cook") => {
                Some(mk("cargo", None, vec![]))
            }
            "cargo" if sub == Some("build") => {
                Some(mk("cargo", Some("cargo fetch".into()), vec![]))
            }
            "bundle" | "bundler" if sub == Some("install") => Some(mk("bundler", None, vec![])),
            "composer" if sub == Some("install") => Some(mk("composer", None, vec![])),
            "mvn" | "mvnw" => {
                if args.iter().any(|a| a.starts_with("dependency:")) {
                    Some(mk("maven", None, vec![]))
                } else if args
                    .iter()
                    .any(|a| matches!(*a, "package" | "install" | "verify"))
                {
                    Some(mk(
                        "maven",
                        Some(format!("{cmd} dependency:go-offline")),
                        vec![],
                    ))
                } else {
                    None
                }
            }
            "gradle" | "gradlew" if sub.is_some() => {
                if args
                    .iter()
                    .any(|a| *a == "dependencies" || a.contains("Dependencies"))
                {
                    Some(mk("gradle", None, vec![]))
                } else {
                    Some(mk("gradle", Some(format!("{cmd} dependencies")), vec![]))
                }
            }
            _ => None,
        };
        out.extend(found);
    }
    out
}

fn ecosystem(name: &str) -> &'static Ecosystem {
    ECOSYSTEMS
        .iter()
        .find(|e| e.name == name)
        .unwrap_or(&ECOSYSTEMS[0])
}

/// What one COPY/ADD step sends: its evaluated sources and the files they select.
#[derive(Debug, Clone, Default)]
pub(crate) struct CopyFiles {
    /// Line of the instruction.
    pub line: usize,
    /// 0-based stage index.
    pub stage: usize,
    /// Regular files sent, as node ids (deduplicated, in node order).
    pub ids: Vec<u32>,
    /// Their bytes.
    pub bytes: u64,
    /// A source is the context root or a directory: `(source dir path, "" for the root)`.
    pub broad_dirs: Vec<String>,
}

/// The context files each COPY/ADD (not `--from`) of a reachable stage sends, in Dockerfile
/// order (one entry per instruction line and stage).
pub(crate) fn copy_files(a: &Analysis, sources: &Sources) -> Vec<CopyFiles> {
    let mut out: Vec<CopyFiles> = Vec::new();
    for s in &sources.items {
        if !(s.instruction == "COPY" || s.instruction == "ADD") {
            continue;
        }
        let at = match out
            .iter()
            .position(|c| c.line == s.line && c.stage == s.stage)
        {
            Some(i) => i,
            None => {
                out.push(CopyFiles {
                    line: s.line,
                    stage: s.stage,
                    ..Default::default()
                });
                out.len() - 1
            }
        };
        let c = &mut out[at];
        if is_dir_source(a, s) {
            c.broad_dirs.push(s.path.clone());
        }
        crate::transfer::source_file_ids(a, s, |id| c.ids.push(id));
    }
    for c in &mut out {
        c.ids.sort_unstable();
        c.ids.dedup();
        c.bytes = c.ids.iter().map(|&id| a.tree.nodes[id as usize].size).sum();
    }
    out
}

impl CopyFiles {
    /// Whether the step sends the file at `path` (context-relative).
    pub(crate) fn sends(&self, tree: &crate::tree::Tree, path: &str) -> bool {
        tree.find(path.as_bytes())
            .is_some_and(|id| self.ids.binary_search(&id).is_ok())
    }
}

/// Whether a source is the context root or names a sent directory (without wildcards).
fn is_dir_source(a: &Analysis, s: &ContextSource) -> bool {
    if s.unresolved || s.has_wildcard {
        return false;
    }
    if s.path.is_empty() {
        return true;
    }
    let t = &a.tree;
    let mut cur = crate::tree::ROOT;
    for comp in s.path.split('/') {
        match t
            .children()
            .of(cur)
            .iter()
            .copied()
            .find(|&c| crate::paths::lossy_cow(t.name(c)) == comp)
        {
            Some(c) => cur = c,
            None => return false,
        }
    }
    let n = &t.nodes[cur as usize];
    n.kind == Kind::Dir && n.state == State::Sent
}

fn shorten(s: &str, max: usize) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() <= max {
        one
    } else {
        let cut: String = one.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

/// The layer-order result: the per-stage view and the findings.
#[derive(Debug, Clone, Default)]
pub(crate) struct Layers {
    /// Per reachable stage with a COPY/ADD from the context.
    pub stages: Vec<LayerStage>,
    /// `DF010` findings.
    pub findings: Vec<Finding>,
}

/// Analyses the stage steps against what each COPY sends. `dockerfile` is the path findings
/// name.
pub(crate) fn analyse(
    tree: &crate::tree::Tree,
    steps: &[StageSteps],
    copies: &[CopyFiles],
    dockerfile: &str,
) -> Layers {
    let mut out = Layers::default();
    for st in steps {
        let mine: Vec<&CopyFiles> = copies.iter().filter(|c| c.stage == st.index).collect();
        if mine.is_empty() {
            continue;
        }
        let mut view = Vec::new();
        // (step, its files) of the COPY steps seen so far in this stage.
        let mut seen: Vec<(&Step, &CopyFiles)> = Vec::new();
        let mut flagged: Vec<(usize, &'static str)> = Vec::new();
        // (line, ecosystem) of the installs run so far in this stage.
        let mut ran: Vec<(usize, &'static str)> = Vec::new();
        for step in &st.steps {
            match step.keyword.as_str() {
                "COPY" | "ADD" if step.from.is_none() => {
                    let Some(c) = mine.iter().find(|c| c.line == step.line) else {
                        continue;
                    };
                    view.push(LayerStep {
                        line: step.line,
                        instruction: step.keyword.clone(),
                        text: shorten(&format!("{} {}", step.sources.join(" "), step.dest), 100),
                        files: Some(c.ids.len() as u64),
                        bytes: Some(c.bytes),
                        broad: !c.broad_dirs.is_empty(),
                        install: None,
                        churn_commits: None,
                        churn_days: None,
                        volatile: Vec::new(),
                    });
                    seen.push((step, c));
                }
                "RUN" => {
                    let inst = installs(&step.text);
                    view.push(LayerStep {
                        line: step.line,
                        instruction: "RUN".into(),
                        text: shorten(&step.text, 100),
                        files: None,
                        bytes: None,
                        broad: false,
                        install: inst.first().map(|i| i.ecosystem.to_string()),
                        churn_commits: None,
                        churn_days: None,
                        volatile: Vec::new(),
                    });
                    for i in &inst {
                        for (cs, cf) in &seen {
                            // An install of the same ecosystem before this COPY already ran
                            // on the manifests: a later build step is the build itself.
                            let ran_before =
                                ran.iter().any(|&(l, e)| l < cs.line && e == i.ecosystem);
                            if ran_before || flagged.contains(&(cs.line, i.ecosystem)) {
                                continue;
                            }
                            if let Some(f) = finding(tree, cs, cf, step, i, dockerfile) {
                                flagged.push((cs.line, i.ecosystem));
                                out.findings.push(f);
                            }
                        }
                        ran.push((step.line, i.ecosystem));
                    }
                }
                _ => {}
            }
        }
        out.stages.push(LayerStage {
            stage: st.index,
            name: st.name.clone(),
            line: st.line,
            steps: view,
        });
    }
    out
}

/// `DF010` for a broad COPY before an install, if it sends the install's manifests and more.
fn finding(
    tree: &crate::tree::Tree,
    copy: &Step,
    files: &CopyFiles,
    run: &Step,
    inst: &Install,
    dockerfile: &str,
) -> Option<Finding> {
    let eco = ecosystem(inst.ecosystem);
    let names: Vec<String> = if inst.named.is_empty() {
        eco.manifests.iter().map(|m| m.to_string()).collect()
    } else {
        inst.named
            .iter()
            .map(|n| n.trim_start_matches("./").to_string())
            .collect()
    };
    // The manifests the broad sources send, relative to the context.
    let mut manifests: Vec<String> = Vec::new();
    for dir in &files.broad_dirs {
        for n in &names {
            let p = if dir.is_empty() {
                n.clone()
            } else {
                format!("{dir}/{n}")
            };
            if files.sends(tree, &p) && !manifests.contains(&p) {
                manifests.push(p);
            }
        }
    }
    if manifests.is_empty() || files.ids.len() <= manifests.len() {
        return None;
    }
    let others = files.ids.len() - manifests.len();
    let dest = if copy.dest == "." || copy.dest == "./" {
        "./".to_string()
    } else if copy.dest.ends_with('/') {
        copy.dest.clone()
    } else {
        format!("{}/", copy.dest)
    };
    let copy_line = format!("{} {} {}", copy.keyword, copy.sources.join(" "), copy.dest);
    let install_cmd = inst
        .deps_only
        .clone()
        .unwrap_or_else(|| shorten(&run.text, 200));
    let mut fix = vec![
        format!("COPY {} {dest}", manifests.join(" ")),
        format!("RUN {install_cmd}"),
        copy_line.clone(),
    ];
    if inst.deps_only.is_some() {
        fix.push(format!("RUN {}", shorten(&run.text, 200)));
    }
    let rule = crate::rules::lint_rules::rule("DF010").expect("DF010 is in the catalog");
    Some(Finding {
        rule: rule.id.into(),
        category: "layers".into(),
        severity: "low".into(),
        path: dockerfile.to_string(),
        files: files.ids.len() as u64,
        bytes: files.bytes,
        message: format!(
            "`{}` (line {}) sends {} files before `{}` (line {}), which needs only {}: a change to any of the other {others} re-runs the install",
            shorten(&copy_line, 60),
            copy.line,
            files.ids.len(),
            shorten(&inst.command, 60),
            run.line,
            manifests.join(", "),
        ),
        fix: fix.join("\n"),
        line: Some(copy.line),
        clean: false,
    })
}

#[cfg(test)]
mod tests;
