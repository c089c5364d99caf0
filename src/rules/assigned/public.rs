//! Keys that are public by design although their names say key or token: the ones a web page
//! carries in the open for every visitor to read.

use super::Kind;

/// Whether the text around a hit configures a search widget whose key is public by design:
/// Algolia DocSearch (`appId`, `apiKey`, `indexName`) in a docs site's config.
pub(super) fn search_key(around: &[u8]) -> bool {
    let low = around.to_ascii_lowercase();
    ["algolia", "indexname", "docsearch"]
        .iter()
        .any(|w| memchr::memmem::find(&low, w.as_bytes()).is_some())
}

/// Whether a key or token (`kind` [`Kind::Key`]) is named for the website or widget that
/// carries it: a chat, feedback or analytics widget's embed snippet (Chatwoot's
/// `websiteToken`, a `widget_token`, a `WEBSITE_API_KEY`) identifies the site to the vendor
/// and is served in every page's HTML, as reCAPTCHA's site key is. A secret or a password so
/// named (`website_secret`, `widgetPassword`) is still one, and so is a key named for what
/// it grants beyond identifying the site (`WEBSITE_PRIVATE_KEY`, `WEBSITE_ADMIN_TOKEN`,
/// `WIDGET_ACCESS_TOKEN`, `website_signing_key`): only the site's name and key words
/// (`website`, `widget`, `site`, `embed`, `public`, `api`, `key`, `token`, `id`) may make up
/// the name.
pub(super) fn embed_key(words: &[Vec<u8>], kind: Kind) -> bool {
    kind == Kind::Key
        && words
            .iter()
            .any(|w| matches!(w.as_slice(), b"website" | b"widget"))
        && words.iter().all(|w| {
            matches!(
                w.as_slice(),
                b"website"
                    | b"widget"
                    | b"site"
                    | b"embed"
                    | b"public"
                    | b"api"
                    | b"key"
                    | b"token"
                    | b"id"
            )
        })
}
