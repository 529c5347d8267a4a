//! Markdown that members write (proposals, comments), as safe HTML: rendered by
//! pulldown-cmark, then cleaned by ammonia (no scripts, styles or event handlers; links
//! open with `rel="noopener noreferrer nofollow"`). Never hand-escaped.

/// `markdown` as sanitised HTML.
pub fn to_html(markdown: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut raw = String::new();
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&raw)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn markdown_renders_and_anything_unsafe_goes() {
        assert_eq!(
            to_html("We **alternate** [Bath](https://example.org)"),
            "<p>We <strong>alternate</strong> <a href=\"https://example.org\" rel=\"noopener noreferrer nofollow\">Bath</a></p>\n"
        );
        let evil = to_html(
            "<script>alert(1)</script><img src=x onerror=alert(2)>\n\nA [link](javascript:alert(3)) and <a href=\"javascript:alert(4)\">another</a>",
        );
        assert!(!evil.contains("<script"), "{evil}");
        assert!(!evil.contains("onerror"), "{evil}");
        assert!(!evil.contains("javascript:"), "{evil}");
        assert!(
            evil.contains("<a rel=\"noopener noreferrer nofollow\">link</a>"),
            "{evil}"
        );
    }
}
