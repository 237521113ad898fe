//! The address a request comes from, for the per-address limits: the peer's, unless the peer is
//! a trusted proxy or edge, whose `CF-Connecting-IP` or `X-Forwarded-For` then names the client.
//! A header from any other peer is ignored (anyone can write one).

use std::net::IpAddr;
use std::str::FromStr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The proxies and edges whose forwarding headers are believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

/// An address or network as configured (`10.0.0.0/8`, `192.0.2.7`, `::1`).
pub fn parse_network(s: &str) -> Result<IpNet, String> {
    let s = s.trim();
    IpNet::from_str(s)
        .or_else(|_| IpAddr::from_str(s).map(IpNet::from))
        .map_err(|_| format!("not an address or network: {s:?}"))
}

impl TrustedProxies {
    pub fn new(networks: Vec<IpNet>) -> Self {
        Self(networks)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The client behind `peer`: `CF-Connecting-IP` from a trusted peer, else the right-most
    /// `X-Forwarded-For` hop that is not itself trusted (hops are appended by each proxy, so
    /// only the ones to the right of it were written by proxies we trust), else `peer`.
    pub fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer?;
        if !self.trusts(peer) {
            return Some(peer);
        }
        if let Some(ip) = headers
            .get("cf-connecting-ip")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| IpAddr::from_str(v.trim()).ok())
        {
            return Some(ip);
        }
        let mut client = peer;
        let hops = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','));
        for hop in hops.rev() {
            match IpAddr::from_str(hop.trim()) {
                Ok(ip) if self.trusts(ip) => client = ip,
                Ok(ip) => return Some(ip),
                // A hop that is no address: the last trusted one is as far as we can see.
                Err(_) => break,
            }
        }
        Some(client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    fn trusting(nets: &[&str]) -> TrustedProxies {
        TrustedProxies::new(nets.iter().map(|n| parse_network(n).unwrap()).collect())
    }

    fn ip(s: &str) -> Option<IpAddr> {
        s.parse().ok()
    }

    #[test]
    fn forwarding_headers_count_only_from_trusted_peers() {
        let trusted = trusting(&["10.0.0.0/8", "192.0.2.7"]);
        let xff = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(trusted.client(ip("198.51.100.1"), &xff), ip("198.51.100.1"));
        assert_eq!(trusted.client(ip("10.1.2.3"), &xff), ip("203.0.113.9"));
        assert_eq!(trusted.client(ip("192.0.2.7"), &xff), ip("203.0.113.9"));
        let cf = headers(&[
            ("cf-connecting-ip", "2001:db8::5"),
            ("x-forwarded-for", "1.2.3.4"),
        ]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &cf), ip("2001:db8::5"));
        assert_eq!(
            trusted.client(ip("10.0.0.1"), &HeaderMap::new()),
            ip("10.0.0.1")
        );
        assert_eq!(trusted.client(None, &xff), None);
    }

    #[test]
    fn a_client_cannot_hide_behind_a_forged_hop() {
        let trusted = trusting(&["10.0.0.0/8"]);
        // The client wrote "1.1.1.1"; the trusted proxy appended the address it saw.
        let forged = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.9, 10.0.0.2")]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &forged), ip("203.0.113.9"));
        let two_headers = headers(&[
            ("x-forwarded-for", "1.1.1.1"),
            ("x-forwarded-for", "203.0.113.9"),
        ]);
        assert_eq!(
            trusted.client(ip("10.0.0.1"), &two_headers),
            ip("203.0.113.9")
        );
        let junk = headers(&[("x-forwarded-for", "203.0.113.9, nonsense, 10.0.0.2")]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &junk), ip("10.0.0.2"));
        assert!(parse_network("10.0.0.0/33").is_err());
        assert!(parse_network("proxy").is_err());
    }
}
