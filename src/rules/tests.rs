//! Table-driven tests over the whole catalog.
//!
//! Every fake credential below is assembled at run time by concatenation, so
//! this file never contains a literal that looks like a real token.

use super::catalog::{Detector, Target};
use super::content::content_rule_ids;
use super::*;

fn rs() -> RuleSet {
    RuleSet::new(&RuleConfig::default())
}

fn entry(path: &str, kind: Kind) -> EntryRef<'_> {
    EntryRef {
        path: path.as_bytes(),
        kind,
        size: 100,
    }
}

fn hit(rs: &RuleSet, path: &str, kind: Kind) -> Option<Hit> {
    rs.classify(&entry(path, kind))
}

// ---------------------------------------------------------------------------
// Catalog sanity

#[test]
fn catalog_ids_unique_sorted_and_in_their_block() {
    let mut prev = "";
    for r in RULES {
        assert!(r.id > prev, "{} out of order after {prev}", r.id);
        prev = r.id;
        assert_eq!(r.id.len(), 6, "{}", r.id);
        let n: u32 = r.id[3..].parse().expect("numeric id");
        let want = match n {
            1 => Category::Gitignored,
            101..=199 => Category::Secret,
            200..=299 => Category::Vcs,
            300..=399 => Category::Dependencies,
            400..=499 => Category::BuildOutput,
            500..=599 => Category::Cache,
            600..=699 => Category::Logs,
            700..=799 => Category::TestData,
            800 => Category::LargeFile,
            810..=899 => Category::MediaArchive,
            900..=999 => Category::EditorOs,
            _ => panic!("{} outside every block", r.id),
        };
        assert_eq!(r.category, want, "{}", r.id);
        let content = matches!(r.detector, Detector::Content { .. });
        assert_eq!(
            content,
            (150..200).contains(&n),
            "{}: content rules are CTX15x-CTX19x",
            r.id
        );
        assert!(
            !r.title.is_empty() && !r.why.is_empty() && !r.fix.is_empty(),
            "{}",
            r.id
        );
        assert!(!r.fix.contains('\n'), "{}: fix is one line", r.id);
        if let Detector::Name { target, except, .. } = r.detector {
            assert!(
                except.is_empty() || target == Target::File,
                "{}: excepts are file-only",
                r.id
            );
        }
    }
    assert_eq!(rule(GITIGNORED_RULE).unwrap().detector, Detector::Gitignore);
    assert_eq!(rule(LARGE_FILE_RULE).unwrap().detector, Detector::Size);
    assert!(rule("CTX999").is_none());
}

#[test]
fn content_rules_match_catalog() {
    // CTX170 reads the Dockerfile's ARG/ENV values (extra.rs), the others any file.
    let mut from_scanner: Vec<_> = content_rule_ids().chain(["CTX170"]).collect();
    from_scanner.sort_unstable();
    let from_catalog: Vec<_> = RULES
        .iter()
        .filter(|r| matches!(r.detector, Detector::Content { .. }))
        .map(|r| r.id)
        .collect();
    assert_eq!(from_scanner, from_catalog);
}

#[test]
fn every_rule_is_documented() {
    let doc = include_str!("../../docs/rules.md");
    for r in RULES {
        assert!(
            doc.contains(&format!("`{}`", r.id)),
            "{} missing from docs/rules.md",
            r.id
        );
    }
    for c in Category::ALL {
        assert!(
            doc.contains(&format!("`{}`", c.as_str())),
            "category {c} missing from docs/rules.md"
        );
    }
}

#[test]
fn category_and_severity_strings() {
    for c in Category::ALL {
        assert_eq!(c.as_str().parse::<Category>().unwrap(), c);
        assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{c}\""));
    }
    for s in Severity::ALL {
        assert_eq!(s.as_str().parse::<Severity>().unwrap(), s);
        assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
    }
    assert_eq!(Category::BuildOutput.as_str(), "build-output");
    assert!(Severity::Info < Severity::Low && Severity::Low < Severity::Medium);
    assert!(Severity::Medium < Severity::High);
    assert!("HIGH".parse::<Severity>().is_err());
    let h = Hit::gitignored(Kind::Dir);
    assert_eq!(
        serde_json::to_string(&h).unwrap(),
        r#"{"rule":"CTX001","category":"gitignored","severity":"low","covers_subtree":true}"#
    );
    assert!(!Hit::gitignored(Kind::File).covers_subtree);
    assert_eq!(h.info().title, "Sent although .gitignore ignores it");
}

#[test]
fn fix_for_escapes_pattern_characters() {
    let r = rule("CTX101").unwrap();
    assert_eq!(r.fix_for("api/.env"), "api/.env");
    assert_eq!(r.fix_for("a[1]/*?.env"), "a\\[1\\]/\\*\\?.env");
    assert_eq!(r.fix_for("!x"), "\\!x");
    assert_eq!(r.fix_for("#x"), "\\#x");
    assert_eq!(r.fix_for("a\\b"), "a\\\\b");
}

// ---------------------------------------------------------------------------
// Name rules

/// (path, kind, rule, severity-or-None-for-default). Every name glob of the
/// catalog is exercised at least once (checked below).
const PLANTED: &[(&str, Kind, &str)] = &[
    // CTX101 dotenv
    (".env", Kind::File, "CTX101"),
    ("api/.env", Kind::File, "CTX101"),
    (".env.local", Kind::File, "CTX101"),
    ("deploy/.env.production", Kind::File, "CTX101"),
    ("config/prod.env", Kind::File, "CTX101"),
    (".ENV", Kind::File, "CTX101"),
    // CTX102 ssh keys
    ("id_rsa", Kind::File, "CTX102"),
    ("home/.ssh/id_dsa", Kind::File, "CTX102"),
    ("keys/id_ecdsa", Kind::File, "CTX102"),
    ("id_ed25519", Kind::File, "CTX102"),
    ("id_ecdsa_sk", Kind::File, "CTX102"),
    ("id_ed25519_sk", Kind::File, "CTX102"),
    ("deploy_rsa", Kind::File, "CTX102"),
    ("ci_dsa", Kind::File, "CTX102"),
    ("bot_ecdsa", Kind::File, "CTX102"),
    ("bot_ed25519", Kind::File, "CTX102"),
    ("etc/ssh/ssh_host_rsa_key", Kind::File, "CTX102"),
    // CTX103 private keys
    ("tls/server.key", Kind::File, "CTX103"),
    ("certs/server-key.pem", Kind::File, "CTX103"),
    ("privkey.pem", Kind::File, "CTX103"),
    ("my_private.pem", Kind::File, "CTX103"),
    ("putty.ppk", Kind::File, "CTX103"),
    ("aws.keypair", Kind::File, "CTX103"),
    ("krb5.keytab", Kind::File, "CTX103"),
    ("otr.private_key", Kind::File, "CTX103"),
    ("config/master.key", Kind::File, "CTX103"),
    // CTX104 pem
    ("certs/fullchain.pem", Kind::File, "CTX104"),
    ("public.pem", Kind::File, "CTX104"),
    ("pubkey.pem", Kind::File, "CTX104"),
    // CTX105 keystores
    ("cert.p12", Kind::File, "CTX105"),
    ("cert.pfx", Kind::File, "CTX105"),
    ("cert.pkcs12", Kind::File, "CTX105"),
    ("app/keystore.jks", Kind::File, "CTX105"),
    ("release.keystore", Kind::File, "CTX105"),
    ("trust.bks", Kind::File, "CTX105"),
    // CTX106 npmrc
    (".npmrc", Kind::File, "CTX106"),
    ("web/.yarnrc", Kind::File, "CTX106"),
    // CTX107 registry creds
    (".pypirc", Kind::File, "CTX107"),
    (".gem/credentials", Kind::File, "CTX107"),
    (".cargo/credentials", Kind::File, "CTX107"),
    (".cargo/credentials.toml", Kind::File, "CTX107"),
    (".m2/settings.xml", Kind::File, "CTX107"),
    ("settings-security.xml", Kind::File, "CTX107"),
    (".composer/auth.json", Kind::File, "CTX107"),
    // CTX108 netrc
    (".netrc", Kind::File, "CTX108"),
    ("_netrc", Kind::File, "CTX108"),
    (".git-credentials", Kind::File, "CTX108"),
    // CTX109 cloud
    (".aws/credentials", Kind::File, "CTX109"),
    ("home/me/.aws/credentials", Kind::File, "CTX109"),
    (".s3cfg", Kind::File, "CTX109"),
    (".boto", Kind::File, "CTX109"),
    ("credentials.json", Kind::File, "CTX109"),
    (
        "gcloud/application_default_credentials.json",
        Kind::File,
        "CTX109",
    ),
    (
        "client_secret_123.apps.googleusercontent.com.json",
        Kind::File,
        "CTX109",
    ),
    ("service-account-prod.json", Kind::File, "CTX109"),
    (".azure/accessTokens.json", Kind::File, "CTX109"),
    (".azure/msal_token_cache.json", Kind::File, "CTX109"),
    // CTX110 docker / k8s
    (".docker/config.json", Kind::File, "CTX110"),
    (".dockercfg", Kind::File, "CTX110"),
    ("secret/.dockerconfigjson", Kind::File, "CTX110"),
    ("kubeconfig", Kind::File, "CTX110"),
    ("ops/prod.kubeconfig", Kind::File, "CTX110"),
    (".kube/config", Kind::File, "CTX110"),
    // CTX111 terraform
    ("infra/terraform.tfstate", Kind::File, "CTX111"),
    ("terraform.tfstate.backup", Kind::File, "CTX111"),
    ("terraform.tfstate.1700000000.backup", Kind::File, "CTX111"),
    ("terraform.tfvars", Kind::File, "CTX111"),
    ("prod.auto.tfvars.json", Kind::File, "CTX111"),
    // CTX112 app secrets
    ("config/secrets.yml", Kind::File, "CTX112"),
    ("secrets.yaml", Kind::File, "CTX112"),
    ("secret.json", Kind::File, "CTX112"),
    (".secrets", Kind::File, "CTX112"),
    (".secret", Kind::File, "CTX112"),
    (".vault-token", Kind::File, "CTX112"),
    (".vault_pass.txt", Kind::File, "CTX112"),
    (".vault-password", Kind::File, "CTX112"),
    (".env.keys", Kind::File, "CTX101"),
    // CTX113 password files
    (".htpasswd", Kind::File, "CTX113"),
    ("rootfs/etc/shadow", Kind::File, "CTX113"),
    ("etc/gshadow", Kind::File, "CTX113"),
    (".pgpass", Kind::File, "CTX113"),
    (".my.cnf", Kind::File, "CTX113"),
    // CTX114-117
    ("secring.gpg", Kind::File, "CTX114"),
    (".gnupg", Kind::Dir, "CTX115"),
    ("x/private-keys-v1.d", Kind::Dir, "CTX115"),
    ("apt/docker.gpg", Kind::File, "CTX116"),
    ("backup.pgp", Kind::File, "CTX116"),
    ("vault.kdbx", Kind::File, "CTX117"),
    ("old.kdb", Kind::File, "CTX117"),
    ("pw.psafe3", Kind::File, "CTX117"),
    ("1Password.agilekeychain", Kind::Dir, "CTX117"),
    ("login.keychain", Kind::File, "CTX117"),
    ("login.keychain-db", Kind::File, "CTX117"),
    ("me.kwallet", Kind::File, "CTX117"),
    ("login.keyring", Kind::File, "CTX117"),
    // CTX118-125
    (".ssh", Kind::Dir, "CTX118"),
    ("client.ovpn", Kind::File, "CTX119"),
    ("vpn.tblk", Kind::File, "CTX119"),
    ("office.rdp", Kind::File, "CTX119"),
    ("wg0.conf", Kind::File, "CTX119"),
    (".bash_history", Kind::File, "CTX120"),
    (".psql_history", Kind::File, "CTX120"),
    (".history", Kind::File, "CTX120"),
    (".lesshst", Kind::File, "CTX120"),
    ("db/dev.sqlite3", Kind::File, "CTX121"),
    ("app.sqlite", Kind::File, "CTX121"),
    ("app.sqlite-wal", Kind::File, "CTX121"),
    ("app.sqlite-shm", Kind::File, "CTX121"),
    ("prod.sqldump", Kind::File, "CTX121"),
    ("backup.sql.gz", Kind::File, "CTX121"),
    ("dump.rdb", Kind::File, "CTX121"),
    ("db.mdf", Kind::File, "CTX121"),
    ("db_log.ldf", Kind::File, "CTX121"),
    ("local.sdf", Kind::File, "CTX121"),
    ("capture.pcap", Kind::File, "CTX122"),
    ("capture.pcapng", Kind::File, "CTX122"),
    ("session.har", Kind::File, "CTX122"),
    ("java_pid123.hprof", Kind::File, "CTX123"),
    ("Heap.heapsnapshot", Kind::File, "CTX123"),
    ("crash.dmp", Kind::File, "CTX123"),
    ("crash.mdmp", Kind::File, "CTX123"),
    ("jenkins/credentials.xml", Kind::File, "CTX124"),
    ("filezilla.xml", Kind::File, "CTX124"),
    ("recentservers.xml", Kind::File, "CTX124"),
    ("sftp-config.json", Kind::File, "CTX124"),
    ("robomongo.json", Kind::File, "CTX124"),
    ("dbeaver-data-sources.xml", Kind::File, "CTX124"),
    (".muttrc", Kind::File, "CTX124"),
    (".tugboat", Kind::File, "CTX124"),
    (".config/doctl/config.yaml", Kind::File, "CTX124"),
    (".config/hub", Kind::File, "CTX124"),
    (".envrc", Kind::File, "CTX124"),
    ("ops/db-passwords.txt", Kind::File, "CTX125"),
    // vcs
    (".git", Kind::Dir, "CTX201"),
    ("sub/module/.git", Kind::Dir, "CTX201"),
    (".hg", Kind::Dir, "CTX202"),
    (".svn", Kind::Dir, "CTX202"),
    (".bzr", Kind::Dir, "CTX202"),
    ("_darcs", Kind::Dir, "CTX202"),
    ("CVS", Kind::Dir, "CTX202"),
    (".jj", Kind::Dir, "CTX202"),
    (".pijul", Kind::Dir, "CTX202"),
    (".fossil-settings", Kind::Dir, "CTX202"),
    (".worktrees", Kind::Dir, "CTX203"),
    // dependencies
    ("node_modules", Kind::Dir, "CTX301"),
    ("packages/web/node_modules", Kind::Dir, "CTX301"),
    (".venv", Kind::Dir, "CTX302"),
    ("venv", Kind::Dir, "CTX302"),
    (".virtualenv", Kind::Dir, "CTX302"),
    ("bower_components", Kind::Dir, "CTX303"),
    ("jspm_packages", Kind::Dir, "CTX303"),
    ("web_modules", Kind::Dir, "CTX303"),
    (".yarn/cache", Kind::Dir, "CTX304"),
    (".yarn/unplugged", Kind::Dir, "CTX304"),
    (".pnpm-store", Kind::Dir, "CTX304"),
    (".cargo/registry", Kind::Dir, "CTX304"),
    (".cargo/git", Kind::Dir, "CTX304"),
    ("ios/Pods", Kind::Dir, "CTX305"),
    ("Carthage/Build", Kind::Dir, "CTX305"),
    ("vendor", Kind::Dir, "CTX306"),
    // build-output
    ("target", Kind::Dir, "CTX401"),
    ("crates/x/target", Kind::Dir, "CTX401"),
    ("dist", Kind::Dir, "CTX402"),
    ("build", Kind::Dir, "CTX402"),
    ("out", Kind::Dir, "CTX402"),
    ("_build", Kind::Dir, "CTX402"),
    ("zig-out", Kind::Dir, "CTX402"),
    (".next", Kind::Dir, "CTX403"),
    (".nuxt", Kind::Dir, "CTX403"),
    (".svelte-kit", Kind::Dir, "CTX403"),
    (".output", Kind::Dir, "CTX403"),
    (".angular", Kind::Dir, "CTX403"),
    (".docusaurus", Kind::Dir, "CTX403"),
    (".vercel", Kind::Dir, "CTX403"),
    (".netlify", Kind::Dir, "CTX403"),
    ("storybook-static", Kind::Dir, "CTX403"),
    ("coverage", Kind::Dir, "CTX404"),
    (".nyc_output", Kind::Dir, "CTX404"),
    ("htmlcov", Kind::Dir, "CTX404"),
    (".coverage", Kind::File, "CTX404"),
    (".coverage.host.123", Kind::File, "CTX404"),
    ("lcov.info", Kind::File, "CTX404"),
    ("src/main.o", Kind::File, "CTX405"),
    ("main.obj", Kind::File, "CTX405"),
    ("libx.lo", Kind::File, "CTX405"),
    ("Main.class", Kind::File, "CTX405"),
    ("app.pdb", Kind::File, "CTX405"),
    ("tsconfig.tsbuildinfo", Kind::File, "CTX405"),
    ("src/Api/bin", Kind::Dir, "CTX406"),
    ("src/Api/obj", Kind::Dir, "CTX406"),
    // cache
    ("src/__pycache__", Kind::Dir, "CTX501"),
    ("mod.pyc", Kind::File, "CTX501"),
    ("mod.pyo", Kind::File, "CTX501"),
    (".pytest_cache", Kind::Dir, "CTX501"),
    (".mypy_cache", Kind::Dir, "CTX501"),
    (".ruff_cache", Kind::Dir, "CTX501"),
    (".tox", Kind::Dir, "CTX501"),
    (".nox", Kind::Dir, "CTX501"),
    (".hypothesis", Kind::Dir, "CTX501"),
    (".pytype", Kind::Dir, "CTX501"),
    (".pyre", Kind::Dir, "CTX501"),
    ("nb/.ipynb_checkpoints", Kind::Dir, "CTX501"),
    (".cache", Kind::Dir, "CTX502"),
    ("ms-playwright", Kind::Dir, "CTX502"),
    (".parcel-cache", Kind::Dir, "CTX503"),
    (".turbo", Kind::Dir, "CTX503"),
    (".npm", Kind::Dir, "CTX503"),
    (".eslintcache", Kind::File, "CTX503"),
    (".stylelintcache", Kind::File, "CTX503"),
    (".sass-cache", Kind::Dir, "CTX503"),
    (".nx/cache", Kind::Dir, "CTX503"),
    (".swc", Kind::Dir, "CTX503"),
    (".vite", Kind::Dir, "CTX503"),
    (".webpack-cache", Kind::Dir, "CTX503"),
    (".gradle", Kind::Dir, "CTX504"),
    (".m2/repository", Kind::Dir, "CTX504"),
    (".ccache", Kind::Dir, "CTX504"),
    (".sccache", Kind::Dir, "CTX504"),
    (".dart_tool", Kind::Dir, "CTX504"),
    (".stack-work", Kind::Dir, "CTX504"),
    ("zig-cache", Kind::Dir, "CTX504"),
    (".zig-cache", Kind::Dir, "CTX504"),
    ("infra/.terraform", Kind::Dir, "CTX505"),
    ("tmp", Kind::Dir, "CTX506"),
    (".tmp", Kind::Dir, "CTX506"),
    ("temp", Kind::Dir, "CTX506"),
    // logs
    ("app.log", Kind::File, "CTX601"),
    ("server.log.1", Kind::File, "CTX601"),
    ("npm-debug.log.12345", Kind::File, "CTX601"),
    ("yarn-error.log", Kind::File, "CTX601"),
    ("logs", Kind::Dir, "CTX602"),
    // test-data
    ("pkg/testdata", Kind::Dir, "CTX701"),
    ("test-data", Kind::Dir, "CTX701"),
    ("test_data", Kind::Dir, "CTX701"),
    ("test/fixtures", Kind::Dir, "CTX701"),
    ("src/__fixtures__", Kind::Dir, "CTX701"),
    ("src/__snapshots__", Kind::Dir, "CTX702"),
    ("identity/.snapshots", Kind::Dir, "CTX702"),
    ("test-results", Kind::Dir, "CTX703"),
    ("playwright-report", Kind::Dir, "CTX703"),
    ("cypress/videos", Kind::Dir, "CTX703"),
    ("cypress/screenshots", Kind::Dir, "CTX703"),
    // media-archive
    ("release.zip", Kind::File, "CTX810"),
    ("a.tar", Kind::File, "CTX810"),
    ("a.tar.gz", Kind::File, "CTX810"),
    ("a.tgz", Kind::File, "CTX810"),
    ("a.tbz", Kind::File, "CTX810"),
    ("a.tbz2", Kind::File, "CTX810"),
    ("a.txz", Kind::File, "CTX810"),
    ("a.tzst", Kind::File, "CTX810"),
    ("a.7z", Kind::File, "CTX810"),
    ("a.RAR", Kind::File, "CTX810"),
    ("os.iso", Kind::File, "CTX811"),
    ("app.dmg", Kind::File, "CTX811"),
    ("disk.img", Kind::File, "CTX811"),
    ("vm.vmdk", Kind::File, "CTX811"),
    ("vm.vdi", Kind::File, "CTX811"),
    ("vm.vhd", Kind::File, "CTX811"),
    ("vm.vhdx", Kind::File, "CTX811"),
    ("vm.qcow2", Kind::File, "CTX811"),
    ("vm.ova", Kind::File, "CTX811"),
    ("vagrant.box", Kind::File, "CTX811"),
    ("demo.mp4", Kind::File, "CTX812"),
    ("demo.m4v", Kind::File, "CTX812"),
    ("demo.MOV", Kind::File, "CTX812"),
    ("demo.avi", Kind::File, "CTX812"),
    ("demo.mkv", Kind::File, "CTX812"),
    ("demo.webm", Kind::File, "CTX812"),
    ("demo.wmv", Kind::File, "CTX812"),
    ("demo.flv", Kind::File, "CTX812"),
    ("demo.mpg", Kind::File, "CTX812"),
    ("demo.mpeg", Kind::File, "CTX812"),
    ("raw.wav", Kind::File, "CTX812"),
    ("raw.flac", Kind::File, "CTX812"),
    ("raw.aiff", Kind::File, "CTX812"),
    ("design/hero.psd", Kind::File, "CTX813"),
    ("hero.psb", Kind::File, "CTX813"),
    ("logo.ai", Kind::File, "CTX813"),
    ("ui.sketch", Kind::File, "CTX813"),
    ("ui.fig", Kind::File, "CTX813"),
    ("ui.xd", Kind::File, "CTX813"),
    ("art.xcf", Kind::File, "CTX813"),
    ("scene.blend", Kind::File, "CTX813"),
    ("art.kra", Kind::File, "CTX813"),
    ("logo.afdesign", Kind::File, "CTX813"),
    ("photo.afphoto", Kind::File, "CTX813"),
    ("book.indd", Kind::File, "CTX813"),
    // editor-os
    (".DS_Store", Kind::File, "CTX901"),
    ("src/._main.rs", Kind::File, "CTX901"),
    ("Thumbs.db", Kind::File, "CTX901"),
    ("ehthumbs.db", Kind::File, "CTX901"),
    ("desktop.ini", Kind::File, "CTX901"),
    (".Spotlight-V100", Kind::Dir, "CTX901"),
    (".Trashes", Kind::Dir, "CTX901"),
    (".fseventsd", Kind::Dir, "CTX901"),
    ("$RECYCLE.BIN", Kind::Dir, "CTX901"),
    (".idea", Kind::Dir, "CTX902"),
    (".zed", Kind::Dir, "CTX902"),
    ("web/.cursor", Kind::Dir, "CTX902"),
    (".claude", Kind::Dir, "CTX902"),
    (".windsurf", Kind::Dir, "CTX902"),
    (".vscode", Kind::Dir, "CTX902"),
    (".vs", Kind::Dir, "CTX902"),
    (".fleet", Kind::Dir, "CTX902"),
    (".history", Kind::Dir, "CTX902"),
    ("app.iml", Kind::File, "CTX902"),
    ("x.sublime-workspace", Kind::File, "CTX902"),
    ("src/.main.rs.swp", Kind::File, "CTX903"),
    ("a.swo", Kind::File, "CTX903"),
    ("main.rs~", Kind::File, "CTX903"),
    (".#main.rs", Kind::File, "CTX903"),
    ("#main.rs#", Kind::File, "CTX903"),
    ("main.rs.orig", Kind::File, "CTX903"),
    ("main.rs.rej", Kind::File, "CTX903"),
    ("db.yml.bak", Kind::File, "CTX903"),
];

#[test]
fn planted_entries_hit_their_rule() {
    let rs = rs();
    let mut failures = Vec::new();
    for &(path, kind, want) in PLANTED {
        let got = hit(&rs, path, kind);
        let r = rule(want).unwrap();
        let ok = got.is_some_and(|h| {
            h.rule == want
                && h.category == r.category
                && h.severity == r.severity
                && h.covers_subtree == (kind == Kind::Dir)
        });
        if !ok {
            failures.push(format!("{path} ({kind:?}): want {want}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Every name glob in the catalog is exercised by some planted entry, so a
/// typo in a glob cannot go unnoticed.
#[test]
fn every_name_glob_is_exercised() {
    let mut missing = Vec::new();
    for r in RULES {
        let Detector::Name { globs, .. } = r.detector else {
            continue;
        };
        for &g in globs {
            let m = globset::GlobBuilder::new(g)
                .literal_separator(true)
                .case_insensitive(true)
                .build()
                .unwrap()
                .compile_matcher();
            if !PLANTED
                .iter()
                .any(|&(p, _, id)| id == r.id && m.is_match(p))
            {
                missing.push(format!("{}: {g}", r.id));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "globs without a planted case:\n{}",
        missing.join("\n")
    );
}

/// A password-reset page's texts (one `.properties` per language) are named after the
/// feature, not a credential store: not CTX125; nor is a release note about a secrets feature.
/// A file that names a password store still is.
#[test]
fn a_password_feature_is_not_a_credential_file() {
    let rs = rs();
    for p in [
        "templates/gateway_fragments/password_reset_email_send_en.properties",
        "i18n/reset-password.json",
        "locales/ForgotPassword.yml",
        "forms/change_password.xml",
        "releasenotes/notes/add-secret-manager-support-3f2a9c1b7d4e5f60.yaml",
        "newsfragments/1234.credentials.txt",
        ".changeset/secret-env.yaml",
        "packages/core/src/routes/secret.openapi.json",
        "api/password-verification.swagger.yaml",
        "users/assets/common-passwords.txt",
        "data/password-blocklist.txt",
        "auth/weak_passwords.json",
        "identity/.snapshots/TestHandler-case=should_update_credential_password.json",
        "src/__snapshots__/secret-form.json",
        "selfservice/flow/login/stub/password.schema.json",
    ] {
        assert_eq!(hit(&rs, p, Kind::File), None, "{p}");
    }
    for p in [
        "ops/db-passwords.txt",
        "conf/reset-secrets.yaml",
        "passwords_reset.csv",
        "ops/common-db-credentials.yaml",
    ] {
        assert_eq!(
            hit(&rs, p, Kind::File).map(|h| h.rule),
            Some("CTX125"),
            "{p}"
        );
    }
}

#[test]
fn kind_matters() {
    let rs = rs();
    // File-only rules do not fire on directories and vice versa.
    assert_eq!(hit(&rs, ".env", Kind::Dir), None);
    assert_eq!(hit(&rs, "node_modules", Kind::File), None);
    assert_eq!(hit(&rs, ".git", Kind::File), None); // submodule gitlink file
    assert_eq!(hit(&rs, "build", Kind::File), None);
    assert_eq!(hit(&rs, "logs", Kind::File), None);
    // Symlinks and special files never hit.
    for k in [Kind::Symlink, Kind::Other] {
        assert_eq!(hit(&rs, ".env", k), None);
        assert_eq!(hit(&rs, "node_modules", k), None);
        let big = EntryRef {
            path: b"big.bin",
            kind: k,
            size: u64::MAX,
        };
        assert_eq!(rs.classify(&big), None);
    }
}

#[test]
fn env_examples_are_not_secrets() {
    let rs = rs();
    for p in [
        ".env.example",
        ".env.sample",
        ".env.template",
        ".env.dist",
        ".env.defaults",
        ".env.default",
        "docker/.env.license",
        ".env.test.license",
        "prod.env.license",
        ".env.tpl",
        ".env.schema",
        "api/.env.EXAMPLE",
        ".env.local.example",
        ".env.production.sample",
        "example.env",
        "sample.env",
        "template.env",
        "prod.example.env",
        "docker.sample.env",
        ".env.example.sail",
        "deploy/.env.sample.production",
    ] {
        assert_eq!(hit(&rs, p, Kind::File), None, "{p}");
    }
    // An example's suffix, not its middle, decides: these are real env files.
    for p in [".env.production", ".env.examples-off", "app/.env.local"] {
        assert_eq!(
            hit(&rs, p, Kind::File).map(|h| h.rule),
            Some("CTX101"),
            "{p}"
        );
    }
}

/// Ordinary source paths: never a `secret` hit (most hit nothing at all).
#[test]
fn ordinary_paths_are_not_secrets() {
    let rs = rs();
    let files = [
        "src/main.rs",
        "package.json",
        "README.md",
        "Cargo.lock",
        "Cargo.toml",
        ".env.example",
        "keys.go",
        "key_test.go",
        "src/key.rs",
        "src/keys/mod.rs",
        "docs/secrets.md",
        "public.pem.pub",
        "id_rsa.pub",
        "keys/id_ed25519.pub",
        "src/secrets.rs",
        "secrets.go",
        "lib/credentials.rs",
        "app/models/password_reset.rb",
        "src/auth/token.ts",
        "src/env.ts",
        "env.d.ts",
        "src/environment.ts",
        ".envrc.example",
        "Dockerfile",
        ".dockerignore",
        ".gitignore",
        ".gitattributes",
        ".gitmodules",
        ".github/workflows/ci.yml",
        "go.mod",
        "go.sum",
        "yarn.lock",
        "package-lock.json",
        "pyproject.toml",
        "requirements.txt",
        "Makefile",
        "src/keyboard.c",
        "docs/ssh.md",
        "config/database.yml",
        "config.yaml",
        "certs/README",
        "kube/deployment.yaml",
        "terraform/main.tf",
        "terraform/variables.tf",
        "src/rsa.rs",
        "crypto/rsa_test.go",
        "src/pem.rs",
        "docs/keys.md",
        "LICENSE",
        "BUILD",
        "BUILD.bazel",
        "src/build.rs",
        "build.rs",
        "src/log.rs",
        "src/log/mod.rs",
    ];
    let mut bad = Vec::new();
    for p in files {
        if let Some(h) = hit(&rs, p, Kind::File) {
            if h.category == Category::Secret {
                bad.push(format!("{p}: {h:?}"));
            }
        }
    }
    let dirs = [
        "src",
        "src/keys",
        "docs",
        "certs",
        "config",
        ".github",
        "internal/log",
        "pkg/auth",
        "secrets",
        "src/ssh",
    ];
    for p in dirs {
        if let Some(h) = hit(&rs, p, Kind::Dir) {
            bad.push(format!("{p}/: {h:?}"));
        }
    }
    assert!(bad.is_empty(), "\n{}", bad.join("\n"));
    // Most ordinary files hit nothing at all.
    for p in [
        "src/main.rs",
        "package.json",
        "README.md",
        "Cargo.lock",
        "Dockerfile",
        "go.sum",
    ] {
        assert_eq!(hit(&rs, p, Kind::File), None, "{p}");
    }
}

#[test]
fn most_severe_wins() {
    let rs = rs();
    // secret beats editor-os / build-output.
    assert_eq!(hit(&rs, ".env.bak", Kind::File).unwrap().rule, "CTX101");
    assert_eq!(
        hit(&rs, "secrets.yml.swp", Kind::File).unwrap().rule,
        "CTX903"
    );
    assert_eq!(hit(&rs, "prod.sql.zip", Kind::File).unwrap().rule, "CTX121");
    // A specific high rule beats a generic one in the same category.
    assert_eq!(
        hit(&rs, "db-secrets.json", Kind::File).unwrap().rule,
        "CTX125"
    );
    assert_eq!(hit(&rs, "secrets.json", Kind::File).unwrap().rule, "CTX112");
    assert_eq!(
        hit(&rs, "credentials.json", Kind::File).unwrap().rule,
        "CTX109"
    );
    let mut all = Vec::new();
    rs.classify_all(&entry("credentials.json", Kind::File), &mut all);
    assert_eq!(
        all.iter().map(|h| h.rule).collect::<Vec<_>>(),
        ["CTX109", "CTX125"]
    );
}

#[test]
fn nesting_rules() {
    let rs = rs();
    // Beneath vcs/dependencies: nothing but large-file.
    for p in [
        "node_modules/agent-base/test/server.key",
        "node_modules/x/.env",
        "node_modules/x/node_modules",
        "node_modules/x/dist",
        "node_modules/x/README.md",
        ".git/logs",
        ".git/objects/pack/pack-1.pack",
        "vendor/github.com/x/testdata",
        ".venv/lib/python3.12/site-packages/__pycache__",
        "web/node_modules/.cache",
    ] {
        assert_eq!(hit(&rs, p, Kind::File), None, "{p}");
        assert_eq!(hit(&rs, p, Kind::Dir), None, "{p}/");
        assert!(!rs.wants_content(&entry(p, Kind::File)), "{p}");
    }
    // Beneath build output etc.: secrets kept, junk suppressed.
    assert_eq!(hit(&rs, "target/debug/build", Kind::Dir), None);
    assert_eq!(hit(&rs, "target/debug/x.o", Kind::File), None);
    assert_eq!(hit(&rs, ".next/cache", Kind::Dir), None);
    assert_eq!(hit(&rs, "dist/app.log", Kind::File), None);
    assert_eq!(hit(&rs, ".idea/workspace.xml", Kind::File), None);
    let h = hit(&rs, "dist/.env", Kind::File).unwrap();
    assert_eq!((h.rule, h.severity), ("CTX101", Severity::High));
    let h = hit(&rs, ".ssh/id_rsa", Kind::File).unwrap();
    assert_eq!((h.rule, h.severity), ("CTX102", Severity::High));
    // Beneath test data: secrets downgraded to low, junk suppressed.
    let h = hit(&rs, "pkg/tls/testdata/server.key", Kind::File).unwrap();
    assert_eq!(
        (h.rule, h.category, h.severity),
        ("CTX103", Category::Secret, Severity::Low)
    );
    assert_eq!(hit(&rs, "test/fixtures/big.zip", Kind::File), None);
    assert_eq!(hit(&rs, "testdata/logs", Kind::Dir), None);
    // Not beneath: a directory whose name merely starts like one.
    assert_eq!(
        hit(&rs, "node_modules_backup/x.log", Kind::File)
            .unwrap()
            .rule,
        "CTX601"
    );
    assert_eq!(hit(&rs, "targets/x.o", Kind::File).unwrap().rule, "CTX405");
}

#[test]
fn non_utf8_paths() {
    let rs = rs();
    let e = EntryRef {
        path: b"caf\xe9/.env",
        kind: Kind::File,
        size: 1,
    };
    assert_eq!(rs.classify(&e).unwrap().rule, "CTX101");
    let e = EntryRef {
        path: b"\xff\xfe/node_modules",
        kind: Kind::Dir,
        size: 0,
    };
    assert_eq!(rs.classify(&e).unwrap().rule, "CTX301");
    let e = EntryRef {
        path: b"\xff\xfe",
        kind: Kind::File,
        size: 1,
    };
    assert_eq!(rs.classify(&e), None);
    assert!(rs.wants_content(&e));
}

// ---------------------------------------------------------------------------
// Docs helper: `cargo test print_rules_markdown -- --ignored --nocapture`

#[test]
#[ignore = "prints the rule table for docs/rules.md"]
fn print_rules_markdown() {
    for r in RULES {
        let what = match r.detector {
            Detector::Name {
                target,
                globs,
                except,
            } => {
                let t = match target {
                    Target::File => "files",
                    Target::Dir => "directories",
                    Target::Any => "files or directories",
                };
                let g: Vec<_> = globs.iter().map(|g| format!("`{g}`")).collect();
                let mut s = format!("{t}: {}", g.join(", "));
                if !except.is_empty() {
                    let e: Vec<_> = except.iter().map(|g| format!("`{g}`")).collect();
                    s.push_str(&format!("; except {}", e.join(", ")));
                }
                s
            }
            Detector::Content { signature } => format!("content: {signature}"),
            Detector::Size => "files larger than `large_file_threshold`".into(),
            Detector::Gitignore => "entries a `.gitignore` ignores".into(),
        };
        println!("### `{}` {}\n", r.id, r.title);
        println!(
            "- **Category:** `{}` · **Severity:** `{}`",
            r.category, r.severity
        );
        println!("- **Finds:** {what}");
        println!(
            "- **Why:** {}",
            r.why.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        println!("- **Fix:** `{}`\n", r.fix);
    }
}

#[test]
fn classify_from_two_threads_agrees_with_one() {
    let rs = rs();
    let paths: Vec<(&str, Kind)> = PLANTED.iter().map(|&(p, k, _)| (p, k)).collect();
    let serial: Vec<_> = paths.iter().map(|&(p, k)| hit(&rs, p, k)).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    paths
                        .iter()
                        .map(|&(p, k)| hit(&rs, p, k))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), serial);
        }
    });
}
