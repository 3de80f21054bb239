//! The targets, one per scheme family and per parser.

mod body;
mod decode;
mod entries;
mod list;
mod plain;
mod roundtrip;
mod scheme;

pub use body::body_timestamp;
pub use decode::{base64_decode, hex_decode};
pub use entries::{entries_header, entries_verify};
pub use list::{list_header, list_verify};
pub use plain::plain_verify;
pub use roundtrip::roundtrip;
pub use scheme::scheme_verify;

/// The names and header-index constants the seed generator shares with the
/// verify targets.
pub(crate) use entries::STANDARD_NAMES;
pub(crate) use list::{SLACK_NAMES, STRIPE_NAMES};
pub(crate) use plain::{SHOPIFY_NAMES, TOKEN_NAMES};
