//! Metadata read from the signed JSON body (Linear's `webhookTimestamp`,
//! Notify's `event`, `event_id` and `timestamp`), against serde_json.

use std::time::Duration;

use hooksig::linear::{self, Linear};
use hooksig::notify::{self, Notify};
use hooksig::Provider;

use super::plain::{check_notify_body, expect_linear_body, millis_of};
use crate::oracle::*;
use crate::Outcome;

const SECRET: &[u8] = b"body-secret";
/// The clock: 30 s after the seeds' Linear timestamp.
const NOW_MILLIS: i128 = 1_579_784_030_000;

/// The body scanner, through the providers that read the signed body: the
/// input is `u8` mode, then the body, which is signed correctly (HMAC with
/// `hmac` directly) so that every verdict is about the body.
///
/// - Mode bit 0 clear, Linear: an unlimited tolerance (bit 1 clear) or the
///   default 60 s (bit 1 set). Accepted iff the body, as serde_json reads
///   it, is an object with exactly one top-level `webhookTimestamp`, a
///   `u64` in the window; `Delivery::timestamp` is that instant;
///   otherwise `malformed_body` or the window's error. A repeated key is
///   refused.
/// - Mode bit 0 set, Notify: no tolerance (bit 1 clear, `timestamp`
///   optional) or an unlimited one (bit 1 set, `timestamp` required).
///   The body's top-level strings `event` and `event_id`, and `timestamp`
///   as RFC 3339 (by a parser written here), decide as in `plain_verify`.
///
/// Where serde_json refuses a body for reasons of its own (recursion limit
/// 128, lone surrogates, numbers beyond `f64`) there is no verdict, only
/// "not a signature mismatch"; strings with escapes may be refused by
/// hooksig (it cannot borrow them) where serde_json reads them.
pub fn body_timestamp(data: &[u8]) -> Outcome {
    let Some((&mode, body)) = data.split_first() else {
        return Outcome::Rejected;
    };
    let now = clock(NOW_MILLIS, 0).expect("representable");
    let signature = reference_hex(SECRET, body).into_bytes();
    if mode & 1 != 0 {
        let tolerance = (mode & 2 != 0).then_some(Duration::MAX);
        let notify = Notify::new(SECRET).expect("valid secret");
        let notify = match tolerance {
            Some(tolerance) => notify.tolerance(tolerance),
            None => notify,
        };
        let pairs = vec![(notify::SIGNATURE_HEADER.to_owned(), signature)];
        let result = notify.verify_at(&pairs, body, now);
        return check_notify_body(&result, body, NOW_MILLIS, tolerance);
    }
    let window = if mode & 2 != 0 {
        linear::DEFAULT_TOLERANCE
    } else {
        Duration::MAX
    };
    let linear = Linear::new(SECRET).expect("valid secret").tolerance(window);
    let pairs = vec![(linear::SIGNATURE_HEADER.to_owned(), signature)];
    let result = linear.verify_at(&pairs, body, now);
    let expected = expect_linear_body(body, NOW_MILLIS, window);
    match (expected, &result) {
        (None, Err(err)) => {
            assert_ne!(err.kind(), "signature_mismatch", "{err}");
            Outcome::Rejected
        }
        (None, Ok(delivery)) => {
            let millis = millis_of(delivery.timestamp().expect("accepted with a timestamp"));
            assert_eq!(reference_window(millis, NOW_MILLIS, window), Ok(()));
            Outcome::Accepted
        }
        (Some(expected), _) => {
            let delivery = check(&result, expected.map(|_| ()));
            if let (Some(delivery), Ok(millis)) = (delivery, expected) {
                assert_eq!(delivery.timestamp(), clock(millis, 0));
            }
            outcome(delivery)
        }
    }
}
