use super::*;
use crate::pipeline::{build, Options};
use crate::report::Report;
use crate::walk::Builder;

/// The report for a context holding `files` and this Dockerfile.
fn report(files: &[&str], dockerfile: &str) -> Report {
    let d = crate::testutil::ctx(files, "", b"x\n");
    std::fs::write(d.path().join("Dockerfile"), dockerfile).unwrap();
    let cfg = crate::testutil::config(d.path(), Builder::Buildkit, 1);
    build(&cfg, &Options::default(), None).unwrap().report
}

fn df010(r: &Report) -> Vec<&Finding> {
    r.findings.iter().filter(|f| f.rule == "DF010").collect()
}

const GO_FILES: &[&str] = &[
    "go.mod",
    "go.sum",
    "main.go",
    "cmd/client/main.go",
    "internal/x.go",
];

/// Docker's build guide ("Layers"), the order it calls slow: `COPY . .` then `go mod download`.
#[test]
fn guide_bad_example_is_flagged_with_the_reordered_lines() {
    let r = report(
        GO_FILES,
        "# syntax=docker/dockerfile:1\nFROM golang:1.21-alpine\nWORKDIR /src\nCOPY . .\nRUN go mod download\nRUN go build -o /bin/client ./cmd/client\n",
    );
    let f = df010(&r);
    assert_eq!(f.len(), 1, "{:?}", r.findings);
    assert_eq!(f[0].line, Some(4));
    assert_eq!(f[0].severity, "low");
    // go.mod, go.sum, main.go, cmd/client/main.go, internal/x.go, Dockerfile, .dockerignore
    assert_eq!(f[0].files, 7);
    assert_eq!(
        f[0].fix,
        "COPY go.mod go.sum ./\nRUN go mod download\nCOPY . ."
    );
    assert!(f[0].message.contains("go.mod, go.sum"), "{}", f[0].message);
    // The per-stage view: the COPY with what it sends, the RUNs, the install marked.
    let st = &r.layers.as_ref().unwrap()[0];
    type Row<'a> = (usize, &'a str, Option<u64>, bool, Option<&'a str>);
    let v: Vec<Row> = st
        .steps
        .iter()
        .map(|s| {
            (
                s.line,
                s.instruction.as_str(),
                s.files,
                s.broad,
                s.install.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        v,
        [
            (4, "COPY", Some(7), true, None),
            (5, "RUN", None, false, Some("go")),
            (6, "RUN", None, false, None)
        ]
    );
}

/// The guide's fixed order: manifests, download, then the rest.
#[test]
fn guide_good_example_is_not_flagged() {
    let r = report(
        GO_FILES,
        "# syntax=docker/dockerfile:1\nFROM golang:1.21-alpine\nWORKDIR /src\nCOPY go.mod go.sum .\nRUN go mod download\nCOPY . .\nRUN go build -o /bin/client ./cmd/client\n",
    );
    assert!(df010(&r).is_empty(), "{:?}", r.findings);
    let st = &r.layers.as_ref().unwrap()[0];
    assert_eq!(st.steps[0].files, Some(2));
    assert!(!st.steps[0].broad);
    assert!(st.steps[2].broad);
}

/// One case per ecosystem: (files, install line, the manifests the fix copies, the install the
/// fix runs).
const ECOS: &[(&[&str], &str, &str, &str)] = &[
    (
        &["package.json", "package-lock.json", "src/index.js"],
        "npm ci",
        "package.json package-lock.json",
        "npm ci",
    ),
    (
        &["package.json", "yarn.lock", "src/index.js"],
        "yarn install --frozen-lockfile",
        "package.json yarn.lock",
        "yarn install --frozen-lockfile",
    ),
    (
        &["package.json", "pnpm-lock.yaml", "src/index.js"],
        "pnpm install --frozen-lockfile",
        "package.json pnpm-lock.yaml",
        "pnpm install --frozen-lockfile",
    ),
    (
        &["requirements.txt", "app.py"],
        "pip install --no-cache-dir -r requirements.txt",
        "requirements.txt",
        "pip install --no-cache-dir -r requirements.txt",
    ),
    (
        &["pyproject.toml", "poetry.lock", "app/main.py"],
        "poetry install --no-root",
        "pyproject.toml poetry.lock",
        "poetry install --no-root",
    ),
    (
        &["go.mod", "go.sum", "main.go"],
        "go mod download",
        "go.mod go.sum",
        "go mod download",
    ),
    (
        &["Cargo.toml", "Cargo.lock", "src/main.rs"],
        "cargo build --release",
        "Cargo.toml Cargo.lock",
        "cargo fetch",
    ),
    (
        &["Gemfile", "Gemfile.lock", "app.rb"],
        "bundle install",
        "Gemfile Gemfile.lock",
        "bundle install",
    ),
    (
        &["composer.json", "composer.lock", "index.php"],
        "composer install --no-dev",
        "composer.json composer.lock",
        "composer install --no-dev",
    ),
    (
        &["pom.xml", "src/main/java/App.java"],
        "mvn -B dependency:go-offline",
        "pom.xml",
        "mvn -B dependency:go-offline",
    ),
    (
        &["build.gradle", "settings.gradle", "src/main/java/App.java"],
        "gradle build --no-daemon",
        "build.gradle settings.gradle",
        "gradle dependencies",
    ),
];

#[test]
fn each_ecosystem_bad_order_is_flagged() {
    for (files, install, manifests, fix_run) in ECOS {
        let r = report(
            files,
            &format!("FROM base\nWORKDIR /app\nCOPY . .\nRUN {install}\n"),
        );
        let f = df010(&r);
        assert_eq!(f.len(), 1, "{install}: {:?}", r.findings);
        let lines: Vec<&str> = f[0].fix.lines().collect();
        assert_eq!(lines[0], format!("COPY {manifests} ./"), "{install}");
        assert_eq!(lines[1], format!("RUN {fix_run}"), "{install}");
        assert_eq!(lines[2], "COPY . .", "{install}");
        // A step that also builds keeps its own RUN after the rest is copied.
        if *fix_run != *install {
            assert_eq!(lines[3], format!("RUN {install}"), "{install}");
        }
    }
}

#[test]
fn each_ecosystem_manifests_first_is_not_flagged() {
    for (files, install, manifests, fix_run) in ECOS {
        // The fixed order; a step that also builds (`cargo build`) runs after `COPY . .`.
        let build = if fix_run == install {
            String::new()
        } else {
            format!("RUN {install}\n")
        };
        let df = format!(
            "FROM base\nWORKDIR /app\nCOPY {manifests} ./\nRUN {fix_run}\nCOPY . .\n{build}"
        );
        let r = report(files, &df);
        assert!(df010(&r).is_empty(), "{df}: {:?}", r.findings);
        // A second install after the broad COPY: the first one already ran on the manifests.
        let r = report(files, &format!("{df}RUN {fix_run}\n"));
        assert_eq!(
            df010(&r).len(),
            0,
            "{df}: an install already ran on the manifests"
        );
    }
}

#[test]
fn a_whole_source_directory_before_the_install_is_flagged() {
    let r = report(
        &[
            "app/package.json",
            "app/package-lock.json",
            "app/src/a.js",
            "README.md",
        ],
        "FROM node\nCOPY app/ /srv/app\nRUN cd /srv/app && npm ci\n",
    );
    let f = df010(&r);
    assert_eq!(f.len(), 1, "{:?}", r.findings);
    assert_eq!(
        f[0].fix,
        "COPY app/package.json app/package-lock.json /srv/app/\nRUN cd /srv/app && npm ci\nCOPY app/ /srv/app"
    );
}

#[test]
fn copies_the_install_does_not_read_are_left_alone() {
    // Only manifests copied (a wildcard), a directory without manifests, an install of a
    // named package, a global install, a stage the target does not reach, a COPY --from.
    for df in [
        "FROM node\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n",
        "FROM node\nCOPY scripts/ /scripts/\nRUN npm ci\n",
        "FROM node\nCOPY . .\nRUN npm install left-pad\n",
        "FROM node\nCOPY . .\nRUN npm install -g pnpm\n",
        "FROM node AS unused\nCOPY . .\nRUN npm ci\nFROM node\nCOPY package.json .\n",
        "FROM node AS deps\nFROM node\nCOPY --from=deps / /\nRUN npm ci\n",
        "FROM node\nCOPY . .\nRUN npm run build\n",
    ] {
        let r = report(
            &[
                "package.json",
                "package-lock.json",
                "scripts/x.sh",
                "src/a.js",
            ],
            df,
        );
        assert!(df010(&r).is_empty(), "{df}: {:?}", r.findings);
    }
}

#[test]
fn one_finding_per_copy_and_ecosystem() {
    let r = report(
        &["package.json", "package-lock.json", "src/a.js"],
        "FROM node\nCOPY . .\nRUN npm ci\nRUN npm ci --omit=dev\n",
    );
    assert_eq!(df010(&r).len(), 1);
}

#[test]
fn installs_are_recognised_in_shell_and_json_forms() {
    let eco = |t: &str| {
        installs(t)
            .into_iter()
            .map(|i| i.ecosystem)
            .collect::<Vec<_>>()
    };
    assert_eq!(eco("apt-get update && npm ci && npm run build"), ["npm"]);
    assert_eq!(eco("[\"npm\", \"ci\"]"), ["npm"]);
    assert_eq!(eco("CI=1 yarn"), ["yarn"]);
    assert_eq!(eco("python -m pip install -r req/base.txt"), ["pip"]);
    assert_eq!(installs("pip install -rreq.txt")[0].named, ["req.txt"]);
    assert_eq!(eco("pip install flask"), Vec::<&str>::new());
    assert_eq!(eco("uv sync --frozen"), ["uv"]);
    assert_eq!(eco("./gradlew dependencies"), ["gradle"]);
    assert_eq!(eco("./mvnw -B package"), ["maven"]);
    assert_eq!(eco("go mod download; go build ./..."), ["go"]);
    assert_eq!(eco("echo go mod download"), Vec::<&str>::new());
    assert_eq!(
        eco("cargo chef cook --release --recipe-path recipe.json"),
        ["cargo"]
    );
    assert_eq!(
        eco("cargo chef prepare --recipe-path recipe.json"),
        Vec::<&str>::new()
    );
    // RUN's own flags stay in the step text.
    assert_eq!(eco("--mount=type=cache,target=/root/.npm npm ci"), ["npm"]);
}

/// cargo-chef: the planner stage copies everything to write the recipe, the builder stage
/// cooks the dependencies from the recipe (copied `--from=planner`), then copies the sources
/// and builds. The install (`cargo chef cook`) comes before `COPY . .`: no DF010, with or
/// without a cache mount. Without the cook step the same builder is flagged.
#[test]
fn cargo_chef_is_not_flagged() {
    let files = &["Cargo.toml", "Cargo.lock", "src/main.rs", "src/lib.rs"];
    for cook in [
        "RUN cargo chef cook --release --recipe-path recipe.json",
        "RUN --mount=type=cache,target=/usr/local/cargo/registry cargo chef cook --release --recipe-path recipe.json",
    ] {
        let df = format!(
            "FROM rust:1 AS chef\nRUN cargo install cargo-chef\nWORKDIR /app\n\nFROM chef AS planner\nCOPY . .\nRUN cargo chef prepare --recipe-path recipe.json\n\nFROM chef AS builder\nCOPY --from=planner /app/recipe.json recipe.json\n{cook}\nCOPY . .\nRUN cargo build --release\n\nFROM debian:bookworm-slim\nCOPY --from=builder /app/target/release/x /usr/local/bin/x\n"
        );
        let r = report(files, &df);
        assert!(df010(&r).is_empty(), "{cook}: {:?}", r.findings);
        // The layer view marks the cook step as the install.
        let builder = r
            .layers
            .as_ref()
            .unwrap()
            .iter()
            .find(|s| s.name.as_deref() == Some("builder"))
            .expect("builder stage");
        assert!(
            builder
                .steps
                .iter()
                .any(|s| s.line == 11 && s.install.as_deref() == Some("cargo")),
            "{:?}",
            builder.steps
        );
    }
    let r = report(
        files,
        "FROM rust:1 AS builder\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\n",
    );
    assert_eq!(df010(&r).len(), 1, "{:?}", r.findings);
}

#[test]
fn pip_uses_the_requirements_file_it_names() {
    let r = report(
        &["req/base.txt", "app.py"],
        "FROM python\nCOPY . .\nRUN pip install -r req/base.txt\n",
    );
    let f = df010(&r);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].fix.starts_with("COPY req/base.txt ./\n"),
        "{}",
        f[0].fix
    );
}
