//! What the kernel says about the server process: CPU time used (`/proc/PID/stat`, in clock
//! ticks) and resident memory (`/proc/PID/status`). Linux only, as the deployment target.

use anyhow::{Context, Result};
use std::{process::Command, time::Duration};

pub struct Probe {
    pid: u32,
    ticks_per_second: u64,
}

impl Probe {
    /// Watches `pid`; asks `getconf CLK_TCK` once (100 on practically every Linux).
    pub fn new(pid: u32) -> Self {
        let ticks_per_second = Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .filter(|&t| t > 0)
            .unwrap_or(100);
        Self {
            pid,
            ticks_per_second,
        }
    }

    /// User plus system CPU time the process has used so far.
    ///
    /// # Errors
    /// When `/proc/PID/stat` cannot be read or parsed (the process is gone).
    pub fn cpu(&self) -> Result<Duration> {
        let path = format!("/proc/{}/stat", self.pid);
        let stat = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
        let ticks = cpu_ticks(&stat).with_context(|| format!("unexpected format of {path}"))?;
        Ok(Duration::from_secs_f64(
            ticks as f64 / self.ticks_per_second as f64,
        ))
    }

    /// Resident set size in KiB (`VmRSS`).
    ///
    /// # Errors
    /// When `/proc/PID/status` cannot be read or has no `VmRSS` (the process is gone).
    pub fn rss_kib(&self) -> Result<u64> {
        let path = format!("/proc/{}/status", self.pid);
        let status = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .with_context(|| format!("no VmRSS in {path}"))
    }
}

/// `utime + stime` (fields 14 and 15) of a `/proc/PID/stat` line. The command name (field 2)
/// may contain spaces and parentheses, so fields are counted from its closing `)`.
fn cpu_ticks(stat: &str) -> Option<u64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace().skip(11); // field 3 is the first
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_utime_and_stime_past_odd_names() {
        let stat =
            "4242 (par ley) (x)) S 1 4242 4242 0 -1 4194560 1234 0 0 0 150 25 0 0 20 0 9 0 100 0 0";
        assert_eq!(cpu_ticks(stat), Some(175));
        assert_eq!(cpu_ticks("garbage"), None);
    }
}
