//! One module per provider, and the signature-header parsing they share.

pub mod generic;
pub mod github;
pub mod linear;
pub mod notify;

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
        return Err(if prefix == "sha256=" {
            "expected the `sha256=` prefix"
        } else {
            "expected the configured prefix"
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
