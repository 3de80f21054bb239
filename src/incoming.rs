//! [`Incoming`], what a provider verifies: the request as the sender made it.

use std::fmt;

use crate::Headers;

/// A request to verify: its headers and raw body, and, for the schemes that
/// sign them, its method and the public URL the sender addressed.
///
/// ```
/// use hooksig::{github::GitHub, Incoming, Provider};
///
/// let github = GitHub::new("It's a Secret to Everybody")?;
/// let headers = [(
///     "X-Hub-Signature-256",
///     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
/// )];
/// let incoming = Incoming::new(&headers, b"Hello, World!")
///     .method("POST")
///     .url("https://example.com/webhooks/github?x=1");
/// let delivery = github.verify_incoming(&incoming, std::time::SystemTime::now())?;
/// assert_eq!(delivery.body(), b"Hello, World!");
/// # Ok::<(), hooksig::Error>(())
/// ```
///
/// The public URL is the scheme, host, path and query exactly as the sender
/// addressed them (`https://example.com/hook?x=1`). Behind a proxy or a
/// load balancer the server sees another host or scheme, so set it from
/// configuration rather than from the request's `Host` header; the tower
/// middleware has [`public_url`](crate::tower::VerifyLayer::public_url)
/// for that.
#[derive(Clone, Copy)]
#[must_use]
pub struct Incoming<'a> {
    pub(crate) headers: &'a dyn Headers,
    pub(crate) body: &'a [u8],
    pub(crate) method: Option<&'a str>,
    pub(crate) url: Option<&'a str>,
}

impl<'a> Incoming<'a> {
    /// A request of `headers` and the exact `body` bytes received, with no
    /// method or URL.
    pub fn new(headers: &'a dyn Headers, body: &'a [u8]) -> Self {
        Incoming {
            headers,
            body,
            method: None,
            url: None,
        }
    }

    /// Sets the request method (`POST`). Defaults to none: a scheme that
    /// signs the method then fails with
    /// [`Error::InvalidConfig`](crate::Error::InvalidConfig).
    pub fn method(mut self, method: &'a str) -> Self {
        self.method = Some(method);
        self
    }

    /// Sets the public URL the sender addressed: scheme, host, path and
    /// query, as `https://example.com/hook?x=1`. Defaults to none: a scheme
    /// that signs the URL or path then fails with
    /// [`Error::InvalidConfig`](crate::Error::InvalidConfig).
    pub fn url(mut self, url: &'a str) -> Self {
        self.url = Some(url);
        self
    }

    /// The headers.
    #[must_use]
    pub fn headers(&self) -> &'a dyn Headers {
        self.headers
    }

    /// The raw body.
    #[must_use]
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// The method, if set.
    #[must_use]
    pub fn method_str(&self) -> Option<&'a str> {
        self.method
    }

    /// The public URL, if set.
    #[must_use]
    pub fn url_str(&self) -> Option<&'a str> {
        self.url
    }

    /// The path and query of the public URL (`/hook?x=1`): everything from
    /// the first `/` after the authority, or `/` when the URL has no path.
    pub(crate) fn path(&self) -> Option<&'a str> {
        let url = self.url?;
        let after_scheme = url.find("://").map_or(url, |at| &url[at + 3..]);
        Some(match after_scheme.find(['/', '?']) {
            Some(at) if after_scheme.as_bytes()[at] == b'/' => &after_scheme[at..],
            Some(_) | None => "/",
        })
    }

    /// The query of the public URL, without the `?`.
    pub(crate) fn query(&self) -> Option<&'a str> {
        let url = self.url?;
        let query = &url[url.find('?')? + 1..];
        Some(query.split('#').next().unwrap_or(query))
    }
}

impl fmt::Debug for Incoming<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Incoming")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_and_query() {
        let headers: [(&str, &str); 0] = [];
        let at = |url| Incoming::new(&headers, b"").url(url);
        assert_eq!(at("https://e.com/a/b?x=1").path(), Some("/a/b?x=1"));
        assert_eq!(at("https://e.com").path(), Some("/"));
        assert_eq!(at("https://e.com?x=1").path(), Some("/"));
        assert_eq!(at("/a?x").path(), Some("/a?x"));
        assert_eq!(at("https://e.com/a?x=1#f").query(), Some("x=1"));
        assert_eq!(at("https://e.com/a").query(), None);
        assert_eq!(Incoming::new(&headers, b"").path(), None);
    }
}
