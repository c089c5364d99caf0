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
//! 1. [`parse`] reads the text the way BuildKit's parser does (parser
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
//! * Values that only the builder knows (the automatic platform ARGs such as
//!   `TARGETARCH`, ENV coming from an external base image) and ARGs declared
//!   without a value that no `--build-arg` sets are *unresolved*: any source
//!   using them has [`ContextSource::unresolved`] set and never turns on
//!   [`Sources::whole_context`] on its own.
//! * BuildKit rejects lines of 64 KiB or more; this reader accepts them.

use std::collections::{BTreeMap, HashMap, HashSet};

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// Everything that can go wrong while reading or evaluating a Dockerfile.
///
/// Messages follow BuildKit's wording where BuildKit has one, prefixed with
/// the 1-based line of the instruction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DockerfileError {
    /// The text contains no instruction at all (empty or only comments).
    #[error("file with no instructions")]
    NoInstructions,
    /// A heredoc body never reached its terminator line.
    #[error("line {line}: unterminated heredoc")]
    UnterminatedHeredoc {
        /// Line of the instruction that opened the heredoc.
        line: usize,
    },
    /// A JSON-form argument list is valid JSON but not an array of strings.
    #[error("line {line}: when using JSON array syntax, arrays must be comprised of strings only")]
    BadJsonArray {
        /// Line of the instruction.
        line: usize,
    },
    /// A flag that the instruction does not know.
    #[error("line {line}: unknown flag: {flag}")]
    UnknownFlag {
        /// Line of the instruction.
        line: usize,
        /// `COPY`, `ADD` or `FROM`.
        instruction: String,
        /// The flag as written, with its leading `--`.
        flag: String,
    },
    /// `COPY`/`ADD` with fewer than two arguments.
    #[error("line {line}: {instruction} requires at least two arguments, but only one was provided. Destination could not be determined")]
    MissingDestination {
        /// Line of the instruction.
        line: usize,
        /// `COPY` or `ADD`.
        instruction: String,
    },
    /// An instruction other than `ARG` before the first `FROM`.
    #[error(
        "line {line}: no build stage in current context ({instruction} before the first FROM)"
    )]
    NoBuildStage {
        /// Line of the instruction.
        line: usize,
        /// The instruction keyword, upper case.
        instruction: String,
    },
    /// An instruction keyword that Docker does not know.
    #[error("line {line}: unknown instruction: {instruction}")]
    UnknownInstruction {
        /// Line of the instruction.
        line: usize,
        /// The keyword as written.
        instruction: String,
    },
    /// `--target` names no stage.
    #[error("target stage {target:?} could not be found")]
    UnknownTarget {
        /// The requested target.
        target: String,
        /// Names of the stages that do exist.
        stages: Vec<String>,
    },
    /// Any other syntax or evaluation error, with BuildKit's message.
    #[error("line {line}: {message}")]
    Syntax {
        /// Line of the instruction.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

impl DockerfileError {
    /// The 1-based Dockerfile line the error refers to, if any.
    pub fn line(&self) -> Option<usize> {
        match self {
            DockerfileError::NoInstructions | DockerfileError::UnknownTarget { .. } => None,
            DockerfileError::UnterminatedHeredoc { line }
            | DockerfileError::BadJsonArray { line }
            | DockerfileError::UnknownFlag { line, .. }
            | DockerfileError::MissingDestination { line, .. }
            | DockerfileError::NoBuildStage { line, .. }
            | DockerfileError::UnknownInstruction { line, .. }
            | DockerfileError::Syntax { line, .. } => Some(*line),
        }
    }
}

fn syntax(line: usize, message: impl Into<String>) -> DockerfileError {
    DockerfileError::Syntax {
        line,
        message: message.into(),
    }
}

// ---------------------------------------------------------------------------
// Public data model
// ---------------------------------------------------------------------------

/// Build options that change which sources are used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// `--build-arg NAME=VALUE` pairs; a later pair overrides an earlier one.
    pub build_args: Vec<(String, String)>,
    /// `--target`; `None` builds the last stage. Matched case-insensitively.
    pub target: Option<String>,
}

/// A parsed Dockerfile (syntax only; nothing is evaluated yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    escape: char,
    meta_args: Vec<Cmd>,
    stages: Vec<Stage>,
}

/// One build stage (`FROM ...` up to the next `FROM`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// 0-based stage index, as used by `COPY --from=<index>`.
    pub index: usize,
    /// The `AS` name, lower-cased (BuildKit stage names are case-insensitive).
    pub name: Option<String>,
    /// The base image or stage as written, before ARG substitution.
    pub base: String,
    /// `--platform` as written.
    pub platform: Option<String>,
    /// 1-based line of the `FROM` instruction.
    pub line: usize,
    cmds: Vec<Cmd>,
}

/// The build-context paths a Dockerfile uses for one set of [`Options`].
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Sources {
    /// Every context source of every reachable stage, in build order.
    pub items: Vec<ContextSource>,
    /// Some resolved source is the context root (`COPY . .`, `ADD ./ /x`, a
    /// bind mount without `source=`): BuildKit then sends the whole context.
    pub whole_context: bool,
}

impl Sources {
    /// True if any source depends on a value that is not known (see
    /// [`ContextSource::unresolved`]).
    pub fn any_unresolved(&self) -> bool {
        self.items.iter().any(|s| s.unresolved)
    }

    /// True if `path` (relative to the context root, `/`-separated) is selected
    /// by at least one resolved source, or any source at all is the root.
    pub fn selects(&self, path: &str) -> bool {
        self.whole_context
            || self
                .items
                .iter()
                .any(|s| !s.unresolved && source_matches(&s.path, path))
    }
}

/// One source of the build context, as used by one instruction.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ContextSource {
    /// 1-based line of the instruction (for ONBUILD triggers: the line of the
    /// `ONBUILD` instruction in the parent stage).
    pub line: usize,
    /// `"COPY"`, `"ADD"`, `"RUN --mount"`, `"ONBUILD COPY"`, `"ONBUILD ADD"`,
    /// `"ONBUILD RUN --mount"`, or `"RUN --mount=type=tmpfs"` (see below).
    ///
    /// BuildKit records the source of *every* mount without `from=` as a
    /// context path, tmpfs mounts included, so a tmpfs mount marks the whole
    /// context as used (it disables BuildKit's path filter) even though
    /// nothing is read from it. That quirk is reported with this name.
    pub instruction: String,
    /// 0-based index of the stage in which the instruction runs.
    pub stage: usize,
    /// The source as written in the Dockerfile, before substitution.
    pub raw: String,
    /// After substitution and cleaning: relative to the context root,
    /// `/`-separated, without leading `/` or `./`; `""` is the root.
    pub path: String,
    /// The substituted source contains `*`, `?` or `[` (not escaped with `\`).
    pub has_wildcard: bool,
    /// The value used a variable that has no known value (an ARG without a
    /// value or override, a platform ARG, ENV from an external image, an
    /// undeclared name). `path` was computed with an empty value in its place.
    pub unresolved: bool,
    /// `--exclude` patterns of the instruction, as written.
    pub excludes: Vec<String>,
    /// `COPY --parents`.
    pub parents: bool,
}

impl ContextSource {
    /// The literal directory prefix of [`path`](Self::path) before the first
    /// component that contains a wildcard (or a `\` escape). For a source
    /// without wildcards this is the whole path; for `*.txt` it is `""`.
    pub fn source_prefix(&self) -> &str {
        let mut end = 0;
        for (i, comp) in self.path.split('/').enumerate() {
            if contains_wildcards(comp) || comp.contains('\\') {
                break;
            }
            end = if i == 0 {
                comp.len()
            } else {
                end + 1 + comp.len()
            };
        }
        &self.path[..end]
    }

    /// Whether this source selects `path`; see [`source_matches`].
    pub fn matches(&self, path: &str) -> bool {
        source_matches(&self.path, path)
    }
}

// ---------------------------------------------------------------------------
// Typed instructions (private)
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
struct Cmd {
    line: usize,
    kind: CmdKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum CmdKind {
    Arg(Vec<(String, Option<String>)>),
    Env(Vec<(String, String)>),
    Copy(CopyCmd),
    Run(Vec<String>),
    Onbuild(Box<Cmd>),
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct CopyCmd {
    add: bool,
    /// Sources that are not heredocs, as written.
    sources: Vec<String>,
    from: Option<String>,
    excludes: Vec<String>,
    parents: bool,
}

const KNOWN_INSTRUCTIONS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

// ---------------------------------------------------------------------------
// Parsing: lines, directives, continuations, heredocs
// ---------------------------------------------------------------------------

/// One logical instruction after joining continuation lines.
#[derive(Debug, Clone)]
struct RawInstr {
    line: usize,
    /// Keyword as written.
    cmd: String,
    flags: Vec<String>,
    /// Arguments after the flags, trimmed.
    rest: String,
}

fn is_hspace(c: char) -> bool {
    matches!(c, '\t' | '\u{b}' | '\u{c}' | '\r' | ' ')
}

fn trim_newline(s: &str) -> &str {
    s.trim_end_matches(['\r', '\n'])
}

fn is_comment(s: &str) -> bool {
    s.trim_start().starts_with('#')
}

/// Removes a trailing continuation escape. Returns the line and whether the
/// instruction continues on the next line.
fn trim_continuation(line: &str, esc: char) -> (&str, bool) {
    let t = line.trim_end_matches([' ', '\t']);
    if let Some(before) = t.strip_suffix(esc) {
        if before.is_empty() {
            return ("", true);
        }
        if !before.ends_with(esc) {
            return (before, true);
        }
    }
    (line, false)
}

#[derive(Default)]
struct Directives {
    done: bool,
    seen: HashSet<String>,
}

impl Directives {
    /// Looks at a (left-trimmed) line for `# name=value`. Returns a new escape
    /// character when the directive is `escape`.
    fn check(&mut self, line: &str, lineno: usize) -> Result<Option<char>, DockerfileError> {
        if self.done {
            return Ok(None);
        }
        let Some(body) = line.strip_prefix('#') else {
            self.done = true;
            return Ok(None);
        };
        let body = body.trim_start();
        let Some((name, value)) = parse_directive(body) else {
            self.done = true;
            return Ok(None);
        };
        let key = name.to_ascii_lowercase();
        if !matches!(key.as_str(), "syntax" | "escape" | "check") {
            self.done = true;
            return Ok(None);
        }
        if !self.seen.insert(key.clone()) {
            return Err(syntax(
                lineno,
                format!("only one {key} parser directive can be used"),
            ));
        }
        if key == "escape" {
            return match value {
                "\\" => Ok(Some('\\')),
                "`" => Ok(Some('`')),
                _ => Err(syntax(
                    lineno,
                    format!("invalid escape token '{value}' does not match ` or \\"),
                )),
            };
        }
        Ok(None)
    }
}

/// `name\s*=\s*value` with `name` = `[A-Za-z][A-Za-z0-9]*` and a non-empty
/// value (trimmed).
fn parse_directive(body: &str) -> Option<(&str, &str)> {
    let mut chars = body.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_ascii_alphabetic() => {}
        _ => return None,
    }
    let name_end = body
        .char_indices()
        .find(|(_, c)| !c.is_ascii_alphanumeric())
        .map(|(i, _)| i)
        .unwrap_or(body.len());
    let name = &body[..name_end];
    let rest = body[name_end..].trim_start();
    let value = rest.strip_prefix('=')?.trim();
    if value.is_empty() {
        return None;
    }
    Some((name, value))
}

/// Parses Dockerfile text. Only syntax is checked here; ARG values, targets
/// and stage references are evaluated by [`Dockerfile::context_sources`].
pub fn parse(text: &str) -> Result<Dockerfile, DockerfileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines: Vec<&str> = text.split('\n').collect();
    if text.ends_with('\n') {
        lines.pop();
    }
    let mut esc = '\\';
    let mut directives = Directives::default();
    let mut instrs: Vec<(RawInstr, Vec<String>)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let lineno = i + 1;
        let first = trim_newline(lines[i]).trim_start();
        if let Some(e) = directives.check(first, lineno)? {
            esc = e;
        }
        i += 1;
        let content = if is_comment(first) { "" } else { first };
        let (content, mut cont) = trim_continuation(content, esc);
        if !cont && content.is_empty() {
            continue;
        }
        let mut buf = content.to_string();
        while cont && i < lines.len() {
            let l = trim_newline(lines[i]);
            directives.done = true;
            i += 1;
            if is_comment(l) || l.trim_start().is_empty() {
                continue;
            }
            let (l, c) = trim_continuation(l, esc);
            buf.push_str(l);
            cont = c;
        }
        let raw = split_command(&buf, esc, lineno);
        if raw.cmd.is_empty() {
            continue;
        }
        // Heredocs: only for ADD/COPY/RUN (or ONBUILD of one) in shell form.
        let mut bodies = Vec::new();
        if buf.contains("<<") && can_contain_heredoc(&raw, esc, lineno) {
            for (name, chomp) in heredocs_from_line(&buf, lineno)? {
                let mut terminated = false;
                while i < lines.len() {
                    let l = trim_newline(lines[i]);
                    i += 1;
                    let candidate = if chomp { l.trim_start_matches('\t') } else { l };
                    if candidate == name {
                        terminated = true;
                        break;
                    }
                }
                if !terminated {
                    return Err(DockerfileError::UnterminatedHeredoc { line: lineno });
                }
                bodies.push(name);
            }
        }
        instrs.push((raw, bodies));
    }
    build_stages(instrs, esc)
}

fn can_contain_heredoc(raw: &RawInstr, esc: char, line: usize) -> bool {
    let (kw, rest) = if raw.cmd.eq_ignore_ascii_case("ONBUILD") {
        let inner = split_command(&raw.rest, esc, line);
        (inner.cmd, inner.rest)
    } else {
        (raw.cmd.clone(), raw.rest.clone())
    };
    let kw = kw.to_ascii_uppercase();
    if !matches!(kw.as_str(), "ADD" | "COPY" | "RUN") {
        return false;
    }
    // JSON form cannot carry heredocs.
    !matches!(parse_json_array(&rest), JsonArray::Strings(_))
}

/// Splits `CMD --flags rest` the way BuildKit does.
fn split_command(line: &str, esc: char, lineno: usize) -> RawInstr {
    let t = line.trim();
    let (cmd, rest) = match t.find(is_hspace) {
        Some(p) => (&t[..p], t[p..].trim_start_matches(is_hspace)),
        None => (t, ""),
    };
    let (rest, flags) = extract_flags(rest, esc);
    RawInstr {
        line: lineno,
        cmd: cmd.to_string(),
        flags,
        rest: rest.trim().to_string(),
    }
}

/// Leading `--flag[=value]` words (quotes and escapes removed). Returns the
/// remaining text and the flags.
fn extract_flags(line: &str, esc: char) -> (String, Vec<String>) {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut words = Vec::new();
    let mut pos = 0;
    loop {
        while pos < chars.len() && chars[pos].1.is_whitespace() {
            pos += 1;
        }
        if pos >= chars.len() {
            return (String::new(), words);
        }
        let starts_flag = chars[pos].1 == '-' && chars.get(pos + 1).is_some_and(|c| c.1 == '-');
        if !starts_flag {
            return (line[chars[pos].0..].to_string(), words);
        }
        let mut word = String::new();
        let mut blank_ok = false;
        let mut quote: Option<char> = None;
        while pos < chars.len() {
            let ch = chars[pos].1;
            match quote {
                None => {
                    if ch.is_whitespace() {
                        break;
                    }
                    if ch == '\'' || ch == '"' {
                        quote = Some(ch);
                        blank_ok = true;
                    } else if ch == esc {
                        pos += 1;
                        if let Some(&(_, c)) = chars.get(pos) {
                            word.push(c);
                        }
                    } else {
                        word.push(ch);
                    }
                }
                Some(q) => {
                    if ch == q {
                        quote = None;
                    } else if ch == esc {
                        pos += 1;
                        match chars.get(pos) {
                            Some(&(_, c)) => word.push(c),
                            None => quote = None,
                        }
                    } else {
                        word.push(ch);
                    }
                }
            }
            pos += 1;
        }
        if word == "--" {
            let rest = chars.get(pos).map(|c| &line[c.0..]).unwrap_or("");
            return (rest.to_string(), words);
        }
        if blank_ok || !word.is_empty() {
            words.push(word);
        }
    }
}

/// Heredoc markers on an instruction line: `(name, chomp)` in order.
fn heredocs_from_line(line: &str, lineno: usize) -> Result<Vec<(String, bool)>, DockerfileError> {
    let env = Env::default();
    let mut lx = Lexer::new(line, '\\', &env);
    lx.raw_quotes = true;
    lx.raw_escapes = true;
    lx.skip_unset = true;
    let words = match lx.words() {
        Ok(w) => w,
        Err(_) => return Ok(Vec::new()),
    };
    let mut out = Vec::new();
    for w in words {
        match parse_heredoc(&w) {
            Ok(Some(h)) => out.push(h),
            Ok(None) => {}
            Err(msg) => return Err(syntax(lineno, msg)),
        }
    }
    Ok(out)
}

/// Recognises `[n]<<[-]WORD` (a whole argument). `Ok(None)` if it is not a
/// heredoc marker.
fn parse_heredoc(word: &str) -> Result<Option<(String, bool)>, String> {
    let digits_end = word
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit())
        .map(|(i, _)| i)
        .unwrap_or(word.len());
    let Some(after) = word[digits_end..].strip_prefix("<<") else {
        return Ok(None);
    };
    let (chomp, after) = match after.strip_prefix('-') {
        Some(a) => (true, a),
        None => (false, after),
    };
    let rest = after.trim_start_matches([' ', '\t', '\n', '\r', '\u{c}']);
    if rest.is_empty() || rest.contains('<') {
        return Ok(None);
    }
    let env = Env::default();
    let mut lx = Lexer::new(rest, '\\', &env);
    lx.skip_unset = true;
    let words = lx.words()?;
    if words.len() != 1 {
        return Ok(None);
    }
    Ok(words.into_iter().next().map(|w| (w, chomp)))
}

// ---------------------------------------------------------------------------
// Typed conversion
// ---------------------------------------------------------------------------

fn build_stages(
    instrs: Vec<(RawInstr, Vec<String>)>,
    esc: char,
) -> Result<Dockerfile, DockerfileError> {
    if instrs.is_empty() {
        return Err(DockerfileError::NoInstructions);
    }
    let mut meta_args = Vec::new();
    let mut stages: Vec<Stage> = Vec::new();
    for (raw, _bodies) in instrs {
        let kw = raw.cmd.to_ascii_uppercase();
        if !KNOWN_INSTRUCTIONS.contains(&kw.as_str()) {
            return Err(DockerfileError::UnknownInstruction {
                line: raw.line,
                instruction: raw.cmd.clone(),
            });
        }
        if kw == "FROM" {
            let stage = parse_from(&raw, stages.len())?;
            stages.push(stage);
            continue;
        }
        let cmd = typed_cmd(&raw, esc, false)?;
        match stages.last_mut() {
            Some(stage) => stage.cmds.push(cmd),
            None if kw == "ARG" => meta_args.push(cmd),
            None => {
                return Err(DockerfileError::NoBuildStage {
                    line: raw.line,
                    instruction: kw,
                })
            }
        }
    }
    if stages.is_empty() {
        // Only global ARGs: BuildKit fails later with this message.
        let line = meta_args.first().map(|c: &Cmd| c.line).unwrap_or(1);
        return Err(syntax(line, "dockerfile contains no stages to build"));
    }
    Ok(Dockerfile {
        escape: esc,
        meta_args,
        stages,
    })
}

fn split_ws(s: &str) -> Vec<String> {
    s.split(is_hspace)
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn parse_from(raw: &RawInstr, index: usize) -> Result<Stage, DockerfileError> {
    let flags = parse_flags(raw, "FROM", &[("platform", FlagKind::Str)])?;
    let args = split_ws(&raw.rest);
    let name = match args.len() {
        1 => None,
        3 if args[1].eq_ignore_ascii_case("as") => {
            let n = args[2].to_lowercase();
            let mut cs = n.chars();
            let valid = cs.next().is_some_and(|c| c.is_ascii_lowercase())
                && cs.all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')
                });
            if !valid {
                return Err(syntax(
                    raw.line,
                    format!(
                        "invalid name for build stage: {:?}, name can't start with a number or contain symbols",
                        args[2]
                    ),
                ));
            }
            Some(n)
        }
        _ => {
            return Err(syntax(
                raw.line,
                "FROM requires either one or three arguments",
            ))
        }
    };
    Ok(Stage {
        index,
        name,
        base: args[0].clone(),
        platform: flags.get("platform").and_then(|v| v.last().cloned()),
        line: raw.line,
        cmds: Vec::new(),
    })
}

fn typed_cmd(raw: &RawInstr, esc: char, in_onbuild: bool) -> Result<Cmd, DockerfileError> {
    let line = raw.line;
    let kw = raw.cmd.to_ascii_uppercase();
    let kind = match kw.as_str() {
        "ARG" => {
            let words = parse_words(&raw.rest, esc);
            if words.is_empty() {
                return Err(syntax(line, "ARG requires at least one argument"));
            }
            let mut args = Vec::new();
            for w in words {
                match w.split_once('=') {
                    Some(("", _)) => return Err(syntax(line, "ARG names can not be blank")),
                    Some((k, v)) => args.push((k.to_string(), Some(v.to_string()))),
                    None => args.push((w, None)),
                }
            }
            CmdKind::Arg(args)
        }
        "ENV" => CmdKind::Env(parse_env(&raw.rest, esc, line)?),
        "COPY" | "ADD" => CmdKind::Copy(parse_copy(raw, kw == "ADD")?),
        "RUN" => {
            // Only --mount matters here; other RUN flags are not validated.
            let mut mounts = Vec::new();
            for f in &raw.flags {
                if f == "--" {
                    break;
                }
                let (name, value) = match f.split_once('=') {
                    Some((n, v)) => (n, Some(v)),
                    None => (f.as_str(), None),
                };
                if name == "--mount" {
                    match value {
                        Some(v) => mounts.push(v.to_string()),
                        None => {
                            return Err(syntax(line, "missing a value on flag: --mount"));
                        }
                    }
                }
            }
            for m in &mounts {
                // BuildKit refuses variables in `from=` (checked before expansion).
                for (k, v) in csv_fields(m) {
                    if k.eq_ignore_ascii_case("from") {
                        if let Some(v) = v {
                            if let Some(idx) = v.find('$') {
                                if idx != v.len() - 1 {
                                    return Err(syntax(line, "'from' doesn't support variable expansion, define alias stage instead"));
                                }
                            }
                        }
                    }
                }
            }
            CmdKind::Run(mounts)
        }
        "ONBUILD" => {
            if in_onbuild {
                return Err(syntax(
                    line,
                    "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
                ));
            }
            if raw.rest.is_empty() {
                return Err(syntax(line, "ONBUILD requires at least one argument"));
            }
            let inner = split_command(&raw.rest, esc, line);
            let ikw = inner.cmd.to_ascii_uppercase();
            match ikw.as_str() {
                "ONBUILD" => {
                    return Err(syntax(
                        line,
                        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
                    ))
                }
                "FROM" | "MAINTAINER" => {
                    return Err(syntax(
                        line,
                        format!("{ikw} isn't allowed as an ONBUILD trigger"),
                    ))
                }
                _ => {}
            }
            if !KNOWN_INSTRUCTIONS.contains(&ikw.as_str()) {
                return Err(DockerfileError::UnknownInstruction {
                    line,
                    instruction: inner.cmd,
                });
            }
            CmdKind::Onbuild(Box::new(typed_cmd(&inner, esc, true)?))
        }
        _ => CmdKind::Other,
    };
    Ok(Cmd { line, kind })
}

fn parse_copy(raw: &RawInstr, add: bool) -> Result<CopyCmd, DockerfileError> {
    let name = if add { "ADD" } else { "COPY" };
    let args = match parse_json_array(&raw.rest) {
        JsonArray::Strings(v) => v,
        JsonArray::NotStrings => return Err(DockerfileError::BadJsonArray { line: raw.line }),
        JsonArray::NotJson => split_ws(&raw.rest),
    };
    if args.len() < 2 {
        return Err(DockerfileError::MissingDestination {
            line: raw.line,
            instruction: name.to_string(),
        });
    }
    let spec: &[(&str, FlagKind)] = if add {
        &[
            ("chown", FlagKind::Str),
            ("chmod", FlagKind::Str),
            ("link", FlagKind::Bool),
            ("keep-git-dir", FlagKind::Bool),
            ("checksum", FlagKind::Str),
            ("unpack", FlagKind::Bool),
            ("exclude", FlagKind::Strs),
        ]
    } else {
        &[
            ("chown", FlagKind::Str),
            ("from", FlagKind::Str),
            ("chmod", FlagKind::Str),
            ("link", FlagKind::Bool),
            ("exclude", FlagKind::Strs),
            ("parents", FlagKind::Bool),
        ]
    };
    let flags = parse_flags(raw, name, spec)?;
    let (srcs, dest) = args.split_at(args.len() - 1);
    if matches!(parse_heredoc(&dest[0]), Ok(Some(_))) {
        return Err(syntax(
            raw.line,
            format!("{name} cannot accept a heredoc as a destination"),
        ));
    }
    let sources = srcs
        .iter()
        .filter(|s| !matches!(parse_heredoc(s), Ok(Some(_))))
        .cloned()
        .collect();
    let flag = |n: &str| flags.get(n).and_then(|v| v.last().cloned());
    Ok(CopyCmd {
        add,
        sources,
        from: flag("from").filter(|f| !f.is_empty()),
        excludes: flags.get("exclude").cloned().unwrap_or_default(),
        parents: flag("parents").as_deref() == Some("true"),
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FlagKind {
    Bool,
    Str,
    Strs,
}

/// BuildKit's builder-flag rules: `--name=value`, `--` ends the flags,
/// unknown and duplicate flags are errors, booleans accept `true`/`false`.
fn parse_flags(
    raw: &RawInstr,
    instruction: &str,
    spec: &[(&str, FlagKind)],
) -> Result<HashMap<String, Vec<String>>, DockerfileError> {
    let line = raw.line;
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for a in &raw.flags {
        if a == "--" {
            break;
        }
        let Some(body) = a.strip_prefix("--") else {
            return Err(syntax(line, format!("arg should start with -- : {a}")));
        };
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (body, None),
        };
        let flag_name = format!("--{name}");
        let Some(&(_, kind)) = spec.iter().find(|(n, _)| *n == name) else {
            return Err(DockerfileError::UnknownFlag {
                line,
                instruction: instruction.to_string(),
                flag: flag_name,
            });
        };
        if kind != FlagKind::Strs && out.contains_key(name) {
            return Err(syntax(
                line,
                format!("duplicate flag specified: {flag_name}"),
            ));
        }
        let v = match kind {
            FlagKind::Bool => match value {
                Some("") => {
                    return Err(syntax(
                        line,
                        format!("missing a value on flag: {flag_name}"),
                    ))
                }
                None => "true".to_string(),
                Some(v) if v.eq_ignore_ascii_case("true") => "true".to_string(),
                Some(v) if v.eq_ignore_ascii_case("false") => "false".to_string(),
                Some(v) => {
                    return Err(syntax(
                        line,
                        format!("expecting boolean value for flag {flag_name}, not: {v}"),
                    ))
                }
            },
            FlagKind::Str | FlagKind::Strs => match value {
                Some(v) => v.to_string(),
                None => {
                    return Err(syntax(
                        line,
                        format!("missing a value on flag: {flag_name}"),
                    ))
                }
            },
        };
        out.entry(name.to_string()).or_default().push(v);
    }
    Ok(out)
}

/// `ENV a=b c=d` or legacy `ENV a b c`.
fn parse_env(rest: &str, esc: char, line: usize) -> Result<Vec<(String, String)>, DockerfileError> {
    let words = parse_words(rest, esc);
    if words.is_empty() {
        return Err(syntax(line, "ENV requires at least one argument"));
    }
    if !words[0].contains('=') {
        let t = rest.trim_start_matches(is_hspace);
        let Some(p) = t.find(is_hspace) else {
            return Err(syntax(line, "ENV must have two arguments"));
        };
        let key = &t[..p];
        let value = t[p..].trim_start_matches(is_hspace);
        return Ok(vec![(key.to_string(), value.to_string())]);
    }
    let mut out = Vec::new();
    for w in words {
        let Some((k, v)) = w.split_once('=') else {
            return Err(syntax(
                line,
                format!("Syntax error - can't find = in {w:?}. Must be of the form: name=value"),
            ));
        };
        if k.is_empty() {
            return Err(syntax(line, "ENV names can not be blank"));
        }
        out.push((k.to_string(), v.to_string()));
    }
    Ok(out)
}

/// Whitespace-separated words; quotes and escapes are kept in the words (they
/// are removed later by variable expansion).
fn parse_words(rest: &str, esc: char) -> Vec<String> {
    let chars: Vec<char> = rest.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut blank_ok = false;
    let mut quote: Option<char> = None;
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        match quote {
            None => {
                if ch.is_whitespace() {
                    if in_word && (blank_ok || !word.is_empty()) {
                        words.push(std::mem::take(&mut word));
                    }
                    word.clear();
                    in_word = false;
                    blank_ok = false;
                    i += 1;
                    continue;
                }
                in_word = true;
                if ch == '\'' || ch == '"' {
                    quote = Some(ch);
                    blank_ok = true;
                }
                if ch == esc {
                    if i + 1 == chars.len() {
                        i += 1;
                        continue;
                    }
                    word.push(ch);
                    i += 1;
                    word.push(chars[i]);
                    i += 1;
                    continue;
                }
                word.push(ch);
            }
            Some(q) => {
                if ch == q {
                    quote = None;
                    word.push(ch);
                } else if ch == esc && q != '\'' {
                    if i + 1 == chars.len() {
                        quote = None;
                        i += 1;
                        continue;
                    }
                    word.push(ch);
                    i += 1;
                    word.push(chars[i]);
                } else {
                    word.push(ch);
                }
            }
        }
        i += 1;
    }
    if in_word && (blank_ok || !word.is_empty()) {
        words.push(word);
    }
    words
}

// ---------------------------------------------------------------------------
// Minimal JSON (array of strings) reader
// ---------------------------------------------------------------------------

enum JsonArray {
    /// Valid JSON array of strings.
    Strings(Vec<String>),
    /// Valid JSON array with a non-string element (an error in BuildKit).
    NotStrings,
    /// Not a JSON array: BuildKit falls back to the shell form.
    NotJson,
}

fn parse_json_array(rest: &str) -> JsonArray {
    let t = rest.trim_start();
    if !t.starts_with('[') {
        return JsonArray::NotJson;
    }
    let chars: Vec<char> = t.chars().collect();
    let mut p = JsonParser { c: &chars, i: 0 };
    let Some(JsonValue::Array(items)) = p.value(0) else {
        return JsonArray::NotJson;
    };
    p.ws();
    if p.i != chars.len() {
        return JsonArray::NotJson;
    }
    let mut out = Vec::with_capacity(items.len());
    for it in items {
        match it {
            JsonValue::Str(s) => out.push(s),
            _ => return JsonArray::NotStrings,
        }
    }
    JsonArray::Strings(out)
}

enum JsonValue {
    Str(String),
    Array(Vec<JsonValue>),
    Other,
}

struct JsonParser<'a> {
    c: &'a [char],
    i: usize,
}

impl JsonParser<'_> {
    fn ws(&mut self) {
        while self.i < self.c.len() && matches!(self.c[self.i], ' ' | '\t' | '\n' | '\r') {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<char> {
        self.c.get(self.i).copied()
    }

    fn eat(&mut self, ch: char) -> bool {
        if self.peek() == Some(ch) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Option<JsonValue> {
        if depth > 200 {
            return None;
        }
        self.ws();
        match self.peek()? {
            '[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat(']') {
                    return Some(JsonValue::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    if self.eat(']') {
                        return Some(JsonValue::Array(items));
                    }
                    if !self.eat(',') {
                        return None;
                    }
                }
            }
            '{' => {
                self.i += 1;
                self.ws();
                if self.eat('}') {
                    return Some(JsonValue::Other);
                }
                loop {
                    self.ws();
                    if self.peek() != Some('"') {
                        return None;
                    }
                    self.string()?;
                    self.ws();
                    if !self.eat(':') {
                        return None;
                    }
                    self.value(depth + 1)?;
                    self.ws();
                    if self.eat('}') {
                        return Some(JsonValue::Other);
                    }
                    if !self.eat(',') {
                        return None;
                    }
                }
            }
            '"' => self.string().map(JsonValue::Str),
            't' => self.literal("true"),
            'f' => self.literal("false"),
            'n' => self.literal("null"),
            '-' | '0'..='9' => self.number(),
            _ => None,
        }
    }

    fn literal(&mut self, word: &str) -> Option<JsonValue> {
        for ch in word.chars() {
            if !self.eat(ch) {
                return None;
            }
        }
        Some(JsonValue::Other)
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Option<JsonValue> {
        self.eat('-');
        if self.eat('0') {
        } else if self.digits() == 0 {
            return None;
        }
        if self.eat('.') && self.digits() == 0 {
            return None;
        }
        if self.eat('e') || self.eat('E') {
            if !self.eat('+') {
                self.eat('-');
            }
            if self.digits() == 0 {
                return None;
            }
        }
        Some(JsonValue::Other)
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = self.peek()?.to_digit(16)?;
            self.i += 1;
            v = v * 16 + d;
        }
        Some(v)
    }

    fn string(&mut self) -> Option<String> {
        if !self.eat('"') {
            return None;
        }
        let mut s = String::new();
        loop {
            let ch = self.peek()?;
            self.i += 1;
            match ch {
                '"' => return Some(s),
                '\\' => {
                    let e = self.peek()?;
                    self.i += 1;
                    match e {
                        '"' => s.push('"'),
                        '\\' => s.push('\\'),
                        '/' => s.push('/'),
                        'b' => s.push('\u{8}'),
                        'f' => s.push('\u{c}'),
                        'n' => s.push('\n'),
                        'r' => s.push('\r'),
                        't' => s.push('\t'),
                        'u' => {
                            let hi = self.hex4()?;
                            let cp = if (0xD800..0xDC00).contains(&hi)
                                && self.c.get(self.i) == Some(&'\\')
                                && self.c.get(self.i + 1) == Some(&'u')
                            {
                                let save = self.i;
                                self.i += 2;
                                match self.hex4() {
                                    Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                    }
                                    _ => {
                                        self.i = save;
                                        0xFFFD
                                    }
                                }
                            } else {
                                hi
                            };
                            s.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                        }
                        _ => return None,
                    }
                }
                c if (c as u32) < 0x20 => return None,
                c => s.push(c),
            }
        }
    }
}

/// Splits a `--mount` value into `key[=value]` fields (CSV with `"` quoting).
fn csv_fields(s: &str) -> Vec<(String, Option<String>)> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cur.push('"');
                } else {
                    in_quotes = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' {
            in_quotes = true;
        } else if c == ',' {
            fields.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    fields.push(cur);
    fields
        .into_iter()
        .filter(|f| !f.is_empty())
        .map(|f| match f.split_once('=') {
            Some((k, v)) => (k.to_ascii_lowercase(), Some(v.to_string())),
            None => (f.to_ascii_lowercase(), None),
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Variables and the shell-word lexer
// ---------------------------------------------------------------------------

/// A variable value; `unknown` marks values only the builder would know.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Var {
    value: String,
    unknown: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Env {
    vars: BTreeMap<String, Var>,
}

impl Env {
    fn get(&self, k: &str) -> Option<&Var> {
        self.vars.get(k)
    }

    fn set(&mut self, k: &str, value: String, unknown: bool) {
        self.vars.insert(k.to_string(), Var { value, unknown });
    }
}

/// Result of expanding one word.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Expanded {
    text: String,
    unresolved: bool,
}

const MAX_NESTING: usize = 64;

/// Shell-like word processing as done by BuildKit for instruction arguments:
/// quotes, escapes and `$VAR` / `${VAR...}` substitution.
struct Lexer<'a> {
    c: Vec<char>,
    i: usize,
    escape: char,
    env: &'a Env,
    raw_quotes: bool,
    raw_escapes: bool,
    skip_unset: bool,
    unresolved: bool,
    depth: usize,
    budget: usize,
}

#[derive(Default)]
struct Words {
    buf: String,
    words: Vec<String>,
    in_word: bool,
}

impl Words {
    fn add_char(&mut self, ch: char) {
        if ch.is_whitespace() {
            if self.in_word && !self.buf.is_empty() {
                self.words.push(std::mem::take(&mut self.buf));
                self.in_word = false;
            }
        } else {
            self.add_raw_char(ch);
        }
    }

    fn add_raw_char(&mut self, ch: char) {
        self.buf.push(ch);
        self.in_word = true;
    }

    fn add_string(&mut self, s: &str) {
        s.chars().for_each(|c| self.add_char(c));
    }

    fn add_raw_string(&mut self, s: &str) {
        self.buf.push_str(s);
        self.in_word = true;
    }

    fn finish(mut self) -> Vec<String> {
        if !self.buf.is_empty() {
            self.words.push(self.buf);
        }
        self.words
    }
}

impl<'a> Lexer<'a> {
    fn new(word: &str, escape: char, env: &'a Env) -> Self {
        Lexer {
            c: word.chars().collect(),
            i: 0,
            escape,
            env,
            raw_quotes: false,
            raw_escapes: false,
            skip_unset: false,
            unresolved: false,
            depth: 0,
            budget: 4_000_000,
        }
    }

    /// Expands the whole input as one word.
    fn word(&mut self) -> Result<String, String> {
        let raw = self.raw_escapes;
        self.stop_on(None, raw).map(|(s, _)| s)
    }

    /// Expands and splits the input into words.
    fn words(&mut self) -> Result<Vec<String>, String> {
        let raw = self.raw_escapes;
        self.stop_on(None, raw).map(|(_, w)| w)
    }

    fn peek(&self) -> Option<char> {
        self.c.get(self.i).copied()
    }

    fn next(&mut self) -> Option<char> {
        let ch = self.c.get(self.i).copied();
        if ch.is_some() {
            self.i += 1;
        }
        ch
    }

    fn stop_on(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
    ) -> Result<(String, Vec<String>), String> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err("substitution nested too deeply".to_string());
        }
        let saved = self.raw_escapes;
        self.raw_escapes = raw_escapes;
        let r = self.stop_on_inner(stop);
        self.raw_escapes = saved;
        self.depth -= 1;
        r
    }

    fn stop_on_inner(&mut self, stop: Option<char>) -> Result<(String, Vec<String>), String> {
        let mut result = String::new();
        let mut words = Words::default();
        while let Some(ch) = self.peek() {
            if Some(ch) == stop {
                self.i += 1;
                return Ok((result, words.finish()));
            }
            match ch {
                '$' => {
                    let v = self.dollar()?;
                    result.push_str(&v);
                    words.add_string(&v);
                }
                '\'' => {
                    let v = self.single_quote()?;
                    result.push_str(&v);
                    words.add_raw_string(&v);
                }
                '"' => {
                    let v = self.double_quote()?;
                    result.push_str(&v);
                    words.add_raw_string(&v);
                }
                '<' => {
                    let v = self.possible_heredoc();
                    result.push_str(&v);
                    words.add_raw_string(&v);
                }
                _ => {
                    self.i += 1;
                    if ch == self.escape {
                        if self.raw_escapes {
                            words.add_raw_char(ch);
                            result.push(ch);
                        }
                        match self.next() {
                            Some(n) => {
                                words.add_raw_char(n);
                                result.push(n);
                            }
                            None => break,
                        }
                    } else {
                        words.add_char(ch);
                        result.push(ch);
                    }
                }
            }
        }
        match stop {
            Some(s) => Err(format!(
                "unexpected end of statement while looking for matching {s}"
            )),
            None => Ok((result, words.finish())),
        }
    }

    fn possible_heredoc(&mut self) -> String {
        self.i += 1;
        if self.peek() != Some('<') {
            return "<".to_string();
        }
        self.i += 1;
        let mut out = "<<".to_string();
        while let Some(c @ ('\t' | '\r' | ' ')) = self.peek() {
            out.push(c);
            self.i += 1;
        }
        out
    }

    fn single_quote(&mut self) -> Result<String, String> {
        let mut out = String::new();
        let open = self.next().unwrap_or('\'');
        if self.raw_quotes {
            out.push(open);
        }
        loop {
            match self.next() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching single-quote"
                            .to_string(),
                    )
                }
                Some('\'') => {
                    if self.raw_quotes {
                        out.push('\'');
                    }
                    return Ok(out);
                }
                Some(c) => out.push(c),
            }
        }
    }

    fn double_quote(&mut self) -> Result<String, String> {
        let mut out = String::new();
        let open = self.next().unwrap_or('"');
        if self.raw_quotes {
            out.push(open);
        }
        loop {
            match self.peek() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching double-quote"
                            .to_string(),
                    )
                }
                Some('"') => {
                    self.i += 1;
                    if self.raw_quotes {
                        out.push('"');
                    }
                    return Ok(out);
                }
                Some('$') => {
                    let v = self.dollar()?;
                    out.push_str(&v);
                }
                Some(_) => {
                    let mut ch = self.next().unwrap_or_default();
                    if ch == self.escape {
                        if self.raw_escapes {
                            out.push(ch);
                        }
                        match self.peek() {
                            None => continue,
                            Some(n) if n == '"' || n == '$' || n == self.escape => {
                                ch = n;
                                self.i += 1;
                            }
                            Some(_) => {}
                        }
                    }
                    out.push(ch);
                }
            }
        }
    }

    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && ch.is_ascii_digit() {
                while let Some(d) = self.peek().filter(char::is_ascii_digit) {
                    name.push(d);
                    self.i += 1;
                }
                return name;
            }
            if name.is_empty() && matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.i += 1;
                return ch.to_string();
            }
            if !(ch.is_alphanumeric() || ch == '_') {
                break;
            }
            name.push(ch);
            self.i += 1;
        }
        name
    }

    /// Looks a variable up; unset and unknown values mark the word unresolved
    /// unless `quiet` (used by the `-` default forms for unset names).
    fn lookup(&mut self, name: &str) -> Option<String> {
        match self.env.get(name) {
            Some(v) => {
                if v.unknown {
                    self.unresolved = true;
                }
                Some(v.value.clone())
            }
            None => None,
        }
    }

    fn dollar(&mut self) -> Result<String, String> {
        self.i += 1; // '$'
        if self.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                return Ok("$".to_string());
            }
            return Ok(match self.lookup(&name) {
                Some(v) => v,
                None if self.skip_unset => format!("${name}"),
                None => {
                    self.unresolved = true;
                    String::new()
                }
            });
        }
        self.i += 1; // '{'
        match self.peek() {
            None => return Err("syntax error: missing '}'".to_string()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".to_string()),
            _ => {}
        }
        let name = self.name();
        let Some(mut ch) = self.next() else {
            return Err("syntax error: missing '}'".to_string());
        };
        let mut mods = ch.to_string();
        match ch {
            '}' => Ok(match self.lookup(&name) {
                Some(v) => v,
                None if self.skip_unset => format!("${{{name}}}"),
                None => {
                    self.unresolved = true;
                    String::new()
                }
            }),
            ':' | '+' | '-' | '?' | '#' | '%' => {
                let null_is_unset = ch == ':';
                if null_is_unset {
                    match self.next() {
                        Some(c) => {
                            ch = c;
                            mods.push(c);
                        }
                        None => return Err("syntax error: missing '}'".to_string()),
                    }
                }
                let raw = ch == '#' || ch == '%';
                if null_is_unset && raw {
                    return Err(format!("unsupported modifier ({mods}) in substitution"));
                }
                let word = match self.stop_on(Some('}'), raw) {
                    Ok((w, _)) => w,
                    Err(e) => {
                        if self.peek().is_none() && !e.contains("nested") {
                            return Err("syntax error: missing '}'".to_string());
                        }
                        return Err(e);
                    }
                };
                let current = self.env.get(&name).cloned();
                if current.is_none() && self.skip_unset {
                    return Ok(format!("${{{name}{mods}{word}}}"));
                }
                let is_set = current.is_some();
                let unknown = current.as_ref().is_some_and(|v| v.unknown);
                let value = current.map(|v| v.value).unwrap_or_default();
                let empty_or_unset = !is_set || (null_is_unset && value.is_empty());
                match ch {
                    '-' => {
                        if unknown {
                            self.unresolved = true;
                        }
                        Ok(if empty_or_unset { word } else { value })
                    }
                    '+' => {
                        if unknown || !is_set {
                            self.unresolved = true;
                        }
                        Ok(if empty_or_unset { String::new() } else { word })
                    }
                    '?' => {
                        if unknown || !is_set {
                            // BuildKit fails here; the value is simply unknown to us.
                            self.unresolved = true;
                            return Ok(value);
                        }
                        if null_is_unset && value.is_empty() {
                            let msg = if word.is_empty() {
                                "is not allowed to be empty".to_string()
                            } else {
                                word
                            };
                            return Err(format!("{name}: {msg}"));
                        }
                        Ok(value)
                    }
                    '#' | '%' => {
                        if unknown || !is_set {
                            self.unresolved = true;
                        }
                        let (greedy, pat) = match word.strip_prefix(ch) {
                            Some(p) => (true, p.to_string()),
                            None => (false, word),
                        };
                        let pattern = shell_pattern(&pat)?;
                        if ch == '#' {
                            Ok(trim_prefix(&pattern, &value, greedy, &mut self.budget)?)
                        } else {
                            Ok(trim_suffix(&pattern, &value, greedy, &mut self.budget)?)
                        }
                    }
                    _ => Err(format!("unsupported modifier ({mods}) in substitution")),
                }
            }
            '/' => {
                let all = self.peek() == Some('/');
                if all {
                    self.i += 1;
                }
                let pattern = match self.stop_on(Some('/'), true) {
                    Ok((p, _)) => p,
                    Err(e) => {
                        if self.peek().is_none() && !e.contains("nested") {
                            return Err("syntax error: missing '/' in ${}".to_string());
                        }
                        return Err(e);
                    }
                };
                let repl = match self.stop_on(Some('}'), true) {
                    Ok((r, _)) => r,
                    Err(e) => {
                        if self.peek().is_none() && !e.contains("nested") {
                            return Err("syntax error: missing '}'".to_string());
                        }
                        return Err(e);
                    }
                };
                let current = self.env.get(&name).cloned();
                if current.is_none() && self.skip_unset {
                    return Ok(format!("${{{name}/{pattern}/{repl}}}"));
                }
                if current.as_ref().is_none_or(|v| v.unknown) {
                    self.unresolved = true;
                }
                let value = current.map(|v| v.value).unwrap_or_default();
                let pat = shell_pattern(&pattern)?;
                replace_pattern(&pat, &value, &repl, all, &mut self.budget)
            }
            _ => Err(format!("unsupported modifier ({mods}) in substitution")),
        }
    }
}

/// Expands one instruction argument with BuildKit's word rules.
fn expand(word: &str, escape: char, env: &Env) -> Result<Expanded, String> {
    let mut lx = Lexer::new(word, escape, env);
    let text = lx
        .word()
        .map_err(|e| format!("failed to process {word:?}: {e}"))?;
    Ok(Expanded {
        text,
        unresolved: lx.unresolved,
    })
}

// --- shell patterns used by ${VAR#pat}, ${VAR%pat}, ${VAR/pat/repl} --------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PatTok {
    Star,
    Any,
    Lit(char),
}

fn shell_pattern(p: &str) -> Result<Vec<PatTok>, String> {
    let chars: Vec<char> = p.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' => out.push(PatTok::Star),
            '?' => out.push(PatTok::Any),
            '\\' => match chars.get(i + 1) {
                Some('}') | Some('/') => {}
                Some(&c @ ('*' | '?' | '\\')) => {
                    out.push(PatTok::Lit(c));
                    i += 1;
                }
                Some(&c) => {
                    return Err(format!(
                        "invalid pattern ({p}) in substitution: invalid escape '\\{c}'"
                    ))
                }
                None => {
                    return Err(format!(
                        "invalid pattern ({p}) in substitution: invalid escape '\\'"
                    ))
                }
            },
            c => out.push(PatTok::Lit(c)),
        }
        i += 1;
    }
    Ok(out)
}

/// Lengths `n` such that `pat` matches `s[..n]` (in chars), via NFA simulation.
fn prefix_match_lengths(
    pat: &[PatTok],
    s: &[char],
    budget: &mut usize,
) -> Result<Vec<usize>, String> {
    // states: positions in pat; closure over Star (which may match empty).
    let closure = |set: &mut Vec<bool>| {
        for k in 0..pat.len() {
            if set[k] && pat[k] == PatTok::Star {
                set[k + 1] = true;
            }
        }
    };
    let mut cur = vec![false; pat.len() + 1];
    cur[0] = true;
    closure(&mut cur);
    let mut out = Vec::new();
    if cur[pat.len()] {
        out.push(0);
    }
    for (n, &ch) in s.iter().enumerate() {
        *budget = budget.saturating_sub(pat.len() + 1);
        if *budget == 0 {
            return Err("substitution pattern too expensive".to_string());
        }
        let mut next = vec![false; pat.len() + 1];
        let mut any = false;
        for k in 0..pat.len() {
            if !cur[k] {
                continue;
            }
            match pat[k] {
                PatTok::Star => {
                    next[k] = true;
                    any = true;
                }
                PatTok::Any => {
                    next[k + 1] = true;
                    any = true;
                }
                PatTok::Lit(c) if c == ch => {
                    next[k + 1] = true;
                    any = true;
                }
                PatTok::Lit(_) => {}
            }
        }
        if !any {
            break;
        }
        closure(&mut next);
        if next[pat.len()] {
            out.push(n + 1);
        }
        cur = next;
    }
    Ok(out)
}

fn trim_prefix(
    pat: &[PatTok],
    value: &str,
    greedy: bool,
    budget: &mut usize,
) -> Result<String, String> {
    let s: Vec<char> = value.chars().collect();
    let lens = prefix_match_lengths(pat, &s, budget)?;
    let cut = if greedy { lens.last() } else { lens.first() };
    Ok(match cut {
        Some(&n) => s[n..].iter().collect(),
        None => value.to_string(),
    })
}

fn trim_suffix(
    pat: &[PatTok],
    value: &str,
    greedy: bool,
    budget: &mut usize,
) -> Result<String, String> {
    let mut rp: Vec<PatTok> = pat.to_vec();
    rp.reverse();
    let mut s: Vec<char> = value.chars().collect();
    s.reverse();
    let lens = prefix_match_lengths(&rp, &s, budget)?;
    let cut = if greedy { lens.last() } else { lens.first() };
    let mut rest: Vec<char> = match cut {
        Some(&n) => s[n..].to_vec(),
        None => s,
    };
    rest.reverse();
    Ok(rest.into_iter().collect())
}

fn replace_pattern(
    pat: &[PatTok],
    value: &str,
    repl: &str,
    all: bool,
    budget: &mut usize,
) -> Result<String, String> {
    let s: Vec<char> = value.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut replaced = false;
    while i <= s.len() {
        if !replaced || all {
            let lens = prefix_match_lengths(pat, &s[i..], budget)?;
            if let Some(&n) = lens.last() {
                out.push_str(repl);
                replaced = true;
                if n > 0 {
                    i += n;
                    continue;
                }
            }
        }
        if i < s.len() {
            out.push(s[i]);
        }
        i += 1;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------

/// ARGs that BuildKit always defines from the build and target platforms.
/// Their values are unknown here unless passed as build args.
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

struct Eval<'a> {
    df: &'a Dockerfile,
    build_args: HashMap<&'a str, &'a str>,
    global: Env,
    /// Stage index by (lower-case) name, over all stages (last one wins).
    names: HashMap<&'a str, usize>,
    out: Vec<ContextSource>,
}

impl Dockerfile {
    /// All stages, in file order.
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// The escape character in effect (`\` unless `# escape=`` ` ``).
    pub fn escape(&self) -> char {
        self.escape
    }

    /// Context sources used when building `opts.target` (default: the last
    /// stage) with `opts.build_args`.
    pub fn context_sources(&self, opts: &Options) -> Result<Sources, DockerfileError> {
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
        for &a in PLATFORM_ARGS {
            match build_args.get(a) {
                Some(v) => global.set(a, v.to_string(), false),
                None => global.set(a, String::new(), true),
            }
        }
        let ts = match build_args.get("TARGETSTAGE") {
            Some(v) => v.to_string(),
            None if target_name.is_empty() => "default".to_string(),
            None => target_name,
        };
        global.set("TARGETSTAGE", ts, false);
        for cmd in &self.meta_args {
            if let CmdKind::Arg(args) = &cmd.kind {
                for (k, default) in args {
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
        };

        // Base stages: FROM <earlier stage name>, after global ARG expansion.
        let mut base_of: Vec<Option<usize>> = Vec::with_capacity(self.stages.len());
        let mut earlier: HashMap<&str, usize> = HashMap::new();
        for s in &self.stages {
            let e = expand(&s.base, self.escape, &ev.global).map_err(|m| syntax(s.line, m))?;
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
                .unwrap_or_default();
            for (cmd, trigger) in ev.stage_cmds(s.index, &base_of) {
                ev.dispatch(cmd, s.index, trigger, &mut env)?;
            }
            final_env[s.index] = Some(env);
        }

        let whole_context = ev.out.iter().any(|s| s.path.is_empty() && !s.unresolved);
        Ok(Sources {
            items: ev.out,
            whole_context,
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
                    }
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
                    self.out.push(ContextSource {
                        line,
                        instruction: format!("{prefix}{name}"),
                        stage,
                        raw: raw.clone(),
                        path: clean_rel(&e.text),
                        has_wildcard: contains_wildcards(&e.text),
                        unresolved: e.unresolved,
                        excludes: c.excludes.clone(),
                        parents: c.parents,
                    });
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

/// The raw `from=` of a `--mount` value, if any and non-empty.
fn mount_from(m: &str) -> Option<String> {
    csv_fields(m)
        .into_iter()
        .filter(|(k, _)| k == "from")
        .filter_map(|(_, v)| v)
        .next_back()
        .filter(|v| !v.is_empty())
}

/// `path.Join("/", p)` without the leading `/`: `""` is the context root.
fn clean_rel(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for comp in p.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    parts.join("/")
}

/// BuildKit's `containsWildcards`: `*`, `?` or `[` not escaped by `\`.
fn contains_wildcards(s: &str) -> bool {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '*' | '?' | '[' => return true,
            '\\' => {
                chars.next();
            }
            _ => {}
        }
    }
    false
}

/// A git repository reference (`git@host:repo`, `ssh://`, `git://`,
/// `http(s)://…/x.git`). `github.com/x/y` without a scheme is treated as a
/// local path, like BuildKit does for COPY/ADD.
fn is_git_source(s: &str) -> bool {
    if s.starts_with("./") || s.starts_with("../") || s.starts_with("github.com/") {
        return false;
    }
    let scheme_len = s
        .char_indices()
        .find(|(_, c)| !c.is_ascii_alphanumeric())
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    if scheme_len > 0 && s[scheme_len..].starts_with("://") {
        let scheme = s[..scheme_len].to_ascii_lowercase();
        let after = &s[scheme_len + 3..];
        return match scheme.as_str() {
            "ssh" | "git" => true,
            "http" | "https" => {
                let no_frag = after.split('#').next().unwrap_or("");
                let no_query = no_frag.split('?').next().unwrap_or("");
                match no_query.find('/') {
                    Some(p) => no_query[p..].ends_with(".git"),
                    None => false,
                }
            }
            _ => false,
        };
    }
    // scp-like: user@host:path
    let Some((user, rest)) = s.split_once('@') else {
        return false;
    };
    let Some((host, _)) = rest.split_once(':') else {
        return false;
    };
    !user.is_empty()
        && user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

fn is_http_source(s: &str) -> bool {
    (s.starts_with("http://") || s.starts_with("https://")) && !is_git_source(s)
}

// ---------------------------------------------------------------------------
// Matching context paths against sources
// ---------------------------------------------------------------------------

/// Whether the context path `path` is selected by the source `pattern` (a
/// cleaned [`ContextSource::path`]).
///
/// * `""` (the context root) selects everything.
/// * A source without wildcards selects itself and everything below it.
/// * A wildcard source is matched with Go `filepath.Match` rules (`*` and `?`
///   never match `/`, `[...]` classes with ranges and `^` negation, `\`
///   escapes) against the path and each of its ancestor directories, because
///   a matched directory is copied whole. A malformed pattern selects nothing.
///
/// Parent directories of a selected path are not reported as selected.
pub fn source_matches(pattern: &str, path: &str) -> bool {
    let path = clean_rel(path);
    let pattern = clean_rel(pattern);
    if pattern.is_empty() {
        return true;
    }
    if !contains_wildcards(&pattern) {
        return path == pattern
            || (path.len() > pattern.len()
                && path.starts_with(pattern.as_str())
                && path.as_bytes()[pattern.len()] == b'/');
    }
    let mut end = 0;
    let mut candidates = Vec::new();
    for comp in path.split('/') {
        end = if end == 0 {
            comp.len()
        } else {
            end + 1 + comp.len()
        };
        candidates.push(&path[..end]);
    }
    candidates.into_iter().any(|prefix| {
        crate::dockerignore::go_match(pattern.as_bytes(), prefix.as_bytes()).unwrap_or(false)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn srcs(text: &str) -> Sources {
        srcs_with(text, &[], None)
    }

    fn srcs_with(text: &str, args: &[(&str, &str)], target: Option<&str>) -> Sources {
        let df = parse(text).unwrap_or_else(|e| panic!("parse failed: {e}"));
        let opts = Options {
            build_args: args
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            target: target.map(str::to_string),
        };
        df.context_sources(&opts)
            .unwrap_or_else(|e| panic!("evaluation failed: {e}"))
    }

    fn paths(s: &Sources) -> Vec<&str> {
        s.items.iter().map(|i| i.path.as_str()).collect()
    }

    fn err(text: &str) -> DockerfileError {
        match parse(text) {
            Err(e) => e,
            Ok(df) => df
                .context_sources(&Options::default())
                .expect_err("expected an error"),
        }
    }

    #[test]
    fn simple_copy_and_add() {
        let s = srcs("FROM alpine\nCOPY src/ /app/src/\nADD ./conf/a.toml /etc/\n");
        assert_eq!(paths(&s), ["src", "conf/a.toml"]);
        assert_eq!(s.items[0].line, 2);
        assert_eq!(s.items[0].instruction, "COPY");
        assert_eq!(s.items[0].raw, "src/");
        assert_eq!(s.items[1].instruction, "ADD");
        assert!(!s.whole_context);
    }

    #[test]
    fn copy_dot_is_whole_context() {
        let s = srcs("FROM node:20\nWORKDIR /app\nCOPY . .\n");
        assert!(s.whole_context);
        assert_eq!(paths(&s), [""]);
        assert!(srcs("FROM x\nCOPY ./ /app\n").whole_context);
        assert!(srcs("FROM x\nCOPY ../../ /app\n").whole_context);
        assert!(srcs("FROM x\nCOPY / /app\n").whole_context);
    }

    #[test]
    fn multi_stage_from_and_target() {
        let text = "\
FROM golang:1.22 AS build
COPY go.mod go.sum ./
COPY cmd/ ./cmd/
RUN go build -o /out/app ./cmd

FROM build AS test
COPY testdata/ ./testdata/

FROM alpine AS final
COPY --from=build /out/app /usr/bin/app
COPY --from=0 /etc/ssl /etc/ssl
COPY README.md /
";
        let s = srcs(text);
        assert_eq!(paths(&s), ["go.mod", "go.sum", "cmd", "README.md"]);
        assert_eq!(s.items[3].stage, 2);
        let s = srcs_with(text, &[], Some("test"));
        assert_eq!(paths(&s), ["go.mod", "go.sum", "cmd", "testdata"]);
        let s = srcs_with(text, &[], Some("BUILD"));
        assert_eq!(paths(&s), ["go.mod", "go.sum", "cmd"]);
        match parse(text).unwrap().context_sources(&Options {
            target: Some("nope".into()),
            ..Options::default()
        }) {
            Err(DockerfileError::UnknownTarget { target, stages }) => {
                assert_eq!(target, "nope");
                assert_eq!(stages, ["build", "test", "final"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unreachable_stage_is_ignored() {
        let text = "FROM a AS docs\nCOPY docs/ /d\nFROM b\nCOPY app/ /app\n";
        assert_eq!(paths(&srcs(text)), ["app"]);
    }

    #[test]
    fn copy_from_index_and_external_image() {
        let text = "FROM a\nCOPY one /\nFROM b\nCOPY two /\nFROM c\nCOPY --from=1 /x /x\nCOPY --from=nginx:latest /etc/nginx /etc/nginx\n";
        assert_eq!(paths(&srcs(text)), ["two"]);
        let e = err("FROM a\nCOPY --from=5 /x /x\n");
        assert_eq!(e.to_string(), "line 2: invalid stage index 5");
        let e = err("FROM a AS one\nCOPY --from=two /x /x\nFROM b AS two\nCOPY --from=one /y /y\n");
        assert!(
            e.to_string()
                .contains("needs to be defined before current stage"),
            "{e}"
        );
        let e = err("FROM a\nARG S=x\nCOPY --from=$S /x /x\n");
        assert!(e
            .to_string()
            .contains("variable expansion is not supported for --from"));
    }

    #[test]
    fn arg_driven_paths_and_overrides() {
        let text = "ARG APP_DIR=services/api\nFROM python:3\nARG APP_DIR\nCOPY ${APP_DIR}/ ./\nCOPY $APP_DIR/requirements.txt /tmp/\n";
        let s = srcs(text);
        assert_eq!(paths(&s), ["services/api", "services/api/requirements.txt"]);
        assert!(!s.any_unresolved());
        let s = srcs_with(text, &[("APP_DIR", "services/web")], None);
        assert_eq!(paths(&s), ["services/web", "services/web/requirements.txt"]);
        // A global ARG that is not redeclared in the stage is invisible there.
        let s = srcs("ARG APP_DIR=svc\nFROM python:3\nCOPY ${APP_DIR}/ ./\n");
        assert!(s.items[0].unresolved);
        assert!(
            !s.whole_context,
            "an unresolved root must not claim the whole context"
        );
        // ARG with no value and no override.
        let s = srcs("FROM x\nARG DIR\nCOPY ${DIR}/src /src\n");
        assert!(s.items[0].unresolved);
        assert_eq!(s.items[0].path, "src");
        let s = srcs_with(
            "FROM x\nARG DIR\nCOPY ${DIR}/src /src\n",
            &[("DIR", "pkg")],
            None,
        );
        assert!(!s.items[0].unresolved);
        assert_eq!(s.items[0].path, "pkg/src");
        // Undeclared build args are not visible.
        let s = srcs_with("FROM x\nCOPY $NOPE/a /a\n", &[("NOPE", "z")], None);
        assert!(s.items[0].unresolved);
        // Later --build-arg wins.
        let s = srcs_with(
            "FROM x\nARG D=a\nCOPY $D /\n",
            &[("D", "b"), ("D", "c")],
            None,
        );
        assert_eq!(paths(&s), ["c"]);
    }

    #[test]
    fn global_arg_in_from_line() {
        let text = "ARG BASE=builder\nFROM alpine AS builder\nCOPY b /b\nFROM ${BASE}\nCOPY c /c\n";
        assert_eq!(paths(&srcs(text)), ["b", "c"]);
        let s = srcs_with(text, &[("BASE", "debian")], None);
        assert_eq!(paths(&s), ["c"]);
    }

    #[test]
    fn arg_default_overrides_global_and_env_order() {
        let text = "ARG V=global\nFROM x\nARG V=local\nENV D=/data E=$V\nCOPY $E$D /\n";
        assert_eq!(paths(&srcs(text)), ["local/data"]);
        // ENV expansion uses the values from before the instruction.
        let s = srcs("FROM x\nENV A=one\nENV A=two B=$A\nCOPY $B /\n");
        assert_eq!(paths(&s), ["one"]);
        // Legacy form, and JSON arguments are expanded too.
        let s = srcs("FROM x\nENV DIR my dir\nCOPY [\"$DIR\", \"/x\"]\n");
        assert_eq!(paths(&s), ["my dir"]);
        // Quoted ENV value.
        let s = srcs("FROM x\nENV P=\"a b\"\nCOPY [\"${P}\", \"/x\"]\n");
        assert_eq!(paths(&s), ["a b"]);
    }

    #[test]
    fn stages_inherit_env_and_args_from_parent_stage() {
        let text = "FROM x AS base\nARG APP=core\nENV CONF=etc\nFROM base\nCOPY $APP/$CONF /\n";
        assert_eq!(paths(&srcs(text)), ["core/etc"]);
    }

    #[test]
    fn substitution_forms() {
        let p = |expr: &str| {
            let s = srcs(&format!(
                "FROM x\nARG SET=val\nARG EMPTY=\nARG UNSET\nCOPY {expr} /\n"
            ));
            (s.items[0].path.clone(), s.items[0].unresolved)
        };
        assert_eq!(p("${SET:-d}"), ("val".into(), false));
        assert_eq!(p("${EMPTY:-d}"), ("d".into(), false));
        assert_eq!(p("${EMPTY-d}x"), ("x".into(), false));
        assert_eq!(p("${UNSET-d}"), ("d".into(), false));
        assert_eq!(p("${UNSET:-d}"), ("d".into(), false));
        assert_eq!(p("a${SET:+alt}"), ("aalt".into(), false));
        assert_eq!(p("a${EMPTY:+alt}"), ("a".into(), false));
        assert_eq!(p("a${EMPTY+alt}"), ("aalt".into(), false));
        assert_eq!(p("a${UNSET+alt}"), ("a".into(), true));
        assert_eq!(p("a/$UNSET"), ("a".into(), true));
        assert_eq!(p("\\$SET"), ("$SET".into(), false));
        assert_eq!(p("'$SET'"), ("$SET".into(), false));
        assert_eq!(p("\"$SET\""), ("val".into(), false));
        assert_eq!(p("${SET#v}"), ("al".into(), false));
        assert_eq!(p("${SET%l}"), ("va".into(), false));
        assert_eq!(p("${SET/a/o}"), ("vol".into(), false));
        assert_eq!(p("$"), ("$".into(), false));
        assert_eq!(p("${SET:-${UNSET:-z}}"), ("val".into(), false));
        assert_eq!(p("${EMPTY:-${UNSET:-z}}"), ("z".into(), false));
        let e = err("FROM x\nCOPY ${A /\n");
        assert!(e.to_string().contains("missing '}'"), "{e}");
        let e = err("FROM x\nCOPY ${:A} /\n");
        assert!(e.to_string().contains("bad substitution"), "{e}");
    }

    #[test]
    fn shell_pattern_trimming() {
        let mut b = usize::MAX;
        let pat = shell_pattern("*.").unwrap();
        assert_eq!(trim_prefix(&pat, "a.b.c", false, &mut b).unwrap(), "b.c");
        assert_eq!(trim_prefix(&pat, "a.b.c", true, &mut b).unwrap(), "c");
        let pat = shell_pattern(".*").unwrap();
        assert_eq!(trim_suffix(&pat, "a.b.c", false, &mut b).unwrap(), "a.b");
        assert_eq!(trim_suffix(&pat, "a.b.c", true, &mut b).unwrap(), "a");
        let pat = shell_pattern("o").unwrap();
        assert_eq!(
            replace_pattern(&pat, "foo", "0", true, &mut b).unwrap(),
            "f00"
        );
        assert_eq!(
            replace_pattern(&pat, "foo", "0", false, &mut b).unwrap(),
            "f0o"
        );
        assert!(shell_pattern("\\q").is_err());
    }

    #[test]
    fn platform_args_are_unresolved_unless_given() {
        let text = "FROM x\nARG TARGETARCH\nCOPY bin/${TARGETARCH}/app /app\n";
        let s = srcs(text);
        assert!(s.items[0].unresolved);
        let s = srcs_with(text, &[("TARGETARCH", "arm64")], None);
        assert_eq!(paths(&s), ["bin/arm64/app"]);
        assert!(!s.items[0].unresolved);
        // TARGETSTAGE is known.
        let s = srcs_with(
            "FROM x AS dev\nARG TARGETSTAGE\nCOPY conf/$TARGETSTAGE /c\nFROM x AS prod\n",
            &[],
            Some("dev"),
        );
        assert_eq!(paths(&s), ["conf/dev"]);
    }

    #[test]
    fn wildcards_and_prefix() {
        let s = srcs("FROM x\nCOPY src/*/lib/*.py pkg/[ab]?.txt *.json \\\\*lit /\n");
        let it = &s.items;
        assert!(it[0].has_wildcard && it[1].has_wildcard && it[2].has_wildcard);
        assert!(!it[3].has_wildcard);
        assert_eq!(it[3].path, "\\*lit");
        // The lexer removes a single escape: `\*x` is the wildcard `*x`.
        let s = srcs("FROM x\nCOPY \\*x /\n");
        assert!(s.items[0].has_wildcard);
        assert_eq!(it[0].source_prefix(), "src");
        assert_eq!(it[1].source_prefix(), "pkg");
        assert_eq!(it[2].source_prefix(), "");
        let s = srcs("FROM x\nCOPY a/b/c /\n");
        assert_eq!(s.items[0].source_prefix(), "a/b/c");
        assert!(s.items[0].matches("a/b/c/d"));
    }

    #[test]
    fn source_matching() {
        assert!(source_matches("", "anything/at/all"));
        assert!(source_matches("src", "src"));
        assert!(source_matches("src", "src/main.rs"));
        assert!(!source_matches("src", "srcx"));
        assert!(!source_matches("src/a", "src"));
        assert!(source_matches("*.txt", "a.txt"));
        assert!(!source_matches("*.txt", "d/a.txt"));
        assert!(
            source_matches("src*", "src/main.rs"),
            "a matched directory is copied whole"
        );
        assert!(source_matches("a?c", "abc"));
        assert!(!source_matches("a?c", "a/c"));
        assert!(source_matches("[a-c]x", "bx"));
        assert!(!source_matches("[^a-c]x", "bx"));
        assert!(source_matches("[^a-c]x", "dx"));
        assert!(source_matches("[!a]x", "!x"), "only ^ negates in Go");
        assert!(!source_matches("[!a]x", "bx"));
        assert!(source_matches("\\*x", "\\*x"), "no wildcard: literal");
        assert!(
            source_matches("a\\*[x]", "a*x"),
            "escape inside a wildcard pattern"
        );
        assert!(!source_matches("a\\*[x]", "abx"));
        assert!(!source_matches("[z-", "z"), "a bad pattern selects nothing");
        assert!(!source_matches("[]", "x"));
        assert!(source_matches("a*b*c", "aXbYc"));
        assert!(!source_matches("a*b", "a/b"));
        assert!(source_matches("*/*.go", "cmd/main.go"));
        assert!(source_matches("./src", "/src/x"));
        assert!(source_matches("*", "x/y/z"));
    }

    #[test]
    fn heredocs_are_not_sources() {
        let text = "\
FROM alpine
COPY <<EOF /etc/motd
hello
COPY not-a-source /x
EOF
COPY <<-EOT <<\"END\" /dir/
\tline
\tEOT
body
END
RUN <<SCRIPT
COPY fake /x
SCRIPT
COPY real /r
";
        let s = srcs(text);
        assert_eq!(paths(&s), ["real"]);
        assert_eq!(s.items[0].line, 14);
        // A heredoc mixed with a real source.
        let s = srcs("FROM x\nCOPY <<EOF real.txt /d/\nx\nEOF\n");
        assert_eq!(paths(&s), ["real.txt"]);
    }

    #[test]
    fn unterminated_heredoc() {
        let e = err("FROM a\nRUN <<EOF\necho hi\n");
        assert_eq!(e, DockerfileError::UnterminatedHeredoc { line: 2 });
        assert_eq!(e.to_string(), "line 2: unterminated heredoc");
        assert_eq!(e.line(), Some(2));
    }

    #[test]
    fn parents_and_excludes() {
        let s = srcs("FROM x\nCOPY --parents ./apps/./web/package.json /src/\nCOPY --exclude=*.md --exclude=docs/ . /app\n");
        assert!(s.items[0].parents);
        assert_eq!(s.items[0].path, "apps/web/package.json");
        assert_eq!(s.items[0].raw, "./apps/./web/package.json");
        assert_eq!(s.items[1].excludes, ["*.md", "docs/"]);
        assert!(s.whole_context);
    }

    #[test]
    fn bind_mounts() {
        let text = "\
FROM x AS deps
FROM golang
RUN --mount=type=bind,source=go.mod,target=go.mod \\
    --mount=type=bind,src=internal,target=/src/internal \\
    --mount=type=cache,target=/root/.cache \\
    --mount=type=bind,from=deps,source=/x,target=/y \\
    --mount=type=secret,id=tok \\
    go build
";
        let s = srcs(text);
        assert_eq!(paths(&s), ["go.mod", "internal"]);
        assert_eq!(s.items[0].instruction, "RUN --mount");
        assert_eq!(s.items[0].line, 3);
        // Default type is bind, default source is the context root.
        assert!(srcs("FROM x\nRUN --mount=target=/ctx ls /ctx\n").whole_context);
        // ARG in the mount source.
        let s = srcs("FROM x\nARG D=tools\nRUN --mount=type=bind,source=$D,target=/t true\n");
        assert_eq!(paths(&s), ["tools"]);
        // tmpfs quirk: BuildKit records the root.
        let s = srcs("FROM x\nRUN --mount=type=tmpfs,target=/tmp true\n");
        assert_eq!(s.items[0].instruction, "RUN --mount=type=tmpfs");
        assert!(s.whole_context);
        // from= makes the stage reachable.
        let s = srcs("FROM x AS a\nCOPY gen /gen\nFROM y\nRUN --mount=from=a,target=/a true\n");
        assert_eq!(paths(&s), ["gen"]);
        let e = err("FROM x\nRUN --mount=type=bogus,target=/a true\n");
        assert!(e.to_string().contains("unsupported mount type"), "{e}");
        let e = err("FROM x\nARG S=a\nRUN --mount=from=$S,target=/a true\n");
        assert!(e.to_string().contains("doesn't support variable expansion"));
    }

    #[test]
    fn remote_add_sources() {
        let text = "\
FROM x
ADD https://example.com/file.tar.gz /tmp/
ADD http://example.com/x /tmp/
ADD git@github.com:moby/buildkit.git /src
ADD https://github.com/moby/buildkit.git#v0.13 /bk
ADD git://example.com/repo /r
ADD --keep-git-dir=true --checksum=sha256:abc ssh://git@example.com/r.git /r
ADD local.tar.gz /
ADD github.com/foo/bar /gh
";
        assert_eq!(paths(&srcs(text)), ["local.tar.gz", "github.com/foo/bar"]);
        let e = err("FROM x\nCOPY https://example.com/a /a\n");
        assert_eq!(e.to_string(), "line 2: source can't be a URL for COPY");
        let e = err("FROM x\nCOPY git@github.com:a/b.git /a\n");
        assert_eq!(e.to_string(), "line 2: source can't be a git ref for COPY");
        // A URL from an ARG is still a URL.
        let s = srcs("FROM x\nARG U=https://example.com/a.tgz\nADD $U /\n");
        assert!(s.items.is_empty());
    }

    #[test]
    fn monorepo_subdirectories() {
        let text = "\
# syntax=docker/dockerfile:1
FROM node:20 AS web
WORKDIR /repo
COPY package.json pnpm-lock.yaml ./
COPY packages/ui/ packages/ui/
COPY apps/web/ apps/web/
FROM node:20 AS api
COPY apps/api/ /api/
";
        let s = srcs_with(text, &[], Some("web"));
        assert_eq!(
            paths(&s),
            ["package.json", "pnpm-lock.yaml", "packages/ui", "apps/web"]
        );
        assert!(s.selects("apps/web/src/index.ts"));
        assert!(!s.selects("apps/api/main.go"));
    }

    #[test]
    fn escape_directive_backtick() {
        let text = "# escape=`\nFROM mcr.microsoft.com/windows\nCOPY app\\bin `\n     C:\\app\\\nCOPY `$notvar /x\n";
        let df = parse(text).unwrap();
        assert_eq!(df.escape(), '`');
        let s = df.context_sources(&Options::default()).unwrap();
        assert_eq!(s.items[0].raw, "app\\bin");
        assert_eq!(s.items[0].line, 3);
        assert_eq!(s.items[1].path, "$notvar");
        assert_eq!(s.items[1].line, 5);
        let e = parse("# escape=x\nFROM a\n").unwrap_err();
        assert!(e.to_string().contains("invalid escape token"));
        // A directive after an instruction is just a comment.
        let df = parse("FROM a\n# escape=`\nCOPY a\\\n b /\n").unwrap();
        assert_eq!(df.escape(), '\\');
        // A blank line ends the directive block.
        let df = parse("\n# escape=`\nFROM a\n").unwrap();
        assert_eq!(df.escape(), '\\');
    }

    #[test]
    fn continuation_with_comments_and_blank_lines() {
        let text =
            "FROM x\nCOPY \\\n  # a comment inside\n  a.txt \\\n\n  b.txt \\\n  /dst/\nCOPY c /\n";
        let s = srcs(text);
        assert_eq!(paths(&s), ["a.txt", "b.txt", "c"]);
        assert_eq!(s.items[0].line, 2);
        assert_eq!(s.items[2].line, 8);
        // Continuation at EOF.
        let s = srcs("FROM x\nCOPY a /x \\");
        assert_eq!(paths(&s), ["a"]);
        // An escaped escape is not a continuation.
        let df = parse("FROM x\nRUN echo \\\\\nCOPY a /\n").unwrap();
        assert_eq!(df.stages()[0].cmds.len(), 2);
    }

    #[test]
    fn json_form() {
        let s = srcs("FROM x\nCOPY [\"my file.txt\", \"other dir/\", \"/dst/\"]\n");
        assert_eq!(paths(&s), ["my file.txt", "other dir"]);
        let s = srcs("FROM x\nCOPY --chown=1:1 [\"a\\u0062c\", \"/d\"]\n");
        assert_eq!(paths(&s), ["abc"]);
        let e = err("FROM x\nCOPY [\"a\", 1]\n");
        assert_eq!(e, DockerfileError::BadJsonArray { line: 2 });
        // Invalid JSON falls back to the shell form, like BuildKit.
        let s = srcs("FROM x\nCOPY [\"a\" /b\n");
        assert_eq!(paths(&s), ["[a"]);
        let e = err("FROM x\nCOPY [\"a b\" /c\n");
        assert!(e.to_string().contains("double-quote"), "{e}");
        let s = srcs("FROM x\nCOPY [a, b] /c\n");
        assert_eq!(paths(&s), ["[a,", "b]"]);
    }

    #[test]
    fn flag_errors() {
        let e = err("FROM x\nCOPY --frm=a b /c\n");
        assert_eq!(e.to_string(), "line 2: unknown flag: --frm");
        let e = err("FROM x\nADD --from=a b /c\n");
        assert!(matches!(e, DockerfileError::UnknownFlag { .. }));
        let e = err("FROM x\nCOPY --link=maybe a /b\n");
        assert!(e.to_string().contains("expecting boolean value"));
        let e = err("FROM x\nCOPY --chown a /b\n");
        assert!(e.to_string().contains("missing a value on flag: --chown"));
        let e = err("FROM x\nCOPY --from=a --from=b a /b\n");
        assert!(e.to_string().contains("duplicate flag specified: --from"));
        let s =
            srcs("FROM --platform=$BUILDPLATFORM x\nCOPY --link --chmod=755 --chown=a:b a /b\n");
        assert_eq!(paths(&s), ["a"]);
        let s = srcs("FROM x\nCOPY -- --weird /b\n");
        assert_eq!(paths(&s), ["--weird"]);
    }

    #[test]
    fn structural_errors() {
        assert_eq!(
            err("COPY a /b\n"),
            DockerfileError::NoBuildStage {
                line: 1,
                instruction: "COPY".into()
            }
        );
        let e = err("FROM x\nCOPY onlyone\n");
        assert_eq!(e.to_string(), "line 2: COPY requires at least two arguments, but only one was provided. Destination could not be determined");
        assert_eq!(err(""), DockerfileError::NoInstructions);
        assert_eq!(
            err("# only\n   # comments\n\n"),
            DockerfileError::NoInstructions
        );
        assert!(matches!(
            err("FROM x\nCOPPY a b\n"),
            DockerfileError::UnknownInstruction { line: 2, .. }
        ));
        assert!(err("FROM a b\n")
            .to_string()
            .contains("one or three arguments"));
        assert!(err("FROM a AS 1bad\n")
            .to_string()
            .contains("invalid name for build stage"));
        assert!(err("ARG A=1\n").to_string().contains("no stages to build"));
    }

    #[test]
    fn onbuild_triggers_run_in_child_stages() {
        let text =
            "FROM x AS base\nONBUILD COPY hooks/ /hooks/\nCOPY base.txt /\nFROM base\nCOPY app /\n";
        let s = srcs(text);
        assert_eq!(paths(&s), ["base.txt", "hooks", "app"]);
        assert_eq!(s.items[1].instruction, "ONBUILD COPY");
        assert_eq!(s.items[1].stage, 1);
        assert_eq!(s.items[1].line, 2);
        // Not applied when the stage itself is the target.
        let s = srcs_with(text, &[], Some("base"));
        assert_eq!(paths(&s), ["base.txt"]);
    }

    #[test]
    fn case_insensitive_keywords_and_bom() {
        let s = srcs("\u{feff}from x as Build\ncopy a /\nFROM build\nCopy b /\n");
        assert_eq!(paths(&s), ["a", "b"]);
    }

    #[test]
    fn crlf_line_endings() {
        let s = srcs("FROM x\r\nCOPY a \\\r\n  b /c\r\n");
        assert_eq!(paths(&s), ["a", "b"]);
    }

    #[test]
    fn odd_input_never_panics() {
        let long = format!("FROM x\nCOPY {} /\n", "a".repeat(70 * 1024));
        assert_eq!(srcs(&long).items[0].path.len(), 70 * 1024);
        let nested = format!(
            "FROM x\nCOPY {}a{} /\n",
            "${A:-".repeat(5000),
            "}".repeat(5000)
        );
        assert!(err(&nested).to_string().contains("nested"));
        let deep_json = format!("FROM x\nCOPY {}\n", "[".repeat(10_000));
        let _ = parse(&deep_json).and_then(|d| d.context_sources(&Options::default()));
        let pat = format!("FROM x\nARG V={}\nCOPY ${{V//a*b/x}} /\n", "a".repeat(3000));
        let _ = parse(&pat).and_then(|d| d.context_sources(&Options::default()));
        let inputs = [
            "\\",
            "`",
            "#",
            "FROM",
            "FROM x\nCOPY",
            "FROM x\nCOPY \\",
            "FROM x\nRUN <<",
            "FROM x\nCOPY <<EOF",
            "FROM x\nCOPY ${",
            "FROM x\nCOPY $'",
            "FROM x\nCOPY \"a /b",
            "FROM x\nCOPY [\"\\ud800\", \"/x\"]",
            "FROM x\nONBUILD",
            "FROM x\nONBUILD ONBUILD RUN x",
            "FROM x\nRUN --mount=type=bind,src=\"a,b\",target=/x true",
            "FROM x\nCOPY ${A/\\q/x} /",
            "FROM x\nCOPY ${A:x} /",
            "FROM x\nCOPY [z- /",
            "\u{0}\u{1}",
            "FROM x\nCOPY é/ü [é-ü] /",
            "FROM x\nENV",
            "FROM x\nENV a",
            "FROM x\nARG =x",
            "FROM x\nCOPY --from= a /b",
            "FROM x\nCOPY --from=99999999999999999999 a /b",
            "FROM x\nCOPY ${A:",
            "FROM x\nCOPY ${A/",
            "FROM x\nCOPY ${A//x",
            "FROM x\nRUN --mount=,,, x",
            "FROM x\nCOPY <<\"EOF /x\nEOF\n",
            "# escape=`\nFROM x\nCOPY a`",
        ];
        for s in inputs {
            let _ = parse(s).and_then(|d| d.context_sources(&Options::default()));
            for t in [Some("x"), None] {
                let _ = parse(s).and_then(|d| {
                    d.context_sources(&Options {
                        target: t.map(str::to_string),
                        ..Options::default()
                    })
                });
            }
        }
    }

    #[test]
    fn directives_are_recognised() {
        let df =
            parse("# syntax=docker/dockerfile:1\n# check=skip=all\n# escape=`\nFROM x\n").unwrap();
        assert_eq!(df.escape(), '`');
        let e = parse("# escape=`\n# escape=\\\nFROM x\n").unwrap_err();
        assert!(e.to_string().contains("only one escape parser directive"));
    }

    #[test]
    fn stage_metadata() {
        let df =
            parse("ARG V=1\nFROM --platform=linux/amd64 alpine:$V AS One\nFROM one\n").unwrap();
        let st = df.stages();
        assert_eq!(st.len(), 2);
        assert_eq!(st[0].name.as_deref(), Some("one"));
        assert_eq!(st[0].platform.as_deref(), Some("linux/amd64"));
        assert_eq!(st[0].base, "alpine:$V");
        assert_eq!(st[1].line, 3);
    }
}
