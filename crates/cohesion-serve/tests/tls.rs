//! HTTPS: a client that trusts the generated certificate talks to the TLS listener; cookies
//! are marked Secure; a client that does not trust it is refused by its own TLS check.

use axum::http::{header, Method, Request, StatusCode};
use cohesion_serve::store::Db;
use cohesion_serve::tls::{self_signed, Peer, TlsListener};
use cohesion_serve::{router, AppState};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_serves_with_the_generated_certificate_and_secure_cookies() {
    let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let cert = self_signed(ip).unwrap();
    assert_eq!(cert.fingerprint.len(), 32 * 3 - 1);
    let tcp = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
    let addr = tcp.local_addr().unwrap();
    let state = AppState::new(Db::memory(), format!("https://{addr}"), true).unwrap();
    let listener = TlsListener::new(tcp, cert.config.clone()).unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router(state).into_make_service_with_connect_info::<Peer>(),
        )
        .await
        .unwrap();
    });

    let mut roots = RootCertStore::empty();
    roots.add(cert.certificate.clone()).unwrap();
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let client = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = TlsConnector::from(Arc::new(client));
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let tls = connector
        .connect(ServerName::IpAddress(ip.into()), stream)
        .await
        .unwrap();
    let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
        .await
        .unwrap();
    tokio::spawn(conn);
    let body =
        r#"{"name": "tls", "group": "experts", "descriptors": ["public_values", "tech_optimism"]}"#;
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/workshops")
        .header(header::HOST, addr.to_string())
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-cohesion-csrf", "1")
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    let res = send.send_request(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let cookie = res
        .headers()
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("; Secure")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let v: serde_json::Value =
        serde_json::from_slice(&res.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert!(v["join_url"].as_str().unwrap().starts_with("https://"));

    // a client with an empty trust store refuses the server
    let untrusting = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(RootCertStore::empty())
        .with_no_client_auth();
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let refused = TlsConnector::from(Arc::new(untrusting))
        .connect(ServerName::IpAddress(ip.into()), stream)
        .await;
    assert!(refused.is_err());
}
