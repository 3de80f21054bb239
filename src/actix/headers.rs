//! [`Headers`] for actix-web's `HeaderMap`.

use actix_web::http::header::HeaderMap;

use crate::headers::{lookup_in, one_of};
use crate::{Headers, Lookup};

/// Allocation-free, unlike `HeaderMap::get_all(&str)`, which builds an
/// owned `HeaderName` (a heap copy for every non-standard name such as
/// `x-hub-signature-256`) on each call: the lookup walks the map's entries
/// and compares names in place. A request has tens of headers, so the walk
/// costs less than that allocation.
impl Headers for HeaderMap {
    fn lookup(&self, name: &str) -> Lookup<'_> {
        lookup_in(
            self.iter()
                .map(|(key, value)| (key.as_str(), value.as_bytes())),
            name,
        )
    }

    /// By its standard name: one hash lookup, no walk.
    fn content_length(&self) -> Lookup<'_> {
        one_of(
            self.get_all(actix_web::http::header::CONTENT_LENGTH)
                .map(|value| value.as_bytes()),
        )
    }

    fn each_value(&self, name: &str, each: &mut dyn FnMut(&[u8])) -> bool {
        self.iter()
            .filter(|(key, _)| crate::headers::same_name(key.as_str().as_bytes(), name.as_bytes()))
            .for_each(|(_, value)| each(value.as_bytes()));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    #[test]
    fn actix_header_map_matches_case_insensitively_and_reports_repeats() {
        let mut map = HeaderMap::new();
        let name = HeaderName::from_static("x-thing");
        map.append(name.clone(), HeaderValue::from_static("a"));
        assert_eq!(map.lookup("X-Thing"), Lookup::One(b"a"));
        assert_eq!(map.lookup("other"), Lookup::Missing);
        map.append(name, HeaderValue::from_static("b"));
        assert_eq!(map.lookup("x-thing"), Lookup::Repeated);
        assert_eq!(map.content_length(), Lookup::Missing);
        let length = actix_web::http::header::CONTENT_LENGTH;
        map.append(length.clone(), HeaderValue::from_static("42"));
        assert_eq!(map.content_length(), Lookup::One(b"42"));
        map.append(length, HeaderValue::from_static("42"));
        assert_eq!(map.content_length(), Lookup::Repeated);
    }
}
