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

#[cfg(test)]
mod tests {
    use super::*;
    use http_body::Frame;
    use std::collections::VecDeque;

    /// A body that yields the given frames, one per poll.
    struct Frames(VecDeque<Result<Frame<Bytes>, &'static str>>);

    impl Body for Frames {
        type Data = Bytes;
        type Error = BoxError;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
            Poll::Ready(self.0.pop_front().map(|frame| frame.map_err(Into::into)))
        }
    }

    fn data(bytes: &'static [u8]) -> Result<Frame<Bytes>, &'static str> {
        Ok(Frame::data(Bytes::from_static(bytes)))
    }

    fn collect(
        frames: Vec<Result<Frame<Bytes>, &'static str>>,
        limit: usize,
    ) -> Result<Bytes, Error> {
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let mut future = std::pin::pin!(read(Frames(frames.into()), limit));
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(result) => result,
            Poll::Pending => unreachable!("the frames are all ready"),
        }
    }

    #[test]
    fn frames_are_gathered_in_order_and_trailers_ignored() {
        let trailers = Ok(Frame::trailers(http::HeaderMap::new()));
        assert_eq!(collect(vec![], 10).unwrap(), Bytes::new());
        assert_eq!(collect(vec![data(b"abc")], 10).unwrap(), "abc");
        assert_eq!(
            collect(vec![data(b""), data(b"ab"), data(b"")], 10).unwrap(),
            "ab"
        );
        assert_eq!(
            collect(vec![data(b"ab"), data(b"cd"), trailers, data(b"e")], 10).unwrap(),
            "abcde"
        );
        assert_eq!(collect(vec![data(b"abc"), data(b"")], 10).unwrap(), "abc");
    }

    #[test]
    fn the_limit_counts_every_frame_and_errors_are_unreadable() {
        assert_eq!(collect(vec![data(b"abcde")], 5).unwrap(), "abcde");
        assert_eq!(
            collect(vec![data(b"abc"), data(b"def")], 5),
            Err(Error::BodyTooLarge { limit: 5 })
        );
        assert_eq!(
            collect(vec![data(b"ab"), Err("reset")], 5),
            Err(Error::BodyUnreadable)
        );
    }
}
