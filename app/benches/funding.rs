//! How long a funding round takes to count (issue 15's goal: both rules, 500 proposals and
//! 5,000 ballots, in 50 ms or less). A bench binary printing figures:
//! `cargo bench -p app --bench funding`.
use app::domain::funding::{Project, ResultRule, count};
use std::time::Instant;

/// A Q Exchange-sized round, ten times over: 500 projects of £5,000–£30,000 and 5,000
/// members each choosing six, the popular projects chosen more often (deterministic).
fn round() -> (Vec<Project>, u64, Vec<Vec<i64>>) {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let projects: Vec<Project> = (0..500)
        .map(|id| Project {
            id,
            cost: 500_000 + (next() % 2_500_000),
        })
        .collect();
    let ballots = (0..5_000)
        .map(|_| {
            let mut b = Vec::new();
            while b.len() < 6 {
                // Skewed towards low ids: the square of a uniform draw.
                let u = (next() % 1_000) as f64 / 1_000.0;
                let id = (u * u * 500.0) as i64;
                if !b.contains(&id) {
                    b.push(id);
                }
            }
            b
        })
        .collect();
    (projects, 45_000_000, ballots)
}

fn main() {
    let (projects, budget, ballots) = round();
    println!("| rule | funded | spent | p50 (ms) | max (ms) |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for rule in ResultRule::ALL {
        let mut times = Vec::new();
        let mut last = None;
        for _ in 0..15 {
            let t = Instant::now();
            let r = count(*rule, &projects, budget, &ballots);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            last = Some(r);
        }
        times.sort_by(f64::total_cmp);
        let r = last.unwrap();
        println!(
            "| {} | {} | {} | {:.1} | {:.1} |",
            rule.label(),
            r.funded().count(),
            app::domain::funding::pounds(r.spent),
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }
}
