//! The catalog of rules that are not about a sent file: ignore-file problems (`DI0xx`, found by
//! `ctxsize lint`) and Dockerfile checks (`DF0xx`, a COPY/ADD source the build trips on, found by
//! the report). Ids are stable: never renumbered or reused. Documented in `docs/rules.md`.

/// A lint rule: id, short name, one-line description, help text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RuleInfo {
    /// Stable id.
    pub id: &'static str,
    /// Short name (kebab-case).
    pub name: &'static str,
    /// One line.
    pub short: &'static str,
    /// How to fix it.
    pub help: &'static str,
}

/// Every ignore-file rule (`DI0xx`).
pub(crate) const RULES: &[RuleInfo] = &[
    RuleInfo { id: "DI001", name: "invalid-pattern", short: "The ignore file has a pattern docker rejects; the build fails.", help: "Fix the pattern: close every `[`, avoid empty or reversed classes such as `[z-a]`, do not end a line with `\\`, and give `!` a pattern." },
    RuleInfo { id: "DI002", name: "matches-nothing", short: "A pattern matches nothing in this context.", help: "Remove the line if it is stale, or fix its spelling. Patterns are relative to the context root: `foo` matches only `./foo`; use `**/foo` for any depth." },
    RuleInfo { id: "DI003", name: "root-only-pattern", short: "A pattern without `/` only matches at the context root (`*/bin` only one level below it), but matching entries deeper down are sent.", help: "Unlike .gitignore, a .dockerignore pattern is anchored at the context root: `*.log` does not exclude `sub/a.log`, and `*/bin` does not exclude `src/Web/bin`. Write `**/*.log` or `**/bin` to match at any depth." },
    RuleInfo { id: "DI004", name: "inline-comment", short: "A `#` comment that is part of a pattern.", help: "Only a `#` in the first column starts a comment (`//` does not). Put the comment on a line of its own, starting with `#` in column 1." },
    RuleInfo { id: "DI005", name: "trailing-slash", short: "A trailing `/` does not mean \"directories only\": the pattern also matches files.", help: "docker drops the trailing `/` when it cleans the pattern, so `build/` also excludes a file named `build`. Name the files precisely if that is not wanted." },
    RuleInfo { id: "DI006", name: "exception-overridden", short: "An exception (`!`) has no effect: a later line excludes every path it re-includes, or no line of the file excludes anything.", help: "The last matching line wins. Move the exception below the lines that exclude the same paths. An allowlist starts with `*` (exclude everything), then the `!` lines." },
    RuleInfo { id: "DI007", name: "exception-unreachable", short: "An exception (`!`) cannot reach its paths: their parent directory is excluded and never walked into.", help: "The classic builder walks into an excluded directory only when an exception starts with `dir/` literally. Add an exception that starts with the directory, e.g. `!dir/file`, or exclude `dir/*` instead of `dir`." },
    RuleInfo { id: "DI008", name: "dockerfile-excluded", short: "The ignore file excludes the Dockerfile.", help: "docker still reads the Dockerfile (the classic builder adds it back, BuildKit reads it separately), but `COPY . .` will not copy it, which is often the point of the pattern: no line is proposed then. If the classic builder cannot add it back (an excluded parent directory), the build fails: remove the exclusion or add `!path/to/Dockerfile`." },
    RuleInfo { id: "DI009", name: "ignorefile-excluded", short: "The ignore file excludes itself.", help: "The classic builder sends `.dockerignore` anyway; BuildKit does not. Nothing to fix unless you rely on either behaviour." },
    RuleInfo { id: "DI010", name: "ignorefile-not-in-effect", short: "An ignore file that docker does not read for this build.", help: "Only one ignore file applies: BuildKit reads `<Dockerfile>.dockerignore` beside the Dockerfile if it exists, else `.dockerignore` at the context root; the classic builder reads only the root `.dockerignore`. Nested `.dockerignore` files are never read (only a build with that directory as its context reads one); a nested file whose patterns keep out nothing this build sends, a stale allowlist written for a build of its own directory, or the one beside a Dockerfile whose COPY sources exist only in that directory (built with it as the context) is info." },
    RuleInfo { id: "DI011", name: "builders-disagree", short: "The classic builder and BuildKit send different entries with this ignore file.", help: "The builders differ in how they walk excluded directories (prefix-only pruning in the classic builder) and in sending parents of re-included paths. Prefer exceptions that start with the directory literally, or build with one builder only." },
    RuleInfo { id: "DI012", name: "exclusion-undone", short: "An exclusion keeps nothing out: a later exception for a directory above its paths re-includes them all.", help: "In a .dockerignore (unlike a .gitignore) an exception that matches a directory re-includes everything inside it: `/tmp/pids/*` then `!/tmp/pids/` sends every pid file. Drop the directory exception; an exception naming the file to keep (`!/tmp/pids/.keep`) keeps its directory too." },
];

/// Every Dockerfile check (`DF0xx`): a COPY/ADD/bind-mount source or the Dockerfile itself.
pub(crate) const DOCKERFILE_RULES: &[RuleInfo] = &[
    RuleInfo { id: "DF001", name: "excluded-source", short: "A COPY/ADD source is excluded by the ignore file: the build fails with \"not found\".", help: "Re-include the source with a `!` line after the line that excludes it, or stop excluding it. `ctxsize explain PATH` shows the deciding line." },
    RuleInfo { id: "DF002", name: "missing-source", short: "A COPY/ADD source does not exist in the build context: the build fails.", help: "Create the file before the build (or in an earlier stage and `COPY --from` it), fix the path (sources are relative to the context root, not to the Dockerfile), or remove the instruction." },
    RuleInfo { id: "DF003", name: "partly-sent", short: "A COPY/ADD source directory is only partly sent: some files below it are excluded.", help: "Usually intended (tests, docs left out). If the image needs the files, re-include them with a `!` line." },
    RuleInfo { id: "DF004", name: "unresolved-source", short: "A COPY/ADD source uses a build argument without a value, so it was not checked.", help: "Pass the argument with --build-arg NAME=VALUE (as for docker build) or give the ARG a default." },
    RuleInfo { id: "DF005", name: "dockerfile-unreadable", short: "The Dockerfile could not be read or parsed, so its COPY/ADD sources were not checked.", help: "Check the -f path (relative to the current directory, as docker resolves it) and the Dockerfile's syntax." },
    RuleInfo { id: "DF010", name: "copy-before-install", short: "A broad COPY (`COPY . .`, a whole directory) comes before a dependency install that needs only the manifests: any source change re-runs the install.", help: "Copy the manifests first, install, then copy the rest (the fix lists the lines). `ctxsize --format json` shows each stage's COPY steps with what they send." },
    RuleInfo { id: "DF011", name: "volatile-in-copy", short: "A COPY sends files that change on every commit or build (`.git/`, logs, IDE state, coverage, CI caches; the Dockerfile under the classic builder): its layer and every later one in the stage never hit the cache.", help: "Exclude them in .dockerignore (`ctxsize suggest` writes an allowlist), or copy only what the build needs. A dependency install after such a COPY (severity medium) re-runs on every build." },
];

/// Looks up a rule of this catalog (`DI0xx` or `DF0xx`).
pub(crate) fn rule(id: &str) -> Option<&'static RuleInfo> {
    RULES
        .iter()
        .chain(DOCKERFILE_RULES)
        .find(|r| r.id.eq_ignore_ascii_case(id))
}

/// The rule id of a Dockerfile check kind (`excluded-source`, …).
pub(crate) fn dockerfile_rule(check: &str) -> Option<&'static RuleInfo> {
    DOCKERFILE_RULES.iter().find(|r| r.name == check)
}
