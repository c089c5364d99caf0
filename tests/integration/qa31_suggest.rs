//! `suggest` rules corrected in QA pass qa31: a whole-context build's exception for a top-level
//! name absent today, the report header's escaped root path, the plain-`rm` warning's flags,
//! a `mix` alias that fetches the dependencies, and the reason a line under a kept path is not
//! carried. Each a small synthetic tree of the shape that showed it.

use crate::util::{assert_sends, suggest, text, TestEnv};

/// Excalidraw's allowlist for `COPY . .` names `!.prettierrc`, absent from a checkout without
/// one: the user sends it when it is there, so the proposal carries the line; a secret's
/// exception (`!.env`) is not carried.
#[test]
fn an_exception_for_an_absent_top_level_name_is_carried_in_whole_context_mode() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM node\nWORKDIR /app\nCOPY . .\nRUN yarn build\n",
    )
    .file("package.json", "{}\n")
    .file("src/index.js", "x\n")
    .file("notes.txt", "n\n")
    .dockerignore("*\n!package.json\n!src\n!.prettierrc\n!.env\n");
    let (code, out, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{out}{err}");
    let written = std::fs::read_to_string(env.path(".dockerignore")).unwrap();
    assert!(
        written.lines().any(|l| l == "!.prettierrc"),
        "{written}\n{err}"
    );
    env.file(".prettierrc", "{}\n").file(".env", "S=1\n");
    assert_sends(
        &env,
        &["package.json", "src/index.js", ".prettierrc"],
        &[".env", "notes.txt"],
        &written,
    );
}

/// The plain-`rm` warning shows the step's command with its flags (`rm -r .idea`), not the
/// operand alone, so that the user finds the step and sees what `-f` joins.
#[test]
fn the_plain_rm_warning_shows_the_flags() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM node\nWORKDIR /app\nCOPY . .\nRUN rm -r .idea && npm ci\n",
    )
    .file("package.json", "{}\n")
    .file("index.js", "1\n")
    .file(".idea/workspace.xml", "<x/>\n")
    .dockerignore("*.tmp\n");
    let (code, _, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    let w: Vec<&str> = err.lines().filter(|l| l.contains("without -f")).collect();
    assert!(
        w.len() == 1 && w[0].contains("`rm -r .idea`"),
        "{w:?}\n{err}"
    );
}

/// A context root whose name is not UTF-8: the report's header writes the byte `\xNN`, as it
/// writes the paths inside the context, for the context, the Dockerfile and the ignore file.
#[test]
fn the_header_escapes_a_root_that_is_not_utf8() {
    let env = TestEnv::new();
    env.file(b"r\xff/Dockerfile", "FROM scratch\nCOPY . .\n")
        .file(b"r\xff/a.txt", "a\n")
        .file(b"r\xff/.dockerignore", "*.tmp\n");
    let o = env.run([env.path(b"r\xff")]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", text(&o.stderr));
    let header: Vec<&str> = out.lines().take(4).collect();
    for (k, what) in [(0, "Context "), (2, "Dockerfile "), (3, "ignore file ")] {
        let l = header[k];
        assert!(
            l.contains(what) && l.contains("r\\xff") && !l.contains('\u{fffd}'),
            "{l:?}\n{out}"
        );
    }
}

/// Phoenix's `mix setup` is an alias of mix.exs that runs `deps.get`: the Dockerfile running
/// it fetches `deps/` again, so the developer's `deps/` is removed. An alias that does not
/// fetch (or a mix.exs without it) keeps `deps/`.
#[test]
fn a_mix_alias_that_runs_deps_get_removes_the_developers_deps() {
    let exs = "defmodule X.MixProject do\n  def project, do: [app: :x, aliases: aliases()]\n  defp aliases do\n    [\n      setup: [\"deps.get\", \"ecto.setup\"],\n      \"ecto.setup\": [\"ecto.create\"],\n      build: [\"compile\"]\n    ]\n  end\nend\n";
    for (run, removed) in [
        ("RUN mix setup\n", true),
        ("RUN MIX_ENV=prod mix do setup + compile\n", true),
        ("RUN mix build\n", false),
    ] {
        let env = TestEnv::new();
        env.file(
            "Dockerfile",
            format!("FROM elixir\nWORKDIR /app\nCOPY . .\n{run}"),
        )
        .file("mix.exs", exs)
        .file("lib/x.ex", "x\n")
        .file("deps/plug/mix.exs", "p\n")
        .dockerignore("*.tmp\n");
        let (code, _, err) = suggest(&env, &["--write"]);
        assert_eq!(code, Some(0), "{err}");
        let deps: &[&str] = &["deps/plug/mix.exs"];
        let (sent, out) = if removed {
            (&[][..], deps)
        } else {
            (deps, &[][..])
        };
        assert_sends(
            &env,
            &[&["mix.exs", "lib/x.ex"][..], sent].concat(),
            out,
            run,
        );
    }
}

/// Livebook's `/priv/static` beside a kept `priv/.gitkeep`: the line matches nothing today and
/// no keep line sends anything in `priv/static`, so `*` keeps it out: the reason says so.
#[test]
fn a_line_beside_a_kept_file_is_said_to_be_kept_out_by_star() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM elixir\nWORKDIR /app\nCOPY mix.exs ./\nCOPY priv/.gitkeep priv/.gitkeep\nCOPY lib lib\n",
    )
    .file("mix.exs", "x\n")
    .file("lib/x.ex", "x\n")
    .file("priv/.gitkeep", "")
    .file("priv/repo/seeds.exs", "s\n")
    .dockerignore("/priv/static\n/_build/\n");
    let (code, out, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    let all = format!("{out}{err}");
    let l = all
        .lines()
        .find(|l| l.contains("`/priv/static`"))
        .unwrap_or_else(|| panic!("{all}"));
    assert!(
        l.contains("`*` keeps out whatever it would match") && l.contains("`priv/static`"),
        "{l}"
    );
}
