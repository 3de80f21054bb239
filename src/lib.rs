#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "actix")]
#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
pub mod actix;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod clock;
#[cfg(feature = "dedup")]
#[cfg_attr(docsrs, doc(cfg(feature = "dedup")))]
pub mod dedup;
mod delivery;
mod encoding;
pub mod engine;
pub mod error;
pub mod headers;
#[cfg(feature = "inbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "inbox")))]
pub mod inbox;
mod incoming;
mod json;
mod key;
mod provider;
mod providers;
#[cfg(any(feature = "ed25519", feature = "p256"))]
mod public_key;
#[cfg(feature = "receiver")]
#[cfg_attr(docsrs, doc(cfg(feature = "receiver")))]
pub mod receiver;
#[cfg(feature = "redis")]
mod redis_connection;
pub mod scheme;
mod time;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;

pub use clock::{Clock, SystemClock};
pub use delivery::{Delivery, Reply};
pub use error::Error;
pub use headers::{Headers, Lookup};
pub use incoming::Incoming;
pub use provider::{Outgoing, Provider};
#[cfg(feature = "ed25519")]
#[cfg_attr(docsrs, doc(cfg(feature = "ed25519")))]
pub use providers::discord;
#[cfg(feature = "sha512")]
#[cfg_attr(docsrs, doc(cfg(feature = "sha512")))]
pub use providers::paystack;
#[cfg(feature = "p256")]
#[cfg_attr(docsrs, doc(cfg(feature = "p256")))]
pub use providers::sendgrid;
pub use providers::{
    bitbucket, calendly, dropbox, jira, lemonsqueezy, meta, mux, notion, paddle, razorpay, sentry,
    square, typeform, workos, zendesk,
};
pub use providers::{
    generic, github, gitlab, hubspot, linear, mailgun, notify, shopify, slack, standard, stripe,
    telegram, twitch, zoom,
};
#[cfg(feature = "sha1")]
#[cfg_attr(docsrs, doc(cfg(feature = "sha1")))]
pub use providers::{intercom, twilio, vercel};
