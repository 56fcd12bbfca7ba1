//! What one invocation asks of the platform, counted: D1 calls (and the statements in them), KV
//! reads and writes, and other subrequests. Production stops an invocation after 1,000 D1
//! queries (50 on the free plan); the local runtime enforces nothing, so this is how tests see
//! the figure. With `RALLY_METER=1` (set by `cargo xtask dev` and `cargo xtask test`, never in
//! `wrangler.toml`) each response carries its counts in `Rally-Meter`, and the isolate keeps the
//! largest counts seen per route, queue batch and cron run for `GET /api/v1/meter`.
//!
//! A D1 call is a statement run alone or a whole batch: every statement is prepared through
//! `Store::stmt` (counted there) and run once, alone or in a batch (`Store::batch` counts the
//! batch and how many statements it carried), so calls = statements - batched + batches.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use serde::Serialize;

/// One invocation's counter, shared by everything that invocation opens.
#[derive(Default)]
pub struct Meter {
    statements: Cell<u32>,
    batched: Cell<u32>,
    batches: Cell<u32>,
    writes: Cell<u32>,
    kv: Cell<u32>,
    fetches: Cell<u32>,
}

pub type Shared = Rc<Meter>;

/// What the meter read, as `GET /api/v1/meter` and `Rally-Meter` give it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Counts {
    /// D1 calls: statements run alone plus batches.
    pub d1: u32,
    /// Statements, batched or not.
    pub statements: u32,
    /// Statements that write (INSERT, UPDATE, DELETE, REPLACE, and a WITH leading to one).
    pub writes: u32,
    /// KV reads, writes and deletes.
    pub kv: u32,
    /// Other subrequests: fetches (siteverify, webhooks, Action Network) and queue sends.
    pub fetch: u32,
}

fn add(c: &Cell<u32>, n: u32) {
    c.set(c.get().saturating_add(n));
}

impl Meter {
    pub fn new() -> Shared {
        Rc::new(Meter::default())
    }

    pub fn statement(&self) {
        add(&self.statements, 1);
    }

    /// A statement prepared with `sql`: counted, and counted as a write when it writes.
    pub fn statement_sql(&self, sql: &str) {
        self.statement();
        if writes(sql) {
            add(&self.writes, 1);
        }
    }

    pub fn batch(&self, statements: usize) {
        add(&self.batches, 1);
        add(&self.batched, statements as u32);
    }

    pub fn kv(&self) {
        add(&self.kv, 1);
    }

    pub fn fetch(&self) {
        add(&self.fetches, 1);
    }

    pub fn counts(&self) -> Counts {
        let statements = self.statements.get();
        Counts {
            d1: (statements + self.batches.get()).saturating_sub(self.batched.get()),
            statements,
            writes: self.writes.get(),
            kv: self.kv.get(),
            fetch: self.fetches.get(),
        }
    }
}

impl Counts {
    /// As the `Rally-Meter` header carries them.
    pub fn header(&self) -> String {
        format!(
            "d1={}, statements={}, writes={}, kv={}, fetch={}",
            self.d1, self.statements, self.writes, self.kv, self.fetch
        )
    }

    /// The larger of each count.
    pub fn max(self, o: Counts) -> Counts {
        Counts {
            d1: self.d1.max(o.d1),
            statements: self.statements.max(o.statements),
            writes: self.writes.max(o.writes),
            kv: self.kv.max(o.kv),
            fetch: self.fetch.max(o.fetch),
        }
    }
}

/// Whether a statement writes: its first keyword (after a `WITH` clause, the statement the
/// clause leads to) is INSERT, UPDATE, DELETE or REPLACE.
pub fn writes(sql: &str) -> bool {
    let upper = sql.trim_start().to_ascii_uppercase();
    let first = |s: &str| {
        ["INSERT", "UPDATE", "DELETE", "REPLACE"]
            .iter()
            .any(|k| s.starts_with(k))
    };
    if upper.starts_with("WITH") {
        // A CTE's body is a SELECT; what follows the last closing parenthesis at depth 0 is the
        // statement itself.
        let mut depth = 0i32;
        let mut last = 0;
        for (i, c) in upper.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        last = i + 1;
                    }
                }
                _ => {}
            }
        }
        return first(upper[last..].trim_start());
    }
    first(&upper)
}

thread_local! {
    /// The largest counts this isolate has seen, per route pattern (`GET /api/...`), queue
    /// batch (`queue`) and cron run (`cron`).
    static MOST: RefCell<BTreeMap<String, Counts>> = const { RefCell::new(BTreeMap::new()) };
}

/// Whether this edge reports its counts (`RALLY_METER=1`).
pub fn on(env: &worker::Env) -> bool {
    env.var("RALLY_METER").is_ok_and(|v| v.to_string() == "1")
}

/// Keeps `counts` as the invocation `label` made them, if they are its largest yet.
pub fn record(label: &str, counts: Counts) {
    MOST.with(|m| {
        let mut m = m.borrow_mut();
        let e = m.entry(label.to_owned()).or_default();
        *e = e.max(counts);
    });
}

/// Every label's largest counts.
pub fn most() -> BTreeMap<String, Counts> {
    MOST.with(|m| m.borrow().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_writes_by_its_first_keyword() {
        let cases = [
            ("SELECT id FROM x", false),
            ("  insert into x VALUES (1)", true),
            ("UPDATE x SET a = 1", true),
            ("DELETE FROM x", true),
            ("WITH w AS (SELECT (1)) INSERT INTO x SELECT * FROM w", true),
            ("WITH w AS (SELECT 1) SELECT * FROM w", false),
            ("SELECT 'INSERT'", false),
        ];
        for (sql, want) in cases {
            assert_eq!(writes(sql), want, "{sql}");
        }
    }

    #[test]
    fn a_batch_is_one_call_however_many_statements_it_carries() {
        let m = Meter::default();
        for _ in 0..5 {
            m.statement();
        }
        m.batch(3);
        m.kv();
        assert_eq!(
            m.counts(),
            Counts {
                d1: 3,
                statements: 5,
                writes: 0,
                kv: 1,
                fetch: 0
            }
        );
        record("x", m.counts());
        record(
            "x",
            Counts {
                kv: 4,
                ..Counts::default()
            },
        );
        assert_eq!(
            most()["x"],
            Counts {
                d1: 3,
                statements: 5,
                writes: 0,
                kv: 4,
                fetch: 0
            }
        );
    }
}
