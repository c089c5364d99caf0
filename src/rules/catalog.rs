//! The rule catalog: every rule's stable ID, category, severity, texts and
//! matcher. `docs/rules.md` documents the same table for users.
//!
//! Name globs use globset syntax with `literal_separator` on (`*` never
//! crosses `/`) and are matched case-insensitively against the entry's path
//! relative to the context root. `**/x` matches `x` at any depth, the root
//! included.

use serde::Serialize;

use super::{Category, Severity};
use Category::*;
use Severity::*;

/// Which entry kinds a name rule applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Target {
    /// Regular files only.
    File,
    /// Directories only; the hit covers the subtree.
    Dir,
    /// Files and directories (a directory hit covers the subtree).
    Any,
}

/// How a rule finds its entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "kind")]
pub(crate) enum Detector {
    /// Path globs, checked by [`super::RuleSet::classify`].
    Name {
        /// Entry kinds the globs apply to.
        target: Target,
        /// Any of these matches…
        globs: &'static [&'static str],
        /// …unless one of these matches too.
        except: &'static [&'static str],
    },
    /// A byte signature, checked by [`super::scan_content`].
    Content {
        /// Human description of the signature (never a real secret).
        signature: &'static str,
    },
    /// File size over [`super::RuleConfig::large_file_threshold`].
    Size,
    /// The engine's [`super::GitignoreSet`] says git ignores the entry.
    Gitignore,
}

/// One rule of the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Rule {
    /// Stable ID, e.g. `CTX101`. Never reused for another meaning.
    pub id: &'static str,
    /// Category (its string form is the JSON `category`).
    pub category: Category,
    /// Default severity.
    pub severity: Severity,
    /// One-line title.
    pub title: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// A generic `.dockerignore` line that removes it. `{path}` stands for
    /// the concrete path; see [`Rule::fix_for`].
    pub fix: &'static str,
    /// How entries are found.
    pub detector: Detector,
}

impl Rule {
    /// The fix specialised for a concrete path (relative to the context
    /// root): the escaped path itself. Docker patterns are anchored at the
    /// root, so this removes exactly that entry (and its subtree).
    #[cfg(test)]
    pub(crate) fn fix_for(&self, path: &str) -> String {
        escape_dockerignore(path)
    }
}

/// Escapes a literal path so that it is one `.dockerignore` pattern matching
/// exactly that path: `*`, `?`, `[`, `]` and `\` get a backslash, and so
/// does a leading `!` or `#`.
#[cfg(test)]
pub(crate) fn escape_dockerignore(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 2);
    if path.starts_with('!') || path.starts_with('#') {
        out.push('\\');
    }
    for c in path.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Looks a rule up by ID.
pub(crate) fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

#[allow(clippy::too_many_arguments)]
const fn name(
    id: &'static str,
    category: Category,
    severity: Severity,
    target: Target,
    globs: &'static [&'static str],
    except: &'static [&'static str],
    title: &'static str,
    why: &'static str,
    fix: &'static str,
) -> Rule {
    Rule {
        id,
        category,
        severity,
        title,
        why,
        fix,
        detector: Detector::Name {
            target,
            globs,
            except,
        },
    }
}

const fn content(
    id: &'static str,
    severity: Severity,
    signature: &'static str,
    title: &'static str,
    why: &'static str,
) -> Rule {
    Rule {
        id,
        category: Secret,
        severity,
        title,
        why,
        fix: "{path}",
        detector: Detector::Content { signature },
    }
}

const NONE: &[&str] = &[];

const WHY_CONTENT: &str = "A live credential in a file that is sent ends up in the builder and, \
after `COPY . .`, in an image layer that anyone with pull access can read, even if a later \
layer deletes it. Revoke it, then exclude the file or pass the value with `--secret`.";

/// Every rule, ordered by ID. Within one entry, when several rules of equal
/// category rank and severity match, the earlier one here wins.
#[rustfmt::skip]
pub(crate) static RULES: &[Rule] = &[
    // ---- CTX001 gitignored ------------------------------------------------
    Rule {
        id: "CTX001",
        category: Gitignored,
        severity: Low,
        title: "Sent although .gitignore ignores it",
        why: "Whatever git ignores is usually local: build output, editor state, secrets, \
              scratch files. The image then depends on the state of one developer's checkout.",
        fix: "{path}",
        detector: Detector::Gitignore,
    },
    // ---- CTX1xx secret by name --------------------------------------------
    name(
        "CTX101", Secret, High, Target::File,
        &["**/.env", "**/.env.*", "**/*.env"],
        &[
            "**/.env.{example,sample,template,dist,defaults,default,tpl,schema}",
            // REUSE license sidecars (`.env.license`, `.env.test.license`): SPDX headers.
            "**/.env.license",
            "**/.env.*.license",
            "**/*.env.license",
            "**/.env.{example,sample,template,dist,tpl}.*",
            "**/.env.*.{example,sample,template,dist,tpl}",
            "**/{example,sample,template}.env",
            "**/*.{example,sample,template}.env",
        ],
        "dotenv file",
        "`.env` files hold API keys and passwords for local runs. `COPY . .` bakes them into a \
         layer; the usual fix lists `.env` and `.env.*` and re-includes only the example.",
        "**/.env*",
    ),
    name(
        "CTX102", Secret, High, Target::File,
        &[
            "**/id_rsa", "**/id_dsa", "**/id_ecdsa", "**/id_ed25519", "**/id_ecdsa_sk",
            "**/id_ed25519_sk", "**/*_rsa", "**/*_dsa", "**/*_ecdsa", "**/*_ed25519",
            "**/ssh_host_*_key",
        ],
        NONE,
        "SSH private key",
        "An SSH private key grants whatever its public half is authorised for (servers, git \
         hosting). The `.pub` half is not flagged.",
        "**/id_*",
    ),
    name(
        "CTX103", Secret, High, Target::File,
        &[
            "**/*.key", "**/*key*.pem", "**/*private*.pem", "**/*.ppk", "**/*.keypair",
            "**/*.keytab", "**/otr.private_key",
        ],
        &["**/*{public,pubkey,pub_key,pub-key}*.pem", "**/*.pub.key"],
        "Private key file",
        "Files named like TLS/SSH private keys (`*.key`, `privkey.pem`, PuTTY `.ppk`, Kerberos \
         keytabs). Anyone with the image can impersonate the service.",
        "**/*.key",
    ),
    name(
        "CTX104", Secret, Medium, Target::File,
        &["**/*.pem"],
        NONE,
        "PEM file",
        "PEM files are often just certificates (public), but just as often bundle the private \
         key. Run with content scanning to tell which (CTX150).",
        "**/*.pem",
    ),
    name(
        "CTX105", Secret, High, Target::File,
        &["**/*.p12", "**/*.pfx", "**/*.pkcs12", "**/*.jks", "**/*.keystore", "**/*.bks"],
        NONE,
        "Keystore / PKCS#12 bundle",
        "PKCS#12 and Java keystores hold private keys with their certificates, usually behind a \
         weak or default password.",
        "**/*.p12",
    ),
    name(
        "CTX106", Secret, Medium, Target::File,
        &["**/.npmrc", "**/.yarnrc"],
        NONE,
        "npm/yarn config (may hold a registry token)",
        "`.npmrc` often carries `//registry/:_authToken=…`. If the build needs a private \
         registry, mount the file with `RUN --mount=type=secret` instead of copying it.",
        "**/.npmrc",
    ),
    name(
        "CTX107", Secret, High, Target::File,
        &[
            "**/.pypirc", "**/.gem/credentials", "**/.cargo/credentials",
            "**/.cargo/credentials.toml", "**/.m2/settings.xml", "**/settings-security.xml",
            "**/.composer/auth.json",
        ],
        NONE,
        "Package-registry credentials",
        "Publishing credentials for PyPI, RubyGems, crates.io, Maven or Composer: a leak lets \
         someone publish packages under your name.",
        "**/.pypirc",
    ),
    name(
        "CTX108", Secret, High, Target::File,
        &["**/.netrc", "**/_netrc", "**/.git-credentials"],
        NONE,
        "netrc / git credential store",
        "Plain-text host/login/password triples used by curl, git and ftp.",
        "**/.netrc",
    ),
    name(
        "CTX109", Secret, High, Target::File,
        &[
            "**/.aws/credentials", "**/.s3cfg", "**/.boto", "**/credentials.json",
            "**/application_default_credentials.json", "**/client_secret*.json",
            "**/service-account*.json", "**/.azure/accessTokens.json",
            "**/.azure/msal_token_cache.json",
        ],
        NONE,
        "Cloud credentials",
        "AWS, GCP and Azure credential files grant API access to your cloud account.",
        "**/credentials.json",
    ),
    name(
        "CTX110", Secret, High, Target::File,
        &[
            "**/.docker/config.json", "**/.dockercfg", "**/.dockerconfigjson",
            "**/kubeconfig", "**/*.kubeconfig", "**/.kube/config",
        ],
        NONE,
        "Registry / Kubernetes credentials",
        "Docker client configs hold base64 registry logins; kubeconfigs hold cluster \
         certificates and tokens.",
        "**/.kube",
    ),
    name(
        "CTX111", Secret, High, Target::File,
        &[
            "**/*.tfstate", "**/*.tfstate.backup", "**/*.tfstate.*.backup", "**/*.tfvars",
            "**/*.tfvars.json",
        ],
        NONE,
        "Terraform state or variables",
        "Terraform state stores every resource attribute in plain text, generated passwords and \
         keys included; `.tfvars` files usually carry the inputs that are secret.",
        "**/*.tfstate*",
    ),
    name(
        "CTX112", Secret, High, Target::File,
        &[
            "**/secrets.{yml,yaml,json,toml,env,ini}", "**/secret.{yml,yaml,json,toml}",
            "**/.secrets", "**/.secret", "**/.vault-token", "**/.vault_pass*",
            "**/.vault-pass*",
        ],
        NONE,
        "Application secrets file",
        "Files named `secrets.*` (Rails, Ansible, CI tooling), Vault tokens and vault passwords \
         exist only to hold secrets.",
        "**/secrets.*",
    ),
    name(
        "CTX113", Secret, High, Target::File,
        &["**/.htpasswd", "**/etc/shadow", "**/etc/gshadow", "**/.pgpass", "**/.my.cnf"],
        NONE,
        "Password file",
        "Password hashes (`.htpasswd`, `shadow`) can be cracked offline; `.pgpass` and `.my.cnf` \
         hold database passwords in plain text.",
        "**/.htpasswd",
    ),
    name(
        "CTX114", Secret, High, Target::File,
        &["**/secring.*"],
        NONE,
        "PGP secret keyring",
        "A GnuPG secret keyring: signing and decryption keys.",
        "**/secring.*",
    ),
    name(
        "CTX115", Secret, High, Target::Dir,
        &["**/.gnupg", "**/private-keys-v1.d"],
        NONE,
        "GnuPG home directory",
        "A copied GnuPG home holds private keys, trust database and agent config.",
        "**/.gnupg",
    ),
    name(
        "CTX116", Secret, Low, Target::File,
        &["**/*.gpg", "**/*.pgp"],
        NONE,
        "GPG-encrypted file or keyring",
        "Often a public apt keyring (harmless), sometimes encrypted secrets whose passphrase sits \
         nearby. Check that it is meant to ship.",
        "**/*.gpg",
    ),
    name(
        "CTX117", Secret, High, Target::Any,
        &[
            "**/*.kdb", "**/*.kdbx", "**/*.psafe3", "**/*.agilekeychain", "**/*.keychain",
            "**/*.keychain-db", "**/*.kwallet", "**/*.keyring",
        ],
        NONE,
        "Password-manager database",
        "KeePass, 1Password, macOS keychain, KWallet and GNOME keyring databases: one \
         passphrase away from every stored password.",
        "**/*.kdbx",
    ),
    name(
        "CTX118", Secret, Medium, Target::Dir,
        &["**/.ssh"],
        NONE,
        "SSH directory",
        "`.ssh/` holds keys, `config` (host names, users, jump hosts) and `known_hosts`.",
        "**/.ssh",
    ),
    name(
        "CTX119", Secret, Medium, Target::File,
        &["**/*.ovpn", "**/*.tblk", "**/*.rdp", "**/wg[0-9]*.conf"],
        NONE,
        "VPN / remote-desktop profile",
        "OpenVPN and WireGuard profiles usually embed the client's private key; `.rdp` files \
         may carry saved credentials.",
        "**/*.ovpn",
    ),
    name(
        "CTX120", Secret, Medium, Target::File,
        &["**/.*_history", "**/.history", "**/.lesshst"],
        NONE,
        "Shell or REPL history",
        "Shell, psql, mysql, irb and python histories record commands typed with passwords and \
         tokens on the command line.",
        "**/.*_history",
    ),
    name(
        "CTX121", Secret, Medium, Target::File,
        &[
            "**/*.sqlite", "**/*.sqlite3", "**/*.sqlite-wal", "**/*.sqlite-shm", "**/*.sqldump",
            "**/*.sql.{gz,bz2,xz,zst,zip}", "**/dump.rdb", "**/*.mdf", "**/*.ldf", "**/*.sdf",
        ],
        NONE,
        "Database file or dump",
        "Local databases and dumps contain user data (PII, password hashes, sessions). They \
         also tend to be large.",
        "**/*.sqlite*",
    ),
    name(
        "CTX122", Secret, Medium, Target::File,
        &["**/*.pcap", "**/*.pcapng", "**/*.har"],
        NONE,
        "Network capture",
        "Packet captures and browser HAR files record cookies, bearer tokens and request bodies.",
        "**/*.har",
    ),
    name(
        "CTX123", Secret, Medium, Target::File,
        &["**/*.hprof", "**/*.heapsnapshot", "**/*.dmp", "**/*.mdmp"],
        NONE,
        "Memory or core dump",
        "Heap and core dumps are copies of process memory: whatever secrets the process held, \
         in plain text. They are also large.",
        "**/*.hprof",
    ),
    name(
        "CTX124", Secret, Medium, Target::File,
        &[
            "**/credentials.xml", "**/filezilla.xml", "**/recentservers.xml",
            "**/sftp-config.json", "**/robomongo.json", "**/dbeaver-data-sources.xml",
            "**/.muttrc", "**/.tugboat", "**/doctl/config.yaml", "**/.config/hub",
            "**/.envrc",
        ],
        NONE,
        "Tool config that stores credentials",
        "Jenkins credential stores, FTP/SFTP client configs, database GUIs, mail clients and \
         direnv files (`.envrc`) commonly keep passwords next to host names.",
        "**/.envrc",
    ),
    name(
        "CTX125", Secret, Low, Target::File,
        &[
            "**/*{password,passwd,credential,secret}*.{txt,csv,json,yml,yaml,xml,ini,conf,cfg,properties,toml}",
        ],
        // A feature named after passwords holds no password: the texts and settings of a
        // password-reset page (`password_reset_email_send_en.properties`, one per language).
        &[
            "**/*{password_reset,password-reset,passwordreset,reset_password,reset-password,resetpassword,forgot_password,forgot-password,forgotpassword,change_password,change-password,changepassword}*",
            // Nor a dictionary of public weak passwords a strength check rejects (filebrowser's
            // `users/assets/common-passwords.txt`, a `password-blocklist.txt`).
            "**/*{common-password,common_password,commonpassword,weak-password,weak_password,weakpassword,banned-password,banned_password,password-blacklist,password_blacklist,password-blocklist,password_blocklist,password-denylist,password_denylist}*",
            // A release note about a secrets feature (reno's `releasenotes/notes/`,
            // towncrier's `newsfragments/`, changesets, `changelog.d/`) is documentation; its
            // content is still scanned.
            "**/{releasenotes,release-notes,newsfragments,changelog.d,.changeset}/**",
            // An OpenAPI/Swagger description of an endpoint that manages secrets or passwords
            // (`secret.openapi.json`, `password-verification.openapi.yaml`) is API
            // documentation; its content is still scanned.
            "**/*.{openapi,swagger}.{json,yml,yaml}",
            // Nor is a JSON Schema of a password form (`password.schema.json`).
            "**/*.schema.{json,yml,yaml}",
            // A test's recorded output, named after the test case (ory/kratos'
            // `.snapshots/TestHandler-case=…_credential_password-….json`, hundreds of them): its
            // content is still scanned.
            "**/{__snapshots__,.snapshots}/**",
            // The same description split into files below an `openapi/` or `swagger/`
            // directory (dependency-track's `openapi/resources/secrets/schemas/
            // create-secret-request.yaml`, one schema per file).
            "**/{openapi,swagger}/**",
        ],
        "Data file named like a credential",
        "A data file whose name says password, credential or secret. Low confidence: check it.",
        "{path}",
    ),
    // ---- CTX15x secret by content -------------------------------------------
    content(
        "CTX150", High,
        "a `-----BEGIN … PRIVATE KEY-----` line (RSA, DSA, EC, OPENSSH, ENCRYPTED, PGP … BLOCK, \
         PKCS#8) followed by a base64 body, also with JSON-escaped newlines or with each line \
         commented out (`# `, `// `, `; `, `-- `, ` * `); \
         `---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----`; `PuTTY-User-Key-File-N:`; such a block \
         base64-encoded (a kubeconfig's `client-key-data:`, a Kubernetes Secret's `tls.key:`; \
         not an encoded certificate)",
        "Private key block",
        WHY_CONTENT,
    ),
    content(
        "CTX151", High,
        "`AKIA`/`ASIA`/`ABIA`/`ACCA` + 16 upper-case letters or digits (AWS documentation's \
         `…EXAMPLE` IDs are skipped)",
        "AWS access key ID",
        WHY_CONTENT,
    ),
    content(
        "CTX152", High,
        "`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` + 36 or more alphanumerics; `github_pat_` + 60 \
         or more",
        "GitHub token",
        WHY_CONTENT,
    ),
    content("CTX153", High, "`glpat-` + 20 or more token characters", "GitLab token", WHY_CONTENT),
    content(
        "CTX154", High,
        "`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-` followed by numeric groups and a secret part",
        "Slack token",
        WHY_CONTENT,
    ),
    content(
        "CTX155", Medium,
        "`hooks.slack.com/services/T…/B…/…`",
        "Slack incoming webhook URL",
        "Anyone with the URL can post into the channel as your integration. Rotate it in Slack.",
    ),
    content("CTX156", High, "`sk_live_` or `rk_live_` + 20 or more alphanumerics", "Stripe live key", WHY_CONTENT),
    content("CTX157", High, "`npm_` + 36 alphanumerics", "npm access token", WHY_CONTENT),
    content("CTX158", High, "`pypi-AgEIcHlwaS5vcmc` + 50 or more token characters", "PyPI API token", WHY_CONTENT),
    content(
        "CTX159", High,
        "an `.npmrc`-style line `_authToken=`, `_auth=` or `_password=` (optionally after \
         `//host/:`), or a yarnrc `npmAuthToken:`, whose value is not a `${VAR}` reference",
        "Registry auth token in npm/yarn config",
        WHY_CONTENT,
    ),
    content(
        "CTX160", High,
        "JSON with `\"type\": \"service_account\"` and a `\"private_key\"` holding a PEM key",
        "GCP service-account key",
        WHY_CONTENT,
    ),
    content(
        "CTX161", High,
        "JSON with `\"auths\"` and a non-empty `\"auth\"` or `\"identitytoken\"` value",
        "Docker registry login",
        WHY_CONTENT,
    ),
    content(
        "CTX162", Medium,
        "`AIza` + 35 token characters",
        "Google API key",
        "Google API keys are sometimes meant to be public (browser Maps keys), but unrestricted \
         ones bill your project. Check its restrictions.",
    ),
    content("CTX163", High, "`AGE-SECRET-KEY-1` + 58 characters", "age secret key", WHY_CONTENT),
    content("CTX164", High, "`sk-ant-api03-` / `sk-ant-admin01-` + 80 or more characters", "Anthropic API key", WHY_CONTENT),
    content("CTX165", High, "`sk-…T3BlbkFJ…`", "OpenAI API key", WHY_CONTENT),
    content("CTX166", High, "`AccountKey=` + 86 base64 characters + `==`", "Azure storage account key", WHY_CONTENT),
    content(
        "CTX167", High,
        "a URL with a literal password (`postgres://app:…@db`, `mongodb+srv://…`, `https://user:…@host`): \
         8 or more characters mixing three of lower case, upper case, digits and symbols (or two in \
         16 or more), not the user name, not a placeholder or `${VAR}`, not the value of a \
         `placeholder` key or attribute, not in front of a host \
         reserved for documentation (`example.com`, `example.org`, `example.net`, `.example`, `.invalid`); \
         `low` in front of `localhost`, `127.x.y.z`, `[::1]` or `0.0.0.0` unless the password looks generated",
        "URL with a password",
        WHY_CONTENT,
    ),
    content(
        "CTX168", High,
        "a key named `aws_secret_access_key`, `secretAccessKey`, `aws.secretKey`, … (any \
         case) assigned (`=`, `:`) 40 base64 characters",
        "AWS secret access key",
        WHY_CONTENT,
    ),
    content(
        "CTX169", High,
        "a variable or key named like a secret (`JWT_SECRET`, `api_key`, `clientSecret`, \
         `\"client_secret\"`, `db.password`, …) assigned (`=`, `:`, `:=`, `=>`) a literal that \
         looks generated: 16 or more characters (12 for a password) mixing letters and digits, \
         high in entropy, not a placeholder, reference, checksum, identifier, sequence or UUID; \
         in source code only a quoted literal counts",
        "Hard-coded secret assigned in code or config",
        WHY_CONTENT,
    ),
    Rule {
        id: "CTX170",
        category: Secret,
        severity: High,
        title: "Credential in a Dockerfile ARG/ENV value",
        why: "An `ENV` value is stored in the image's configuration and an `ARG` value in its \
              history (`docker history`), for anyone who can pull the image. A URL with a \
              password or a token is high; a secret-named variable set to a literal \
              (`DB_PASSWORD=…`) is medium.",
        fix: "remove the value from the Dockerfile; pass it at build time with `RUN --mount=type=secret`",
        detector: Detector::Content {
            signature: "an `ARG`/`ENV` value that is a URL with a password, a token the content \
                        rules know, or a literal assigned to a secret-named variable",
        },
    },
    content("CTX171", High, "`SG.` + 22 + `.` + 43 token characters", "SendGrid API key", WHY_CONTENT),
    content("CTX172", High, "`hf_` + 34 letters", "Hugging Face token", WHY_CONTENT),
    content("CTX173", High, "`dop_v1_`, `doo_v1_`, `dor_v1_` + 64 hex digits", "DigitalOcean token", WHY_CONTENT),
    content("CTX174", High, "`hvs.`/`hvb.` + 90 or more token characters; `….atlasv1.…`", "HashiCorp Vault or Terraform Cloud token", WHY_CONTENT),
    content("CTX175", High, "`shpat_`, `shpca_`, `shppa_`, `shpss_` + 32 hex digits", "Shopify access token", WHY_CONTENT),
    content("CTX176", High, "8 to 10 digits, `:AA`, 33 token characters", "Telegram bot token", WHY_CONTENT),
    content("CTX177", High, "`GOCSPX-` + 28 token characters", "Google OAuth client secret", WHY_CONTENT),
    content("CTX178", High, "`glsa_` + 32 + `_` + 8 hex digits; `glc_` + 32 or more base64 characters", "Grafana service-account or Cloud token", WHY_CONTENT),
    content("CTX179", High, "`PMAK-…` (Postman), `lin_api_…` (Linear), `NRAK-…` (New Relic), `dp.st.…` (Doppler), `pul-…` (Pulumi), `dckr_pat_…`/`dckr_oat_…` (Docker Hub)", "Vendor API token", WHY_CONTENT),
    content("CTX180", Low, "`sk_test_` or `rk_test_` + 20 or more alphanumerics", "Stripe test-mode key", WHY_CONTENT),
    content("CTX181", Medium, "three base64url segments, the first two starting `eyJ` (not jwt.io's sample or Supabase's local demo keys)", "JSON Web Token", WHY_CONTENT),
    content("CTX182", Medium, "`discord.com/api/webhooks/` + id + 60 or more token characters", "Discord webhook URL", WHY_CONTENT),
    content("CTX183", High, "`key-` + 32 lower-case letters and digits, not part of a longer word or path", "Mailgun API key", WHY_CONTENT),
    content(
        "CTX184", Medium,
        "an `Authorization` header or key set to `Bearer` + a literal token that looks generated \
         (16 or more characters mixing letters and digits, high in entropy; not `$TOKEN`, \
         `<token>`, `${API_KEY}`, `{{token}}`, `YOUR_TOKEN`, `xxxx…`); in documentation not \
         after `for example` or in a command's output",
        "Bearer token in an Authorization header",
        WHY_CONTENT,
    ),
    content(
        "CTX185", Medium,
        "in a configuration file (YAML, TOML, INI, HJSON, JSON, `.conf`, `.cfg`, \
         `.properties`), a password key (`admin_password`, `db.password`, `passwd`) set to a \
         readable literal CTX169 leaves out: 12 to 64 characters, mostly letters, mixed case or \
         with digits (`SuperSecretAdminPass`), not a stand-in (`changeme`, `your_password`), a \
         reference, an identifier or the key's own name. Medium: a chosen password is as often \
         a documented default as a real one",
        "Readable password in a configuration file",
        WHY_CONTENT,
    ),
    // ---- CTX2xx vcs -----------------------------------------------------------
    name(
        "CTX201", Vcs, Medium, Target::Dir,
        &["**/.git"],
        NONE,
        ".git directory",
        "The whole history goes to the builder: often the largest part of the context, and every \
         secret ever committed (even if since deleted) with it. It also busts the layer cache on \
         every commit.",
        "**/.git",
    ),
    name(
        "CTX202", Vcs, Medium, Target::Dir,
        &["**/.hg", "**/.svn", "**/.bzr", "**/_darcs", "**/CVS", "**/.jj", "**/.pijul", "**/.fossil-settings"],
        NONE,
        "Other VCS metadata",
        "Mercurial, Subversion, Bazaar, darcs, CVS, Jujutsu and Pijul metadata: history and \
         cache churn the image does not need.",
        "**/.hg",
    ),
    name(
        "CTX203", Vcs, Low, Target::Dir,
        &["**/.worktrees"],
        NONE,
        "Git worktrees",
        "Extra checkouts of the repository: the same sources sent again, once per worktree.",
        "**/.worktrees",
    ),
    // ---- CTX3xx dependencies ----------------------------------------------------
    name(
        "CTX301", Dependencies, Medium, Target::Dir,
        &["**/node_modules"],
        NONE,
        "node_modules",
        "Usually the largest part of a JS context, built for the host OS (native addons break on \
         another libc/arch); a Dockerfile that installs its packages (`npm ci`) writes it again in \
         the image, and one that never runs Node does not need it.",
        "**/node_modules",
    ),
    name(
        "CTX302", Dependencies, Medium, Target::Dir,
        &["**/.venv", "**/venv", "**/.virtualenv"],
        NONE,
        "Python virtualenv",
        "A virtualenv is tied to the host's Python path and platform; it is dead weight or, \
         worse, silently shadows the image's own install.",
        "**/.venv",
    ),
    name(
        "CTX303", Dependencies, Medium, Target::Dir,
        &["**/bower_components", "**/jspm_packages", "**/web_modules"],
        NONE,
        "Other JS package directory",
        "Installed front-end packages; reinstall them in the image instead.",
        "**/bower_components",
    ),
    name(
        "CTX304", Dependencies, Low, Target::Dir,
        &["**/.yarn/cache", "**/.yarn/unplugged", "**/.pnpm-store", "**/.cargo/registry", "**/.cargo/git"],
        NONE,
        "Package-manager store",
        "Downloaded package archives. Intended with Yarn zero-installs; otherwise megabytes of \
         cache. A `RUN --mount=type=cache` keeps them out of the context.",
        "**/.pnpm-store",
    ),
    name(
        "CTX305", Dependencies, Low, Target::Dir,
        &["**/Pods", "**/Carthage/Build"],
        NONE,
        "CocoaPods / Carthage output",
        "Installed iOS/macOS dependencies; rarely needed in a Linux image.",
        "**/Pods",
    ),
    name(
        "CTX306", Dependencies, Info, Target::Dir,
        &["**/vendor"],
        NONE,
        "vendor directory",
        "Vendored dependencies (Go, PHP, Ruby). Often intended (`go build -mod=vendor`); listed so \
         its size is visible.",
        "**/vendor",
    ),
    // ---- CTX4xx build-output -----------------------------------------------------
    name(
        "CTX401", BuildOutput, Medium, Target::Dir,
        &["**/target"],
        NONE,
        "target/ (Cargo, Maven, sbt output)",
        "Rust and JVM build trees reach gigabytes, and the image rebuilds them anyway. Copy only \
         the artifact you need if you build outside Docker.",
        "**/target",
    ),
    name(
        "CTX402", BuildOutput, Low, Target::Dir,
        &["**/dist", "**/build", "**/out", "**/_build", "**/zig-out"],
        NONE,
        "Build output directory",
        "Generated output; stale copies make builds non-reproducible. Ignore it unless the \
         Dockerfile copies prebuilt artifacts from it.",
        "**/dist",
    ),
    name(
        "CTX403", BuildOutput, Low, Target::Dir,
        &[
            "**/.next", "**/.nuxt", "**/.svelte-kit", "**/.output", "**/.angular",
            "**/.docusaurus", "**/.vercel", "**/.netlify", "**/storybook-static",
        ],
        NONE,
        "Framework build directory",
        "Next.js, Nuxt, SvelteKit, Angular, … output and caches (`.next/cache` alone can be \
         hundreds of MB).",
        "**/.next",
    ),
    name(
        "CTX404", BuildOutput, Low, Target::Any,
        &["**/coverage", "**/.nyc_output", "**/htmlcov", "**/.coverage", "**/.coverage.*", "**/lcov.info"],
        NONE,
        "Coverage report",
        "Test coverage data and HTML reports.",
        "**/coverage",
    ),
    name(
        "CTX405", BuildOutput, Low, Target::File,
        &["**/*.o", "**/*.obj", "**/*.lo", "**/*.class", "**/*.pdb", "**/*.tsbuildinfo"],
        NONE,
        "Compiled object file",
        "Object files built for the host; the image compiles its own.",
        "**/*.o",
    ),
    name(
        "CTX406", BuildOutput, Low, Target::Dir,
        &["**/bin", "**/obj"],
        NONE,
        ".NET build output (bin/, obj/)",
        "`dotnet build` writes assemblies to `bin/` and intermediate files to `obj/` beside each \
         project file; the image builds its own, and a stale `obj/project.assets.json` from the \
         host can break `dotnet restore` inside it. Reported only beside a `*.csproj`, `*.fsproj` \
         or `*.vbproj` that git does not track the directory of.",
        "{path}",
    ),
    // ---- CTX5xx cache --------------------------------------------------------------
    name(
        "CTX501", Cache, Low, Target::Any,
        &[
            "**/__pycache__", "**/*.pyc", "**/*.pyo", "**/.pytest_cache", "**/.mypy_cache",
            "**/.ruff_cache", "**/.tox", "**/.nox", "**/.hypothesis", "**/.pytype", "**/.pyre",
            "**/.ipynb_checkpoints",
        ],
        NONE,
        "Python cache",
        "Bytecode and tool caches; stale `.pyc` files can even shadow the image's sources.",
        "**/__pycache__",
    ),
    name(
        "CTX502", Cache, Low, Target::Dir,
        &["**/.cache", "**/ms-playwright"],
        NONE,
        ".cache directory",
        "Generic tool caches (and Playwright browser downloads): hundreds of MB, never needed.",
        "**/.cache",
    ),
    name(
        "CTX503", Cache, Low, Target::Any,
        &[
            "**/.parcel-cache", "**/.turbo", "**/.npm", "**/.eslintcache", "**/.stylelintcache",
            "**/.sass-cache", "**/.nx/cache", "**/.swc", "**/.vite", "**/.webpack-cache",
        ],
        NONE,
        "JavaScript tool cache",
        "Bundler, linter and package-manager caches.",
        "**/.parcel-cache",
    ),
    name(
        "CTX504", Cache, Low, Target::Dir,
        &[
            "**/.gradle", "**/.m2/repository", "**/.ccache", "**/.sccache", "**/.dart_tool",
            "**/.stack-work", "**/zig-cache", "**/.zig-cache",
        ],
        NONE,
        "Build-tool cache",
        "Gradle, Maven, ccache, Dart, Stack and Zig caches; use `RUN --mount=type=cache` instead.",
        "**/.gradle",
    ),
    name(
        "CTX505", Cache, Medium, Target::Dir,
        &["**/.terraform"],
        NONE,
        ".terraform directory",
        "Downloaded provider binaries (hundreds of MB) and backend state that may hold \
         credentials.",
        "**/.terraform",
    ),
    name(
        "CTX506", Cache, Low, Target::Dir,
        &["**/tmp", "**/.tmp", "**/temp"],
        NONE,
        "Temporary directory",
        "Scratch files, pid files and caches (Rails `tmp/`).",
        "**/tmp",
    ),
    // ---- CTX6xx logs -----------------------------------------------------------------
    name(
        "CTX601", Logs, Low, Target::File,
        &["**/*.log", "**/*.log.[0-9]*", "**/*-debug.log*", "**/yarn-error.log*"],
        NONE,
        "Log file",
        "Logs grow without bound and may contain PII, tokens from request logs and stack traces.",
        "**/*.log",
    ),
    name(
        "CTX602", Logs, Low, Target::Dir,
        &["**/logs"],
        NONE,
        "Log directory",
        "A directory of logs: growing, personal data, never an input to a build.",
        "**/logs",
    ),
    // ---- CTX7xx test-data --------------------------------------------------------------
    name(
        "CTX701", TestData, Low, Target::Dir,
        &["**/testdata", "**/test-data", "**/test_data", "**/fixtures", "**/__fixtures__"],
        NONE,
        "Test fixture directory",
        "Fixtures are needed to run tests, not to run the service. Ignore them unless tests run \
         inside the image.",
        "**/testdata",
    ),
    name(
        "CTX702", TestData, Info, Target::Dir,
        &["**/__snapshots__", "**/.snapshots"],
        NONE,
        "Snapshot directory",
        "Jest/Vitest/insta snapshots (`__snapshots__`) and Go's cupaloy/snapshotx snapshots \
         (`.snapshots`): only useful when tests run in the image.",
        "**/__snapshots__",
    ),
    name(
        "CTX703", TestData, Low, Target::Dir,
        &["**/test-results", "**/playwright-report", "**/cypress/videos", "**/cypress/screenshots"],
        NONE,
        "Test run artefacts",
        "Reports, videos and screenshots from test runs.",
        "**/test-results",
    ),
    // ---- CTX800 large-file --------------------------------------------------------------
    Rule {
        id: "CTX800",
        category: LargeFile,
        severity: Medium,
        title: "Large file",
        why: "Every byte is tarred and sent to the builder on each build, before any cache check. \
              A single large file often dominates the context.",
        fix: "{path}",
        detector: Detector::Size,
    },
    // ---- CTX81x media-archive ---------------------------------------------------------------
    name(
        "CTX810", MediaArchive, Low, Target::File,
        &[
            "**/*.zip", "**/*.tar", "**/*.tar.*", "**/*.tgz", "**/*.tbz", "**/*.tbz2", "**/*.txz",
            "**/*.tzst", "**/*.7z", "**/*.rar",
        ],
        NONE,
        "Archive",
        "Archives are usually downloads or backups sitting in the tree; `ADD` would even unpack \
         local tars. Fetch what the build needs inside the Dockerfile.",
        "**/*.zip",
    ),
    name(
        "CTX811", MediaArchive, Low, Target::File,
        &[
            "**/*.iso", "**/*.dmg", "**/*.img", "**/*.vmdk", "**/*.vdi", "**/*.vhd", "**/*.vhdx",
            "**/*.qcow2", "**/*.ova", "**/*.box",
        ],
        NONE,
        "Disk or VM image",
        "Disk images are large and never a build input for a container image.",
        "**/*.iso",
    ),
    name(
        "CTX812", MediaArchive, Low, Target::File,
        &[
            "**/*.mp4", "**/*.m4v", "**/*.mov", "**/*.avi", "**/*.mkv", "**/*.webm", "**/*.wmv",
            "**/*.flv", "**/*.mpg", "**/*.mpeg", "**/*.wav", "**/*.flac", "**/*.aiff",
        ],
        NONE,
        "Video or raw audio",
        "Screen recordings and raw media are large; serve them from storage, not the image.",
        "**/*.mp4",
    ),
    name(
        "CTX813", MediaArchive, Low, Target::File,
        &[
            "**/*.psd", "**/*.psb", "**/*.ai", "**/*.sketch", "**/*.fig", "**/*.xd", "**/*.xcf",
            "**/*.blend", "**/*.kra", "**/*.afdesign", "**/*.afphoto", "**/*.indd",
        ],
        NONE,
        "Design source file",
        "Photoshop, Illustrator, Sketch, Figma, GIMP and Blender sources: large and only the \
         exported assets are needed.",
        "**/*.psd",
    ),
    // ---- CTX9xx editor-os ------------------------------------------------------------------
    name(
        "CTX901", EditorOs, Low, Target::Any,
        &[
            "**/.DS_Store", "**/._*", "**/Thumbs.db", "**/ehthumbs.db", "**/desktop.ini",
            "**/.Spotlight-V100", "**/.Trashes", "**/.fseventsd", "**/$RECYCLE.BIN",
        ],
        NONE,
        "OS metadata file",
        "Finder/Explorer metadata. Harmless but it changes on its own and busts the layer cache.",
        "**/.DS_Store",
    ),
    name(
        "CTX902", EditorOs, Low, Target::Any,
        &[
            "**/.idea", "**/.vscode", "**/.vs", "**/.fleet", "**/.zed", "**/.cursor",
            "**/.windsurf", "**/.claude", "**/.history", "**/*.iml", "**/*.sublime-workspace",
        ],
        NONE,
        "IDE settings",
        "Per-developer IDE and coding-assistant state (JetBrains, VS Code, Zed, Cursor, Claude \
         Code); it can also hold run configurations with environment variables.",
        "**/.idea",
    ),
    name(
        "CTX903", EditorOs, Low, Target::File,
        &[
            "**/*.swp", "**/*.swo", "**/*~", "**/.#*", "**/#*#", "**/*.orig", "**/*.rej",
            "**/*.bak",
        ],
        NONE,
        "Editor swap or backup file",
        "Vim swap files, Emacs backups, merge leftovers: stale copies of sources (a swap file of \
         `.env` is the `.env`).",
        "**/*.swp",
    ),
];
