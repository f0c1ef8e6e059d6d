//! `cohesion serve`: open the database, bind, print the URL, serve until Ctrl-C.

use crate::app::{router, AppState};
use crate::store::Db;
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
    /// Listen on this machine's network address so phones in the room can join, and put
    /// that address in the join QR code. (HTTPS for this mode is not built yet.)
    #[arg(long)]
    pub lan: bool,
}

pub fn run(args: &ServeArgs) -> Result<()> {
    std::fs::create_dir_all(&args.data).map_err(|e| Error::io(&args.data, "create folder", e))?;
    let db = Db::open(&args.data.join("workshops.sqlite"))?;
    let mut addr = args.addr;
    if args.lan {
        let ip = lan_address().ok_or_else(|| {
            Error::failure("--lan: found no network address (is this computer on a network?)")
        })?;
        addr.set_ip(ip);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::failure(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| Error::failure(format!("cannot listen on {addr}: {e}")))?;
        let bound = listener.local_addr().map_err(|e| Error::failure(e.to_string()))?;
        let base = format!("http://{bound}");
        let state = AppState::new(db, base.clone(), false)?;
        if bound.ip().is_loopback() {
            println!("cohesion serve: listening on {base}/ (this computer only; --lan to let phones join)");
        } else {
            println!("cohesion serve: listening on {base}/ (reachable from the network)");
            eprintln!("warning: plain HTTP on the network: the facilitator's cookie is not encrypted");
        }
        println!("database: {}", args.data.join("workshops.sqlite").display());
        let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| Error::failure(format!("server: {e}")))
    })
}

/// The address this machine uses to reach the network: the local end of a UDP "connection"
/// to a public address (nothing is sent).
fn lan_address() -> Option<std::net::IpAddr> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.1:9").ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_unspecified() && !ip.is_loopback()).then_some(ip)
}
