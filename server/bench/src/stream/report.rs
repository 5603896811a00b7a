//! The figures as Markdown tables, ready for the README.

use crate::{cpu, history, memory, stats::Percentiles, ttft};
use std::fmt;

pub struct Report {
    pub ttft: Vec<ttft::Level>,
    pub cpu: cpu::Figures,
    pub memory: memory::Figures,
    pub history: history::Figures,
}

fn ms(p: Percentiles) -> String {
    format!("{:.2} | {:.2}", p.p50, p.p90)
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Time to first token (ms), the same answer streamed straight from the provider and through Parley's REST API:\n")?;
        writeln!(f, "| concurrent streams | samples | direct p50 | direct p90 | via Parley p50 | via Parley p90 | added p50 | added p90 |")?;
        writeln!(f, "|---|---|---|---|---|---|---|---|")?;
        for level in &self.ttft {
            writeln!(
                f,
                "| {} | {} | {} | {} | {} |",
                level.streams,
                level.samples,
                ms(level.direct),
                ms(level.parley),
                ms(level.added())
            )?;
        }

        let cpu = &self.cpu;
        let mem = &self.memory;
        writeln!(f, "\nServer resources:\n")?;
        writeln!(f, "| figure | value |")?;
        writeln!(f, "|---|---|")?;
        writeln!(
            f,
            "| CPU per streamed chunk, all-in ({} answers × {} words, µs) | {:.1} |",
            cpu.long.requests,
            cpu::WORDS,
            cpu.us_per_chunk()
        )?;
        writeln!(
            f,
            "| CPU per extra chunk (long minus one-word answers, µs) | {:.1} |",
            cpu.marginal_us_per_chunk()
        )?;
        writeln!(
            f,
            "| CPU per request, one-word answer ({} answers, ms) | {:.2} |",
            cpu.short.requests,
            cpu.ms_per_request()
        )?;
        writeln!(
            f,
            "| memory per open stream ({} open, KiB) | {:.1} |",
            memory::STREAMS,
            mem.kib_per_stream()
        )?;
        writeln!(
            f,
            "| RSS before / with {} open / after closing them (MiB) | {:.1} / {:.1} / {:.1} |",
            memory::STREAMS,
            mib(mem.before_kib),
            mib(mem.open_kib),
            mib(mem.after_close_kib)
        )?;

        let h = &self.history;
        writeln!(f, "\nLong chats (ms):\n")?;
        writeln!(f, "| figure | p50 | p90 |")?;
        writeln!(f, "|---|---|---|")?;
        for opening in &h.opening {
            writeln!(
                f,
                "| open a chat of {} messages (newest page) | {} |",
                thousands(opening.messages),
                ms(opening.time)
            )?;
        }
        writeln!(
            f,
            "| add a message to an empty chat (not streamed, one-word answer) | {} |",
            ms(h.append_empty)
        )?;
        writeln!(
            f,
            "| add a message to a chat of {} messages | {} |",
            thousands(h.long_size),
            ms(h.append_long)
        )?;
        Ok(())
    }
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// `5000` as `5,000`.
fn thousands(n: usize) -> String {
    let mut groups = Vec::new();
    let mut rest = n;
    while rest >= 1000 {
        groups.push(format!("{:03}", rest % 1000));
        rest /= 1000;
    }
    groups.push(rest.to_string());
    groups.reverse();
    groups.join(",")
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(5000), "5,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(200), "200");
    }
}
