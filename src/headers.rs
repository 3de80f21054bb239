//! Case-insensitive, allocation-free access to request headers: the
//! [`Headers`] trait, its [`Lookup`] answer, and [`from_fn`] to adapt any
//! header type of yours without a newtype.

use std::fmt;
use std::marker::PhantomData;

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
/// With the `http02` feature it is also implemented for `http` 0.2's
/// `HeaderMap`, and with `actix` for actix-web's.
///
/// For any other header type, wrap a lookup closure with [`from_fn`]
/// instead of writing a newtype (the orphan rule forbids implementing this
/// trait for another crate's type in yours). A lookup must not allocate if
/// verification is to stay allocation-free.
///
/// `Sync`, because a [`Delivery`](crate::Delivery) borrows the headers:
/// without it a handler holding a `Delivery` across an `.await` would not
/// be `Send`, and axum, tower and tokio need `Send` futures. A header type
/// that is not `Sync` (a JavaScript-backed object in Workers) copies the
/// few values it needs into pairs first.
pub trait Headers: Sync {
    /// Looks up the header `name`, matching ASCII case-insensitively, and
    /// says whether it is absent, present once, or repeated.
    fn lookup(&self, name: &str) -> Lookup<'_>;

    /// Calls `each` with every value of the header `name`, in the order
    /// received, for list headers that may arrive on several lines
    /// (`Forwarded`, `X-Forwarded-For`), and says whether it could.
    ///
    /// The default lists a missing or single header and returns `false`
    /// for a repeated one, which it cannot list: the receiver then treats
    /// the header as malformed rather than guess. The implementations for
    /// `http`'s, actix's and `http` 0.2's header maps and for pairs list
    /// every line. Only the receiver's sender policy
    /// ([`Receiver::trusted_proxies`](crate::receiver::Receiver::trusted_proxies))
    /// calls it.
    ///
    /// ```
    /// use hooksig::Headers;
    ///
    /// let headers = [("X-Forwarded-For", "192.0.2.1"), ("x-forwarded-for", "198.51.100.7")];
    /// let mut lines = Vec::new();
    /// assert!(headers.each_value("x-forwarded-for", &mut |value| lines.push(value.to_vec())));
    /// assert_eq!(lines, [b"192.0.2.1".to_vec(), b"198.51.100.7".to_vec()]);
    /// ```
    fn each_value(&self, name: &str, each: &mut dyn FnMut(&[u8])) -> bool {
        match self.lookup(name) {
            Lookup::Missing => true,
            Lookup::One(value) => {
                each(value);
                true
            }
            Lookup::Repeated => false,
        }
    }

    /// The `Content-Length` header, as `lookup("content-length")` finds
    /// it: the receiver reads it for every request, before the body, to
    /// refuse one declared over its limit. The default calls
    /// [`lookup`](Headers::lookup); the implementations for `http`'s,
    /// actix's and `http` 0.2's header maps find it by its standard name,
    /// without parsing or comparing the name.
    ///
    /// ```
    /// use hooksig::{Headers, Lookup};
    ///
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("content-length", "42".parse().unwrap());
    /// assert_eq!(headers.content_length(), Lookup::One(b"42"));
    /// assert_eq!([("Content-Length", "42")].content_length(), Lookup::One(b"42"));
    /// ```
    fn content_length(&self) -> Lookup<'_> {
        self.lookup("content-length")
    }
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

/// Headers answered by a closure: `from_fn(|name| ...)` adapts any header
/// type without a newtype and without allocating.
///
/// The closure gets the name the scheme looks for (lowercase, as the
/// schemes spell them) and says whether it is missing, present once or
/// repeated. For a header type that iterates `(name, value)` pairs,
/// [`lookup_in`] does that matching:
///
/// ```
/// use hooksig::headers::{from_fn, lookup_in};
/// use hooksig::{github::GitHub, Provider};
///
/// // Some framework's header type, iterable as (&str, &str).
/// struct TheirHeaders(Vec<(String, String)>);
/// let theirs = TheirHeaders(vec![(
///     "X-Hub-Signature-256".into(),
///     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17".into(),
/// )]);
///
/// let headers = from_fn(|name| {
///     lookup_in(theirs.0.iter().map(|(k, v)| (k.as_str(), v.as_bytes())), name)
/// });
/// GitHub::new("It's a Secret to Everybody")?.verify(&headers, b"Hello, World!")?;
/// # Ok::<(), hooksig::Error>(())
/// ```
pub fn from_fn<'a, F>(lookup: F) -> FromFn<'a, F>
where
    F: Fn(&str) -> Lookup<'a>,
{
    FromFn {
        lookup,
        _values: PhantomData,
    }
}

/// [`Headers`] answered by a closure; made by [`from_fn`].
pub struct FromFn<'a, F> {
    lookup: F,
    _values: PhantomData<&'a [u8]>,
}

impl<'a, F: Fn(&str) -> Lookup<'a> + Sync> Headers for FromFn<'a, F> {
    fn lookup(&self, name: &str) -> Lookup<'_> {
        (self.lookup)(name)
    }
}

impl<F> fmt::Debug for FromFn<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FromFn").finish_non_exhaustive()
    }
}

/// Finds `name` among `(name, value)` pairs, ASCII case-insensitively:
/// missing, once, or repeated. Allocation-free; reads the pairs until a
/// second match.
pub fn lookup_in<'a, 'n>(
    pairs: impl IntoIterator<Item = (&'n str, &'a [u8])>,
    name: &str,
) -> Lookup<'a> {
    let mut found = Lookup::Missing;
    for (key, value) in pairs {
        if same_name(key.as_bytes(), name.as_bytes()) {
            if found != Lookup::Missing {
                return Lookup::Repeated;
            }
            found = Lookup::One(value);
        }
    }
    found
}

/// Missing, once or repeated: the values a header map holds under one
/// name, read no further than the second.
#[inline]
pub(crate) fn one_of<'a>(mut values: impl Iterator<Item = &'a [u8]>) -> Lookup<'a> {
    match (values.next(), values.next()) {
        (None, _) => Lookup::Missing,
        (Some(value), None) => Lookup::One(value),
        (Some(_), Some(_)) => Lookup::Repeated,
    }
}

/// Whether two header names are equal, ASCII case-insensitively. Names of
/// other lengths, the usual case, are told apart by their length alone,
/// before the call to `eq_ignore_ascii_case` (which is not inlined).
#[inline]
pub(crate) fn same_name(key: &[u8], name: &[u8]) -> bool {
    key.len() == name.len() && key.eq_ignore_ascii_case(name)
}

/// [`Headers`] for the `HeaderMap` of an `http` crate (1.x, and 0.2 behind
/// `http02`), whose lookup APIs agree: `&str` names are matched through a
/// stack buffer, without allocating.
macro_rules! http_header_map {
    ($(#[$attr:meta])* $map:ty, $content_length:expr) => {
        $(#[$attr])*
        impl Headers for $map {
            fn lookup(&self, name: &str) -> Lookup<'_> {
                one_of(self.get_all(name).iter().map(|value| value.as_bytes()))
            }

            fn each_value(&self, name: &str, each: &mut dyn FnMut(&[u8])) -> bool {
                self.get_all(name)
                    .iter()
                    .for_each(|value| each(value.as_bytes()));
                true
            }

            fn content_length(&self) -> Lookup<'_> {
                one_of(
                    self.get_all($content_length)
                        .iter()
                        .map(|value| value.as_bytes()),
                )
            }
        }
    };
}

http_header_map!(http::HeaderMap, http::header::CONTENT_LENGTH);
http_header_map!(
    #[cfg(feature = "http02")]
    #[cfg_attr(docsrs, doc(cfg(feature = "http02")))]
    http02::HeaderMap,
    http02::header::CONTENT_LENGTH
);

/// Every value of `name` among `(name, value)` pairs, in order.
fn each_in_pairs<K, V>(pairs: &[(K, V)], name: &str, each: &mut dyn FnMut(&[u8])) -> bool
where
    K: AsRef<str>,
    V: AsRef<[u8]>,
{
    pairs
        .iter()
        .filter(|(key, _)| same_name(key.as_ref().as_bytes(), name.as_bytes()))
        .for_each(|(_, value)| each(value.as_ref()));
    true
}

fn lookup_pairs<'a, K, V>(pairs: &'a [(K, V)], name: &str) -> Lookup<'a>
where
    K: AsRef<str>,
    V: AsRef<[u8]>,
{
    lookup_in(
        pairs
            .iter()
            .map(|(key, value)| (key.as_ref(), value.as_ref())),
        name,
    )
}

impl<K, V> Headers for [(K, V)]
where
    K: AsRef<str> + Sync,
    V: AsRef<[u8]> + Sync,
{
    fn lookup(&self, name: &str) -> Lookup<'_> {
        lookup_pairs(self, name)
    }

    fn each_value(&self, name: &str, each: &mut dyn FnMut(&[u8])) -> bool {
        each_in_pairs(self, name, each)
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

    fn each_value(&self, name: &str, each: &mut dyn FnMut(&[u8])) -> bool {
        each_in_pairs(self, name, each)
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

    fn each_value(&self, name: &str, each: &mut dyn FnMut(&[u8])) -> bool {
        each_in_pairs(self, name, each)
    }
}

impl<H: Headers + ?Sized> Headers for &H {
    fn lookup(&self, name: &str) -> Lookup<'_> {
        (**self).lookup(name)
    }

    fn each_value(&self, name: &str, each: &mut dyn FnMut(&[u8])) -> bool {
        (**self).each_value(name, each)
    }

    fn content_length(&self) -> Lookup<'_> {
        (**self).content_length()
    }
}

/// Strips the optional whitespace (SP, HTAB) that RFC 9110 allows around a
/// field value; HTTP parsers do this already, hand-built pairs may not.
pub(crate) fn trim_ows(mut value: &[u8]) -> &[u8] {
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
    checked(headers.lookup(name), report)
}

/// [`required`] of a lookup already made.
#[inline]
pub(crate) fn checked<'a>(
    lookup: Lookup<'a>,
    report: impl FnOnce() -> HeaderName,
) -> Result<&'a [u8], Error> {
    match lookup {
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
    fn from_fn_adapts_a_closure() {
        let owned = [("X-Thing".to_string(), b"a".to_vec())];
        let headers =
            from_fn(|name| lookup_in(owned.iter().map(|(k, v)| (k.as_str(), v.as_slice())), name));
        assert_eq!(headers.lookup("x-thing"), Lookup::One(b"a"));
        assert_eq!(headers.lookup("other"), Lookup::Missing);
        assert_eq!(
            required(&headers, "x-thing", || HeaderName::from_static("x")),
            Ok(&b"a"[..])
        );
    }

    #[cfg(feature = "http02")]
    #[test]
    fn http02_header_map_reports_repeats() {
        let mut map = http02::HeaderMap::new();
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
