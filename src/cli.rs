//! The command line (clap), converted once into [`ctxsize::commands::Command`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use ctxsize::analysis::Config;
use ctxsize::commands::Command;
use ctxsize::pipeline::{DockerfileInput, Options, ReportOptions};
use ctxsize::render::Format;
use ctxsize::Builder;

/// Exactly what `docker build` will send as its build context.
#[derive(Parser, Debug)]
#[command(
    name = "ctxsize",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    cmd: Option<Sub>,
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    ci: CiArgs,
    #[command(flatten)]
    report: ReportArgs,
    /// Report every build context of a Compose file (default: compose.yaml, docker-compose.yml, …
    /// in the current directory; given a directory, in that one), each once with the services
    /// that use it, plus totals.
    #[arg(long, value_name = "FILE", num_args = 0..=1)]
    compose: Option<Option<PathBuf>>,
    /// Output format (default: human). `html`: one self-contained page with a treemap.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// The build context directory, as for `docker build DIR`.
    context: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
struct Common {
    /// Which builder's rules to apply (docker only; default: buildkit).
    #[arg(long, value_enum, global = true)]
    builder: Option<BuilderArg>,
    /// Whose build: docker (default; --builder says which builder), podman (`podman build`,
    /// `buildah bud`; `buildah` is the same): Containerfile before Dockerfile, .containerignore
    /// before .dockerignore, Buildah's matching; or podman-remote (`podman --remote`, Podman on
    /// macOS and Windows): what its client uploads.
    #[arg(long, value_enum, default_value = "docker", global = true)]
    engine: EngineArg,
    /// With --engine podman: the ignore file to use, as `podman build --ignorefile FILE`
    /// (relative to the current directory).
    #[arg(long, value_name = "FILE", global = true)]
    ignorefile: Option<PathBuf>,
    /// The Dockerfile, relative to the current directory (as `docker build -f`). `suggest`
    /// accepts it more than once (one ignore file serving every Dockerfile given).
    #[arg(
        short = 'f',
        long = "file",
        global = true,
        value_name = "DOCKERFILE",
        allow_hyphen_values = true,
        action = clap::ArgAction::Append
    )]
    file: Vec<PathBuf>,
    /// Walker threads (0: one per CPU, more once the walk waits on a cold disk).
    #[arg(long, default_value_t = 0, global = true)]
    threads: usize,
}

/// CI gates: exit 1 when one fails (one line on stderr says which and by how much).
#[derive(Args, Debug, Clone)]
struct CiArgs {
    /// Fail when the context is larger than SIZE (500k, 200MB, 1.5GiB; k/M/G = 1000, Ki/Mi/Gi =
    /// 1024); a context of exactly SIZE passes.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, global = true)]
    budget: Option<u64>,
    /// The figure --budget compares: content (content_bytes, default), tar (tar_bytes) or
    /// transfer (BuildKit's COPY/ADD transfer set).
    #[arg(long, value_enum, value_name = "FIGURE", global = true)]
    budget_on: Option<BudgetOnArg>,
    /// Fail when more than N files are sent.
    #[arg(long, value_name = "N", global = true)]
    max_files: Option<u64>,
    /// Fail when a sent file is larger than SIZE.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, global = true)]
    max_file_size: Option<u64>,
    /// Fail on findings at or above a severity (high, medium, low, info), in categories (secret,
    /// vcs, …) or with rule ids; comma-separated, any one trips the gate.
    #[arg(long, value_name = "SEVERITY|CATEGORY|RULE,…", value_parser = parse_fail_on, global = true)]
    fail_on: Option<ctxsize::gate::FailOn>,
    /// Report failed gates as warnings and exit 0.
    #[arg(long, global = true)]
    warn_only: bool,
    /// The config file (default: .ctxsize.toml at the context root, if present).
    #[arg(long, value_name = "FILE", global = true)]
    config: Option<PathBuf>,
}

/// What the report shows.
#[derive(Args, Debug, Clone)]
struct ReportArgs {
    /// How many largest directories (per level) and largest files to show.
    #[arg(long, value_name = "N", default_value_t = 10, global = true)]
    top: usize,
    /// How many levels of the directory tree to show.
    #[arg(long, value_name = "N", default_value_t = 2, global = true)]
    depth: usize,
    /// Files above SIZE are `large-file` findings (0: off).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "10MB", global = true)]
    large: u64,
    /// Read regular files up to SIZE for secrets (private keys, tokens); never prints them.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "1MiB", global = true)]
    content_max: u64,
    /// Do not read file contents (secrets by name only).
    #[arg(long, global = true)]
    no_content_scan: bool,
    /// Widen the content scan to lockfiles, minified bundles, source maps and dependency trees
    /// (every sent text file is already read by default: code, markup and config).
    #[arg(long, global = true)]
    scan_all: bool,
    /// Read every file again: do not reuse what earlier runs found in files unchanged since
    /// (the scan cache keeps rule IDs and line numbers, never content, in
    /// $XDG_CACHE_HOME/ctxsize/scan; used for contexts with 1,000 or more files to read).
    #[arg(long, global = true)]
    no_scan_cache: bool,
    /// Do not compare with the repository's .gitignore rules.
    #[arg(long, global = true)]
    no_gitignore: bool,
    /// Colours: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    color: ColorArg,
    /// No progress line on stderr.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Do not measure what the ignore file keeps out: the walk opens only the directories
    /// docker opens (an excluded directory no exception can reach is skipped), which is much
    /// faster on a large excluded tree; the report then says the kept-out sizes were not
    /// measured. Everything about what is sent is unchanged. Config key: `excluded_sizes = false`.
    #[arg(long, global = true)]
    no_excluded_sizes: bool,
    /// Print only the gates' lines (no report) and compute only what they compare: kept-out
    /// sizes are not measured, and the findings (with the content scan) are computed only when
    /// --fail-on (or the config file) asks for them. The fast check for CI; needs a gate.
    #[arg(long)]
    gates_only: bool,
    /// The build stage to target: only the COPY/ADD sources of stages it reaches are checked and
    /// counted in the transfer set.
    #[arg(long, value_name = "STAGE")]
    target: Option<String>,
    /// A build argument, as for docker build (NAME=VALUE, or NAME from the environment); used
    /// to evaluate COPY/ADD sources.
    #[arg(long = "build-arg", value_name = "NAME=VALUE")]
    build_arg: Vec<String>,
    /// How many commits of git history to read for each COPY's churn (default 100; 0: off).
    /// Outside a git repository churn is skipped (with a note when this is given).
    #[arg(long, value_name = "N")]
    churn_commits: Option<u64>,
    /// Read only the commits of the last N days for churn (git log --since, by committer date;
    /// with --churn-commits, at most that many of them; 0: off).
    #[arg(long, value_name = "N")]
    churn_days: Option<u64>,
    /// A named context, as for docker buildx build (NAME=PATH, NAME=docker-image://…,
    /// NAME=https://…); each local one is reported on its own, with its root .dockerignore.
    #[arg(long = "build-context", value_name = "NAME=PATH", global = true)]
    build_context: Vec<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

impl ReportArgs {
    /// The report-shaping options set to other than their defaults (`--quiet` aside, which any
    /// command takes): refused by the commands that print no report.
    fn given(&self) -> Vec<&'static str> {
        [
            (self.top != 10, "--top"),
            (self.depth != 2, "--depth"),
            (self.large != 10_000_000, "--large"),
            (self.content_max != 1 << 20, "--content-max"),
            (self.no_content_scan, "--no-content-scan"),
            (self.scan_all, "--scan-all"),
            (self.no_scan_cache, "--no-scan-cache"),
            (self.no_gitignore, "--no-gitignore"),
            (self.no_excluded_sizes, "--no-excluded-sizes"),
        ]
        .into_iter()
        .filter_map(|(set, name)| set.then_some(name))
        .collect()
    }

    fn options(&self) -> ReportOptions {
        ReportOptions {
            top: self.top,
            depth: self.depth,
            large_file: self.large,
            content_max: if self.no_content_scan {
                0
            } else {
                self.content_max
            },
            gitignore: !self.no_gitignore,
            scan_all: self.scan_all,
            scan_cache: !self.no_scan_cache,
            all_tracked: false,
        }
    }

    fn dockerfile(&self, cwd: &std::path::Path) -> DockerfileInput {
        let build_contexts = self
            .build_context
            .iter()
            .map(|raw| {
                ctxsize::compose::parse_build_context(raw, cwd)
                    .unwrap_or_else(|m| usage_error(clap::error::ErrorKind::InvalidValue, m))
            })
            .collect();
        DockerfileInput {
            stdin: None,
            target: self.target.clone(),
            build_args: self.build_arg.clone(),
            churn_commits: self.churn_commits,
            churn_days: self.churn_days,
            build_contexts,
        }
    }

    fn ui(&self) -> ctxsize::commands::Ui {
        use std::io::IsTerminal;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        ctxsize::commands::Ui {
            color: match self.color {
                ColorArg::Always => true,
                ColorArg::Never => false,
                ColorArg::Auto => !no_color && std::io::stdout().is_terminal(),
            },
            progress: !self.quiet && std::io::stderr().is_terminal(),
        }
    }
}

fn parse_size(s: &str) -> Result<u64, String> {
    ctxsize::units::parse_size(s)
}

fn parse_fail_on(s: &str) -> Result<ctxsize::gate::FailOn, String> {
    ctxsize::gate::FailOn::parse(s)
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum BudgetOnArg {
    Content,
    Tar,
    Transfer,
}

impl CiArgs {
    /// The gate options given on the command line, by flag name.
    fn given(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        for (set, name) in [
            (self.budget.is_some(), "--budget"),
            (self.budget_on.is_some(), "--budget-on"),
            (self.max_files.is_some(), "--max-files"),
            (self.max_file_size.is_some(), "--max-file-size"),
            (self.fail_on.is_some(), "--fail-on"),
            (self.warn_only, "--warn-only"),
            (self.config.is_some(), "--config"),
        ] {
            if set {
                v.push(name);
            }
        }
        v
    }

    fn options(&self) -> ctxsize::gate::CiOptions {
        use ctxsize::gate::BudgetOn;
        ctxsize::gate::CiOptions {
            limits: ctxsize::gate::Limits {
                budget: self.budget,
                budget_on: self.budget_on.map(|b| match b {
                    BudgetOnArg::Content => BudgetOn::Content,
                    BudgetOnArg::Tar => BudgetOn::Tar,
                    BudgetOnArg::Transfer => BudgetOn::Transfer,
                }),
                max_files: self.max_files,
                max_file_size: self.max_file_size,
                fail_on: self.fail_on.clone(),
            },
            warn_only: self.warn_only,
            config: self.config.clone(),
            gates_only: false,
        }
    }
}

/// The format of a command that writes human or JSON output only.
fn human_or_json(command: &str, f: Option<FormatArg>) -> Format {
    match f {
        Some(FormatArg::Json) => Format::Json,
        None | Some(FormatArg::Human) => Format::Human,
        Some(other) => usage_error(
            clap::error::ErrorKind::InvalidValue,
            format!(
                "{command} writes human or json, not {}",
                format!("{other:?}").to_ascii_lowercase()
            ),
        ),
    }
}

fn ci_format(f: Option<FormatArg>) -> Format {
    match f {
        Some(FormatArg::Json) => Format::Json,
        Some(FormatArg::Sarif) => Format::Sarif,
        Some(FormatArg::Github) => Format::Github,
        Some(FormatArg::Human) => Format::Human,
        Some(FormatArg::Html) => Format::Html,
        None if std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true") => Format::Github,
        None => Format::Human,
    }
}

#[derive(Subcommand, Debug)]
enum Sub {
    /// Print every entry of the context, sorted by byte order, directories ending in `/`.
    List {
        /// Separate entries with NUL instead of newline.
        #[arg(short = '0', long = "null")]
        null: bool,
        /// Print a Make-style prerequisite list for TARGET instead (every sent file and
        /// symlink, the Dockerfile and the ignore file): `ctxsize list --depfile image.stamp >
        /// image.d`.
        #[arg(long, value_name = "TARGET", conflicts_with = "null")]
        depfile: Option<String>,
        /// List the named context NAME (given with --build-context NAME=PATH) instead: its
        /// entries after its own root .dockerignore.
        #[arg(long = "context", visible_alias = "named-context", value_name = "NAME")]
        named: Option<String>,
        /// The build context directory.
        context: Option<PathBuf>,
    },
    /// Find builds in CI files and scripts (.github/workflows, .gitlab-ci.yml, Makefile, *.sh)
    /// whose context ignores the .dockerignore you edit: build-push-action without `context:`,
    /// Git URL contexts, tarballs on stdin, -f/context pairings. Exit 1 when one is found.
    CheckCi {
        /// Output format: human or json.
        #[arg(long, value_enum)]
        format: Option<FormatArg>,
        /// The repository root (default: the current directory).
        dir: Option<PathBuf>,
    },
    /// Check the ignore file: invalid patterns, patterns that match nothing, root-only patterns,
    /// inline comments, trailing slashes, exceptions that cannot take effect, the Dockerfile or
    /// ignore file excluded, unused ignore files, and where the two builders disagree.
    Lint {
        /// Output format (default: human; github when GITHUB_ACTIONS=true).
        #[arg(long, value_enum)]
        format: Option<FormatArg>,
        /// The build context directory.
        context: Option<PathBuf>,
    },
    /// Explain why each PATH is sent or not: the deciding ignore line, every line that matched,
    /// classic pruning, and whether the builders disagree. Relative paths are relative to the
    /// context, as in .dockerignore.
    Explain {
        /// The build context directory.
        #[arg(short = 'C', long = "context", value_name = "DIR")]
        context: Option<PathBuf>,
        /// Output format: human or json.
        #[arg(long, value_enum)]
        format: Option<FormatArg>,
        /// Explain paths of the named context NAME (given with --build-context NAME=PATH)
        /// instead: against its own root .dockerignore, relative to its root.
        #[arg(long = "named-context", value_name = "NAME")]
        named: Option<String>,
        /// Paths to explain.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<std::ffi::OsString>,
    },
    /// Print an allowlist ignore file for the Dockerfile: `*`, then `!` lines for what its
    /// COPY/ADD/bind mounts use, then secrets and junk re-excluded. Proven under both builders
    /// before it is printed; before → after figures on stderr.
    Suggest {
        /// The build stage to target (only stages it reaches count).
        #[arg(long, value_name = "STAGE")]
        target: Option<String>,
        /// A build argument, as for docker build (NAME=VALUE, or NAME from the environment).
        #[arg(long = "build-arg", value_name = "NAME=VALUE")]
        build_arg: Vec<String>,
        /// Print a unified diff against the current ignore file instead of the file.
        #[arg(long)]
        diff: bool,
        /// Write the file (atomically; the previous one is kept as <name>.bak).
        #[arg(long)]
        write: bool,
        /// Also serve the Dockerfiles of this Compose file's services that build this context
        /// (default file names when given without a value or with a directory); with no
        /// CONTEXT and no service building the current directory, propose for every context
        /// the services build.
        #[arg(long, value_name = "FILE", num_args = 0..=1)]
        compose: Option<Option<PathBuf>>,
        /// Do not look for other Dockerfiles in the context that share this ignore file.
        #[arg(long)]
        no_discover: bool,
        /// Propose one `<Dockerfile>.dockerignore` per Dockerfile instead of one shared file.
        #[arg(long)]
        per_dockerfile: bool,
        /// Propose the root .dockerignore of the named context NAME (given with
        /// --build-context NAME=PATH) from the Dockerfile's COPY --from=NAME and
        /// RUN --mount=from=NAME sources.
        #[arg(
            long = "context",
            visible_alias = "named-context",
            value_name = "NAME",
            conflicts_with_all = ["compose", "per_dockerfile"]
        )]
        named: Option<String>,
        /// The build context directory.
        context: Option<PathBuf>,
    },
    /// What each target of a `docker buildx bake` definition sends: bake files (HCL, JSON, or
    /// Compose) given with -f (repeatable) or the ones bake reads by default, groups expanded,
    /// `inherits`, variables and `contexts` applied. A context shared by several targets is
    /// walked and counted once; gates apply per target, --total-budget to the sum.
    Bake {
        /// Targets or groups (default: `default`).
        #[arg(value_name = "TARGET")]
        targets: Vec<String>,
        /// Output format (default: human; github when GITHUB_ACTIONS=true).
        #[arg(long, value_enum)]
        format: Option<FormatArg>,
        /// Fail when the content sent over all distinct contexts is larger than SIZE.
        #[arg(long, value_name = "SIZE", value_parser = parse_size)]
        total_budget: Option<u64>,
    },
    /// Compare the context with the context at a git revision (read with `git checkout-index`, the
    /// working tree untouched): files added, removed and grown, by directory, and new findings.
    /// Or with a saved JSON report (`ctxsize --format json . > base.json`): its totals, largest
    /// directories and files and findings, and what a saved report cannot show.
    Diff {
        /// The git revision (HEAD~1, origin/main, a tag, a commit), or a saved JSON report file.
        base: String,
        /// Fail (exit 1) when the context grew by more than SIZE since BASE.
        #[arg(long, value_name = "SIZE", value_parser = parse_size)]
        max_growth: Option<u64>,
        /// Output format: human or json.
        #[arg(long, value_enum)]
        format: Option<FormatArg>,
        /// The build context directory.
        context: Option<PathBuf>,
    },
    /// Print a fingerprint (BLAKE3) of exactly what the builder sends: paths, modes, link
    /// targets and contents, never mtimes or owners; one per COPY/ADD of the Dockerfile too.
    /// See docs/hash.md.
    Hash {
        /// Output format: human or json.
        #[arg(long, value_enum)]
        format: Option<FormatArg>,
        /// The build stage to target (which COPY/ADD get a digest).
        #[arg(long, value_name = "STAGE")]
        target: Option<String>,
        /// A build argument, as for docker build (NAME=VALUE, or NAME from the environment).
        #[arg(long = "build-arg", value_name = "NAME=VALUE")]
        build_arg: Vec<String>,
        /// The build context directory.
        context: Option<PathBuf>,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on stdout: `ctxsize man > ctxsize.1`.
    Man,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum BuilderArg {
    Buildkit,
    Classic,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum EngineArg {
    Docker,
    /// `podman build` and `buildah bud`.
    #[value(alias = "buildah")]
    Podman,
    /// podman-remote (`podman --remote`, Podman on macOS and Windows): the client's upload.
    PodmanRemote,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum FormatArg {
    Human,
    Json,
    Sarif,
    Github,
    /// One self-contained HTML page (the report only).
    Html,
}

/// Global options that take a value (the next argument unless written `--opt=value`).
const GLOBAL_WITH_VALUE: &[&str] = &[
    "-f",
    "--file",
    "--builder",
    "--engine",
    "--ignorefile",
    "--threads",
    "--budget",
    "--budget-on",
    "--max-files",
    "--max-file-size",
    "--fail-on",
    "--config",
    "--top",
    "--depth",
    "--large",
    "--content-max",
];

/// Global options without a value.
const GLOBAL_FLAGS: &[&str] = &[
    "--warn-only",
    "-q",
    "--quiet",
    "--no-content-scan",
    "--scan-all",
    "--no-scan-cache",
    "--no-gitignore",
    "--no-excluded-sizes",
];

const SUBCOMMANDS: &[&str] = &[
    "bake",
    "check-ci",
    "list",
    "lint",
    "explain",
    "suggest",
    "hash",
    "diff",
    "completions",
    "man",
    "help",
];

/// `ctxsize -f X list` means the `list` command with `-f X`, as `ctxsize list -f X` does: when
/// only global options come before a subcommand's name, they are moved after it (clap would
/// otherwise read the name as the context directory).
pub(crate) fn reorder(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut i = 1;
    while i < args.len() {
        let a = args[i].to_string_lossy();
        if a == "--" {
            return args;
        }
        if SUBCOMMANDS.contains(&a.as_ref()) {
            if i == 1 {
                return args;
            }
            let mut v = vec![args[0].clone(), args[i].clone()];
            v.extend_from_slice(&args[1..i]);
            v.extend_from_slice(&args[i + 1..]);
            return v;
        }
        let self_contained = GLOBAL_FLAGS.contains(&a.as_ref())
            || (a.starts_with("-f") && a.len() > 2 && !a.starts_with("--"))
            || GLOBAL_WITH_VALUE
                .iter()
                .any(|g| g.starts_with("--") && a.starts_with(&format!("{g}=")));
        if GLOBAL_WITH_VALUE.contains(&a.as_ref()) {
            i += 2;
        } else if self_contained {
            i += 1;
        } else {
            return args;
        }
    }
    args
}

/// `--format html` is one page for one context's report: other commands refuse it (exit 2).
fn no_html(f: Format, what: &str) -> Format {
    if f == Format::Html {
        usage_error(
            clap::error::ErrorKind::InvalidValue,
            format!("{what} writes human, json, sarif or github, not html (html is for the report of one context: ctxsize --format html DIR)"),
        );
    }
    f
}

/// The named context NAME given with `--build-context NAME=…` (a usage error without one).
fn named_given(options: &Options, n: &str) -> ctxsize::compose::NamedContext {
    options
        .dockerfile
        .build_contexts
        .iter()
        .find(|c| c.name == n)
        .cloned()
        .unwrap_or_else(|| {
            usage_error(
                clap::error::ErrorKind::InvalidValue,
                format!("--context {n}: no --build-context {n}=… was given"),
            )
        })
}

/// The report-shaping options (see [`ReportArgs::given`]): global, so that they reach `bake` and
/// `diff` after the subcommand's name, and refused by the other subcommands.
const REPORT_ONLY: [&str; 9] = [
    "top",
    "depth",
    "large",
    "content_max",
    "no_content_scan",
    "scan_all",
    "no_scan_cache",
    "no_gitignore",
    "no_excluded_sizes",
];

/// The command line: [`Cli`]'s, with the report options hidden from the help (and completions
/// and man page) of the subcommands that refuse them (every one but `bake` and `diff`).
/// Parsing is unchanged: given after such a subcommand, they are still refused.
pub(crate) fn command() -> clap::Command {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    // A subcommand that already has an argument of a global's id keeps its own when clap
    // propagates the globals: a hidden copy of each (still global, so that its value reaches
    // the top level, where the refusal reads it).
    let hidden: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| REPORT_ONLY.contains(&a.get_id().as_str()))
        .map(|a| a.clone().hide(true))
        .collect();
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .filter(|n| n != "bake" && n != "diff")
        .collect();
    for n in names {
        cmd = cmd.mut_subcommand(n, |s| s.args(hidden.iter().cloned()));
    }
    cmd
}

fn usage_error(kind: clap::error::ErrorKind, msg: String) -> ! {
    <Cli as clap::CommandFactory>::command()
        .error(kind, msg)
        .exit()
}

impl Cli {
    /// Converts the parsed arguments into a command.
    pub(crate) fn into_command(self, cwd: PathBuf) -> Command {
        use clap::error::ErrorKind;
        if self.common.file.len() > 1 && !matches!(self.cmd, Some(Sub::Suggest { .. })) {
            usage_error(
                ErrorKind::ArgumentConflict,
                "-f/--file is given more than once; only `ctxsize suggest` serves several Dockerfiles".into(),
            );
        }
        if let Some(Sub::Man | Sub::Completions { .. }) = &self.cmd {
            let given = self.ci.given();
            if !given.is_empty() || !self.common.file.is_empty() {
                let mut all: Vec<&str> = given;
                if !self.common.file.is_empty() {
                    all.push("-f");
                }
                usage_error(
                    ErrorKind::ArgumentConflict,
                    format!(
                        "{} cannot be used with `{}`: it prints text about the command line, not a context",
                        all.join(", "),
                        if matches!(self.cmd, Some(Sub::Man)) { "man" } else { "completions" }
                    ),
                );
            }
        }
        let builder = match self.common.builder {
            Some(_) if !matches!(self.common.engine, EngineArg::Docker) => usage_error(
                ErrorKind::ArgumentConflict,
                "--builder chooses between docker's two builders; with --engine podman, Buildah's rules apply".into(),
            ),
            // Podman/Buildah: the classic walk with Buildah's changes (ctxsize::engine).
            None if !matches!(self.common.engine, EngineArg::Docker) => Builder::Classic,
            None | Some(BuilderArg::Buildkit) => Builder::Buildkit,
            Some(BuilderArg::Classic) => Builder::Classic,
        };
        let engine = match self.common.engine {
            EngineArg::Docker => {
                if self.common.ignorefile.is_some() {
                    usage_error(
                        ErrorKind::ArgumentConflict,
                        "--ignorefile is a podman/buildah option; docker has none (add --engine podman)".into(),
                    );
                }
                ctxsize::engine::Engine::Docker
            }
            EngineArg::Podman | EngineArg::PodmanRemote => ctxsize::engine::Engine::Podman {
                ignorefile: self.common.ignorefile.clone(),
                remote: matches!(self.common.engine, EngineArg::PodmanRemote),
            },
        };
        let config = |context: Option<PathBuf>| Config {
            context: context.unwrap_or_else(|| PathBuf::from(".")),
            dockerfile: self.common.file.first().cloned(),
            builder,
            cwd: cwd.clone(),
            threads: self.common.threads,
            excluded_sizes: !self.report.no_excluded_sizes,
            engine: engine.clone(),
        };
        let options = Options {
            report: self.report.options(),
            ci: ctxsize::gate::CiOptions {
                gates_only: self.report.gates_only,
                ..self.ci.options()
            },
            dockerfile: self.report.dockerfile(&cwd),
        };
        if self.report.gates_only && (self.cmd.is_some() || self.compose.is_some()) {
            usage_error(
                ErrorKind::ArgumentConflict,
                "--gates-only is for the report of one context (`ctxsize --gates-only --budget SIZE [CONTEXT]`)".into(),
            );
        }
        // Report options reach `bake` and `diff` after the subcommand's name too (they are
        // global); a command that prints no report refuses them instead of ignoring them.
        if let Some(cmd) = &self.cmd {
            let given = self.report.given();
            if !given.is_empty() && !matches!(cmd, Sub::Bake { .. } | Sub::Diff { .. }) {
                usage_error(
                    ErrorKind::ArgumentConflict,
                    format!(
                        "{} {} the report (of one context, --compose, bake or diff); this command prints none",
                        given.join(", "),
                        if given.len() == 1 { "shapes" } else { "shape" }
                    ),
                );
            }
        }
        if let Some(file) = &self.compose {
            if self.cmd.is_none() {
                if self.context.is_some() {
                    usage_error(
                        ErrorKind::ArgumentConflict,
                        "--compose reads the contexts from the Compose file; do not give a context directory too".into(),
                    );
                }
                return Command::Compose {
                    file: file.clone(),
                    config: config(None),
                    format: no_html(ci_format(self.format), "--compose"),
                    options,
                };
            }
        }
        match self.cmd {
            Some(Sub::Lint { format, context }) => Command::Lint {
                config: config(context),
                format: no_html(ci_format(format), "lint"),
                ci: self.ci.options(),
            },
            Some(Sub::Explain {
                context,
                format,
                named,
                paths,
            }) => Command::Explain {
                config: config(context),
                paths,
                named: named.map(|n| named_given(&options, &n)),
                format: human_or_json("explain", format),
            },
            Some(Sub::CheckCi { format, dir }) => Command::CheckCi {
                root: cwd.join(dir.unwrap_or_else(|| PathBuf::from("."))),
                format: human_or_json("check-ci", format),
            },
            Some(Sub::Completions { shell }) => {
                let mut buf = Vec::new();
                clap_complete::generate(shell, &mut command(), "ctxsize", &mut buf);
                Command::Text(buf)
            }
            Some(Sub::Man) => Command::Text(crate::man::page(command())),
            Some(Sub::Suggest {
                target,
                build_arg,
                diff,
                write,
                compose,
                no_discover,
                per_dockerfile,
                named,
                context,
            }) => Command::Suggest {
                // Before `config` takes the context (fields are evaluated in this order).
                options: ctxsize::suggest::SuggestOptions {
                    every_context: context.is_none(),
                    target,
                    build_args: build_arg,
                    diff,
                    write,
                    dockerfiles: self.common.file.clone(),
                    compose: compose.clone(),
                    discover: !no_discover,
                    per_dockerfile,
                    named: named.map(|n| named_given(&options, &n)),
                    inline_dir: None,
                },
                config: config(context),
            },
            Some(Sub::Bake { .. }) if engine.is_podman() => usage_error(
                ErrorKind::ArgumentConflict,
                "bake reads docker buildx bake files; --engine podman does not apply to it".into(),
            ),
            Some(Sub::Bake {
                targets,
                format,
                total_budget,
            }) => Command::Bake {
                files: self.common.file.clone(),
                targets,
                config: Config {
                    dockerfile: None,
                    ..config(None)
                },
                format: ci_format(format),
                options,
                total_budget,
            },
            Some(Sub::Hash {
                format,
                target,
                build_arg,
                context,
            }) => Command::Hash {
                config: config(context),
                format: human_or_json("hash", format),
                dockerfile: DockerfileInput {
                    stdin: None,
                    target,
                    build_args: build_arg,
                    churn_commits: None,
                    churn_days: None,
                    build_contexts: options.dockerfile.build_contexts.clone(),
                },
            },
            Some(Sub::Diff {
                base,
                max_growth,
                format,
                context,
            }) => Command::Diff {
                config: config(context),
                base,
                max_growth,
                format: human_or_json("diff", format),
                options,
            },
            Some(Sub::List {
                null,
                depfile,
                named,
                context,
            }) => {
                let named = named.map(|n| named_given(&options, &n));
                Command::List {
                    config: config(context),
                    null,
                    depfile,
                    named,
                }
            }
            None => Command::Report {
                config: config(self.context.clone()),
                format: ci_format(self.format),
                options,
                ui: self.report.ui(),
            },
        }
    }
}
