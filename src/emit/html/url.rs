//! Which URLs a page may carry, decided on the URL as a browser reads it: tabs and line breaks
//! removed, leading and trailing controls and spaces trimmed, the scheme compared without case.
//! Relative URLs (including `//host/…`, `/path`, `#fragment`) are always allowed; of absolute
//! ones only the schemes listed per [`Use`], so `javascript:`, `vbscript:`, `data:text/html`,
//! `file:` and every scheme yet to be invented are refused.

/// Where a URL is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    /// A linked stylesheet (`theme.json`, `<link href>`, CSS `@import`): http(s).
    Stylesheet,
    /// A resource of the theme's CSS (`url()` of a background or font): http(s), or a `data:`
    /// raster or SVG image (images referenced by CSS never run script).
    CssResource,
    /// A link (`<a href>`): http(s), `mailto:`, `tel:`.
    Link,
    /// An image (`<img src>`): http(s).
    Image,
}

const DATA_IMAGES: &[&str] = &["image/png", "image/gif", "image/jpeg", "image/webp", "image/avif", "image/svg+xml"];

/// `Ok` if `url` may be used as `used`; otherwise why not.
pub fn check(url: &str, used: Use) -> Result<(), String> {
    let normal: String = url.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let normal = normal.trim_matches(|c: char| c <= ' ');
    let Some(scheme) = scheme(normal) else { return Ok(()) };
    let allowed = match (scheme.as_str(), used) {
        ("http" | "https", _) => true,
        ("mailto" | "tel", Use::Link) => true,
        ("data", Use::CssResource) => {
            let media_type = normal[5..].trim_start().to_ascii_lowercase();
            DATA_IMAGES.iter().any(|image| {
                media_type.strip_prefix(image).is_some_and(|rest| rest.starts_with(';') || rest.starts_with(','))
            })
        }
        _ => false,
    };
    if allowed {
        return Ok(());
    }
    let what = match used {
        Use::Stylesheet => "a stylesheet must be an http(s) or relative URL",
        Use::CssResource => "a URL in CSS must be http(s), relative or a data: image",
        Use::Link => "a link must be http(s), mailto:, tel: or relative",
        Use::Image => "an image must be an http(s) or relative URL",
    };
    Err(format!("`{scheme}:` URLs are not allowed ({what})"))
}

/// The scheme of an absolute URL, lower-cased: a letter, then letters, digits, `+`, `-`, `.`,
/// then `:`.
fn scheme(url: &str) -> Option<String> {
    let end = url.find(':')?;
    let candidate = &url[..end];
    let mut chars = candidate.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
        .then(|| candidate.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_as_browsers_read_them() {
        for ok in ["kern.css", "/a/b.css", "//cdn.example/x.css", "#x", "?a:b", "https://x", " HTTP://x", "a/b:c"] {
            assert_eq!(check(ok, Use::Stylesheet), Ok(()), "{ok}");
        }
        for bad in
            ["javascript:alert(1)", " JavaScript:x", "java\tscript:x", "\u{1}javascript:x", "vbscript:x", "file:///etc"]
        {
            assert!(check(bad, Use::Link).is_err(), "{bad}");
        }
        assert!(check("data:text/html,<script>", Use::CssResource).is_err());
        assert!(check("data:image/png;base64,AAAA", Use::CssResource).is_ok());
        assert!(check("data:image/png;base64,AAAA", Use::Image).is_err());
        assert!(check("data:image/pngx,AAAA", Use::CssResource).is_err());
        assert!(check("mailto:a@b.de", Use::Link).is_ok());
        assert!(check("mailto:a@b.de", Use::Stylesheet).is_err());
    }
}
