//! The accept loop: HTTP/1.1 connections served by hyper with a header-read timeout (axum's `serve`
//! has none, so a client that sends its request head a byte at a time, or never, would hold a
//! connection and a task for ever), each request carrying the connection's address
//! (`ConnectInfo<SocketAddr>`), and a graceful shutdown that stops accepting, lets every request in
//! flight finish and then closes the connections.

use std::{net::SocketAddr, time::Duration};

use axum::{Router, extract::ConnectInfo};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tokio::{net::TcpListener, sync::watch};
use tower::ServiceExt as _;

/// Serves `router` on `listener` until `shutdown` completes, then finishes the requests in flight.
/// A connection that has not sent a whole request head `header_timeout` after it opened, or after the
/// previous answer on it, is closed.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    // Dropped to tell the connections to finish; every connection holds a receiver of `closed`, so
    // `closed_tx.closed()` completes when the last one has ended.
    let (stop_tx, stop_rx) = watch::channel(());
    let (closed_tx, closed_rx) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait, rather than spin.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = router
            .clone()
            .map_request(move |mut req: axum::http::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                req
            });
        let mut stop = stop_rx.clone();
        let closed = closed_rx.clone();
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout);
            let conn =
                builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                result = conn.as_mut() => finished(result, peer),
                _ = stop.changed() => {
                    conn.as_mut().graceful_shutdown();
                    finished(conn.await, peer);
                }
            }
            drop(closed);
        });
    }
    // No new connections; the open ones finish the request in hand and close.
    drop(listener);
    drop(stop_tx);
    drop(closed_rx);
    closed_tx.closed().await;
}

fn finished(result: Result<(), hyper::Error>, peer: SocketAddr) {
    if let Err(error) = result {
        // A client that went away or was too slow: not the server's fault.
        tracing::debug!(%error, %peer, "connection ended");
    }
}
