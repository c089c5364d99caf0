//! Tests of the hard-coded-secret rule (CTX169).

use super::value::{base64_decode, encoded_text};
use super::*;

#[test]
fn spellings_cover_the_ways_names_are_written() {
    let sp = spellings();
    assert_eq!(sp.len(), 57, "{sp:?}");
    for name in [
        "JWT_SECRET",
        "clientSecret",
        "accessToken",
        "DB_PASSWORD",
        "passwd",
        "x-api-key",
        "apiKey",
        "APIKey",
        "ApiKey",
        "privateKey",
        "AWS_ACCESS_KEY",
        "awsAccessKey",
        "AuthKey",
        "X-Api-Key",
        "X-API-Key",
        "Private-Key",
    ] {
        assert!(
            keywords().find_iter(name.as_bytes()).next().is_some(),
            "{name}"
        );
    }
}

#[test]
fn names() {
    let kind = |n: &str| secret_name_kind(&name_words(trim_name(n.as_bytes())));
    for n in [
        "JWT_SECRET",
        "SECRET_KEY",
        "apiKey",
        "api_key",
        "API-KEY",
        "client_secret",
        "clientSecret",
        "password",
        "DB_PASSWORD",
        "authToken",
        "access_token",
        "APIKey",
        "secret_key_base",
        "spring.datasource.password",
        "--api-key",
        "this.privateKey",
        "jwtsecret",
        "x-api-key",
        "aws_access_key",
    ] {
        assert!(kind(n).is_some(), "{n}");
    }
    for n in [
        "tokenizer",
        "TOKEN_TTL",
        "password_hash",
        "secret_name",
        "publicKey",
        "NEXT_PUBLIC_API_KEY",
        "REACT_APP_POSTHOG_TOKEN",
        "VITE_API_KEY",
        "GATSBY_API_KEY",
        "fake_token",
        "EXAMPLE_API_KEY",
        "api_key_id",
        "max_tokens",
        "secretary",
        "passwordless",
        "token_endpoint",
        "keyboard",
        "secretNamespace",
        "SECRETS_BUCKET",
        "token_embd.weight",
        "token_types.bias",
        // A site's embed key, served in every page (Chatwoot's widget snippet).
        "websiteToken",
        "widget_token",
        "WEBSITE_API_KEY",
    ] {
        assert!(kind(n).is_none(), "{n}");
    }
    // A key named for what it grants beyond naming the site is still one.
    for n in [
        "WEBSITE_PRIVATE_KEY",
        "WEBSITE_ADMIN_TOKEN",
        "WIDGET_ACCESS_TOKEN",
    ] {
        assert!(kind(n).is_some(), "{n}");
    }
    // The site's name changes nothing for any other key name.
    assert!(kind("WEBSITE_SIGNING_KEY") == kind("SIGNING_KEY"));
    // A secret or a password named for the site is still one.
    assert!(kind("website_secret") == Some(Kind::Secret));
    assert!(kind("widgetPassword") == Some(Kind::Password));
    assert!(kind("DB_PASSWORD") == Some(Kind::Password));
    assert!(kind("client_secret") == Some(Kind::Secret));
}

/// A generated-looking value: `n` characters cycling through lower case, digits, upper
/// case and lower case again, mixed by a xorshift (built at run time: this file is in the
/// repository's own build context).
fn gen(seed: u64, n: usize) -> String {
    let mut x = seed | 1;
    (0..n)
        .map(|k| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let set: &[u8] = match k % 4 {
                1 => b"0123456789",
                2 => b"ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                _ => b"abcdefghijklmnopqrstuvwxyz",
            };
            char::from(set[(x % set.len() as u64) as usize])
        })
        .collect()
}

fn lines(text: &str, kind: FileKind) -> Vec<usize> {
    assigned_secret_offsets(text.as_bytes(), kind, 32)
        .into_iter()
        .map(|o| 1 + text.as_bytes()[..o].iter().filter(|&&b| b == b'\n').count())
        .collect()
}

#[test]
fn values() {
    let v = gen(7, 32);
    for ok in [
        format!("JWT_SECRET = \"{v}\""),
        format!("api_key: {v}"),
        format!("  \"client_secret\": \"{v}\","),
        format!("token := \"{v}\""),
        format!("'api_key' => '{v}',"),
        format!("const apiKey: string = '{v}';"),
        format!("API_TOKEN: &str = r\"{v}\";"),
        format!("password = {}#X", &v[..12]),
    ] {
        assert_eq!(lines(&ok, FileKind::Config), [1], "{ok}");
    }
    for no in [
        format!("JWT_SECRET == \"{v}\""),
        format!("api_key: {v} is what you get"),
        format!("tokenizer = \"{v}\""),
        format!("token_ttl = \"{v}\""),
        format!("secret = \"{v}\" + suffix"),
        format!("secret = \"{}\"", &v[..15]),
        "api_key = \"0123456789abcdef0123\"".to_string(),
        "api_key = \"aaaaaaaaaaaaaaaaaaaaaaaa\"".to_string(),
        "api_key = \"ab12ab12ab12ab12ab12\"".to_string(),
        "token = \"MyServiceAccessToken2024\"".to_string(),
        "token = \"com.example.app.Service1\"".to_string(),
        "password = \"Sup3rS3cr3t!2024\"".to_string(),
        "password = 'h4ppyHunter#2'".to_string(),
        "secret = \"${JWT_SECRET}\"".to_string(),
    ] {
        assert!(lines(&no, FileKind::Config).is_empty(), "{no}");
    }
    // A name looked up with a literal default.
    for ok in [
        format!("SECRET_KEY = os.getenv(\"SECRET_KEY\", \"{v}\")"),
        format!("key = os.environ.get('API_KEY', '{v}')"),
        format!("define('AUTH_KEY', '{v}');"),
        format!("String k = System.getProperty(\"app.secret\", \"{v}\");"),
        format!("const t = process.env.API_TOKEN || \"{v}\";"),
        format!("const t = import.meta.env.SECRET ?? '{v}';"),
        format!("process.env.API_TOKEN ||= \"{v}\";"),
    ] {
        assert_eq!(lines(&ok, FileKind::Code), [1], "{ok}");
    }
    for no in [
        "SECRET_KEY = os.getenv(\"SECRET_KEY\", \"change-me\")".to_string(),
        "key = os.environ.get('API_KEY', '')".to_string(),
        format!("call(token, \"{v}\")"),
        format!("x = options.token || \"{v}\""),
        "define('AUTH_KEY', 'put your unique phrase here');".to_string(),
        // A list holding the name, then another argument: a Doctrine migration's index name.
        format!("$t->addUniqueIndex(['token'], 'UNIQ_{}');", &v[..16]),
        format!("index(columns=[\"api_key\"], name=\"{v}\")"),
    ] {
        assert!(lines(&no, FileKind::Code).is_empty(), "{no}");
    }
    // In code a bare word is a reference, and comments are not assignments.
    assert!(lines(&format!("api_key = {v}"), FileKind::Code).is_empty());
    assert!(lines(&format!("# api_key = \"{v}\""), FileKind::Code).is_empty());
    assert!(lines(&format!("; api_key = {v}"), FileKind::Config).is_empty());
    assert_eq!(lines(&format!("# api_key = \"{v}\""), FileKind::Doc), [1]);
    // UUIDs count only under a name that says secret.
    let h: String = gen(9, 32)
        .bytes()
        .map(|b| char::from(b"0123456789abcdef"[usize::from(b % 16)]))
        .collect();
    let uuid = format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    );
    assert!(lines(&format!("api_key = \"{uuid}\""), FileKind::Config).is_empty());
    assert_eq!(
        lines(&format!("client_secret = \"{uuid}\""), FileKind::Config),
        [1]
    );
    // Keys public by design: a publishable key, an Algolia DocSearch key.
    assert!(lines(&format!("accessToken: 'pk.{v}'"), FileKind::Config).is_empty());
    assert!(lines(
        &format!("private POSTHOG_API_KEY = 'phc_{v}';"),
        FileKind::Code
    )
    .is_empty());
    assert_eq!(
        lines(
            &format!("private POSTHOG_API_KEY = 'phx_{v}';"),
            FileKind::Code
        ),
        [1]
    );
    let docsearch =
        format!("algolia: {{\n  appId: 'X1',\n  apiKey: '{v}',\n  indexName: 'docs',\n}}");
    assert!(lines(&docsearch, FileKind::Code).is_empty());
    let other = docsearch
        .replace("algolia", "service")
        .replace("indexName", "region");
    assert_eq!(lines(&other, FileKind::Code), [3]);
    // A chat widget's embed snippet: the website token is in every page's HTML.
    let widget =
        format!("window.chatwootSDK.run({{\n  websiteToken: '{v}',\n  baseUrl: BASE_URL\n}})");
    assert!(lines(&widget, FileKind::Code).is_empty());
    assert_eq!(
        lines(
            &widget.replace("websiteToken", "accessToken"),
            FileKind::Code
        ),
        [2]
    );
    // One hit per line; the line of each.
    let two = format!("a = 1\ntoken = \"{v}\" ; secret = \"{v}\"\nx\nAPI_KEY={v}\n");
    assert_eq!(lines(&two, FileKind::Config), [2, 4]);
}

#[test]
fn values_nested_in_an_example_entry() {
    let v = gen(11, 32);
    // An OpenAPI schema's example in code, and in YAML.
    let ex = format!("  example: %{{\n    tenant: %{{\n      jwt_secret: \"{v}\",\n    }}\n  }}\n");
    assert!(lines(&ex, FileKind::Code).is_empty());
    let yaml =
        format!("schemas:\n  Tenant:\n    examples:\n      - name: t1\n        api_key: {v}\n");
    assert!(lines(&yaml, FileKind::Config).is_empty());
    // A sibling of the example, or a name merely containing the word, is not inside one.
    let after = format!("  example: %{{a: 1}},\n  client_secret: \"{v}\"\n");
    assert_eq!(lines(&after, FileKind::Code), [2]);
    let named = format!("example_app:\n  api_key: {v}\n");
    assert_eq!(lines(&named, FileKind::Config), [2]);
}

#[test]
fn values_inside_a_block_comment() {
    let v = gen(7, 32);
    // A sample API response in a Go doc comment: its lines start with neither `//` nor `*`.
    let go = format!(
        "// GetToken\n/*\n{{\n    \"code\": 0,\n    \"refresh_token\": \"{v}\"\n}}\n*/\nfunc f() {{}}\n"
    );
    assert!(lines(&go, FileKind::Code).is_empty());
    // After the comment closes, an assignment counts again.
    let after = format!("/*\n  notes\n*/\nconst apiKey: string = '{v}';\n");
    assert_eq!(lines(&after, FileKind::Code), [4]);
    // `/*` inside a string opens no comment.
    let glob = format!("const g = \"static/*\"\nconst apiKey: string = '{v}';\n");
    assert_eq!(lines(&glob, FileKind::Code), [2]);
    // A block comment opened after code on its line (a `/*` not first on the line) is not
    // followed: the value after it still counts.
    let trailing = format!("x = 1 /* see below\nconst apiKey: string = '{v}';\n");
    assert_eq!(lines(&trailing, FileKind::Code), [2]);
    // In config, `/*` is no comment opener.
    let conf = format!("/*\nclient_secret: {v}\n");
    assert_eq!(lines(&conf, FileKind::Config), [2]);
}

#[test]
fn values_in_a_multi_line_string_showing_an_example() {
    let v = gen(7, 32);
    let filler = "  \\\"url\\\": \\\"https://example.com/webhook/\\\",\n".repeat(9);
    let filler = filler.replace("example.com", "hooks.test");
    // A CLI's help text (clap's `after_help`) holding a JSON body, introduced on the literal's
    // first line, nine lines above the value.
    let help = format!(
        "    /// Create.\n    #[command(after_help = \"Example body:\n{{\n{filler}  \\\"secret\\\": \\\"{v}\\\",\n}}\")]\n    Create {{}},\n"
    );
    assert!(lines(&help, FileKind::Code).is_empty(), "{help}");
    // A sample response just above, in the literal's text.
    let resp = format!(
        "const HELP: &str = \"Usage: app login\n\nExample response:\n{{\n  \\\"token\\\": \\\"{v}\\\"\n}}\";\n"
    );
    assert!(lines(&resp, FileKind::Code).is_empty(), "{resp}");
    // The same body in a literal that shows no example counts.
    let plain = format!("const BODY: &str = \"{{\n{filler}  \\\"secret\\\": \\\"{v}\\\",\n}}\";\n");
    assert_eq!(lines(&plain, FileKind::Code), [11], "{plain}");
}

#[test]
fn documentation_examples_and_outputs() {
    let v = gen(11, 40);
    let shown = format!("For example:\n\n```yaml\nsecret_key_base: {v}\n```\n");
    assert!(lines(&shown, FileKind::Doc).is_empty());
    let output = format!(
        "```\n$ tool show\n{}secret_key_base: {v}\n```\n",
        "x: 1\n".repeat(12)
    );
    assert!(lines(&output, FileKind::Doc).is_empty());
    // A sample API response (wallabag's OAuth docs).
    let response = format!(
        "```\nHTTP/1.1 200 OK\n\n{{\n    \"access_token\": \"{v}\",\n    \"expires_in\": 3600\n}}\n```\n"
    );
    assert!(lines(&response, FileKind::Doc).is_empty());
    // An RST literal block introduced "like this::" (datasette's docs: a command, then the
    // login URL it prints).
    let rst = format!(
        "Start it like this::\n\n    tool --root\n\nIt prints a URL::\n\n    http://127.0.0.1:8001/-/auth?token={v}\n"
    );
    assert!(lines(&rst, FileKind::Doc).is_empty(), "{rst}");
    assert_eq!(lines(&rst.replace("like this", "with"), FileKind::Doc), [7]);
    let leaked = format!("# Setup\n\n```sh\nexport API_TOKEN={v}\n```\n");
    assert_eq!(lines(&leaked, FileKind::Doc), [4]);
    // The prompt of an earlier block does not reach into a later one.
    let later = format!("```\n$ ls\n```\n\nThen:\n\n```\nAPI_TOKEN={v}\n```\n");
    assert_eq!(lines(&later, FileKind::Doc), [8]);
    // A long sample introduced as an example above its block, the value far below the intro:
    // a Markdown fence, and a man page's `.EX` block (syncthing's sample configuration).
    let filler = "  x: 1\n".repeat(20);
    let md = format!(
        "An example of a default configuration file:\n\n```yaml\ngui:\n{filler}  apikey: {v}\n```\n"
    );
    assert!(lines(&md, FileKind::Doc).is_empty(), "{md}");
    let roff_filler = "    <a>1</a>\n".repeat(20);
    let man = format!(
        ".sp\nThe following shows an example of a default configuration file:\n.sp\n.EX\n<gui>\n{roff_filler}    <apikey>{v}</apikey>\n</gui>\n.EE\n"
    );
    assert!(lines(&man, FileKind::Doc).is_empty(), "{man}");
    // The same sample line again under a later section, with no intro of its own.
    let again =
        format!("{man}.SH GUI ELEMENT\n.sp\n.EX\n<gui>\n    <apikey>{v}</apikey>\n</gui>\n.EE\n");
    assert!(lines(&again, FileKind::Doc).is_empty(), "{again}");
    // Another value there is reported.
    let w = gen(29, 40);
    let other =
        format!("{man}.SH GUI ELEMENT\n.sp\n.EX\n<gui>\n    <apikey>{w}</apikey>\n</gui>\n.EE\n");
    assert_eq!(lines(&other, FileKind::Doc).len(), 1, "{other}");
    // Prose after a block that closes: the words inside that block are not its intro.
    let prose = format!(
        "```\nsample output\n```\n\n{}Set it now:\n\n    API_TOKEN={v}\n",
        "More text.\n".repeat(9)
    );
    assert_eq!(lines(&prose, FileKind::Doc).len(), 1, "{prose}");
    // After a man page's block ends, its intro no longer applies.
    let after = format!("{man}{}    API_TOKEN={w}\n", ".sp\nText.\n".repeat(5));
    assert_eq!(lines(&after, FileKind::Doc).len(), 1, "{after}");
    // The block's own value used there is that example again.
    let reused = format!("{man}{}    API_TOKEN={v}\n", ".sp\nText.\n".repeat(5));
    assert!(lines(&reused, FileKind::Doc).is_empty(), "{reused}");
}

/// Radicale's SHARING.md: `curl … | jq` in a code block and the JSON response it prints below,
/// holding a sharing token. The response is the request's sample output; a token in a command
/// after it, or in JSON with no request above, is still reported.
#[test]
fn a_request_and_the_response_it_prints() {
    let v = gen(41, 43);
    let w = gen(43, 43);
    let fields = "    \"Owner\": \"user\",\n".repeat(12);
    let listed = format!(
        "```bash\ncurl -s -H \"Content-Type: application/json\" -u user:pw -d \"{{}}\" \\\n  http://localhost:5232/list | jq\n{{\n  \"Content\": [\n    {{\n{fields}      \"PathOrToken\": \"{v}\",\n    }}\n  ]\n}}\n```\n"
    );
    assert!(lines(&listed, FileKind::Doc).is_empty(), "{listed}");
    let no_request = listed.replace("curl -s", "cat");
    assert_eq!(lines(&no_request, FileKind::Doc).len(), 1, "{no_request}");
    // The token from the response, passed to a later request, is that sample again (Radicale's
    // `token/delete` call).
    let reused = format!(
        "{listed}\nDelete it:\n\n```bash\ncurl -u user:pw -d '{{ \"PathOrToken\": \"{v}\"}}' http://x/delete\n```\n"
    );
    assert!(lines(&reused, FileKind::Doc).is_empty(), "{reused}");
    // A command after the response in the same block is not part of it.
    let after = listed.replace("}\n```\n", &format!("}}\nexport API_TOKEN={w}\n```\n"));
    assert_eq!(lines(&after, FileKind::Doc).len(), 1, "{after}");
}

#[test]
fn examples_in_documentation_strings_of_code() {
    let v = gen(11, 40);
    // An API description held in a string literal (escaped newlines) that shows a client
    // configured with a sample key.
    let described = format!(
        "        .description(\"Send the key, for instance:\\n```js\\nconst c = new Client({{\\n  host: 'URL',\\n  apiKey: '{v}'\\n}})\\n```\")\n"
    );
    assert!(lines(&described, FileKind::Code).is_empty());
    assert!(lines(&described, FileKind::Config).is_empty());
    // Without the example wording the same embedded text is a leak.
    let leaked = described.replace("for instance", "in production");
    assert_eq!(lines(&leaked, FileKind::Code), [1]);
    // A Python docstring's example (Tautulli's vendored plexapi, oauthlib): documentation. The
    // same call outside the docstring, or in a docstring that does not show it as an example,
    // is code.
    let doc = format!("def login():\n    \"\"\"Log in.\n\n    Example:\n\n        .. code-block:: python\n\n            plex = PlexServer(url, token='{v}')\n    \"\"\"\n    plex = PlexServer(url, token='{v}')\n");
    assert_eq!(lines(&doc, FileKind::Code), [10]);
    assert_eq!(
        lines(&doc.replace("Example:", "Log in:"), FileKind::Code),
        [8, 10]
    );
    let rfc = format!("def parse():\n    '''For example::\n\n        {{\n            \"access_token\":\"{v}\",\n        }}\n    '''\n");
    assert!(lines(&rfc, FileKind::Code).is_empty());
    // Escaped newlines earlier on a line do not make a plain assignment an example.
    let plain = format!("msg = \"a\\nb\"; apiKey = '{v}'\n");
    assert_eq!(lines(&plain, FileKind::Code), [1]);
}

#[test]
fn encoded_placeholders() {
    // base64 of readable text is a stand-in, base64 of random bytes is not.
    let text = "c2VjdXJl".to_string() + "LXBhc3N3b3Jk";
    assert!(encoded_text(text.as_bytes()));
    assert!(!encoded_text(gen(5, 40).as_bytes()));
    // `echo my-key-which-should-be-changed | base64` (JHipster's sample JWT secret).
    let nl = "bXkta2V5LXdoaWNoLXNob3Vs".to_string() + "ZC1iZS1jaGFuZ2VkCg==";
    assert!(encoded_text(nl.as_bytes()));
    assert_eq!(base64_decode(b"YWJj").as_deref(), Some(&b"abc"[..]));
    assert_eq!(base64_decode(b"a"), None);
}

#[test]
fn file_kinds() {
    assert_eq!(FileKind::of(b"src/a.py"), FileKind::Code);
    assert_eq!(FileKind::of(b"web/A.TSX"), FileKind::Code);
    assert_eq!(FileKind::of(b"docs/a.md"), FileKind::Doc);
    assert_eq!(FileKind::of(b"man/syncthing-config.5"), FileKind::Doc);
    assert_eq!(FileKind::of(b"doc/tool.1"), FileKind::Doc);
    assert_eq!(FileKind::of(b"doc/tool.texi"), FileKind::Doc);
    assert_eq!(FileKind::of(b"conf/app.yaml"), FileKind::Settings);
    assert_eq!(FileKind::of(b"conf/app.ini"), FileKind::Settings);
    assert_eq!(FileKind::of(b"run.sh"), FileKind::Config);
    assert_eq!(FileKind::of(b"Makefile"), FileKind::Config);
}

#[test]
fn code_spans_jsx_notebooks_and_xml_properties() {
    let v = gen(37, 32);
    // A name that opens an inline code span, in documentation.
    assert_eq!(
        lines(
            &format!("Set `API_TOKEN={v}` in your shell.\n"),
            FileKind::Doc
        ),
        [1]
    );
    // A JSX attribute's expression.
    assert_eq!(
        lines(&format!("<Client apiKey={{\"{v}\"}} />\n"), FileKind::Code),
        [1]
    );
    // A notebook's code cell: the code is a JSON string, its quotes escaped.
    let cell = format!("{{\"source\": [\"OPENAI_API_KEY = \\\"{v}\\\"\\n\"]}}\n");
    assert_eq!(lines(&cell, FileKind::Config), [1]);
    let json_in_json = format!("\"{{\\\"api_key\\\": \\\"{v}\\\"}}\"\n");
    assert_eq!(lines(&json_in_json, FileKind::Config), [1]);
    // Java's XML properties.
    let props = format!("<entry key=\"db.password\">{v}</entry>\n");
    assert_eq!(lines(&props, FileKind::Config), [1]);
    for clean in [
        "<Client apiKey={config.apiKey} />\n".to_string(),
        format!("<Client apiKey={{\"{v}\" + suffix}} />\n"),
        "{\"source\": [\"OPENAI_API_KEY = os.environ[\\\"KEY\\\"]\\n\"]}\n".to_string(),
        "Set `API_TOKEN=<your token>` in your shell.\n".to_string(),
    ] {
        assert!(lines(&clean, FileKind::Code).is_empty(), "{clean}");
        assert!(lines(&clean, FileKind::Doc).is_empty(), "{clean}");
    }
}

#[test]
fn base64_padding_is_not_a_type_annotation() {
    // A Kubernetes Secret's data: base64 of a generated value, its padding `=` last.
    let b64 = "cXNSNlJaMjRsUG9RajNvUFVsaWU=";
    let secret = format!("kind: Secret\ndata:\n  password: {b64}\n  api-token: {b64}\n");
    assert_eq!(lines(&secret, FileKind::Settings), [3, 4]);
    // Base64 of a word is not; a real annotation still reads as one.
    assert!(lines("data:\n  password: cG9zdGdyZXNxbA==\n", FileKind::Settings).is_empty());
    let v = gen(41, 24);
    assert_eq!(
        lines(&format!("api_key: str = \"{v}\"\n"), FileKind::Code),
        [1]
    );
}

#[test]
fn terraform_variable_defaults() {
    let v = gen(43, 24);
    let tf = format!(
        "variable \"db_password\" {{\n  type      = string\n  sensitive = true\n  default   = \"{v}\"\n}}\n"
    );
    assert_eq!(lines(&tf, FileKind::Code), [1]);
    // No default, a readable or referenced one, another block's default, or a name that holds
    // no secret.
    for clean in [
        "variable \"db_password\" {\n  type = string\n}\nvariable \"x\" {\n  default = \"aB3dE5fG7hI9jK1lM3nO5pQ7\"\n}\n".to_string(),
        "variable \"db_password\" {\n  default = \"changeme\"\n}\n".to_string(),
        "variable \"db_password\" {\n  default = var.other\n}\n".to_string(),
        format!("variable \"token_ttl\" {{\n  default = \"{v}\"\n}}\n"),
    ] {
        assert!(lines(&clean, FileKind::Code).is_empty(), "{clean}");
    }
}

#[test]
fn headers_in_one_string() {
    let v = gen(31, 32);
    let curl = format!("curl -H \"X-Api-Key: {v}\" https://api.example.net/v1\n");
    assert_eq!(lines(&curl, FileKind::Config), [1]);
    let js = format!("fetch(url, {{ headers: ['X-Auth-Token: {v}'] }});\n");
    assert_eq!(lines(&js, FileKind::Code), [1]);
    // A reference, a JSON key (the quote closes the name), and a name with no space after `:`
    // (a `scheme:value` or a ratio) are not headers.
    for clean in [
        "curl -H \"X-Api-Key: $API_KEY\" https://api.example.net\n".to_string(),
        format!("{{\"apiKey\":{v}}}\n"),
        format!("s = \"token:{v}\"\n"),
    ] {
        assert!(lines(&clean, FileKind::Code).is_empty(), "{clean}");
    }
}

#[test]
fn xml_elements_and_app_settings() {
    let v = gen(29, 24);
    // An element's text (Maven's settings.xml) and .NET's appSettings `key`/`value` pair.
    let maven = format!("<server>\n  <id>repo</id>\n  <password>{v}</password>\n</server>\n");
    assert_eq!(lines(&maven, FileKind::Config), [3]);
    let app = format!("<appSettings>\n  <add key=\"ApiSecret\" value=\"{v}\" />\n</appSettings>\n");
    assert_eq!(lines(&app, FileKind::Config), [2]);
    let single = format!("<add name='AuthToken' value='{v}'/>");
    assert_eq!(lines(&single, FileKind::Config), [1]);
    // References, placeholders, readable words and unclosed or mismatched elements are not.
    for clean in [
        "<password>${env.MAVEN_PASSWORD}</password>".to_string(),
        "<password>changeme</password>".to_string(),
        "<add key=\"ApiSecret\" value=\"\" />".to_string(),
        format!("<password>{v}</passwordHint>"),
        format!("<password>{v}"),
        format!("<add key=\"ApiSecret\" other=\"{v}\" />"),
    ] {
        assert!(lines(&clean, FileKind::Config).is_empty(), "{clean}");
    }
}

#[test]
fn connection_strings_and_documentation_prose() {
    let v = gen(23, 24);
    // A password segment of a connection string inside a string literal or a JSON value.
    let cs = format!("var conn = \"Server=db;Database=app;User Id=sa;Password={v};\";");
    assert_eq!(lines(&cs, FileKind::Code), [1]);
    let json = format!("{{ \"Default\": \"Host=db;Username=app;Password={v};Database=app\" }}");
    assert_eq!(lines(&json, FileKind::Config), [1]);
    let first = format!("conn = \"Password={v};Server=db\"");
    assert_eq!(lines(&first, FileKind::Code), [1]);
    // Readable or referenced: not secrets.
    assert!(lines(
        "var c = \"Server=db;User Id=sa;Password=Your_password123;\";",
        FileKind::Code
    )
    .is_empty());
    assert!(lines(
        "var c = \"Server=db;Password=\" + pw + \";\";",
        FileKind::Code
    )
    .is_empty());
    // In documentation: inside an inline code span, and followed by more prose.
    assert_eq!(
        lines(
            &format!("Use `export OPENAI_API_KEY=sk-{v}`\n"),
            FileKind::Doc
        ),
        [1]
    );
    assert_eq!(
        lines(
            &format!("Set OPENAI_API_KEY=sk-{v} in your shell.\n"),
            FileKind::Doc
        ),
        [1]
    );
    // A short word followed by prose is prose.
    let short = &v[..14];
    assert!(lines(&format!("The token={short} is then sent.\n"), FileKind::Doc).is_empty());
    // Config is not prose: a value followed by words stays out, as before.
    assert!(lines(&format!("API_TOKEN={v} see docs\n"), FileKind::Config).is_empty());
}

/// Text shifted one letter back (`b` → `a`), so that no generated-looking value is written out
/// in this file (it is in the repository's own build context).
fn unshift(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'b'..='z' | 'B'..='Z' => char::from(c as u8 - 1),
            _ => c,
        })
        .collect()
}

#[test]
fn generated_passwords_with_symbols_and_long_case_runs() {
    // Generated passwords whose letters happen to read as camel case between symbols no name
    // has (`*`, `!`, `#`), and bare values starting with a symbol; found in settings, config
    // and shell alike.
    let runs = unshift("#9AxicRXNouym*0!q9");
    let one_digit = unshift("tRSdeMJRYYTPs*0wqs");
    for ok in [
        format!("password = \"{runs}\""),
        format!("DB_PASSWORD='{one_digit}'"),
        format!("password: {}", unshift("-A#XMP*J%d3uXhgCYL")),
        format!("  - POSTGRES_PASSWORD={}", unshift("!N%j9b!IYcMrdY#w8C")),
        format!(
            "spring.datasource.password={}",
            unshift("+h7QoCoP#DMZOJ%CwZ")
        ),
        format!("POSTGRES_PASSWORD: {}", unshift("_iAkf0_8xIdH_7Jt6B")),
        format!("db.password={}", unshift("%jZmA*NZJU8h9d2NPuKj")),
        format!("db.password = {}", unshift("#9Vv4i-RIhe9ud")),
        format!("db_password: {}", unshift(".XF-to1YDcP0YCr3xp")),
        format!("DB_PASSWORD='{}'", unshift("ORs9WI_HnvP%TX")),
    ] {
        assert_eq!(lines(&ok, FileKind::Settings), [1], "{ok}");
        assert_eq!(lines(&ok, FileKind::Config), [1], "{ok}");
    }
    // A YAML alias or anchor, a flag, a tag, a comment: not a value.
    let v = gen(31, 24);
    for no in [
        format!("api_key: *{v}"),
        format!("api_key: &{v}"),
        format!("api_key: --{v}"),
        format!("api_key: !!{v}"),
        format!("api_key: # {v}"),
        format!("api_key: %{v}"),
        format!("api_key = # {v}"),
        format!("api_key = ${v}"),
        format!("api_key = \"{}%s\"", &v[..20]),
    ] {
        assert!(lines(&no, FileKind::Settings).is_empty(), "{no}");
    }
    // Random case reads as camel case only by its humps: its words are one or two letters.
    for ok in [
        format!("api_key: {}", unshift("4ADOoHnTeoNzvxRzYdSagl")),
        format!("DB_PASSWORD='{}'", unshift("DASBoYPfkaTUg2")),
    ] {
        assert_eq!(lines(&ok, FileKind::Config), [1], "{ok}");
    }
    // Names with separators, acronyms and short words stay names.
    for no in [
        "token = \"com.example.app.Service1\"",
        "token = \"my-service_v2:AccessToken\"",
        "api_key = \"XMLHttpRequestHandler2\"",
        "api_key = \"UIViewControllerDelegate10\"",
        "api_key = \"getXAxisValueForID2\"",
        "secret: \"whsec_not!base64\"",
    ] {
        assert!(lines(no, FileKind::Config).is_empty(), "{no}");
    }
    // A Django key whose symbols happen to make `%(`; a named format directive is a template.
    let django = unshift("zb-=oohp-z=gj=@u1ermsc#)r_%(=)j0@00qod-i-p+_5!tn0s");
    assert_eq!(
        lines(&format!("SECRET_KEY = '{django}'"), FileKind::Code),
        [1]
    );
    assert!(lines(
        &format!("SECRET_KEY = '%(k1)s{}'", &v[..20]),
        FileKind::Code
    )
    .is_empty());
    // A hex token with long runs of digits.
    let hex = unshift("gb5e1726ddc861609bd598760691690ef6g08026");
    assert_eq!(
        lines(&format!("API_TOKEN = \"{hex}\""), FileKind::Code),
        [1]
    );
    // `sha` starts a hash only when an algorithm's digits or a separator follow.
    let sha = format!("{}{}", unshift("TIb"), gen(37, 29));
    assert_eq!(
        lines(&format!("api_key = \"{sha}\""), FileKind::Config),
        [1]
    );
    assert!(!random_literal(
        format!("sha1${}", gen(37, 29)).as_bytes(),
        Kind::Key,
        false
    ));
}

#[test]
fn hash_comments_in_fenced_blocks_of_documentation() {
    let v = gen(41, 48);
    // A server's log pasted as comments under the command that printed it.
    let log = format!(
        "```bash\ndocker run -it -p 8888:8888 image\n\n# Or copy and paste one of these URLs:\n#     http://127.0.0.1:8888/lab?token={v}\n```\n"
    );
    assert!(lines(&log, FileKind::Doc).is_empty());
    let disabled = format!("```yaml\nauth:\n  # api_key: {v}\n```\n");
    assert!(lines(&disabled, FileKind::Doc).is_empty());
    // Not a comment, not in a block, or `#` as a root prompt: still found.
    let set = format!("```bash\nexport API_TOKEN={v}\n```\n");
    assert_eq!(lines(&set, FileKind::Doc), [2]);
    let prose = format!("Intro\n\n# api_key = \"{v}\"\n");
    assert_eq!(lines(&prose, FileKind::Doc), [3]);
    let root = format!("```console\n# export API_TOKEN={v}\n```\n");
    assert_eq!(lines(&root, FileKind::Doc), [2]);
    let bare = format!("```\n# export API_TOKEN={v}\n```\n");
    assert_eq!(lines(&bare, FileKind::Doc), [2]);
    // After the block closes, a heading-like line is prose again.
    let after = format!("```bash\nls\n```\n# api_key = \"{v}\"\n");
    assert_eq!(lines(&after, FileKind::Doc), [4]);
}

#[test]
fn documentation_reusing_its_own_output() {
    // hexpm's publishing docs: the key a command prints is the one the next command sets.
    let v = gen(31, 32);
    let doc = format!(
        "```\n$ tool key generate --name ci\nLocal password:\n{v}\n```\n\nSet it in `API_KEY`:\n\n```\n$ API_KEY={v} tool publish --yes\n```\n"
    );
    assert!(lines(&doc, FileKind::Doc).is_empty(), "{doc}");
    // Without the output the command is reported.
    let alone = doc.replace(&format!("\n{v}\n"), "\ndone\n");
    assert_eq!(lines(&alone, FileKind::Doc), [10], "{alone}");
    // Another value in the later command is reported.
    let w = gen(7, 32);
    let other = doc.replace(&format!("API_KEY={v}"), &format!("API_KEY={w}"));
    assert_eq!(lines(&other, FileKind::Doc), [10], "{other}");
    // The end or middle of a longer run shown earlier is not the same value.
    let longer = doc.replace(&format!("\n{v}\n"), &format!("\nx9{v}\n"));
    assert_eq!(lines(&longer, FileKind::Doc), [10], "{longer}");
    // Its start is: the command passes the first characters of the key printed (datasette's
    // `--secret=` with 23 of the 64 characters `secrets.token_hex(32)` printed).
    let prefix = doc.replace(&format!("\n{v}\n"), &format!("\n{v}x9\n"));
    assert!(lines(&prefix, FileKind::Doc).is_empty(), "{prefix}");
    // The value written earlier in prose, not as an example or output, does not excuse it.
    let prose = format!("The key {v} is ours.\n\n```\nAPI_KEY={v}\n```\n");
    assert_eq!(lines(&prose, FileKind::Doc), [4], "{prose}");
}

#[test]
fn a_value_in_several_code_samples_is_the_pages_sample() {
    // ntfy's docs/publish.md: one sample access token shown in a tab per tool and language
    // (curl, the CLI, raw HTTP, JavaScript, …), introduced by "Here's how you use it:", which
    // names no example.
    let v = format!("tk_{}", gen(41, 29));
    let tabs = format!(
        "Here's how you use it:\n\n=== \"Command line (curl)\"\n    ```\n    curl -u :{v} ntfy.sh/alerts\n    ```\n\n=== \"ntfy CLI\"\n    ```\n    ntfy publish \\\n        --token={v} \\\n        alerts\n    ```\n\n=== \"HTTP\"\n    ``` http\n    POST /alerts HTTP/1.1\n    Authorization: Bearer {v}\n    ```\n\n=== \"JavaScript\"\n    ``` javascript\n    const token = '{v}';\n    ```\n"
    );
    assert!(lines(&tabs, FileKind::Doc).is_empty(), "{tabs}");
    // In two blocks only, the value is still reported (a leak pasted into a command and its
    // config); so is one repeated in prose outside any block.
    let two = format!(
        "Set it:\n\n```\nexport API_TOKEN={v}\n```\n\nThen:\n\n```\ncurl -H 'X: {v}' host\n```\n"
    );
    assert_eq!(lines(&two, FileKind::Doc), [4], "{two}");
    let prose = format!("Use API_TOKEN={v} here.\n\nAgain {v}, and {v}, and {v}.\n");
    assert_eq!(lines(&prose, FileKind::Doc), [1], "{prose}");
    // Another value beside the sample in one of its blocks is reported.
    let w = gen(43, 32);
    let other = tabs.replace(
        "const token",
        &format!("const secret = '{w}';\n    const token"),
    );
    assert_eq!(lines(&other, FileKind::Doc).len(), 1, "{other}");
}
