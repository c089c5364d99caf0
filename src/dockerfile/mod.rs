//! Pure Dockerfile reader: which build-context paths does a `docker build` use?
//!
//! BuildKit only transfers the parts of the build context that the Dockerfile
//! references (see `dockerignore-semantics.md`, B8): the sources of `COPY`/`ADD`
//! without `--from`, and `RUN --mount=type=bind` without `from=`, in every stage
//! that the build target reaches. A source that cleans to the context root
//! (`COPY . .`) means the whole context is sent.
//!
//! This module reproduces that computation without touching the file system:
//!
//! 1. [`parse()`] reads the text the way BuildKit's parser does (parser
//!    directives, the escape character, line continuations, comments inside
//!    continuations, JSON and shell forms, heredocs, builder flags) and builds a
//!    typed list of stages. Syntax errors are reported with their line.
//! 2. [`Dockerfile::context_sources`] evaluates the stages for a given
//!    [`Options`] (`--build-arg`, `--target`): ARG/ENV scoping and substitution
//!    with BuildKit's shell-lexer rules, stage reachability, and the
//!    classification of each source (context path, URL, git repository,
//!    heredoc, other stage).
//! 3. [`source_matches`] tells whether a context-relative path is selected by
//!    a source (Go `filepath.Match` for wildcard sources, prefix match
//!    otherwise, and a matched directory selects everything below it).
//!
//! Behaviour was learnt from moby/buildkit (`frontend/dockerfile/parser`,
//! `instructions`, `shell/lex.go`, `dockerfile2llb/convert*.go`); the code here
//! is an independent implementation.
//!
//! Deliberate choices where "exact" is impossible without running a build:
//! * The automatic platform ARGs (`TARGETARCH`, `BUILDPLATFORM`, …) take the
//!   native platform of a local build, `linux/<host architecture>`, unless a
//!   `--build-arg` sets them ([`platform_args`] gives the values for another
//!   platform). Values that only the builder knows (ENV coming from an
//!   external base image) and ARGs declared
//!   without a value that no `--build-arg` sets are *unresolved*: any source
//!   using them has [`ContextSource::unresolved`] set and never turns on
//!   [`Sources::whole_context`] on its own.
//! * BuildKit rejects lines of 64 KiB or more; this reader accepts them.
//!
//! Layout: `model` holds the public types and the typed instructions,
//! `parse` reads lines, directives, continuations and heredocs, `instructions`
//! turns them into typed stages, `json` reads the exec (JSON) form, `lex` is
//! BuildKit's shell-word lexer, `eval` resolves ARG/ENV, stages and `--target`,
//! and `sources` classifies and matches the context sources.

mod eval;
mod installs;
mod instructions;
mod json;
mod lex;
mod model;
mod parse;
mod runs;
mod sources;
mod steps;
#[cfg(test)]
mod tests;

pub(crate) use eval::{host_platform, platform_args, ONBUILD_BASE};
pub(crate) use installs::{mix_tasks, Installs};
pub(crate) use json::{parse_json_array, JsonArray};
pub use model::{ContextSource, Options, Sources};
pub(crate) use model::{Dockerfile, DockerfileError};
pub(crate) use runs::{
    build_runs_git, go_build_stamps_vcs, reads_dotenv, run_commands, runs_git, runs_tests,
};
pub(crate) use sources::{excluded_rel, source_matches};
pub(crate) use steps::{stage_steps, StageSteps, Step};

// Source code in any language named after the format (`dockerfile_app_build_test.dart`,
// `dockerfile_test.go`): more words than the bare `Dockerfile` before a code extension. A
// bare `Dockerfile.go` stays a Dockerfile variant for a Go build.
const CODE: &[&[u8]] = &[
    b".dart", b".go", b".rs", b".rb", b".java", b".kt", b".kts", b".scala", b".groovy", b".clj",
    b".cljs", b".cljc", b".ex", b".exs", b".erl", b".hs", b".cr", b".php", b".cs", b".c", b".cc",
    b".cpp", b".h", b".hpp", b".swift", b".lua", b".pl", b".pm", b".zig",
];

/// Whether a file name is a bare Dockerfile name with a source-code extension
/// (`dockerfile.go`, `Dockerfile.ex`): a Dockerfile variant for a build in that language, or
/// the source file of a package named `dockerfile` (diun's `provider/dockerfile/dockerfile.go`,
/// livebook's `hubs/dockerfile.ex`); only its text tells which.
pub(crate) fn code_named(name: &[u8]) -> bool {
    let n = name.to_ascii_lowercase();
    CODE.iter().any(|e| {
        n.ends_with(e) && {
            let stem = &n[..n.len() - e.len()];
            stem == b"dockerfile" || stem == b"containerfile"
        }
    })
}

/// Parses Dockerfile text. Only syntax is checked here; ARG values, targets
/// and stage references are evaluated by [`Dockerfile::context_sources`].
/// Whether a file name looks like a Dockerfile (`Dockerfile`, `Dockerfile.dev`,
/// `Dockerfile_amd`, `Dockerfile-dev`, `api.Dockerfile`, `Containerfile`, any case): how
/// `suggest` finds the Dockerfiles an ignore file serves and the report names those it found.
/// Per-Dockerfile ignore files (`Dockerfile.dockerignore`) are not, nor notes, scripts and data
/// named after one (`Dockerfile-notes.md`, a docs page `dockerfile.mdx`, `Dockerfile.json`), an editor's syntax mode for them
/// (`mode/dockerfile/dockerfile.js`, `dockerfile.vim`) or a template that generates them
/// (`Dockerfile.j2`, `Dockerfile-alpine.template`: docker never reads it).
pub(crate) fn is_dockerfile_name(name: &[u8]) -> bool {
    const NOT: &[&[u8]] = &[
        b".dockerignore",
        b".containerignore",
        b".md",
        b".mdx",
        b".markdown",
        b".txt",
        b".rst",
        b".adoc",
        b".html",
        b".sh",
        b".py",
        b".json",
        b".yml",
        b".yaml",
        b".toml",
        b".lock",
        b".log",
        // Code and assets named after the format: a syntax-highlighting mode shipped in a
        // vendored editor (`dockerfile.js`), a vim or Emacs mode, a test snapshot.
        b".js",
        b".mjs",
        b".cjs",
        b".jsx",
        b".ts",
        b".tsx",
        b".map",
        b".css",
        b".scss",
        b".vim",
        b".el",
        b".xml",
        b".svg",
        b".png",
        b".snap",
        b".patch",
        b".diff",
        b".orig",
        // Templates rendered into Dockerfiles (`Dockerfile.j2`): never built as they are.
        b".j2",
        b".jinja",
        b".jinja2",
        // and the other template formats (nextcloud/docker's `Dockerfile-alpine.template`, with
        // `%%VARIANT_EXTRAS%%` lines a script fills in; Go's `.tmpl`/`.tpl`, ERB, Mustache).
        b".template",
        b".tmpl",
        b".tpl",
        b".gotmpl",
        b".erb",
        b".mustache",
        b".hbs",
        b".ejs",
    ];
    let n = name.to_ascii_lowercase();
    if NOT.iter().any(|e| n.ends_with(e)) {
        return false;
    }
    let bare = |e: &[u8]| {
        let stem = &n[..n.len() - e.len()];
        stem == b"dockerfile" || stem == b"containerfile"
    };
    if CODE.iter().any(|e| n.ends_with(e) && !bare(e)) {
        return false;
    }
    let suffixed = |s: &[u8]| n.len() > s.len() && n.ends_with(s);
    let prefixed = |s: &[u8]| n.len() > s.len() && n.starts_with(s);
    [b"dockerfile".as_slice(), b"containerfile"]
        .iter()
        .any(|w| {
            n == *w
                || [b'.', b'-', b'_'].iter().any(|&sep| {
                    let mut pre = w.to_vec();
                    pre.push(sep);
                    let mut suf = vec![sep];
                    suf.extend_from_slice(w);
                    prefixed(&pre) || suffixed(&suf)
                })
        })
}

pub(crate) fn parse(text: &str) -> Result<Dockerfile, DockerfileError> {
    let (instrs, escape) = parse::read(text)?;
    instructions::build_stages(instrs, escape)
}
