//! Evaluation: stages, `--target` reachability, ARG/ENV scoping, build args,
//! ONBUILD triggers.

use super::*;

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
fn platform_args_take_the_native_platform_unless_given() {
    let text = "FROM x\nARG TARGETARCH\nCOPY bin/${TARGETARCH}/app /app\n";
    let s = srcs(text);
    assert!(!s.items[0].unresolved);
    let host = crate::dockerfile::host_platform();
    let arch = host.split('/').nth(1).unwrap();
    assert_eq!(paths(&s), [format!("bin/{arch}/app")]);
    let s = srcs(
        "FROM x\nARG TARGETPLATFORM\nARG TARGETOS\nCOPY out/$TARGETPLATFORM/${TARGETOS}.bin /\n",
    );
    assert_eq!(paths(&s), [format!("out/{host}/linux.bin")]);
    // Another platform's values, as `docker buildx build --platform` gives them.
    let args = crate::dockerfile::platform_args("linux/arm/v7", "linux/amd64");
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let s = srcs_with(
        "FROM x\nARG TARGETARCH\nARG TARGETVARIANT\nARG BUILDARCH\nCOPY b/${TARGETARCH}${TARGETVARIANT}-$BUILDARCH /\n",
        &args,
        None,
    );
    assert_eq!(paths(&s), ["b/armv7-amd64"]);
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
