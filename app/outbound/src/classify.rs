//! Which IP addresses Parley refuses to connect to: a table of ranges, first match wins.
//!
//! Written over `std::net` rather than `Ipv4Addr::is_private()` and friends: `is_global()`
//! and several IPv6 helpers are still unstable, and the stable ones miss CGNAT, benchmarking,
//! 6to4 and NAT64. The masks below are a few lines, so no `ipnet` dependency either.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why `ip` must not be reached from a tenant-given URL, or `None` when it is public.
///
/// IPv6 forms that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, NAT64
/// `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the embedded IPv4 address, so
/// `::ffff:169.254.169.254` is refused as the cloud metadata address it is.
#[must_use]
pub fn classify(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

const V4_RANGES: &[(Ipv4Addr, u8, &str)] = &[
    (Ipv4Addr::new(0, 0, 0, 0), 32, "unspecified"),
    (Ipv4Addr::new(0, 0, 0, 0), 8, "reserved (\"this network\")"),
    (Ipv4Addr::new(10, 0, 0, 0), 8, "private network"),
    (Ipv4Addr::new(100, 64, 0, 0), 10, "carrier-grade NAT"),
    (Ipv4Addr::new(127, 0, 0, 0), 8, "loopback"),
    (
        Ipv4Addr::new(169, 254, 169, 254),
        32,
        "link-local (cloud metadata)",
    ),
    (Ipv4Addr::new(169, 254, 0, 0), 16, "link-local"),
    (Ipv4Addr::new(172, 16, 0, 0), 12, "private network"),
    (
        Ipv4Addr::new(192, 0, 0, 0),
        24,
        "reserved (IETF protocol assignments)",
    ),
    (Ipv4Addr::new(192, 0, 2, 0), 24, "documentation"),
    (Ipv4Addr::new(192, 88, 99, 0), 24, "reserved (6to4 relay)"),
    (Ipv4Addr::new(192, 168, 0, 0), 16, "private network"),
    (Ipv4Addr::new(198, 18, 0, 0), 15, "benchmarking"),
    (Ipv4Addr::new(198, 51, 100, 0), 24, "documentation"),
    (Ipv4Addr::new(203, 0, 113, 0), 24, "documentation"),
    (Ipv4Addr::new(224, 0, 0, 0), 4, "multicast"),
    (Ipv4Addr::new(255, 255, 255, 255), 32, "broadcast"),
    (Ipv4Addr::new(240, 0, 0, 0), 4, "reserved"),
];

const V6_RANGES: &[(Ipv6Addr, u8, &str)] = &[
    (Ipv6Addr::UNSPECIFIED, 128, "unspecified"),
    (Ipv6Addr::LOCALHOST, 128, "loopback"),
    // `::a.b.c.d`: deprecated since RFC 4291 and never routed; refused whatever it embeds.
    (Ipv6Addr::UNSPECIFIED, 96, "IPv4-compatible (deprecated)"),
    (
        Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0),
        48,
        "local NAT64",
    ),
    (
        Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0),
        32,
        "documentation",
    ),
    // Includes Teredo (2001::/32), whose embedded addresses are obfuscated.
    (
        Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0),
        23,
        "reserved (IETF protocol assignments)",
    ),
    (
        Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0),
        20,
        "documentation",
    ),
    (
        Ipv6Addr::new(0x5f00, 0, 0, 0, 0, 0, 0, 0),
        16,
        "reserved (SRv6)",
    ),
    // AWS's IPv6 instance metadata endpoint.
    (
        Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254),
        128,
        "unique local (cloud metadata)",
    ),
    (
        Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0),
        7,
        "unique local (private network)",
    ),
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10, "link-local"),
    (
        Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0),
        10,
        "site-local (deprecated)",
    ),
    (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8, "multicast"),
];

/// All public IPv6 unicast lives in 2000::/3; anything else left after the table is reserved.
const V6_GLOBAL_UNICAST: (Ipv6Addr, u8) = (Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3);

fn classify_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let bits = ip.to_bits();
    V4_RANGES
        .iter()
        .find(|(net, len, _)| prefix_match_v4(bits, net.to_bits(), *len))
        .map(|(_, _, reason)| *reason)
}

fn classify_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let bits = ip.to_bits();
    if let Some(v4) = embedded_v4(bits) {
        return classify_v4(v4);
    }
    if let Some((_, _, reason)) = V6_RANGES
        .iter()
        .find(|(net, len, _)| prefix_match_v6(bits, net.to_bits(), *len))
    {
        return Some(reason);
    }
    let (global, len) = V6_GLOBAL_UNICAST;
    (!prefix_match_v6(bits, global.to_bits(), len)).then_some("reserved (not global unicast)")
}

/// The IPv4 address an IPv6 address stands for, for the forms that reach it.
fn embedded_v4(bits: u128) -> Option<Ipv4Addr> {
    const MAPPED: u128 = 0xffff; // ::ffff:0:0/96, top 96 bits
    const NAT64: u128 = 0x0064_ff9b_0000_0000_0000_0000; // 64:ff9b::/96, top 96 bits
    const SIX_TO_FOUR: u128 = 0x2002; // 2002::/16, top 16 bits
    let low32 = |b: u128| Ipv4Addr::from_bits((b & 0xffff_ffff) as u32);
    if bits >> 32 == MAPPED || bits >> 32 == NAT64 {
        Some(low32(bits))
    } else if bits >> 112 == SIX_TO_FOUR {
        // 2002:AABB:CCDD::/48 carries AA.BB.CC.DD in bits 16..48.
        Some(low32(bits >> 80))
    } else {
        None
    }
}

fn prefix_match_v4(ip: u32, net: u32, len: u8) -> bool {
    let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
    ip & mask == net & mask
}

fn prefix_match_v6(ip: u128, net: u128, len: u8) -> bool {
    let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
    ip & mask == net & mask
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(ip: &str) -> Option<&'static str> {
        classify(ip.parse().unwrap())
    }

    #[test]
    fn refuses_every_non_public_range() {
        let cases = [
            ("0.0.0.0", "unspecified"),
            ("0.1.2.3", "reserved (\"this network\")"),
            ("10.0.0.5", "private network"),
            ("10.255.255.255", "private network"),
            ("100.64.0.1", "carrier-grade NAT"),
            ("100.127.255.254", "carrier-grade NAT"),
            ("127.0.0.1", "loopback"),
            ("127.255.0.9", "loopback"),
            ("169.254.169.254", "link-local (cloud metadata)"),
            ("169.254.1.1", "link-local"),
            ("172.16.0.1", "private network"),
            ("172.31.255.255", "private network"),
            ("192.0.0.8", "reserved (IETF protocol assignments)"),
            ("192.0.2.10", "documentation"),
            ("192.88.99.1", "reserved (6to4 relay)"),
            ("192.168.1.1", "private network"),
            ("198.18.0.1", "benchmarking"),
            ("198.19.255.255", "benchmarking"),
            ("198.51.100.7", "documentation"),
            ("203.0.113.9", "documentation"),
            ("224.0.0.251", "multicast"),
            ("239.255.255.250", "multicast"),
            ("240.0.0.1", "reserved"),
            ("255.255.255.255", "broadcast"),
            ("::", "unspecified"),
            ("::1", "loopback"),
            ("::127.0.0.1", "IPv4-compatible (deprecated)"),
            ("::8.8.8.8", "IPv4-compatible (deprecated)"),
            ("::ffff:169.254.169.254", "link-local (cloud metadata)"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:10.1.2.3", "private network"),
            ("::ffff:0.0.0.0", "unspecified"),
            ("64:ff9b::a9fe:a9fe", "link-local (cloud metadata)"),
            ("64:ff9b::10.0.0.1", "private network"),
            ("64:ff9b:1::1", "local NAT64"),
            ("2002:7f00:1::", "loopback"),
            ("2002:a9fe:a9fe::1", "link-local (cloud metadata)"),
            ("2002:c0a8:0101::", "private network"),
            ("2001:db8::1", "documentation"),
            ("2001::1", "reserved (IETF protocol assignments)"),
            ("3fff::1", "documentation"),
            ("fd00:ec2::254", "unique local (cloud metadata)"),
            ("fc00::1", "unique local (private network)"),
            ("fdff:ffff::1", "unique local (private network)"),
            ("fe80::1", "link-local"),
            ("febf::1", "link-local"),
            ("fec0::1", "site-local (deprecated)"),
            ("ff02::1", "multicast"),
            ("100::1", "reserved (not global unicast)"),
            ("4000::1", "reserved (not global unicast)"),
        ];
        for (ip, want) in cases {
            assert_eq!(reason(ip), Some(want), "{ip}");
        }
    }

    #[test]
    fn allows_public_addresses() {
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "9.255.255.255",
            "11.0.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.167.255.255",
            "192.169.0.0",
            "198.17.255.255",
            "198.20.0.0",
            "223.255.255.255",
            "2606:4700::1",
            "2001:4860:4860::8888",
            "2a00:1450:4001::1",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:0808:0808::1",
        ] {
            assert_eq!(reason(ip), None, "{ip}");
        }
    }
}
