//! Typed conversion: raw instructions to stages and typed commands, with
//! BuildKit's builder-flag rules and the `ARG`/`ENV`/`COPY`/`ADD`/`RUN`/
//! `ONBUILD` argument forms.

use std::collections::HashMap;

use super::json::{parse_json_array, JsonArray};
use super::model::{syntax, Cmd, CmdKind, CopyCmd, Dockerfile, DockerfileError, Stage};
use super::parse::{is_hspace, parse_heredoc, split_command, RawInstr, ReadInstr};
use super::sources::csv_fields;

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

pub(super) fn build_stages(
    instrs: Vec<ReadInstr>,
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
