//! What the build does with a file: copied into an image, mounted for a `RUN`, copied only in a
//! stage that nothing uses, or only present in the context. Secret findings are graded by it.

use crate::analysis::Analysis;
use crate::dockerfile::{self, source_matches, ContextSource, Options};
use crate::walk::Builder;

/// How far a file travels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Exposure {
    /// A `COPY`/`ADD` of a stage the build runs puts it into an image layer.
    Image {
        /// `COPY`, `ADD`, `ONBUILD COPY`, …
        instruction: String,
        /// Dockerfile line.
        line: usize,
        /// The stage, when it is not the final image or one it is built `FROM`.
        stage: Option<String>,
    },
    /// Only a `RUN --mount=type=bind` reads it: sent to the builder, not stored in a layer.
    Mount { line: usize },
    /// A `COPY`/`ADD` selects it but its `--exclude` removes it: transferred to the builder (the
    /// excludes apply in the copy, not to what is sent), not stored in a layer.
    CopyExcluded {
        /// `COPY`, `ADD`, …
        instruction: String,
        /// Dockerfile line.
        line: usize,
    },
    /// Only a `COPY`/`ADD` in a stage that no later stage copies from (and that is not the
    /// target): the classic builder still builds it into an intermediate image, BuildKit skips it.
    Unused {
        line: usize,
        stage: String,
        builder: Builder,
    },
    /// No instruction uses it: it is only in the context.
    Context,
}

impl Exposure {
    /// The short label for a finding's message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Exposure::Image {
                instruction,
                line,
                stage: None,
            } => format!("copied into the image by {instruction} (Dockerfile line {line})"),
            Exposure::Image {
                instruction,
                line,
                stage: Some(s),
            } => format!("copied into stage {s} by {instruction} (Dockerfile line {line})"),
            Exposure::Mount { line } => format!(
                "mounted for RUN --mount (Dockerfile line {line}), not stored in a layer"
            ),
            Exposure::CopyExcluded { instruction, line } => format!(
                "kept out of the image by {instruction} --exclude (Dockerfile line {line}) but still transferred to the builder; only .dockerignore keeps it off the wire"
            ),
            Exposure::Unused {
                line,
                stage,
                builder: Builder::Classic,
            } => format!(
                "copied only in stage {stage} (Dockerfile line {line}), which no later stage copies from; the classic builder still builds it into an intermediate image"
            ),
            Exposure::Unused { line, stage, .. } => format!(
                "copied only in stage {stage} (Dockerfile line {line}), which no later stage copies from; BuildKit skips that stage"
            ),
            Exposure::Context => "in the build context, not copied into an image".to_string(),
        }
    }
}

/// The Dockerfile's context sources, by stage.
pub(crate) struct Plan {
    builder: Builder,
    /// Sources of the stages the build runs.
    used: Vec<ContextSource>,
    /// Sources of stages no later stage copies from (built by the classic builder only).
    unused: Vec<ContextSource>,
    /// Per stage: part of the final image (the target and the stages it is built `FROM`).
    in_final: Vec<bool>,
    /// Per stage: how to name it (`build`, or `#2`).
    names: Vec<String>,
    /// A `RUN` step runs git on a local repository (`git describe`): a `.git` the build
    /// copies or mounts is read.
    pub(crate) runs_git: bool,
    /// A `RUN` step boots a Symfony app or dumps its environment (`composer dump-env`,
    /// `bin/console`): a copied `.env` beside `composer.json` is read.
    pub(crate) reads_dotenv: bool,
    /// What its `RUN` steps install: a dependency tree they write again need not be sent.
    pub(crate) installs: dockerfile::Installs,
    /// Every stage is `FROM scratch`: nothing in the build or the image runs a program that
    /// could read a copied dependency tree.
    pub(crate) scratch_only: bool,
}

/// Which Dockerfile the build uses and how it is evaluated: the pipeline's `-f -` text,
/// `--target` and `--build-arg` values, so severity follows the Dockerfile actually built.
#[derive(Debug, Clone, Default)]
pub(crate) struct PlanInput {
    /// The Dockerfile comes from stdin (`-f -`): never read the file on disk.
    pub from_stdin: bool,
    /// The text read from stdin, if it was read.
    pub stdin: Option<Vec<u8>>,
    /// Target and build arguments.
    pub options: Options,
}

/// Reads and evaluates the Dockerfile the build uses (stdin text for `-f -`, else the
/// analysis' Dockerfile) with the given target and build args, `None` if it cannot be read or
/// parsed.
pub(crate) fn plan(a: &Analysis, input: &PlanInput) -> Option<Plan> {
    let text = if input.from_stdin {
        input.stdin.clone()?
    } else {
        crate::context::read_regular(&crate::context::dockerfile_as_read(
            a.builder,
            &a.resolved.dockerfile,
        ))
        .ok()?
    };
    let text = String::from_utf8_lossy(&text);
    let df = dockerfile::parse(&text).ok()?;
    let commands = dockerfile::run_commands(&text);
    let words = commands.concat();
    let installs = dockerfile::Installs::of_commands(&commands);
    let reads_dotenv = installs.dotenv;
    let runs_git = dockerfile::build_runs_git(&words, |rel| {
        crate::walk::read_small_text(&a.resolved.root, rel)
    }) || dockerfile::go_build_stamps_vcs(&commands);
    let used = df.context_sources(&input.options).ok()?;
    let stages = df.stages();
    let names: Vec<String> = stages
        .iter()
        .map(|s| s.name.clone().unwrap_or_else(|| format!("#{}", s.index)))
        .collect();
    let mut in_final = vec![false; stages.len()];
    let last = match &input.options.target {
        Some(t) => {
            let t = t.to_lowercase();
            stages
                .iter()
                .position(|s| s.name.as_deref() == Some(t.as_str()))
        }
        None => stages.len().checked_sub(1),
    };
    let mut cur = last;
    while let Some(i) = cur {
        if std::mem::replace(&mut in_final[i], true) {
            break;
        }
        let base = stages[i].base.to_lowercase();
        cur = stages[..i]
            .iter()
            .rposition(|s| s.name.as_deref() == Some(&base));
    }
    let built: Vec<bool> = (0..stages.len())
        .map(|i| used.items.iter().any(|s| s.stage == i) || in_final[i])
        .collect();
    // Stages the build does not reach: their sources, each evaluated as its own target.
    let mut unused = Vec::new();
    for (i, s) in stages.iter().enumerate() {
        // Stages after the target are built by neither builder.
        if built[i] || last.is_some_and(|l| i > l) {
            continue;
        }
        let Some(n) = &s.name else { continue };
        let o = Options {
            target: Some(n.clone()),
            build_args: input.options.build_args.clone(),
            classic: input.options.classic,
        };
        if let Ok(src) = df.context_sources(&o) {
            unused.extend(src.items.into_iter().filter(|x| x.stage == i));
        }
    }
    Some(Plan {
        builder: a.builder,
        used: used.items,
        unused,
        in_final,
        names,
        runs_git,
        reads_dotenv,
        installs,
        scratch_only: stages
            .iter()
            .all(|s| s.base.eq_ignore_ascii_case("scratch")),
    })
}

/// `COPY --exclude` of `s` removes `path` from what it copies.
fn excluded_by_copy(s: &ContextSource, path: &str) -> bool {
    if s.excludes.is_empty() {
        return false;
    }
    let Some(rel) = dockerfile::excluded_rel(&s.path, s.has_wildcard, path) else {
        return false;
    };
    crate::dockerignore::PatternSet::parse(s.excludes.join("\n").as_bytes())
        .ok()
        .is_some_and(|ex| {
            ex.matches_or_parent_matches(rel.as_bytes())
                .unwrap_or(false)
        })
}

fn parent(p: &str) -> Option<&str> {
    p.rsplit_once('/').map(|(d, _)| d)
}

impl Plan {
    /// The paths below directory `dir` that a `COPY`/`ADD`/bind mount of a stage the build runs
    /// names (`target/app.jar` for `target`): excluding `dir` whole would break the build.
    pub(crate) fn named_below(&self, dir: &str) -> Vec<String> {
        let dir = dir.trim_end_matches('/');
        let mut out: Vec<String> = self
            .used
            .iter()
            .filter(|s| !s.instruction.contains("tmpfs"))
            // A source with an ARG of no value (`ADD target/${APP_NAME}.tar.gz`) by what any
            // value names (`target/*.tar.gz`), as `suggest` keeps it.
            .filter_map(|s| match s.unresolved {
                false => Some(s.path.clone()),
                true => crate::suggest::model::component_glob(&s.raw),
            })
            .filter(|p| {
                p.len() > dir.len() && p.starts_with(dir) && p.as_bytes()[dir.len()] == b'/'
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The `COPY`/`ADD` (instruction, line) of a stage the build runs that copies `path` by
    /// naming it or a directory above it (`COPY docker /` for `docker/bin/entry.sh`), not as
    /// part of the whole context (`COPY . .`). `None` when no such source takes it.
    pub(crate) fn copied_by_name(&self, path: &str) -> Option<(String, usize)> {
        self.used
            .iter()
            .filter(|s| !s.unresolved && !s.instruction.contains("RUN"))
            .filter(|s| !s.instruction.contains("tmpfs"))
            .filter(|s| !s.path.trim_start_matches("./").trim_matches('/').is_empty())
            .filter(|s| s.path.trim_start_matches("./") != ".")
            .find(|s| source_matches(&s.path, path) && !excluded_by_copy(s, path))
            .map(|s| (s.instruction.clone(), s.line))
    }

    /// How far the file at `path` travels, and whether an instruction names it (not a
    /// directory above it): excluding such a file breaks the build.
    pub(crate) fn exposure(&self, path: &str) -> (Exposure, bool) {
        let mut best: Option<Exposure> = None;
        let mut named = false;
        let rank = |e: &Exposure| match e {
            Exposure::Image { stage: None, .. } => 4,
            Exposure::Image { .. } => 3,
            Exposure::Mount { .. } | Exposure::CopyExcluded { .. } => 2,
            Exposure::Unused { .. } => 1,
            Exposure::Context => 0,
        };
        for s in self.used.iter().filter(|s| !s.unresolved) {
            if s.instruction.contains("tmpfs") || !source_matches(&s.path, path) {
                continue;
            }
            if !s.path.is_empty() && parent(path).is_none_or(|d| !source_matches(&s.path, d)) {
                named = true;
            }
            let e = if s.instruction.contains("RUN") {
                Exposure::Mount { line: s.line }
            } else if excluded_by_copy(s, path) {
                Exposure::CopyExcluded {
                    instruction: s.instruction.clone(),
                    line: s.line,
                }
            } else {
                Exposure::Image {
                    instruction: s.instruction.clone(),
                    line: s.line,
                    stage: (!self.in_final.get(s.stage).copied().unwrap_or(true))
                        .then(|| self.names[s.stage].clone()),
                }
            };
            if best.as_ref().is_none_or(|b| rank(&e) > rank(b)) {
                best = Some(e);
            }
        }
        if best.is_none() {
            if let Some(s) = self.unused.iter().find(|s| {
                !s.unresolved && !s.instruction.contains("RUN") && source_matches(&s.path, path)
            }) {
                best = Some(Exposure::Unused {
                    line: s.line,
                    stage: self.names[s.stage].clone(),
                    builder: self.builder,
                });
            }
        }
        (best.unwrap_or(Exposure::Context), named)
    }
}
