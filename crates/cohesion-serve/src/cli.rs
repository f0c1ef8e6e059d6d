//! `cohesion serve`: open the database, bind, print the URL, serve until Ctrl-C.

use crate::app::{router, AppState};
use crate::store::Db;
use crate::tls::{self, Peer, TlsListener};
use cohesion_io::{Error, Result};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Serve the dashboard and workshops in a browser.
#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on (loopback by default: only this computer can connect).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Folder for the workshop database (`workshops.sqlite`), created if missing.
    #[arg(long, default_value = "cohesion-data")]
    pub data: PathBuf,
    /// Listen on this machine's network address (the port of --addr) so phones in the room
    /// can join, put that address in the join QR code, and serve HTTPS with a self-signed
    /// certificate made at start-up.
    #[arg(long)]
    pub lan: bool,
    /// Serve HTTPS with a self-signed certificate on --addr (implied by --lan).
    #[arg(long)]
    pub https: bool,
}

pub fn run(args: &ServeArgs) -> Result<()> {
    std::fs::create_dir_all(&args.data).map_err(|e| Error::io(&args.data, "create folder", e))?;
    let db_path = args.data.join("workshops.sqlite");
    let db = Db::open(&db_path)?;
    let mut addr = args.addr;
    if args.lan {
        let ip = lan_address().ok_or_else(|| {
            Error::failure("--lan: found no network address (is this computer on a network?)")
        })?;
        addr.set_ip(ip);
    }
    let https = args.https || args.lan;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::failure(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| Error::failure(format!("cannot listen on {addr}: {e}")))?;
        let bound = listener.local_addr().map_err(|e| Error::failure(e.to_string()))?;
        let base = format!("{}://{bound}", if https { "https" } else { "http" });
        let state = AppState::new(db, base.clone(), https)?;
        let reach = if bound.ip().is_loopback() {
            "this computer only; --lan to let phones join"
        } else {
            "reachable from the network"
        };
        println!("cohesion serve: listening on {base}/ ({reach})");
        println!("database: {}", db_path.display());
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        if https {
            let cert = tls::self_signed(bound.ip()).map_err(Error::failure)?;
            println!(
                "HTTPS with a self-signed certificate; browsers will warn once. Its SHA-256 fingerprint:\n  {}",
                cert.fingerprint
            );
            let tls = TlsListener::new(listener, cert.config).map_err(|e| Error::failure(e.to_string()))?;
            axum::serve(tls, router(state).into_make_service_with_connect_info::<Peer>())
                .with_graceful_shutdown(shutdown)
                .await
        } else {
            if !bound.ip().is_loopback() {
                eprintln!("warning: plain HTTP on the network: the facilitator's cookie crosses it unencrypted (use --lan or --https)");
            }
            axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>())
                .with_graceful_shutdown(shutdown)
                .await
        }
        .map_err(|e| Error::failure(format!("server: {e}")))
    })
}

/// The address this machine uses to reach the network: the local end of a UDP "connection"
/// to a documentation address (nothing is sent).
fn lan_address() -> Option<std::net::IpAddr> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.1:9").ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_unspecified() && !ip.is_loopback()).then_some(ip)
}
