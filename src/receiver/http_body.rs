//! Reading an `http_body::Body` for [`Receiver::prepare`](super::Receiver::prepare).

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use bytes::{Buf, Bytes, BytesMut};
use http_body::Body;
use pin_project_lite::pin_project;

use crate::Error;

pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Collects `body`, at most `limit` bytes: [`Error::BodyTooLarge`] past it,
/// [`Error::BodyUnreadable`] when the body fails. Trailers are ignored.
pub(crate) fn read<B>(body: B, limit: usize) -> Read<B>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    Read {
        body,
        limit,
        length: 0,
        first: None,
        rest: BytesMut::new(),
    }
}

pin_project! {
    /// The future of [`read`]: a body of one frame (a `Full`, most
    /// requests hyper reads at once) is its own bytes, without a copy or an
    /// allocation; more frames are gathered in one buffer.
    pub(crate) struct Read<B> {
        #[pin]
        body: B,
        limit: usize,
        length: usize,
        first: Option<Bytes>,
        rest: BytesMut,
    }
}

impl<B> Future for Read<B>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    type Output = Result<Bytes, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            let frame = match ready!(this.body.as_mut().poll_frame(cx)) {
                Some(Ok(frame)) => frame,
                Some(Err(_)) => return Poll::Ready(Err(Error::BodyUnreadable)),
                None => break,
            };
            // Trailers carry no signed bytes.
            let Ok(mut data) = frame.into_data() else {
                continue;
            };
            *this.length = this.length.saturating_add(data.remaining());
            if *this.length > *this.limit {
                return Poll::Ready(Err(Error::BodyTooLarge { limit: *this.limit }));
            }
            match this.first {
                None => *this.first = Some(data.copy_to_bytes(data.remaining())),
                Some(first) => {
                    if this.rest.is_empty() {
                        this.rest.reserve(first.len() + data.remaining());
                        this.rest.extend_from_slice(first);
                    }
                    while data.has_remaining() {
                        let chunk = data.chunk();
                        let len = chunk.len();
                        this.rest.extend_from_slice(chunk);
                        data.advance(len);
                    }
                }
            }
        }
        Poll::Ready(Ok(if this.rest.is_empty() {
            this.first.take().unwrap_or_default()
        } else {
            std::mem::take(this.rest).freeze()
        }))
    }
}
