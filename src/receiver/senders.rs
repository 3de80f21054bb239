//! The sender policy: an allow-list of networks, the trusted proxies, and
//! how the client's address is found (the connection's peer, or the
//! right-most untrusted hop of `Forwarded` / `X-Forwarded-For` when the
//! peer is a trusted proxy).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

use ipnet::{IpNet, Ipv4Net};

use crate::error::HeaderName;
use crate::{Error, Headers};

/// Which header a trusted proxy writes the client's address into; see
/// [`Receiver::proxy_header`](super::Receiver::proxy_header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ProxyHeader {
    /// Whichever of `Forwarded` and `X-Forwarded-For` the request carries.
    /// A request from a trusted proxy carrying **both** is refused with 400
    /// `malformed_header`: one of them was not written by your proxy (a
    /// proxy that appends to one passes a client's forged other one
    /// through), and choosing either could be choosing the forgery.
    #[default]
    Either,
    /// RFC 7239 `Forwarded: for=…` only; `X-Forwarded-For` is ignored.
    Forwarded,
    /// `X-Forwarded-For` only; `Forwarded` is ignored.
    XForwardedFor,
}

/// A parsed list of networks, IPv4-mapped IPv6 networks stored as IPv4.
#[derive(Clone, Default)]
pub(crate) struct Networks(Box<[IpNet]>);

impl Networks {
    /// Parses every entry: a CIDR network (`192.0.2.0/24`, `2001:db8::/32`)
    /// or a plain address (`/32`, `/128`).
    pub(crate) fn parse<I, S>(entries: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        entries
            .into_iter()
            .map(|entry| parse_network(entry.as_ref()))
            .collect::<Result<Vec<_>, _>>()
            .map(|nets| Networks(nets.into()))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `ip` (already [`canonical`]) is in one of the networks.
    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }
}

impl fmt::Debug for Networks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `192.0.2.0/24`, not `V4(Ipv4Net { .. })`.
        struct Shown<'a>(&'a IpNet);
        impl fmt::Debug for Shown<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self.0, f)
            }
        }
        f.debug_list().entries(self.0.iter().map(Shown)).finish()
    }
}

fn parse_network(entry: &str) -> Result<IpNet, Error> {
    let text = entry.trim();
    let net = if text.contains('/') {
        IpNet::from_str(text).ok()
    } else {
        IpAddr::from_str(text).ok().map(IpNet::from)
    };
    match net {
        Some(net) => Ok(canonical_net(net.trunc())),
        None => Err(Error::InvalidNetwork(entry.chars().take(64).collect())),
    }
}

/// An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) as the IPv4 address it
/// maps, so that a dual-stack socket's peers match IPv4 rules.
pub(crate) fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// A network inside `::ffff:0:0/96` as the IPv4 network it maps.
fn canonical_net(net: IpNet) -> IpNet {
    if let IpNet::V6(v6) = net {
        if v6.prefix_len() >= 96 {
            if let Some(v4) = v6.addr().to_ipv4_mapped() {
                if let Ok(v4) = Ipv4Net::new(v4, v6.prefix_len() - 96) {
                    return IpNet::V4(v4);
                }
            }
        }
    }
    net
}

/// The configured sender policy of a receiver.
#[derive(Clone, Debug, Default)]
pub(crate) struct SenderPolicy {
    /// `None`: every sender is allowed (the policy only finds addresses).
    pub(crate) allow: Option<Networks>,
    pub(crate) trusted: Networks,
    pub(crate) header: ProxyHeader,
}

impl SenderPolicy {
    /// Refuses a request whose client address is not allowed: `Ok(())`
    /// when allowed (or no allow-list is set), [`Error::SenderRefused`] when
    /// not or unknown, [`Error::MalformedHeader`] for an unreadable
    /// forwarding header from a trusted proxy.
    pub(crate) fn check<H: Headers + ?Sized>(
        &self,
        peer: Option<IpAddr>,
        headers: &H,
    ) -> Result<(), Error> {
        let Some(allow) = &self.allow else {
            return Ok(());
        };
        match client(peer, headers, &self.trusted, self.header)? {
            Some(ip) if allow.contains(ip) => Ok(()),
            _ => Err(Error::SenderRefused),
        }
    }
}

/// One hop of a forwarding header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hop {
    Addr(IpAddr),
    /// `unknown`, an obfuscated identifier, or an element without `for`.
    Unknown,
}

const FORWARDED: &str = "forwarded";
const X_FORWARDED_FOR: &str = "x-forwarded-for";

fn malformed(name: &'static str, problem: &'static str) -> Error {
    Error::MalformedHeader {
        name: HeaderName::from_static(name),
        problem,
    }
}

/// The client's address: the peer's, or, when the peer is a trusted proxy,
/// the right-most hop of the forwarding header that is not trusted (the
/// left-most hop when all are). `None` when it cannot be known.
pub(crate) fn client<H: Headers + ?Sized>(
    peer: Option<IpAddr>,
    headers: &H,
    trusted: &Networks,
    header: ProxyHeader,
) -> Result<Option<IpAddr>, Error> {
    let Some(peer) = peer.map(canonical) else {
        return Ok(None);
    };
    if trusted.is_empty() || !trusted.contains(peer) {
        return Ok(Some(peer));
    }
    let hops = forwarded_hops(headers, header)?;
    let mut farthest = peer;
    for hop in hops.iter().rev() {
        match *hop {
            Hop::Addr(ip) => {
                let ip = canonical(ip);
                if !trusted.contains(ip) {
                    return Ok(Some(ip));
                }
                farthest = ip;
            }
            Hop::Unknown => return Ok(None),
        }
    }
    Ok(Some(farthest))
}

/// The hops of the header `choice` reads, every line in order.
fn forwarded_hops<H: Headers + ?Sized>(
    headers: &H,
    choice: ProxyHeader,
) -> Result<Vec<Hop>, Error> {
    let name = match choice {
        ProxyHeader::Forwarded => FORWARDED,
        ProxyHeader::XForwardedFor => X_FORWARDED_FOR,
        ProxyHeader::Either => {
            let forwarded = !matches!(headers.lookup(FORWARDED), crate::Lookup::Missing);
            let x_forwarded = !matches!(headers.lookup(X_FORWARDED_FOR), crate::Lookup::Missing);
            match (forwarded, x_forwarded) {
                (true, true) => {
                    return Err(malformed(
                        FORWARDED,
                        "both `forwarded` and `x-forwarded-for` are present; configure which one the proxy writes",
                    ))
                }
                (true, false) => FORWARDED,
                _ => X_FORWARDED_FOR,
            }
        }
    };
    let mut hops = Vec::new();
    let mut problem = None;
    let listed = headers.each_value(name, &mut |line| {
        if problem.is_none() {
            let parsed = if name == FORWARDED {
                parse_forwarded(line, &mut hops)
            } else {
                parse_x_forwarded_for(line, &mut hops)
            };
            problem = parsed.err();
        }
    });
    if !listed {
        return Err(malformed(
            name,
            "repeated, and these headers cannot list its values",
        ));
    }
    match problem {
        Some(problem) => Err(malformed(name, problem)),
        None => Ok(hops),
    }
}

/// The most hops read from one request: a longer chain is malformed.
const MAX_HOPS: usize = 64;

fn push(hops: &mut Vec<Hop>, hop: Hop) -> Result<(), &'static str> {
    if hops.len() >= MAX_HOPS {
        return Err("more than 64 hops");
    }
    hops.push(hop);
    Ok(())
}

fn is_ows(byte: u8) -> bool {
    byte == b' ' || byte == b'\t'
}

/// `X-Forwarded-For: client, proxy1, proxy2`: addresses, optionally with
/// a port (`192.0.2.1:4711`, `[2001:db8::1]:4711`), bracketed IPv6, or
/// `unknown`. Empty elements are skipped (RFC 9110's list rule).
fn parse_x_forwarded_for(line: &[u8], hops: &mut Vec<Hop>) -> Result<(), &'static str> {
    for element in line.split(|&byte| byte == b',') {
        let element = crate::headers::trim_ows(element);
        if element.is_empty() {
            continue;
        }
        let hop = if element.eq_ignore_ascii_case(b"unknown") {
            Hop::Unknown
        } else {
            Hop::Addr(parse_address(element).ok_or("not an IP address")?)
        };
        push(hops, hop)?;
    }
    Ok(())
}

/// An address with or without a port: `192.0.2.1`, `192.0.2.1:80`,
/// `2001:db8::1`, `[2001:db8::1]`, `[2001:db8::1]:80`.
fn parse_address(text: &[u8]) -> Option<IpAddr> {
    let text = std::str::from_utf8(text).ok()?;
    if let Ok(ip) = IpAddr::from_str(text) {
        return Some(ip);
    }
    if let Ok(socket) = SocketAddr::from_str(text) {
        return Some(socket.ip());
    }
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    Ipv6Addr::from_str(inner).ok().map(IpAddr::V6)
}

/// RFC 7230 `tchar`.
fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// The longest `for` value read (a bracketed IPv6 address with a port is
/// at most 47 bytes).
const MAX_NODE: usize = 64;

/// RFC 7239 `Forwarded: for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8::1]:4711"`.
///
/// Parameters are `token=token` or `token="quoted string"`, separated by
/// `;` within an element and elements by `,`. An element's `for` is its
/// hop; an element without one is an unknown hop. Lenient in one way
/// only: an unquoted value may hold `:`, `[` and `]` (`for=192.0.2.1:80`),
/// which some proxies send although the RFC asks for quotes.
fn parse_forwarded(line: &[u8], hops: &mut Vec<Hop>) -> Result<(), &'static str> {
    let mut at = 0;
    let len = line.len();
    let skip_ows = |at: &mut usize| {
        while *at < len && is_ows(line[*at]) {
            *at += 1;
        }
    };
    loop {
        // One element.
        let mut node: Option<Hop> = None;
        let mut pairs = 0usize;
        loop {
            skip_ows(&mut at);
            if at >= len || line[at] == b',' {
                break;
            }
            if line[at] == b';' {
                at += 1;
                continue;
            }
            let name_start = at;
            while at < len && is_tchar(line[at]) {
                at += 1;
            }
            let name = &line[name_start..at];
            if name.is_empty() {
                return Err("expected a parameter name");
            }
            if at >= len || line[at] != b'=' {
                return Err("expected `=` after a parameter name");
            }
            at += 1;
            let is_for = name.eq_ignore_ascii_case(b"for");
            let mut value = [0u8; MAX_NODE];
            let mut value_len = 0usize;
            let mut keep = |byte: u8| -> Result<(), &'static str> {
                if is_for {
                    if value_len == MAX_NODE {
                        return Err("`for` value is too long");
                    }
                    value[value_len] = byte;
                    value_len += 1;
                }
                Ok(())
            };
            if at < len && line[at] == b'"' {
                at += 1;
                loop {
                    let Some(&byte) = line.get(at) else {
                        return Err("unterminated quoted string");
                    };
                    at += 1;
                    match byte {
                        b'"' => break,
                        b'\\' => {
                            let Some(&escaped) = line.get(at) else {
                                return Err("unterminated quoted string");
                            };
                            if (escaped < 0x20 && escaped != b'\t') || escaped == 0x7f {
                                return Err("control character in a quoted string");
                            }
                            at += 1;
                            keep(escaped)?;
                        }
                        b'\t' | 0x20..=0x7e | 0x80..=0xff => keep(byte)?,
                        _ => return Err("control character in a quoted string"),
                    }
                }
            } else {
                let start = at;
                while at < len && (is_tchar(line[at]) || matches!(line[at], b':' | b'[' | b']')) {
                    keep(line[at])?;
                    at += 1;
                }
                if at == start {
                    return Err("expected a parameter value");
                }
            }
            pairs += 1;
            if is_for {
                if node.is_some() {
                    return Err("`for` appears twice in one element");
                }
                node = Some(parse_node(&value[..value_len])?);
            }
            skip_ows(&mut at);
            match line.get(at) {
                None | Some(b',') => break,
                Some(b';') => at += 1,
                Some(_) => return Err("expected `;` or `,` after a parameter"),
            }
        }
        if pairs > 0 {
            push(hops, node.unwrap_or(Hop::Unknown))?;
        }
        if at >= len {
            return Ok(());
        }
        at += 1; // the `,`
    }
}

/// RFC 7239 §6 `node`: `nodename [ ":" node-port ]`, the name an IPv4
/// address, a bracketed IPv6 address, `unknown` or an obfuscated `_name`.
fn parse_node(node: &[u8]) -> Result<Hop, &'static str> {
    const BAD: &str = "`for` is not a node (address, `[IPv6]`, `unknown` or `_obfuscated`)";
    let (name, port) = if let Some(rest) = node.strip_prefix(b"[") {
        let close = rest.iter().position(|&b| b == b']').ok_or(BAD)?;
        let (address, after) = (&rest[..close], &rest[close + 1..]);
        let port = match after {
            [] => None,
            [b':', port @ ..] => Some(port),
            _ => return Err(BAD),
        };
        let address = std::str::from_utf8(address).map_err(|_| BAD)?;
        let ip = Ipv6Addr::from_str(address).map_err(|_| BAD)?;
        check_port(port)?;
        return Ok(Hop::Addr(IpAddr::V6(ip)));
    } else {
        match node.iter().position(|&b| b == b':') {
            Some(colon) => (&node[..colon], Some(&node[colon + 1..])),
            None => (node, None),
        }
    };
    check_port(port)?;
    if name.eq_ignore_ascii_case(b"unknown") {
        return Ok(Hop::Unknown);
    }
    if let Some(obfuscated) = name.strip_prefix(b"_") {
        return if !obfuscated.is_empty() && obfuscated.iter().all(|&b| is_obf_char(b)) {
            Ok(Hop::Unknown)
        } else {
            Err(BAD)
        };
    }
    let name = std::str::from_utf8(name).map_err(|_| BAD)?;
    Ipv4Addr::from_str(name)
        .map(|ip| Hop::Addr(IpAddr::V4(ip)))
        .map_err(|_| BAD)
}

fn is_obf_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-')
}

/// `node-port = port / obfport`: 1 to 5 digits, or `_` and obfuscated
/// characters.
fn check_port(port: Option<&[u8]>) -> Result<(), &'static str> {
    const BAD: &str = "`for` has a malformed port";
    match port {
        None => Ok(()),
        Some(digits)
            if (1..=5).contains(&digits.len()) && digits.iter().all(u8::is_ascii_digit) =>
        {
            Ok(())
        }
        Some([b'_', rest @ ..]) if !rest.is_empty() && rest.iter().all(|&b| is_obf_char(b)) => {
            Ok(())
        }
        Some(_) => Err(BAD),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nets(list: &[&str]) -> Networks {
        Networks::parse(list).unwrap()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(line: &str) -> Result<Vec<Hop>, &'static str> {
        let mut hops = Vec::new();
        parse_forwarded(line.as_bytes(), &mut hops).map(|()| hops)
    }

    fn xff(line: &str) -> Result<Vec<Hop>, &'static str> {
        let mut hops = Vec::new();
        parse_x_forwarded_for(line.as_bytes(), &mut hops).map(|()| hops)
    }

    fn addr(text: &str) -> Hop {
        Hop::Addr(ip(text))
    }

    #[test]
    fn networks_parse_cidrs_and_plain_addresses() {
        let list = nets(&[
            "192.0.2.0/24",
            "198.51.100.7",
            "2001:db8::/32",
            " 2001:db8:1::1 ",
        ]);
        assert!(list.contains(ip("192.0.2.200")));
        assert!(!list.contains(ip("192.0.3.1")));
        assert!(list.contains(ip("198.51.100.7")));
        assert!(!list.contains(ip("198.51.100.8")));
        assert!(list.contains(ip("2001:db8:ffff::1")));
        assert!(list.contains(ip("2001:db8:1::1")));
        assert!(!list.contains(ip("2001:db9::1")));
        // Host bits are ignored, as the network is meant.
        assert!(nets(&["10.1.2.3/8"]).contains(ip("10.200.0.1")));
    }

    #[test]
    fn bad_networks_are_errors_naming_the_entry() {
        for bad in [
            "",
            "300.1.1.1",
            "10.0.0.0/33",
            "10.0.0.0/",
            "::1/129",
            "example.com",
            "10.0.0.0/8/8",
        ] {
            match Networks::parse([bad]) {
                Err(Error::InvalidNetwork(entry)) => assert_eq!(entry, bad),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
        let long = "x".repeat(1000);
        match Networks::parse([long.as_str()]) {
            Err(Error::InvalidNetwork(entry)) => assert_eq!(entry.len(), 64),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ipv4_mapped_addresses_and_networks_match_ipv4_rules() {
        assert_eq!(canonical(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
        assert_eq!(canonical(ip("2001:db8::1")), ip("2001:db8::1"));
        let v4 = nets(&["192.0.2.0/24"]);
        assert!(v4.contains(canonical(ip("::ffff:192.0.2.9"))));
        let mapped = nets(&["::ffff:192.0.2.0/120"]);
        assert!(mapped.contains(ip("192.0.2.9")));
        assert!(!mapped.contains(ip("192.0.3.9")));
    }

    #[test]
    fn x_forwarded_for_reads_addresses_ports_and_unknown() {
        assert_eq!(
            xff("192.0.2.1, 2001:db8::1,[2001:db8::2]:443 ,198.51.100.1:8080,,unknown").unwrap(),
            [
                addr("192.0.2.1"),
                addr("2001:db8::1"),
                addr("2001:db8::2"),
                addr("198.51.100.1"),
                Hop::Unknown
            ]
        );
        for bad in [
            "192.0.2",
            "_hidden",
            "192.0.2.1 198.51.100.1",
            "[192.0.2.1]",
            "01.2.3.4",
            "\u{e9}",
        ] {
            assert!(xff(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_reads_rfc_7239_elements() {
        // RFC 7239 §4's and §7.1's examples.
        assert_eq!(forwarded(r#"for="_gazonk""#).unwrap(), [Hop::Unknown]);
        assert_eq!(
            forwarded(r#"For="[2001:db8:cafe::17]:4711""#).unwrap(),
            [addr("2001:db8:cafe::17")]
        );
        assert_eq!(
            forwarded("for=192.0.2.60;proto=http;by=203.0.113.43").unwrap(),
            [addr("192.0.2.60")]
        );
        assert_eq!(
            forwarded("for=192.0.2.43, for=198.51.100.17").unwrap(),
            [addr("192.0.2.43"), addr("198.51.100.17")]
        );
        assert_eq!(
            forwarded(r#"for=192.0.2.43,for="[2001:db8:cafe::17]",for=unknown"#).unwrap(),
            [addr("192.0.2.43"), addr("2001:db8:cafe::17"), Hop::Unknown]
        );
        // Ports (quoted, and unquoted as some proxies send them), an
        // obfuscated port, an element without `for`, empty elements.
        assert_eq!(
            forwarded(r#"for="192.0.2.1:80", for=192.0.2.2:_p1 ;by=x, proto=https, ,"#).unwrap(),
            [addr("192.0.2.1"), addr("192.0.2.2"), Hop::Unknown]
        );
        // A quoted string with an escape and a comma inside.
        assert_eq!(
            forwarded(r#"by="a,\"b";for=192.0.2.9"#).unwrap(),
            [addr("192.0.2.9")]
        );
    }

    #[test]
    fn malformed_forwarded_elements_are_errors() {
        for bad in [
            "for",
            "for=",
            "=192.0.2.1",
            "for=192.0.2.1;for=192.0.2.2",
            r#"for="192.0.2.1"#,
            "for=2001:db8::1",
            r#"for="[2001:db8::1"#,
            r#"for="[2001:db8::1]x""#,
            "for=192.0.2.1:123456",
            "for=192.0.2.1:",
            "for=_",
            "for=_a/b",
            "for=192.0.2.1 by=x",
            "for=\"\u{1}\"",
            "for=example.com",
        ] {
            assert!(forwarded(bad).is_err(), "{bad}");
        }
    }

    fn client_of(
        peer: &str,
        headers: &[(&str, &str)],
        trusted: &[&str],
    ) -> Result<Option<IpAddr>, Error> {
        client(
            Some(ip(peer)),
            &headers,
            &nets(trusted),
            ProxyHeader::Either,
        )
    }

    #[test]
    fn the_client_is_the_peer_unless_the_peer_is_a_trusted_proxy() {
        let spoof = [("x-forwarded-for", "35.231.147.226")];
        // No trusted proxy: the header is never read.
        assert_eq!(
            client_of("203.0.113.9", &spoof, &[]).unwrap(),
            Some(ip("203.0.113.9"))
        );
        // A peer that is not trusted: not read either.
        assert_eq!(
            client_of("203.0.113.9", &spoof, &["10.0.0.0/8"]).unwrap(),
            Some(ip("203.0.113.9"))
        );
        // A trusted peer: the right-most untrusted hop.
        let chain = [("x-forwarded-for", "35.231.147.226, 203.0.113.9, 10.0.0.2")];
        assert_eq!(
            client_of("10.0.0.1", &chain, &["10.0.0.0/8"]).unwrap(),
            Some(ip("203.0.113.9"))
        );
        // Every hop trusted: the farthest one.
        let inside = [("x-forwarded-for", "10.0.0.3, 10.0.0.2")];
        assert_eq!(
            client_of("10.0.0.1", &inside, &["10.0.0.0/8"]).unwrap(),
            Some(ip("10.0.0.3"))
        );
        // A trusted peer without the header: the peer itself.
        assert_eq!(
            client_of("10.0.0.1", &[], &["10.0.0.0/8"]).unwrap(),
            Some(ip("10.0.0.1"))
        );
        // An unknown hop before any untrusted one: unknown.
        let hidden = [("forwarded", "for=35.231.147.226, for=_hidden")];
        assert_eq!(
            client_of("10.0.0.1", &hidden, &["10.0.0.0/8"]).unwrap(),
            None
        );
        // No peer at all: unknown.
        assert_eq!(
            client(None, &chain, &nets(&[]), ProxyHeader::Either).unwrap(),
            None
        );
    }

    #[test]
    fn several_lines_are_one_list_in_order() {
        let lines = [
            ("X-Forwarded-For", "35.231.147.226"),
            ("content-type", "application/json"),
            ("x-forwarded-for", "203.0.113.9, 10.0.0.2"),
        ];
        assert_eq!(
            client_of("10.0.0.1", &lines, &["10.0.0.0/8"]).unwrap(),
            Some(ip("203.0.113.9"))
        );
        let lines = [
            ("forwarded", "for=203.0.113.9"),
            ("forwarded", "for=10.0.0.2"),
        ];
        assert_eq!(
            client_of("10.0.0.1", &lines, &["10.0.0.0/8"]).unwrap(),
            Some(ip("203.0.113.9"))
        );
        let mut map = http::HeaderMap::new();
        map.append("x-forwarded-for", "198.51.100.1".parse().unwrap());
        map.append("x-forwarded-for", "10.0.0.5".parse().unwrap());
        assert_eq!(
            client(
                Some(ip("10.0.0.1")),
                &map,
                &nets(&["10.0.0.0/8"]),
                ProxyHeader::Either
            )
            .unwrap(),
            Some(ip("198.51.100.1"))
        );
    }

    #[test]
    fn both_headers_from_a_proxy_are_refused_unless_one_is_chosen() {
        let both = [
            ("forwarded", "for=35.231.147.226"),
            ("x-forwarded-for", "203.0.113.9"),
        ];
        let trusted = nets(&["10.0.0.0/8"]);
        let peer = Some(ip("10.0.0.1"));
        let error = client(peer, &both, &trusted, ProxyHeader::Either).unwrap_err();
        assert_eq!(error.kind(), "malformed_header");
        assert_eq!(
            client(peer, &both, &trusted, ProxyHeader::XForwardedFor).unwrap(),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            client(peer, &both, &trusted, ProxyHeader::Forwarded).unwrap(),
            Some(ip("35.231.147.226"))
        );
    }

    #[test]
    fn a_malformed_header_from_a_trusted_proxy_is_a_400() {
        let bad = [("x-forwarded-for", "203.0.113.9, garbage")];
        let error = client_of("10.0.0.1", &bad, &["10.0.0.0/8"]).unwrap_err();
        assert_eq!(
            (error.status().as_u16(), error.kind()),
            (400, "malformed_header")
        );
        assert!(error.to_string().contains("x-forwarded-for"), "{error}");
        // From an untrusted peer the same header is not even read.
        assert_eq!(
            client_of("203.0.113.1", &bad, &["10.0.0.0/8"]).unwrap(),
            Some(ip("203.0.113.1"))
        );
        // A repeated header that the header type cannot list.
        let opaque = crate::headers::from_fn(|name| {
            if name == X_FORWARDED_FOR {
                crate::Lookup::Repeated
            } else {
                crate::Lookup::Missing
            }
        });
        let error = client(
            Some(ip("10.0.0.1")),
            &opaque,
            &nets(&["10.0.0.0/8"]),
            ProxyHeader::Either,
        )
        .unwrap_err();
        assert_eq!(error.kind(), "malformed_header");
    }

    #[test]
    fn a_chain_longer_than_the_bound_is_malformed() {
        let long = vec!["10.0.0.9"; MAX_HOPS + 1].join(",");
        assert!(xff(&long).is_err());
        let fits = vec!["10.0.0.9"; MAX_HOPS].join(",");
        assert_eq!(xff(&fits).unwrap().len(), MAX_HOPS);
    }

    #[test]
    fn the_policy_refuses_unknown_and_unlisted_clients() {
        let policy = SenderPolicy {
            allow: Some(nets(&["35.231.147.226"])),
            trusted: nets(&["10.0.0.0/8"]),
            header: ProxyHeader::Either,
        };
        let none: [(&str, &str); 0] = [];
        assert_eq!(policy.check(Some(ip("35.231.147.226")), &none), Ok(()));
        assert_eq!(
            policy.check(Some(ip("::ffff:35.231.147.226")), &none),
            Ok(())
        );
        assert_eq!(
            policy.check(Some(ip("35.231.147.227")), &none),
            Err(Error::SenderRefused)
        );
        assert_eq!(policy.check(None, &none), Err(Error::SenderRefused));
        let via = [("x-forwarded-for", "35.231.147.226")];
        assert_eq!(policy.check(Some(ip("10.1.1.1")), &via), Ok(()));
        let spoofed = [("x-forwarded-for", "35.231.147.226, 6.6.6.6")];
        assert_eq!(
            policy.check(Some(ip("10.1.1.1")), &spoofed),
            Err(Error::SenderRefused)
        );
        let hidden = [("forwarded", "for=unknown")];
        assert_eq!(
            policy.check(Some(ip("10.1.1.1")), &hidden),
            Err(Error::SenderRefused)
        );
    }

    proptest::proptest! {
        #[test]
        fn the_parsers_never_panic(line in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let mut hops = Vec::new();
            let _ = parse_forwarded(&line, &mut hops);
            hops.clear();
            let _ = parse_x_forwarded_for(&line, &mut hops);
        }

        #[test]
        fn forwarded_like_input_never_panics(line in "[fFoOrR=;,\" \\[\\]:_0-9a-f.\\\\]{0,80}") {
            let mut hops = Vec::new();
            let _ = parse_forwarded(line.as_bytes(), &mut hops);
            let _ = parse_x_forwarded_for(line.as_bytes(), &mut hops);
        }

        #[test]
        fn a_quoted_address_round_trips(a in proptest::num::u8::ANY, b in proptest::num::u8::ANY, port in 0u16..) {
            let v4 = format!("for=\"{a}.{b}.0.1:{port}\"");
            proptest::prop_assert_eq!(forwarded(&v4).unwrap(), [Hop::Addr(IpAddr::V4(Ipv4Addr::new(a, b, 0, 1)))]);
            let v6 = format!("for=\"[2001:db8::{a:x}:{b:x}]:{port}\"");
            let expected: Ipv6Addr = format!("2001:db8::{a:x}:{b:x}").parse().unwrap();
            proptest::prop_assert_eq!(forwarded(&v6).unwrap(), [Hop::Addr(IpAddr::V6(expected))]);
        }
    }
}
