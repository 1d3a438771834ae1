//! The connection under the HTTP layer. actix-http's codec answers some requests itself,
//! before any middleware sees them, with an empty body: 431 (too many header fields), 400 (a
//! request it cannot parse, such as a URL over 64 KiB) and 408 (a request head that did not
//! arrive in time). [`Answered`] wraps each connection's socket and gives those answers the
//! problem document every other error has. Nothing else is touched: every response of the
//! application carries a body ([`crate::startup`]'s `problem_bodies`), so an error response
//! with `content-length: 0` on the wire can only be the codec's.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use actix_web::http::StatusCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::error::{PROBLEM_JSON, Problem};

/// A socket whose codec-made, bodiless error answers are rewritten with a problem body.
pub struct Answered<T> {
    io: T,
    /// Bytes owed to the socket (a rewritten answer), and how many of them are written.
    owed: Option<(Vec<u8>, usize)>,
}

impl<T> Answered<T> {
    pub fn new(io: T) -> Self {
        Self { io, owed: None }
    }
}

impl<T: AsyncWrite + Unpin> Answered<T> {
    /// Writes what is owed; ready once all of it is on the socket.
    fn poll_owed(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.owed {
            if *written == bytes.len() {
                self.owed = None;
                break;
            }
            let n = ready!(Pin::new(&mut self.io).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Answered<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Answered<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_owed(cx))?;
        if let Some(rewritten) = with_problem(buf) {
            // The whole answer is taken now and owed to the socket until written.
            this.owed = Some((rewritten, 0));
            let _ = this.poll_owed(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut this.io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_owed(cx))?;
        Pin::new(&mut this.io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_owed(cx))?;
        Pin::new(&mut this.io).poll_shutdown(cx)
    }
}

/// The empty-bodied length header, as actix-http's encoder writes it.
const EMPTY: &[u8] = b"\r\ncontent-length: 0\r\n";

/// If `buf` is exactly one bodiless HTTP/1.1 error answer, that answer with a problem body.
fn with_problem(buf: &[u8]) -> Option<Vec<u8>> {
    let rest = buf.strip_prefix(b"HTTP/1.1 ")?;
    let status = std::str::from_utf8(rest.get(..3)?)
        .ok()?
        .parse::<u16>()
        .ok()?;
    let status = StatusCode::from_u16(status).ok()?;
    if !(status.is_client_error() || status.is_server_error()) {
        return None;
    }
    // One head, nothing after it (not an answer to a HEAD, whose length is the real one).
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let at = buf.windows(EMPTY.len()).position(|w| w == EMPTY)?;
    if end != buf.len() || at >= end {
        return None;
    }
    let problem = Problem {
        detail: detail(status),
        ..Problem::blank(status)
    };
    let body = serde_json::to_vec(&problem).ok()?;
    let mut out = Vec::with_capacity(buf.len() + body.len() + 64);
    out.extend_from_slice(&buf[..at]);
    out.extend_from_slice(
        format!(
            "\r\ncontent-type: {PROBLEM_JSON}\r\ncontent-length: {}\r\n",
            body.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&buf[at + EMPTY.len()..]);
    out.extend_from_slice(&body);
    Some(out)
}

/// What the codec's answer means, for its problem document.
fn detail(status: StatusCode) -> String {
    match status {
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => {
            "The request has too many header fields (at most 96) or too large a head; send fewer or smaller ones.".into()
        }
        StatusCode::BAD_REQUEST => {
            "The request could not be read as HTTP/1.1: a malformed request line or header, or a URL longer than 65,534 bytes.".into()
        }
        StatusCode::REQUEST_TIMEOUT => {
            "The request head did not arrive in time; the connection is closed.".into()
        }
        _ => format!(
            "The connection could not be served ({}).",
            status.canonical_reason().unwrap_or("error")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bodiless_codec_answer_gets_a_problem_body_and_its_length() {
        let head = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\nconnection: close\r\ndate: Mon, 30 Nov 2026 13:57:22 GMT\r\n\r\n";
        let out = String::from_utf8(with_problem(head).unwrap()).unwrap();
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 431 "));
        assert!(head.contains("\r\nconnection: close\r\n"));
        assert!(head.contains(&format!("content-type: {PROBLEM_JSON}")));
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let problem: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(problem["status"], 431);
        assert!(problem["detail"].as_str().unwrap().contains("96"));
    }

    #[test]
    fn answers_with_bodies_successes_and_pipelined_bytes_pass_untouched() {
        for buf in [
            &b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\n{}",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nHTTP/1.1 200 OK\r\n",
            b"{\"type\":\"claim\"}\n",
            b"HTTP/1.1 40",
        ] {
            assert!(
                with_problem(buf).is_none(),
                "{}",
                String::from_utf8_lossy(buf)
            );
        }
    }
}
