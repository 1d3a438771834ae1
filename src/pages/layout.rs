//! The HTML shell every page shares: language and direction, one inline stylesheet (no
//! external fonts, scripts or styles), the header and the footer with the licence.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::locale::Locale;

/// The stylesheet, small enough to inline: system fonts, logical properties (so a
/// right-to-left page mirrors without changes), and a readable measure.
const STYLE: &str = include_str!("style.css");

/// The pages' one script (copy buttons, absolute embed addresses), served at [`SCRIPT_PATH`].
pub const SCRIPT: &str = include_str!("pages.js");
pub const SCRIPT_PATH: &str = "/assets/pages.js";

/// What a page puts in its `<head>` besides the shared parts.
pub struct Head<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// schema.org JSON-LD, already serialised by [`json_ld`].
    pub json_ld: Option<String>,
    /// The page's own address, for search engines (one address per page, whatever its query).
    pub canonical: Option<String>,
}

/// A whole page: `head` and `main` inside the shared shell.
pub fn page(locale: &Locale, head: Head, main: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(locale.text_lang()) dir=(locale.dir()) data-locale=(locale.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (head.title) }
                meta name="description" content=(head.description);
                // No icon to fetch: a browser would otherwise ask for /favicon.ico.
                link rel="icon" href="data:,";
                link rel="alternate" type="application/json" href="/v1/dataset";
                @if let Some(canonical) = &head.canonical {
                    link rel="canonical" href=(canonical);
                }
                style { (PreEscaped(STYLE)) }
                script src=(SCRIPT_PATH) defer {}
                @if let Some(json_ld) = head.json_ld {
                    script type="application/ld+json" { (PreEscaped(json_ld)) }
                }
            }
            body {
                a class="skip" href="#main" { "Skip to the content" }
                header class="site" {
                    a class="brand" href="/" { "Durand" }
                    nav aria-label="Site" {
                        a href="/" { "Dataset" }
                        a href="/docs/" { "API documentation" }
                    }
                }
                main id="main" { (main) }
                footer class="site" {
                    p {
                        "Data: "
                        a href="https://creativecommons.org/licenses/by/4.0/" rel="license" { "CC BY 4.0" }
                        ". Every number is somebody's claim: each says who stated it, when, and where. "
                        a href="/v1/dataset" { "Version and citation (JSON)" }
                        "."
                    }
                }
            }
        }
    }
}

/// A page saying what went wrong with a request for a page: the problem document's title
/// and detail, and what each bad parameter was.
pub fn problem(locale: &Locale, problem: &crate::error::Problem) -> Markup {
    page(
        locale,
        Head {
            title: &format!("{} — Durand", problem.title),
            description: &problem.detail,
            json_ld: None,
            canonical: None,
        },
        html! {
            h1 { (problem.title) " (" (problem.status) ")" }
            p { (problem.detail) }
            @if !problem.errors.is_empty() {
                ul {
                    @for e in &problem.errors {
                        li {
                            @if let Some(p) = e.parameter.as_ref().or(e.pointer.as_ref()) { code { (p) } ": " }
                            (e.detail)
                        }
                    }
                }
            }
            p { a href="/" { "The dataset at a glance" } " · " a href="/docs/" { "API documentation" } }
        },
    )
}

/// `value` as JSON for a `<script type="application/ld+json">` block: every `<` escaped, so
/// that no text in the data can close the script element.
pub fn json_ld(value: &serde_json::Value) -> String {
    serde_json::to_string(value)
        .expect("JSON values serialise")
        .replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_cannot_close_its_script_element() {
        let text = json_ld(&serde_json::json!({"name": "</script><script>alert(1)</script>"}));
        assert!(!text.contains("</script"), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script>");
    }
}
