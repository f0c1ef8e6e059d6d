//! HTTPS for `--lan`: a self-signed certificate made at start-up for the machine's address,
//! and a listener that hands axum finished TLS connections.
//!
//! On a venue's Wi-Fi, plain HTTP would show the facilitator's cookie to anyone listening.
//! A self-signed certificate makes browsers warn once; the start-up message prints its
//! SHA-256 fingerprint so the facilitator can compare it with what a phone shows. Handshakes
//! run in their own tasks (with a timeout), so a slow or broken client never holds up the
//! others; failed handshakes are dropped.

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use sha2::{Digest, Sha256};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// A server configuration with a fresh self-signed certificate.
pub struct SelfSigned {
    pub config: Arc<ServerConfig>,
    /// The certificate (DER), for clients that should trust it (tests).
    pub certificate: CertificateDer<'static>,
    /// SHA-256 of the certificate, as colon-separated hex.
    pub fingerprint: String,
}

/// Make a certificate valid for `ip` and `localhost`.
pub fn self_signed(ip: IpAddr) -> Result<SelfSigned, String> {
    let ck = rcgen::generate_simple_self_signed(vec![ip.to_string(), "localhost".to_string()])
        .map_err(|e| format!("cannot make a certificate: {e}"))?;
    let certificate = ck.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.signing_key.serialize_der()));
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(vec![certificate.clone()], key)
        .map_err(|e| format!("cannot use the certificate: {e}"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let fingerprint = Sha256::digest(certificate.as_ref())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":");
    Ok(SelfSigned {
        config: Arc::new(config),
        certificate,
        fingerprint,
    })
}

/// TCP listener + TLS handshakes; yields only connections whose handshake succeeded.
pub struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
}

impl TlsListener {
    /// Start accepting on `tcp` (must be called within a tokio runtime).
    pub fn new(tcp: TcpListener, config: Arc<ServerConfig>) -> std::io::Result<TlsListener> {
        let local = tcp.local_addr()?;
        let (tx, ready) = mpsc::channel(64);
        let acceptor = TlsAcceptor::from(config);
        tokio::spawn(async move {
            loop {
                match tcp.accept().await {
                    Ok((stream, addr)) => {
                        let (acceptor, tx) = (acceptor.clone(), tx.clone());
                        tokio::spawn(async move {
                            let hs =
                                tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream));
                            if let Ok(Ok(tls)) = hs.await {
                                let _ = tx.send((tls, addr)).await;
                            }
                        });
                    }
                    // out of file descriptors and the like: back off, keep serving
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        });
        Ok(TlsListener { ready, local })
    }
}

impl Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(conn) => conn,
            // the accept task ended (runtime shutting down): never yield again
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local)
    }
}

/// The client's address on a TLS connection (see [`crate::app::ClientIp`]).
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

impl Connected<IncomingStream<'_, TlsListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, TlsListener>) -> Self {
        Peer(*stream.remote_addr())
    }
}
