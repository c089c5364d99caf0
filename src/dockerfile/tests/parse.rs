//! Reading the text: directives, continuations, comments, heredocs, flags,
//! keywords and the structural errors.

use super::*;

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
    let s = srcs("FROM --platform=$BUILDPLATFORM x\nCOPY --link --chmod=755 --chown=a:b a /b\n");
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
fn directives_are_recognised() {
    let df = parse("# syntax=docker/dockerfile:1\n# check=skip=all\n# escape=`\nFROM x\n").unwrap();
    assert_eq!(df.escape(), '`');
    let e = parse("# escape=`\n# escape=\\\nFROM x\n").unwrap_err();
    assert!(e.to_string().contains("only one escape parser directive"));
}

#[test]
fn stage_metadata() {
    let df = parse("ARG V=1\nFROM --platform=linux/amd64 alpine:$V AS One\nFROM one\n").unwrap();
    let st = df.stages();
    assert_eq!(st.len(), 2);
    assert_eq!(st[0].name.as_deref(), Some("one"));
    assert_eq!(st[0].platform.as_deref(), Some("linux/amd64"));
    assert_eq!(st[0].base, "alpine:$V");
    assert_eq!(st[1].line, 3);
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
