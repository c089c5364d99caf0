//! Expectations from docker/buildx `bake/bake.go` and its docs (docs/bake-reference.md):
//! default group, groups, inherits, variables with environment overrides, path resolution.

use super::*;

fn no_env(_: &str) -> Option<String> {
    None
}

const THREE: &str = r#"
variable "TAG" { default = "dev" }
variable "APP_DIR" { default = "services/${TAG}" }
group "default" { targets = ["api", "web", "worker"] }
target "_common" {
  args = { NODE_VERSION = "20", MODE = "prod" }
}
target "api" {
  inherits = ["_common"]
  dockerfile = "docker/api.Dockerfile"
  target = "runtime"
  args = { MODE = "api-${TAG}" }
  tags = [timestamp()]
}
target "web" {
  inherits = ["_common"]
  context = "./"
  contexts = { assets = "./assets", base = "docker-image://alpine:3.20" }
}
target "worker" {
  context = "${APP_DIR}"
  dockerfile-inline = "FROM alpine\nCOPY . /w\n"
}
"#;

#[test]
fn default_group_expands_in_order_with_inherits() {
    let def = parse_hcl(THREE, "docker-bake.hcl", &no_env).unwrap();
    let ts = resolve(&def, &[]).unwrap();
    let names: Vec<&str> = ts.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["api", "web", "worker"]);
    let api = &ts[0].1;
    // The parent's args first, the target's own win key by key (Target.Merge).
    assert_eq!(api.args["NODE_VERSION"].as_deref(), Some("20"));
    assert_eq!(api.args["MODE"].as_deref(), Some("api-dev"));
    assert_eq!(api.target.as_deref(), Some("runtime"));
    // A function ctxsize does not know, in a field that does not decide what is sent: no harm.
    assert!(api.unsupported.is_none());
    assert_eq!(ts[2].1.context.as_deref(), Some("services/dev"));
}

#[test]
fn environment_overrides_a_variable_default() {
    let env = |k: &str| (k == "TAG").then(|| "v2".to_string());
    let def = parse_hcl(THREE, "f", &env).unwrap();
    let ts = resolve(&def, &["worker".into()]).unwrap();
    assert_eq!(ts.len(), 1);
    assert_eq!(ts[0].1.context.as_deref(), Some("services/v2"));
}

#[test]
fn builds_resolve_paths_as_buildx_does() {
    let def = parse_hcl(THREE, "f", &no_env).unwrap();
    let ts = resolve(&def, &[]).unwrap();
    let cwd = Path::new("/repo");
    let b = builds(&ts, cwd);
    assert!(b.notes.is_empty(), "{:?}", b.notes);
    // context defaults to "."; dockerfile is joined to the context (toBuildOpt).
    assert_eq!(b.builds[0].context, Path::new("/repo"));
    assert_eq!(
        b.builds[0].dockerfile.as_deref(),
        Some(Path::new("/repo/docker/api.Dockerfile"))
    );
    assert!(b.builds[0].args.contains(&"MODE=api-dev".to_string()));
    // Named contexts: local ones relative to the current directory; images listed as such.
    let web = &b.builds[1];
    let assets = web
        .additional_contexts
        .iter()
        .find(|n| n.name == "assets")
        .unwrap();
    assert_eq!(assets.source, "/repo/assets");
    assert_eq!(assets.kind, crate::compose::NamedKind::Local);
    let base = web
        .additional_contexts
        .iter()
        .find(|n| n.name == "base")
        .unwrap();
    assert_eq!(base.kind, crate::compose::NamedKind::Image);
    // dockerfile-inline: the text, and `-` as the Dockerfile.
    assert_eq!(b.builds[2].dockerfile.as_deref(), Some(Path::new("-")));
    assert_eq!(b.builds[2].context, Path::new("/repo/services/dev"));
    assert!(b.builds[2].inline.as_deref().unwrap().contains("COPY . /w"));
}

#[test]
fn missing_target_and_cycles_are_errors() {
    let def = parse_hcl(
        r#"target "a" { inherits = ["b"] }
target "b" { inherits = ["a"] }
group "g" { targets = ["g2"] }
group "g2" { targets = ["g"] }"#,
        "f",
        &no_env,
    )
    .unwrap();
    assert!(resolve(&def, &["nope".into()])
        .unwrap_err()
        .contains("nope"));
    assert!(resolve(&def, &["a".into()])
        .unwrap_err()
        .contains("inherits from itself"));
    assert!(resolve(&def, &["g".into()])
        .unwrap_err()
        .contains("includes itself"));
    // No `default` group or target: buildx fails the same way.
    assert!(resolve(&def, &[]).unwrap_err().contains("default"));
}

#[test]
fn a_later_file_overrides_field_by_field() {
    let mut def = parse_hcl(
        r#"target "app" {
  context = "a"
  args = { X = "1", Y = "2" }
}"#,
        "f1",
        &no_env,
    )
    .unwrap();
    def.merge(parse_hcl("target \"app\" {\n  args = { Y = \"3\" }\n}", "f2", &no_env).unwrap());
    let ts = resolve(&def, &["app".into()]).unwrap();
    assert_eq!(ts[0].1.context.as_deref(), Some("a"));
    assert_eq!(ts[0].1.args["X"].as_deref(), Some("1"));
    assert_eq!(ts[0].1.args["Y"].as_deref(), Some("3"));
}

#[test]
fn json_bake_files_interpolate_variables() {
    let text = r#"{
      "variable": {"DIR": {"default": "app"}},
      "group": {"default": {"targets": ["one", "two"]}},
      "target": {
        "one": {"context": "${DIR}", "args": {"A": "x", "B": null}},
        "two": {"inherits": ["one"], "dockerfile": "Dockerfile.two"}
      }
    }"#;
    let def = parse_json(text, "docker-bake.json", &no_env).unwrap();
    let ts = resolve(&def, &[]).unwrap();
    assert_eq!(ts[0].1.context.as_deref(), Some("app"));
    assert_eq!(ts[0].1.args["B"], None);
    assert_eq!(ts[1].1.context.as_deref(), Some("app"));
    let b = builds(&ts, Path::new("/w"));
    // A null arg is passed as `--build-arg B` (its value from the environment).
    assert!(b.builds[0].args.contains(&"B".to_string()));
    assert_eq!(
        b.builds[1].dockerfile.as_deref(),
        Some(Path::new("/w/app/Dockerfile.two"))
    );
}

#[test]
fn remote_contexts_and_unknown_functions_become_notes() {
    let def = parse_hcl(
        r#"group "default" {
  targets = ["f", "r"]
}
target "f" {
  dockerfile = nosuchfunction("x")
}
target "r" {
  context = "https://github.com/docker/buildx.git"
}"#,
        "f",
        &no_env,
    )
    .unwrap();
    let ts = resolve(&def, &[]).unwrap();
    let b = builds(&ts, Path::new("/w"));
    assert!(b.builds.is_empty());
    assert_eq!(b.notes.len(), 2, "{:?}", b.notes);
    assert!(
        b.notes[0].contains("target f: not analysed"),
        "{:?}",
        b.notes
    );
    assert!(b.notes[1].contains("remote context"));
}

/// buildx bake/hcl_test.go TestHCLMatrixMultipleKeys and TestHCLMatrixMaps.
#[test]
fn matrix_targets_expand_to_one_per_combination() {
    let def = parse_hcl(
        r#"target "default" {
  matrix = {
    foo = ["a"]
    bar = ["b", "c"]
    baz = ["d", "e", "f"]
  }
  name = "${foo}-${bar}-${baz}"
  dockerfile = "${bar}.Dockerfile"
}
target "m" {
  matrix = {
    aa = [{ foo = "aa", bar = "bb" }, { foo = "cc", bar = "dd" }]
  }
  name = aa.foo
  args = { target = "val${aa.bar}" }
}
target "h" {
  matrix = { df = ["Dockerfile"] }
  name = "v-${md5(df)}-${sanitize("a/b.c")}"
}"#,
        "f",
        &no_env,
    )
    .unwrap();
    let ts = resolve(&def, &[]).unwrap();
    let names: Vec<&str> = ts.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["a-b-d", "a-b-e", "a-b-f", "a-c-d", "a-c-e", "a-c-f"]
    );
    assert_eq!(ts[3].1.dockerfile.as_deref(), Some("c.Dockerfile"));
    let m = resolve(&def, &["m".into()]).unwrap();
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].0, "aa");
    assert_eq!(m[1].1.args["target"].as_deref(), Some("valdd"));
    let h = resolve(&def, &["h".into()]).unwrap();
    // md5("Dockerfile"), as `printf Dockerfile | md5sum` prints it.
    assert_eq!(h[0].0, "v-3254677a7917c6c01f55212f86c57fbf-a_b_c");
}

#[test]
fn compose_services_are_targets_of_the_default_group() {
    let c = crate::compose::parse(
        "services:\n  a:\n    build: ./a\n  b:\n    build:\n      context: ./b\n      args:\n        K: v\n",
        Path::new("/p"),
        &no_env,
    )
    .unwrap();
    let def = from_compose(&c);
    let ts = resolve(&def, &[]).unwrap();
    let b = builds(&ts, Path::new("/elsewhere"));
    assert_eq!(b.builds.len(), 2);
    // Compose paths are relative to the Compose file and already absolute here.
    assert_eq!(b.builds[0].context, Path::new("/p/a"));
    assert_eq!(b.builds[1].args, vec!["K=v".to_string()]);
}

#[test]
fn bad_hcl_is_an_error_not_a_panic() {
    assert!(parse_hcl("target \"x\" {", "f", &no_env).is_err());
    assert!(parse_json("{", "f", &no_env).is_err());
    assert!(parse_hcl("", "f", &no_env).unwrap().targets.is_empty());
}

/// A `target:NAME` context makes bake build NAME as well (buildx `loadLinks`), so its context
/// is sent: asking for `tests` resolves `binaries` too, through `inherits`, once.
#[test]
fn a_linked_target_is_built_too() {
    let def = parse_hcl(
        r#"target "_common" { context = "./bin" }
target "binaries" { inherits = ["_common"] }
target "tests" {
  contexts = { binaries = "target:binaries", again = "target:binaries" }
}
target "self" { contexts = { me = "target:self" } }
target "dangling" { contexts = { x = "target:nope" } }"#,
        "f",
        &no_env,
    )
    .unwrap();
    let ts = resolve(&def, &["tests".into()]).unwrap();
    let names: Vec<&str> = ts.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["tests", "binaries"]);
    assert_eq!(ts[1].1.context.as_deref(), Some("./bin"));
    // Asked for as well: still once.
    let ts = resolve(&def, &["binaries".into(), "tests".into()]).unwrap();
    assert_eq!(ts.len(), 2);
    assert!(resolve(&def, &["self".into()])
        .unwrap_err()
        .contains("cannot link to itself"));
    assert!(resolve(&def, &["dangling".into()])
        .unwrap_err()
        .contains("nope"));
}

/// A `for` expression over `regexall`, and `split`, `concat`, `length`, `compact`, `contains`,
/// `regex` with groups, as bake files compute a tag or a context path (a branch name made safe
/// for a tag): evaluated, so the context is the one buildx builds. A default that still cannot be
/// evaluated is a note naming why and what ctxsize assumed.
#[test]
fn for_expressions_and_collection_functions_are_evaluated() {
    let def = parse_hcl(
        r#"variable "BRANCH" { default = "Feature/ABC_12" }
variable "SAFE" { default = join("-", [for c in regexall("[a-z0-9]+", lower(BRANCH)) : c]) }
variable "SERVICES" { default = "a,b" }
variable "FIRST" { default = split(",", SERVICES)[0] }
variable "CTX" {
  default = length(concat(split(",", SERVICES), ["c"])) == 3 ? "svc/${FIRST}" : "wrong"
}
variable "PARTS" { default = regex("^(?P<kind>[a-z]+)/(?P<rest>.*)$", lower(BRANCH)) }
variable "BAD" { default = nosuch(1) }
target "default" {
  context = CTX
  args = {
    SAFE = SAFE
    UP = upper(trimprefix(BRANCH, "Feature/"))
    NE = notequal(SAFE, "") ? "y" : "n"
    KIND = PARTS.kind
    N = length(compact(["", "x", "y"]))
    HAS = contains(split(",", SERVICES), "b") ? "yes" : "no"
    GROUPS = join("+", regexall("([a-z])([0-9])", "a1b2")[1])
  }
}"#,
        "docker-bake.hcl",
        &no_env,
    )
    .unwrap();
    let ts = resolve(&def, &[]).unwrap();
    let t = &ts[0].1;
    assert!(t.unsupported.is_none(), "{:?}", t.unsupported);
    assert_eq!(t.context.as_deref(), Some("svc/a"));
    let arg = |k: &str| t.args[k].as_deref().unwrap_or_default().to_string();
    assert_eq!(arg("SAFE"), "feature-abc-12");
    assert_eq!(arg("UP"), "ABC_12");
    assert_eq!(arg("NE"), "y");
    assert_eq!(arg("KIND"), "feature");
    assert_eq!(arg("N"), "2");
    assert_eq!(arg("HAS"), "yes");
    assert_eq!(arg("GROUPS"), "b+2");
    assert_eq!(def.notes.len(), 1, "{:?}", def.notes);
    assert!(
        def.notes[0].contains("variable BAD")
            && def.notes[0].contains("nosuch")
            && def.notes[0].contains("taken as empty"),
        "{:?}",
        def.notes
    );
}

/// The shape of Alfresco's bakery: user-defined functions called from variable defaults and
/// from a group's `targets`, `can(regex(…))` in a conditional, set functions, and a label
/// variable stamped with `formatdate(…, timestamp())`.
const FUNCS: &str = r#"
variable "ACS_VERSION" {}
variable "CREATED" { default = formatdate("YYYY'-'MM'-'DD", timestamp()) }
function "pick_java" {
  params = [v]
  result = (
    can(regex("^7", v)) ? "17" :
    can(regex("^(23|25)", v)) ? "17" :
    "21"
  )
}
variable "JAVA" { default = pick_java(ACS_VERSION) }
function "drop_if" {
  params = [versions, all, skip]
  result = sethaselement(versions, "${ACS_VERSION}") ? setsubtract(all, skip) : all
}
function "twice" {
  params = [x]
  variadic_param = more
  result = "${x}${x}${join("", more)}"
}
function "loop" {
  params = [x]
  result = loop(x)
}
group "default" { targets = drop_if(["74"], ["repo", "share", "audit"], ["audit"]) }
target "repo" {
  context = "java${JAVA}"
  args = { N = "${add(1, 2)}", T = try(nope.x, "fallback"), W = twice("a", "b", "c") }
}
target "share" { context = format("share-%s-%d", lower("X"), 3) }
target "audit" { context = loop("x") }
"#;

#[test]
fn user_functions_can_try_and_set_functions_are_evaluated() {
    let def = parse_hcl(FUNCS, "f", &no_env).unwrap();
    // No note for CREATED: its default evaluates now.
    assert!(
        def.notes.iter().all(|n| !n.contains("CREATED")),
        "{:?}",
        def.notes
    );
    let ts = resolve(&def, &[]).unwrap();
    let names: Vec<&str> = ts.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["repo", "share", "audit"]);
    let repo = &ts[0].1;
    assert_eq!(repo.context.as_deref(), Some("java21"));
    assert_eq!(repo.args["N"].as_deref(), Some("3"));
    assert_eq!(repo.args["T"].as_deref(), Some("fallback"));
    assert_eq!(repo.args["W"].as_deref(), Some("aabc"));
    assert_eq!(ts[1].1.context.as_deref(), Some("share-x-3"));
    // A function calling itself fails as a note on its target, not a hang or a crash.
    assert!(ts[2].1.unsupported.is_some());

    // ACS_VERSION=74: the group drops `audit`, and Java 17 is picked.
    let env = |k: &str| (k == "ACS_VERSION").then(|| "74".to_string());
    let def = parse_hcl(FUNCS, "f", &env).unwrap();
    let ts = resolve(&def, &[]).unwrap();
    let names: Vec<&str> = ts.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["repo", "share"]);
    assert_eq!(ts[0].1.context.as_deref(), Some("java17"));
}

#[test]
fn a_function_block_without_result_is_a_note() {
    let def = parse_hcl(
        "function \"f\" {\n  params = [x]\n}\ntarget \"default\" { context = f(1) }\n",
        "f.hcl",
        &no_env,
    )
    .unwrap();
    assert!(
        def.notes.iter().any(|n| n.contains("function f")),
        "{:?}",
        def.notes
    );
    let ts = resolve(&def, &[]).unwrap();
    assert!(ts[0].1.unsupported.is_some());
}

#[test]
fn standard_library_functions_give_go_cty_results() {
    let context_of = |expr: &str| -> Option<String> {
        let text = format!("target \"default\" {{ context = {expr} }}\n");
        let def = parse_hcl(&text, "f", &no_env).unwrap();
        let ts = resolve(&def, &[]).unwrap();
        ts[0].1.context.clone()
    };
    let cases = [
        (r#"basename("a/b/c.txt")"#, "c.txt"),
        (r#"dirname("a/b/c.txt")"#, "a/b"),
        (r#"dirname("c.txt")"#, "."),
        (r#"substr("hello", 1, 3)"#, "ell"),
        (r#"substr("hello", -3, -1)"#, "llo"),
        (r#"title("hello world")"#, "Hello World"),
        (r#"chomp("x\n\n")"#, "x"),
        (r#"trim("--x--", "-")"#, "x"),
        (r#"strrev("abc")"#, "cba"),
        (r#"regex_replace("a1b22", "[0-9]+", "_")"#, "a_b_"),
        (
            r#"join(",", setintersection(["a", "b", "c"], ["c", "a"]))"#,
            "a,c",
        ),
        (r#"join(",", setunion(["a", "b"], ["b", "c"]))"#, "a,b,c"),
        (
            r#"join(",", distinct(flatten([["a"], ["a", ["b"]]])))"#,
            "a,b",
        ),
        (r#"join(",", reverse(sort(["b", "c", "a"])))"#, "c,b,a"),
        (r#"join(",", slice(["a", "b", "c"], 1, 3))"#, "b,c"),
        (r#"element(["a", "b"], 3)"#, "b"),
        (r#"lookup({ a = "x" }, "b", "dflt")"#, "dflt"),
        (r#"join(",", keys(merge({ b = 1 }, { a = 2 })))"#, "a,b"),
        (r#"format("%s-%d%%", "v", max(1, 7, 3))"#, "v-7%"),
        (r#"not(greaterthan(1, 2)) ? "yes" : "no""#, "yes"),
        (r#""${indexof(["a", "b"], "b")}""#, "1"),
        (
            r#""${modulo(7, 3)}-${divide(7, 2)}-${floor(2.5)}""#,
            "1-3.5-2",
        ),
    ];
    for (expr, want) in cases {
        assert_eq!(context_of(expr).as_deref(), Some(want), "{expr}");
    }
    // Failures are the target's note, never a panic.
    for bad in [
        r#"format("%d", "x")"#,
        r#"divide(1, 0)"#,
        r#"element([], 0)"#,
        r#"slice(["a"], 0, 5)"#,
    ] {
        let text = format!("target \"default\" {{ context = {bad} }}\n");
        let def = parse_hcl(&text, "f", &no_env).unwrap();
        assert!(
            resolve(&def, &[]).unwrap()[0].1.unsupported.is_some(),
            "{bad}"
        );
    }
}

#[test]
fn an_unknown_target_names_what_the_files_define() {
    let def = parse_hcl(THREE, "f", &no_env).unwrap();
    let e = resolve(&def, &["nope".into()]).unwrap_err();
    assert!(
        e.starts_with("failed to find target nope: name a group (default)"),
        "{e}"
    );
    assert!(e.contains("api, web, worker"), "{e}");
    // Targets named `_…` are templates for `inherits`: not offered.
    assert!(!e.contains("_common"), "{e}");
    let empty = Definition::default();
    let e = resolve(&empty, &[]).unwrap_err();
    assert!(e.contains("define no group and no target"), "{e}");
}

/// discourse_docker's `image/docker-bake.hcl`: matrix targets expand to 22 names such as
/// `base-release-stable-amd64`. The hint names whole names only and says how many more, and
/// stays under the 400 characters an error line is cut to (it was cut mid-name: `base-…s-amd64`).
#[test]
fn an_unknown_target_hint_lists_whole_names_within_the_line_cap() {
    let mut hcl = String::new();
    for t in [
        "base-runtime-deps",
        "base-build-deps",
        "base-slim",
        "base-web-only",
        "base-release",
    ] {
        hcl.push_str(&format!(
            "target \"{t}\" {{\n  name = \"{t}-${{branch}}-${{arch}}\"\n  matrix = {{\n    arch = [\"amd64\", \"arm64\"]\n    branch = [\"main\", \"stable\"]\n  }}\n  context = \".\"\n}}\n"
        ));
    }
    hcl.push_str("group \"base\" {\n  targets = [\"base-slim\", \"base-release\"]\n}\n");
    let def = parse_hcl(&hcl, "f", &no_env).unwrap();
    let e = resolve(&def, &[]).unwrap_err();
    assert!(e.len() < 400, "{} characters: {e}", e.len());
    assert!(
        e.starts_with("failed to find target default: name a group ("),
        "{e}"
    );
    let targets = e
        .split("or a target (")
        .nth(1)
        .unwrap_or_else(|| panic!("{e}"));
    assert!(targets.contains(" more)"), "{e}");
    // Every name shown is a whole one the file defines.
    let shown = targets.split(" and ").next().unwrap();
    for name in shown.split(", ") {
        assert!(def.targets.contains_key(name), "{name:?} in {e}");
    }
}
