//! What a Dockerfile's `RUN` steps install and run: the dependency trees it writes again in the
//! image (`npm ci` writes `node_modules`), whether it runs tests, git or reads `.env`. suggest
//! re-excludes only trees the build re-installs; the report's fix for a copied tree says the
//! same ([`Installs`]).

/// Dependency trees a Dockerfile rebuilds with an install step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Installs {
    /// `npm ci`/`npm install`, `yarn`, `pnpm install`, `bun install`, `deno install`:
    /// `node_modules`.
    pub node: bool,
    /// `pip install`, `poetry install`, `uv sync`, `pipenv install`, `pdm install`: virtualenvs.
    pub python: bool,
    /// `cargo build`/`cargo install`/`cargo chef`: `target/` beside `Cargo.toml`.
    pub cargo: bool,
    /// `mvn`/`./mvnw` running a lifecycle phase that writes `target/` again (`package`,
    /// `install`, `verify`, `compile`, …) or deletes it (`clean`): `target/` beside `pom.xml`.
    pub maven: bool,
    /// `composer install`/`update`: `vendor/` beside `composer.json`.
    pub composer: bool,
    /// `mix deps.get`: Elixir's `deps/` beside `mix.exs`.
    pub mix: bool,
    /// `bundle install`: Bundler's `vendor/bundle` beside `Gemfile`.
    pub bundle: bool,
    /// `dart pub get`, `flutter pub get` (`upgrade`, `downgrade`), `flutter build`: the
    /// `.dart_tool/` beside `pubspec.yaml`, which they write again.
    pub dart: bool,
    /// Runs the project's tests (`go test`, `npm test`, `pytest`, `cargo test`, `mvn verify`
    /// without `-DskipTests`, `gradle test`/`build`, `make test`, …), which may read test data.
    pub tests: bool,
    /// Runs git on a local repository (`git describe`, `git rev-parse`, `git log`, …; not
    /// `git clone`), which reads the `.git` the build copies or mounts.
    pub git: bool,
    /// Boots a Symfony app or dumps its environment (`composer dump-env`, `bin/console`,
    /// `composer run-script`), which reads the `.env` the build copies and fails without it.
    pub dotenv: bool,
}

impl Installs {
    /// Reads the `RUN` steps of a Dockerfile's text ([`crate::dockerfile::run_commands`]).
    #[cfg(test)]
    pub(crate) fn of(text: &str) -> Installs {
        Installs::of_commands(&crate::dockerfile::run_commands(text))
    }

    /// What the commands of a Dockerfile's `RUN` steps install and run (each the words of one
    /// command, [`crate::dockerfile::run_commands`]).
    pub(crate) fn of_commands(commands: &[Vec<String>]) -> Installs {
        let mut i = Installs::default();
        for words in commands {
            i.of_command(words);
        }
        let words = commands.concat();
        i.tests = crate::dockerfile::runs_tests(&words);
        i.git = crate::dockerfile::runs_git(&words);
        i.dotenv = crate::dockerfile::reads_dotenv(&words);
        i
    }

    /// The installs of one command's words.
    fn of_command(&mut self, words: &[String]) {
        let i = self;
        for (k, w) in words.iter().enumerate() {
            let next = words.get(k + 1).map(String::as_str).unwrap_or("");
            let tool = w.rsplit('/').next().unwrap_or(w);
            let rest = &words[(k + 2).min(words.len())..];
            // A global install (`npm install -g yarn`, `npm i yarn -g`, `deno install -g …`)
            // installs a command, not the project's packages: it fills no `node_modules` of the
            // context. The flag may stand anywhere among the command's arguments, and the
            // packages it names are words, not commands run (`yarn` there is no `yarn install`).
            let global = rest.iter().enumerate().any(|(n, f)| {
                matches!(f.as_str(), "-g" | "--global" | "--location=global")
                    || (f == "--location" && rest.get(n + 1).is_some_and(|v| v == "global"))
            });
            if (matches!(tool, "npm" | "pnpm" | "bun" | "deno")
                && matches!(next, "install" | "i" | "add")
                && global)
                || (tool == "yarn" && next == "global")
            {
                return;
            }
            match tool {
                "npm" if matches!(next, "ci" | "install" | "i" | "add") => i.node = true,
                "yarn" if !matches!(next, "build" | "run" | "start" | "test" | "lint") => {
                    i.node = true
                }
                "pnpm" | "bun" if matches!(next, "install" | "i" | "add" | "fetch") => {
                    i.node = true
                }
                // `deno install` (`i`, `add`) fills `node_modules` from `package.json` or
                // `deno.json`.
                "deno" if matches!(next, "install" | "i" | "add") => i.node = true,
                "pip" | "pip3" | "pipenv" | "pdm" | "poetry"
                    if matches!(next, "install" | "sync") =>
                {
                    i.python = true
                }
                "uv" if matches!(next, "sync" | "pip") => i.python = true,
                "cargo" if matches!(next, "build" | "install" | "chef" | "auditable") => {
                    i.cargo = true
                }
                "mvn" | "mvnw" | "mvnd" => {
                    i.maven |= words[k + 1..].iter().any(|x| {
                        matches!(
                            x.as_str(),
                            "clean"
                                | "compile"
                                | "test-compile"
                                | "test"
                                | "package"
                                | "verify"
                                | "install"
                                | "deploy"
                        )
                    })
                }
                "composer" if matches!(next, "install" | "update" | "require") => i.composer = true,
                // `mix deps.get`, or `mix do deps.get + compile` (`mix do deps.get, compile`
                // before Elixir 1.14): each task after `do`, a `+` or a comma.
                "mix" => i.mix |= mix_tasks(next, rest).contains(&"deps.get"),
                "bundle" | "bundler" if matches!(next, "install" | "update") => i.bundle = true,
                "dart" | "flutter" | "pub" => {
                    let sub = if next == "pub" {
                        rest.first().map(String::as_str).unwrap_or("")
                    } else if tool == "pub" {
                        next
                    } else {
                        ""
                    };
                    i.dart |= matches!(sub, "get" | "upgrade" | "downgrade")
                        || (tool == "flutter" && next == "build");
                }
                _ => {}
            }
        }
    }
}

/// The task names of `mix do`'s arguments (`deps.get + compile`, `deps.get, compile`,
/// `deps.get,compile`): the first word, and each word after a `+` or a comma.
fn mix_do_tasks(args: &[String]) -> impl Iterator<Item = &str> {
    let mut at_task = true;
    args.iter().flat_map(move |w| {
        let mut out = Vec::new();
        if w == "+" {
            at_task = true;
            return out;
        }
        for (n, part) in w.split(',').enumerate() {
            if (n == 0 && at_task) || (n > 0 && !part.is_empty()) {
                out.push(part);
            }
        }
        at_task = w.ends_with(',');
        out
    })
}

/// The tasks `mix NEXT REST…` runs: `NEXT` itself, or each task of `mix do` (none for an
/// option such as `mix --version`).
pub(crate) fn mix_tasks<'a>(next: &'a str, rest: &'a [String]) -> Vec<&'a str> {
    match next {
        "do" => mix_do_tasks(rest).collect(),
        t if !t.is_empty() && !t.starts_with('-') => vec![t],
        _ => Vec::new(),
    }
}
