//! Case-insensitive, allocation-free access to request headers.

use crate::error::{Error, HeaderName};

/// Request headers that verification can read.
///
/// Names match ASCII case-insensitively (`X-Hub-Signature-256` finds
/// `x-hub-signature-256`). Implemented for [`http::HeaderMap`] and for
/// arrays, slices and `Vec`s of `(name, value)` pairs whose names are `&str`
/// or `String` and whose values are `&str`, `String`, `&[u8]` or `Vec<u8>`,
/// so a test, a Lambda or a Workers handler can pass what it has:
///
/// ```
/// use hooksig::{github::GitHub, Provider};
///
/// let github = GitHub::new("It's a Secret to Everybody")?;
/// let sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
/// github.verify(&[("X-Hub-Signature-256", sig)], b"Hello, World!")?;
///
/// let mut map = http::HeaderMap::new();
/// map.insert("x-hub-signature-256", sig.parse().unwrap());
/// github.verify(&map, b"Hello, World!")?;
/// # Ok::<(), hooksig::Error>(())
/// ```
///
/// A slice is unsized, so a `&[(&str, &str)]` you already hold is passed as
/// `&pairs` (a reference to the reference), while an array literal is passed
/// as `&[…]` directly.
///
/// Implement it for your framework's header type when it is neither; a
/// lookup must not allocate if verification is to stay allocation-free.
pub trait Headers: Sync {
    /// Looks up the header `name`, matching ASCII case-insensitively, and
    /// says whether it is absent, present once, or repeated.
    fn lookup(&self, name: &str) -> Lookup<'_>;
}

/// What a [`Headers::lookup`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// No header of that name.
    Missing,
    /// Exactly one header of that name, with its raw value.
    One(&'a [u8]),
    /// Two or more headers of that name.
    Repeated,
}

impl Headers for http::HeaderMap {
    fn lookup(&self, name: &str) -> Lookup<'_> {
        let mut values = self.get_all(name).iter();
        match (values.next(), values.next()) {
            (None, _) => Lookup::Missing,
            (Some(value), None) => Lookup::One(value.as_bytes()),
            (Some(_), Some(_)) => Lookup::Repeated,
        }
    }
}

fn lookup_pairs<'a, K, V>(pairs: &'a [(K, V)], name: &str) -> Lookup<'a>
where
    K: AsRef<str>,
    V: AsRef<[u8]>,
{
    let mut found = Lookup::Missing;
    for (key, value) in pairs {
        if key.as_ref().eq_ignore_ascii_case(name) {
            if found != Lookup::Missing {
                return Lookup::Repeated;
            }
            found = Lookup::One(value.as_ref());
        }
    }
    found
}

impl<K, V> Headers for [(K, V)]
where
    K: AsRef<str> + Sync,
    V: AsRef<[u8]> + Sync,
{
    fn lookup(&self, name: &str) -> Lookup<'_> {
        lookup_pairs(self, name)
    }
}

impl<K, V, const N: usize> Headers for [(K, V); N]
where
    K: AsRef<str> + Sync,
    V: AsRef<[u8]> + Sync,
{
    fn lookup(&self, name: &str) -> Lookup<'_> {
        lookup_pairs(self, name)
    }
}

impl<K, V> Headers for Vec<(K, V)>
where
    K: AsRef<str> + Sync,
    V: AsRef<[u8]> + Sync,
{
    fn lookup(&self, name: &str) -> Lookup<'_> {
        lookup_pairs(self, name)
    }
}

impl<H: Headers + ?Sized> Headers for &H {
    fn lookup(&self, name: &str) -> Lookup<'_> {
        (**self).lookup(name)
    }
}

/// Strips the optional whitespace (SP, HTAB) that RFC 9110 allows around a
/// field value; HTTP parsers do this already, hand-built pairs may not.
fn trim_ows(mut value: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = value {
        value = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = value {
        value = rest;
    }
    value
}

/// The one value of a header the scheme needs, trimmed; missing, repeated
/// and empty headers are errors. `report` names the header in an error.
#[inline]
pub(crate) fn required<'a>(
    headers: &'a dyn Headers,
    name: &str,
    report: impl FnOnce() -> HeaderName,
) -> Result<&'a [u8], Error> {
    match headers.lookup(name) {
        Lookup::Missing => Err(Error::MissingHeader(report())),
        Lookup::Repeated => Err(Error::RepeatedHeader(report())),
        Lookup::One(value) => match trim_ows(value) {
            [] => Err(Error::MalformedHeader {
                name: report(),
                problem: "empty value",
            }),
            value => Ok(value),
        },
    }
}

/// The value of an optional metadata header as text: `None` when it is
/// absent, repeated, empty or not valid UTF-8.
pub(crate) fn text<'a>(headers: &'a dyn Headers, name: &str) -> Option<&'a str> {
    match headers.lookup(name) {
        Lookup::One(value) => match trim_ows(value) {
            [] => None,
            value => std::str::from_utf8(value).ok(),
        },
        Lookup::Missing | Lookup::Repeated => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_match_case_insensitively_and_report_repeats() {
        let pairs = [("X-Thing", "a"), ("other", "b")];
        assert_eq!(pairs.lookup("x-thing"), Lookup::One(b"a"));
        assert_eq!(pairs.lookup("X-THING"), Lookup::One(b"a"));
        assert_eq!(pairs.lookup("missing"), Lookup::Missing);
        let repeated = vec![
            ("x".to_string(), b"1".to_vec()),
            ("X".into(), b"2".to_vec()),
        ];
        assert_eq!(repeated.lookup("x"), Lookup::Repeated);
    }

    #[test]
    fn header_map_reports_repeats() {
        let mut map = http::HeaderMap::new();
        map.append("x-thing", "a".parse().unwrap());
        assert_eq!(map.lookup("X-Thing"), Lookup::One(b"a"));
        map.append("x-thing", "b".parse().unwrap());
        assert_eq!(map.lookup("x-thing"), Lookup::Repeated);
        assert_eq!(map.lookup("not a valid name"), Lookup::Missing);
    }

    #[test]
    fn required_trims_and_rejects_empty() {
        let pairs = [("a", " \tv \t"), ("b", "  ")];
        let name = || HeaderName::from_static("n");
        assert_eq!(required(&pairs, "a", name), Ok(&b"v"[..]));
        assert!(matches!(
            required(&pairs, "b", name),
            Err(Error::MalformedHeader { .. })
        ));
        assert!(matches!(
            required(&pairs, "c", name),
            Err(Error::MissingHeader(_))
        ));
        assert_eq!(text(&pairs, "a"), Some("v"));
        assert_eq!(text(&[("a", &b"\xff"[..])], "a"), None);
    }
}
