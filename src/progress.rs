//! Progress of a long command (`durand generate`, a large `durand import`): a bar on a
//! terminal (`indicatif`), a plain line per tenth otherwise, for logs and CI.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// Progress through `total` things of one kind (`what`).
pub struct Progress {
    bar: Option<ProgressBar>,
    what: &'static str,
    total: u64,
    done: u64,
}

impl Progress {
    pub fn new(total: u64, what: &'static str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template(
                    "{msg} [{elapsed_precise}] {wide_bar} {human_pos}/{human_len} ({per_sec}, {eta} left)",
                )
                .expect("a valid template"),
            );
            bar.set_message(what);
            bar
        });
        Self {
            bar,
            what,
            total,
            done: 0,
        }
    }

    pub fn advance(&mut self, n: u64) {
        let before = self.done * 10 / self.total.max(1);
        self.done += n;
        match &self.bar {
            Some(bar) => bar.inc(n),
            None if self.done * 10 / self.total.max(1) > before || self.done == self.total => {
                eprintln!("durand: {} of {} {}", self.done, self.total, self.what);
            }
            None => {}
        }
    }

    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish();
        }
    }
}
