//! One module per provider, and the signature-header parsing they share.

pub mod generic;
pub mod github;
pub mod linear;
pub mod notify;
pub mod shopify;
pub mod slack;
pub mod standard;
pub mod stripe;

use crate::encoding::{self, HexCase, Tag};
use crate::error::HeaderName;
use crate::headers::{self, Headers};
use crate::Error;

/// How a signature is written after its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    Hex(HexCase),
    Base64,
}

/// Strips `prefix` from a signature header value and decodes the rest.
fn decode(value: &[u8], prefix: &str, form: Form) -> Result<Tag, &'static str> {
    let Some(rest) = value.strip_prefix(prefix.as_bytes()) else {
        return Err(match prefix {
            "sha256=" => "expected the `sha256=` prefix",
            "v0=" => "expected the `v0=` prefix",
            _ => "expected the configured prefix",
        });
    };
    match form {
        Form::Hex(case) => encoding::hex_tag(rest, case),
        Form::Base64 => encoding::base64_tag(rest),
    }
}

/// Reads and decodes the signature header `name` of a built-in scheme.
pub(crate) fn signature(
    headers: &dyn Headers,
    name: &'static str,
    prefix: &str,
    form: Form,
) -> Result<Tag, Error> {
    signature_named(headers, name, prefix, form, || {
        HeaderName::from_static(name)
    })
}

/// [`signature`] for a header name chosen at run time.
pub(crate) fn signature_named(
    headers: &dyn Headers,
    name: &str,
    prefix: &str,
    form: Form,
    report: impl Fn() -> HeaderName,
) -> Result<Tag, Error> {
    let value = headers::required(headers, name, &report)?;
    decode(value, prefix, form).map_err(|problem| Error::MalformedHeader {
        name: report(),
        problem,
    })
}

/// The most entries a multi-signature header (Standard Webhooks'
/// `webhook-signature`, Stripe's `Stripe-Signature`) may carry.
///
/// Senders put one signature per active secret there (two or three during
/// a rotation), so 32 is far above need while keeping the decoded tags in
/// one kilobyte of stack. A longer list is rejected as malformed: hooksig
/// never allocates for it, and never silently ignores part of it.
pub(crate) const MAX_SIGNATURES: usize = 32;

/// The decoded `v1` tags of a multi-signature header, on the stack.
///
/// Entries of other versions are counted (toward [`MAX_SIGNATURES`]) but
/// not decoded. A `v1` entry that does not decode (wrong length, bad
/// digits) is skipped when another `v1` entry decodes — the senders'
/// libraries skip it too, and an unreadable entry cannot match — but when
/// no `v1` entry decodes, the header is malformed and the first problem is
/// reported.
pub(crate) struct Candidates {
    tags: [Tag; MAX_SIGNATURES],
    len: usize,
    entries: usize,
    problem: Option<&'static str>,
}

impl Candidates {
    pub(crate) fn new() -> Self {
        Candidates {
            tags: [[0; encoding::MAC_LEN]; MAX_SIGNATURES],
            len: 0,
            entries: 0,
            problem: None,
        }
    }

    /// Counts one entry of the list, whatever its version.
    ///
    /// # Errors
    ///
    /// A problem description past [`MAX_SIGNATURES`] entries.
    pub(crate) fn count(&mut self) -> Result<(), &'static str> {
        self.entries += 1;
        if self.entries > MAX_SIGNATURES {
            return Err("more than 32 signatures");
        }
        Ok(())
    }

    /// Counts a `v1` entry and keeps its decoded tag, or its problem.
    ///
    /// # Errors
    ///
    /// As [`Candidates::count`].
    pub(crate) fn push(&mut self, decoded: Result<Tag, &'static str>) -> Result<(), &'static str> {
        self.count()?;
        match decoded {
            Ok(tag) => {
                self.tags[self.len] = tag;
                self.len += 1;
            }
            Err(problem) => {
                self.problem.get_or_insert(problem);
            }
        }
        Ok(())
    }

    /// The decoded tags, at least one.
    ///
    /// # Errors
    ///
    /// The first decoding problem when no `v1` entry decoded, or
    /// `missing` when there was no `v1` entry at all.
    pub(crate) fn tags(&self, missing: &'static str) -> Result<&[Tag], &'static str> {
        match (self.len, self.problem) {
            (0, Some(problem)) => Err(problem),
            (0, None) => Err(missing),
            (len, _) => Ok(&self.tags[..len]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_keep_decoded_tags_and_report_problems() {
        let mut none = Candidates::new();
        none.count().unwrap();
        assert_eq!(none.tags("no v1"), Err("no v1"));

        let mut bad = Candidates::new();
        bad.push(Err("first")).unwrap();
        bad.push(Err("second")).unwrap();
        assert_eq!(bad.tags("no v1"), Err("first"));
        bad.push(Ok([1; 32])).unwrap();
        assert_eq!(bad.tags("no v1"), Ok(&[[1; 32]][..]));

        let mut full = Candidates::new();
        for i in 0..MAX_SIGNATURES {
            full.push(Ok([i as u8; 32])).unwrap();
        }
        assert_eq!(full.tags("").unwrap().len(), MAX_SIGNATURES);
        assert_eq!(full.count(), Err("more than 32 signatures"));
        assert_eq!(full.push(Ok([0; 32])), Err("more than 32 signatures"));
    }
}
