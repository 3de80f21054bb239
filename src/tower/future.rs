//! [`ResponseFuture`], what [`VerifyService`](super::VerifyService) returns.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::Response;
use pin_project_lite::pin_project;

use super::ResponseBody;
use crate::dedup::BoxFuture;

type Output<B, E> = Result<Response<ResponseBody<B>>, E>;

pin_project! {
    /// The response future of [`VerifyService`](super::VerifyService):
    /// either already rejected (a `Content-Length` over the limit, decided
    /// without reading the body) or running the read / verify / dedup /
    /// inner-service steps.
    pub struct ResponseFuture<B, E> {
        #[pin]
        state: State<B, E>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<B, E> {
        Rejected { response: Option<Response<ResponseBody<B>>> },
        Running { future: BoxFuture<'static, Output<B, E>> },
    }
}

impl<B, E> ResponseFuture<B, E> {
    pub(crate) fn rejected(response: Response<ResponseBody<B>>) -> Self {
        ResponseFuture {
            state: State::Rejected {
                response: Some(response),
            },
        }
    }

    pub(crate) fn running(future: BoxFuture<'static, Output<B, E>>) -> Self {
        ResponseFuture {
            state: State::Running { future },
        }
    }
}

impl<B, E> Future for ResponseFuture<B, E> {
    type Output = Output<B, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Rejected { response } => Poll::Ready(Ok(response
                .take()
                .expect("ResponseFuture polled after completion"))),
            StateProj::Running { future } => future.as_mut().poll(cx),
        }
    }
}

impl<B, E> fmt::Debug for ResponseFuture<B, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            State::Rejected { .. } => "rejected",
            State::Running { .. } => "running",
        };
        f.debug_struct("ResponseFuture")
            .field("state", &state)
            .finish()
    }
}
