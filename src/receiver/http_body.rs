//! Reading an `http_body::Body` for [`Receiver::prepare`](super::Receiver::prepare).

use bytes::Bytes;
use http_body::Body;
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::Error;

pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Collects `body`, at most `limit` bytes: [`Error::BodyTooLarge`] past it,
/// [`Error::BodyUnreadable`] when the body fails.
pub(crate) async fn read<B>(body: B, limit: usize) -> Result<Bytes, Error>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<LengthLimitError>() => Err(Error::BodyTooLarge { limit }),
        Err(_) => Err(Error::BodyUnreadable),
    }
}
