//! The search for a scheme of `k` districts: seeded region growing from spread-out seeds, then
//! iterated local search that moves boundary units between adjacent districts (the mandates
//! are re-optimised exactly after every move, see [`crate::seats::best_seats`]).
//!
//! The objective, compared lexicographically:
//! 1. the largest excess over a district's allowed deviation (0 for a valid scheme, DIS-01);
//! 2. the deviations of all districts, largest first (so the largest is minimised first, and
//!    among equal largest the next, which gives the search a slope on plateaus);
//! 3. the number of borders between districts (cut edges): compactness.
//!
//! Besides single-unit moves, a local optimum is left by merge-split moves (as in ReCom, the
//! Markov chain of GerryChain, but greedy): two adjacent districts are merged and re-split in
//! the best way, exhaustively when they are small, else along a random spanning tree.
//!
//! Every district stays contiguous and non-empty throughout (DIS-03): a unit only moves to a
//! district it borders, and only if its own district stays connected without it. The search
//! spends a fixed number of evaluations, never a time budget, so it is deterministic for a seed.

use crate::graph::Graph;
use crate::rng::SplitMix64;
use crate::seats::{Frac, Norm, best_seats};
use std::cmp::Ordering;
use std::collections::VecDeque;

/// Independent starts per number of districts.
const RESTARTS: usize = 8;
/// Perturb-and-descend rounds per start.
const KICKS: usize = 40;
/// Evaluations per number of districts, shared by the starts; bounds time on large inputs.
const EVALUATIONS: u64 = 40_000;
/// Two adjacent districts with at most this many units together are re-split exhaustively
/// (2^(t−1) splits); larger pairs are re-split along the edges of a random spanning tree.
const EXHAUSTIVE_PAIR: usize = 12;

/// The fixed figures of one search.
pub(crate) struct Problem<'g> {
    pub(crate) graph: &'g Graph,
    pub(crate) norm: Norm,
    /// Allowed magnitudes (DIS-05 and the request).
    pub(crate) lo: u32,
    pub(crate) hi: u32,
    /// DIS-01 limits in percent: ordinary and remote districts.
    pub(crate) limit: u8,
    pub(crate) limit_remote: u8,
}

/// A partition of the units into districts `0..k`, with running totals.
#[derive(Debug, Clone)]
pub(crate) struct State {
    pub(crate) assign: Vec<u32>,
    pub(crate) voters: Vec<u64>,
    /// Remote units per district: a district with one may claim the wider allowance (DIS-01).
    pub(crate) remote: Vec<u32>,
    pub(crate) size: Vec<u32>,
    pub(crate) cut: u32,
}

/// The objective of a state (see the module docs); smaller is better.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Score {
    pub(crate) excess: Frac,
    /// Deviations, largest first.
    pub(crate) devs: Vec<Frac>,
    pub(crate) cut: u32,
}

impl Ord for Score {
    fn cmp(&self, other: &Self) -> Ordering {
        self.excess
            .cmp(&other.excess)
            .then_with(|| self.devs.cmp(&other.devs))
            .then_with(|| self.cut.cmp(&other.cut))
    }
}
impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Score {
    pub(crate) fn is_valid(&self) -> bool {
        self.excess == Frac::ZERO
    }
}

/// Scratch space reused across evaluations and connectivity checks.
struct Work {
    seats: Vec<u32>,
    stamp: Vec<u32>,
    epoch: u32,
    queue: VecDeque<u32>,
    evaluations: u64,
}

impl Problem<'_> {
    fn limit_of(&self, remote_units: u32) -> u8 {
        if remote_units > 0 {
            self.limit_remote
        } else {
            self.limit
        }
    }

    /// The best mandates for a state's districts; `false` if the range cannot sum to the seats.
    pub(crate) fn seats(&self, state: &State, out: &mut Vec<u32>) -> bool {
        best_seats(&state.voters, self.norm, self.lo, self.hi, out)
    }

    fn evaluate(&self, state: &State, work: &mut Work) -> Score {
        work.evaluations += 1;
        let mut devs = Vec::with_capacity(state.voters.len());
        let mut excess = Frac::ZERO;
        if self.seats(state, &mut work.seats) {
            for (i, (&v, &m)) in state.voters.iter().zip(&work.seats).enumerate() {
                let d = self.norm.deviation(v, m);
                excess = excess.max(Norm::excess(d, self.limit_of(state.remote[i])));
                devs.push(d);
            }
        } else {
            // Unreachable after the district-count check; scored as hopeless, never chosen.
            excess = Frac {
                num: u128::from(u64::MAX),
                den: 1,
            };
        }
        devs.sort_unstable_by(|a, b| b.cmp(a));
        Score {
            excess,
            devs,
            cut: state.cut,
        }
    }

    /// Whether district `d` stays connected when unit `u` leaves it (`size[d] ≥ 2`).
    fn stays_connected(&self, state: &State, d: u32, u: u32, work: &mut Work) -> bool {
        let adj = &self.graph.adj;
        let Some(&start) = adj[u as usize]
            .iter()
            .find(|&&w| state.assign[w as usize] == d)
        else {
            return false;
        };
        work.epoch = work.epoch.wrapping_add(1);
        if work.epoch == 0 {
            work.stamp.fill(0);
            work.epoch = 1;
        }
        let epoch = work.epoch;
        work.stamp[u as usize] = epoch;
        work.stamp[start as usize] = epoch;
        work.queue.clear();
        work.queue.push_back(start);
        let mut reached = 1u32;
        while let Some(i) = work.queue.pop_front() {
            for &j in &adj[i as usize] {
                if state.assign[j as usize] == d && work.stamp[j as usize] != epoch {
                    work.stamp[j as usize] = epoch;
                    reached += 1;
                    work.queue.push_back(j);
                }
            }
        }
        reached == state.size[d as usize] - 1
    }

    fn apply(&self, state: &mut State, u: u32, to: u32) {
        let from = state.assign[u as usize];
        let ui = u as usize;
        for &w in &self.graph.adj[ui] {
            let dw = state.assign[w as usize];
            if dw == from {
                state.cut += 1;
            } else if dw == to {
                state.cut -= 1;
            }
        }
        let (v, r) = (self.graph.voters[ui], u32::from(self.graph.remote[ui]));
        state.voters[from as usize] -= v;
        state.remote[from as usize] -= r;
        state.size[from as usize] -= 1;
        state.voters[to as usize] += v;
        state.remote[to as usize] += r;
        state.size[to as usize] += 1;
        state.assign[ui] = to;
    }

    /// The districts other than `u`'s own that `u` borders, each once.
    fn targets(&self, state: &State, u: u32, out: &mut Vec<u32>) {
        out.clear();
        let own = state.assign[u as usize];
        for &w in &self.graph.adj[u as usize] {
            let d = state.assign[w as usize];
            if d != own && !out.contains(&d) {
                out.push(d);
            }
        }
    }

    /// Seeds spread by farthest-point sampling over hop distance, then grows districts from
    /// them, the smallest (by voters) first most of the time, so that districts start out of
    /// similar size and every unit is reached.
    fn initial(&self, per_part: &[u32], rng: &mut SplitMix64) -> State {
        let n = self.graph.len();
        let k: u32 = per_part.iter().sum();
        let mut state = State {
            assign: vec![u32::MAX; n],
            voters: vec![0; k as usize],
            remote: vec![0; k as usize],
            size: vec![0; k as usize],
            cut: 0,
        };
        self.seed(&mut state, per_part, rng);
        self.grow(&mut state, rng);
        state
    }

    /// Places each part's districts' first units: the first at random, each next one among
    /// the unassigned units farthest (in hops) from the seeds so far.
    fn seed(&self, state: &mut State, per_part: &[u32], rng: &mut SplitMix64) {
        let g = self.graph;
        let mut next_district = 0u32;
        let mut dist = vec![u32::MAX; g.len()];
        let mut queue = VecDeque::new();
        for (p, &count) in g.parts.iter().zip(per_part) {
            for s in 0..count {
                let seed = if s == 0 {
                    p[rng.below(p.len())]
                } else {
                    let far = p
                        .iter()
                        .filter(|&&i| state.assign[i as usize] == u32::MAX)
                        .map(|&i| dist[i as usize])
                        .max()
                        .unwrap_or(0);
                    let candidates: Vec<u32> = p
                        .iter()
                        .copied()
                        .filter(|&i| {
                            state.assign[i as usize] == u32::MAX && dist[i as usize] == far
                        })
                        .collect();
                    candidates[rng.below(candidates.len())]
                };
                self.place(state, seed, next_district);
                next_district += 1;
                // Hop distances to the nearest seed, updated from the new one.
                dist[seed as usize] = 0;
                queue.push_back(seed);
                while let Some(i) = queue.pop_front() {
                    for &j in &g.adj[i as usize] {
                        if dist[j as usize] > dist[i as usize] + 1 {
                            dist[j as usize] = dist[i as usize] + 1;
                            queue.push_back(j);
                        }
                    }
                }
            }
        }
    }

    /// Grows the seeded districts until every unit is placed: a district that borders an
    /// unassigned unit (the one with the fewest voters three times in four) takes one of them.
    fn grow(&self, state: &mut State, rng: &mut SplitMix64) {
        let g = self.graph;
        let n = g.len();
        let mut open: Vec<u32> = Vec::with_capacity(state.voters.len());
        let mut frontier: Vec<u32> = Vec::new();
        loop {
            // The districts that border an unassigned unit, in one pass over the units.
            open.clear();
            for i in 0..n {
                let d = state.assign[i];
                if d != u32::MAX
                    && !open.contains(&d)
                    && g.adj[i]
                        .iter()
                        .any(|&j| state.assign[j as usize] == u32::MAX)
                {
                    open.push(d);
                }
            }
            if open.is_empty() {
                break;
            }
            let d = if rng.chance(3, 4) {
                open.iter()
                    .copied()
                    .min_by_key(|&d| (state.voters[d as usize], d))
                    .unwrap_or(open[0])
            } else {
                open[rng.below(open.len())]
            };
            frontier.clear();
            for i in 0..n {
                if state.assign[i] == d {
                    for &j in &g.adj[i] {
                        if state.assign[j as usize] == u32::MAX && !frontier.contains(&j) {
                            frontier.push(j);
                        }
                    }
                }
            }
            let u = frontier[rng.below(frontier.len())];
            self.place(state, u, d);
        }
    }

    /// Puts an unassigned unit into district `d` (during construction).
    fn place(&self, state: &mut State, u: u32, d: u32) {
        let ui = u as usize;
        for &w in &self.graph.adj[ui] {
            let dw = state.assign[w as usize];
            if dw != u32::MAX && dw != d {
                state.cut += 1;
            }
        }
        state.assign[ui] = d;
        state.voters[d as usize] += self.graph.voters[ui];
        state.remote[d as usize] += u32::from(self.graph.remote[ui]);
        state.size[d as usize] += 1;
    }

    /// First-improvement descent over single-unit moves, in a random order each pass.
    fn descend(&self, state: &mut State, score: &mut Score, rng: &mut SplitMix64, work: &mut Work) {
        let n = self.graph.len() as u32;
        let mut order: Vec<u32> = (0..n).collect();
        let mut targets = Vec::new();
        loop {
            let mut improved = false;
            rng.shuffle(&mut order);
            for &u in &order {
                if work.evaluations >= EVALUATIONS {
                    return;
                }
                let from = state.assign[u as usize];
                if state.size[from as usize] < 2 {
                    continue;
                }
                self.targets(state, u, &mut targets);
                if targets.is_empty() || !self.stays_connected(state, from, u, work) {
                    continue;
                }
                for &to in &targets {
                    self.apply(state, u, to);
                    let s = self.evaluate(state, work);
                    if s < *score {
                        *score = s;
                        improved = true;
                        break;
                    }
                    self.apply(state, u, from);
                }
            }
            if !improved {
                return;
            }
        }
    }

    /// Descends with unit moves, then with merge-split moves until neither improves.
    fn improve(&self, state: &mut State, score: &mut Score, rng: &mut SplitMix64, work: &mut Work) {
        loop {
            self.descend(state, score, rng, work);
            if work.evaluations >= EVALUATIONS || !self.merge_split(state, score, rng, work) {
                return;
            }
        }
    }

    /// Tries to re-split every pair of adjacent districts, in a random order; applies the
    /// first that improves the score.
    fn merge_split(
        &self,
        state: &mut State,
        score: &mut Score,
        rng: &mut SplitMix64,
        work: &mut Work,
    ) -> bool {
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for (u, nbs) in self.graph.adj.iter().enumerate() {
            let a = state.assign[u];
            for &w in nbs {
                let b = state.assign[w as usize];
                if a < b && !pairs.contains(&(a, b)) {
                    pairs.push((a, b));
                }
            }
        }
        rng.shuffle(&mut pairs);
        for (a, b) in pairs {
            if work.evaluations >= EVALUATIONS {
                return false;
            }
            if self.resplit(state, score, a, b, rng, work) {
                return true;
            }
        }
        false
    }

    /// Merges districts `a` and `b` and splits them again in the best way found; `true` if
    /// that improves the score (the state is then changed).
    fn resplit(
        &self,
        state: &mut State,
        score: &mut Score,
        a: u32,
        b: u32,
        rng: &mut SplitMix64,
        work: &mut Work,
    ) -> bool {
        let members: Vec<u32> = (0..self.graph.len() as u32)
            .filter(|&u| {
                let d = state.assign[u as usize];
                d == a || d == b
            })
            .collect();
        let t = members.len();
        let edges = self.borders_within(&members);
        let crossing_now = edges
            .iter()
            .filter(|&&(i, j)| {
                state.assign[members[i] as usize] != state.assign[members[j] as usize]
            })
            .count() as u32;
        let base_cut = state.cut - crossing_now;
        let saved = PairTotals::of(state, a, b);
        let mut best: Option<(Score, Vec<bool>)> = None;
        let mut side = vec![false; t];
        let mut consider = |side: &[bool], state: &mut State, work: &mut Work| {
            self.set_split(state, a, b, &members, side, &edges, base_cut);
            let s = self.evaluate(state, work);
            if s < *score && best.as_ref().is_none_or(|(b, _)| s < *b) {
                best = Some((s, side.to_vec()));
            }
        };
        if t <= EXHAUSTIVE_PAIR {
            for mask in connected_splits(t, &edges) {
                for (i, s) in side.iter_mut().enumerate() {
                    *s = mask & (1 << i) != 0;
                }
                consider(&side, state, work);
            }
        } else {
            // Each edge of a random spanning tree cut gives two connected halves: the subtree
            // below the edge, and the rest with local unit 0, in `a`.
            let (tin, tout) = random_spanning_tree_times(t, &edges, rng);
            for v in 1..t {
                if work.evaluations >= EVALUATIONS {
                    break;
                }
                for (i, s) in side.iter_mut().enumerate() {
                    *s = !(tin[v] <= tin[i] && tin[i] < tout[v]);
                }
                consider(&side, state, work);
            }
        }
        match best {
            Some((s, side)) => {
                self.set_split(state, a, b, &members, &side, &edges, base_cut);
                for (&u, &in_a) in members.iter().zip(&side) {
                    state.assign[u as usize] = if in_a { a } else { b };
                }
                *score = s;
                true
            }
            None => {
                saved.restore(state, a, b);
                false
            }
        }
    }

    /// The borders between `members` (sorted unit indices), by local index, each once.
    fn borders_within(&self, members: &[u32]) -> Vec<(usize, usize)> {
        let mut edges: Vec<(usize, usize)> = Vec::new();
        for (i, &u) in members.iter().enumerate() {
            for &w in &self.graph.adj[u as usize] {
                if let Ok(j) = members.binary_search(&w)
                    && i < j
                {
                    edges.push((i, j));
                }
            }
        }
        edges
    }

    /// Sets the totals of districts `a` and `b` (not the assignment) for a split of their
    /// units: `side[i]` puts `members[i]` in `a`.
    #[allow(
        clippy::too_many_arguments,
        reason = "the pair's precomputed figures, passed rather than recomputed per split"
    )]
    fn set_split(
        &self,
        state: &mut State,
        a: u32,
        b: u32,
        members: &[u32],
        side: &[bool],
        edges: &[(usize, usize)],
        base_cut: u32,
    ) {
        let (mut va, mut vb, mut ra, mut rb, mut sa, mut sb) = (0, 0, 0, 0, 0, 0);
        for (&u, &in_a) in members.iter().zip(side) {
            let (v, r) = (
                self.graph.voters[u as usize],
                u32::from(self.graph.remote[u as usize]),
            );
            if in_a {
                (va, ra, sa) = (va + v, ra + r, sa + 1);
            } else {
                (vb, rb, sb) = (vb + v, rb + r, sb + 1);
            }
        }
        let crossing = edges.iter().filter(|&&(i, j)| side[i] != side[j]).count() as u32;
        (state.voters[a as usize], state.voters[b as usize]) = (va, vb);
        (state.remote[a as usize], state.remote[b as usize]) = (ra, rb);
        (state.size[a as usize], state.size[b as usize]) = (sa, sb);
        state.cut = base_cut + crossing;
    }

    /// A few random legal moves, to leave a local optimum.
    fn kick(&self, state: &mut State, moves: usize, rng: &mut SplitMix64, work: &mut Work) {
        let n = self.graph.len();
        let mut targets = Vec::new();
        let mut done = 0;
        for _ in 0..moves * 20 {
            if done == moves {
                break;
            }
            let u = rng.below(n) as u32;
            let from = state.assign[u as usize];
            if state.size[from as usize] < 2 {
                continue;
            }
            self.targets(state, u, &mut targets);
            if targets.is_empty() || !self.stays_connected(state, from, u, work) {
                continue;
            }
            let to = targets[rng.below(targets.len())];
            self.apply(state, u, to);
            done += 1;
        }
    }

    /// The best state found for `per_part` districts in each part of the territory.
    pub(crate) fn search(&self, per_part: &[u32], rng: &mut SplitMix64) -> (State, Score) {
        let n = self.graph.len();
        let mut work = Work {
            seats: Vec::new(),
            stamp: vec![0; n],
            epoch: 0,
            queue: VecDeque::new(),
            evaluations: 0,
        };
        let mut best: Option<(State, Score)> = None;
        for _ in 0..RESTARTS {
            let mut state = self.initial(per_part, rng);
            let mut score = self.evaluate(&state, &mut work);
            self.improve(&mut state, &mut score, rng, &mut work);
            for _ in 0..KICKS {
                if work.evaluations >= EVALUATIONS {
                    break;
                }
                let mut next = state.clone();
                self.kick(&mut next, 1 + rng.below(3), rng, &mut work);
                let mut next_score = self.evaluate(&next, &mut work);
                self.improve(&mut next, &mut next_score, rng, &mut work);
                // Equal scores are accepted, to drift across plateaus.
                if next_score <= score {
                    state = next;
                    score = next_score;
                }
            }
            if best.as_ref().is_none_or(|(_, b)| score < *b) {
                best = Some((state, score));
            }
            if work.evaluations >= EVALUATIONS {
                break;
            }
        }
        best.expect("RESTARTS > 0, so at least one start ran")
    }
}

/// The totals of a pair of districts, kept to put back when no split of theirs improves.
struct PairTotals {
    voters: [u64; 2],
    remote: [u32; 2],
    size: [u32; 2],
    cut: u32,
}

impl PairTotals {
    fn of(state: &State, a: u32, b: u32) -> PairTotals {
        let (a, b) = (a as usize, b as usize);
        PairTotals {
            voters: [state.voters[a], state.voters[b]],
            remote: [state.remote[a], state.remote[b]],
            size: [state.size[a], state.size[b]],
            cut: state.cut,
        }
    }

    fn restore(&self, state: &mut State, a: u32, b: u32) {
        let (a, b) = (a as usize, b as usize);
        (state.voters[a], state.voters[b]) = (self.voters[0], self.voters[1]);
        (state.remote[a], state.remote[b]) = (self.remote[0], self.remote[1]);
        (state.size[a], state.size[b]) = (self.size[0], self.size[1]);
        state.cut = self.cut;
    }
}

/// Every split of `t` units (bit `i`: local unit `i` on the side of unit 0) into two connected
/// halves, given the borders between them; unit 0 stays on its side, so each split comes once.
fn connected_splits(t: usize, edges: &[(usize, usize)]) -> impl Iterator<Item = u32> {
    let mut nb = vec![0u32; t];
    for &(i, j) in edges {
        nb[i] |= 1 << j;
        nb[j] |= 1 << i;
    }
    let full: u32 = (1u32 << t) - 1;
    (0..(1u32 << (t - 1)))
        .map(|rest| (rest << 1) | 1)
        .filter(move |&mask| mask != full && connected(&nb, mask) && connected(&nb, full & !mask))
}

/// Whether the units of `mask` are connected through the neighbour masks `nb`.
fn connected(nb: &[u32], mask: u32) -> bool {
    let mut reach = mask & mask.wrapping_neg();
    loop {
        let mut next = reach;
        let mut bits = reach;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            next |= nb[i];
        }
        next &= mask;
        if next == reach {
            return reach == mask;
        }
        reach = next;
    }
}

/// A random spanning tree of `t` units (Kruskal over the shuffled borders) and the
/// depth-first entry and exit times of its units from local unit 0: unit `i` is in the
/// subtree of `v` when `tin[v] <= tin[i] < tout[v]`.
fn random_spanning_tree_times(
    t: usize,
    edges: &[(usize, usize)],
    rng: &mut SplitMix64,
) -> (Vec<usize>, Vec<usize>) {
    fn find(root: &mut [usize], mut i: usize) -> usize {
        while root[i] != i {
            root[i] = root[root[i]];
            i = root[i];
        }
        i
    }
    let mut order = edges.to_vec();
    rng.shuffle(&mut order);
    let mut root: Vec<usize> = (0..t).collect();
    let mut tree: Vec<Vec<usize>> = vec![Vec::new(); t];
    for (i, j) in order {
        let (ri, rj) = (find(&mut root, i), find(&mut root, j));
        if ri != rj {
            root[ri] = rj;
            tree[i].push(j);
            tree[j].push(i);
        }
    }
    let (mut tin, mut tout) = (vec![0usize; t], vec![0usize; t]);
    let mut clock = 0;
    let mut stack = vec![(0usize, usize::MAX, 0usize)];
    while let Some((v, parent, next)) = stack.pop() {
        if next == 0 {
            tin[v] = clock;
            clock += 1;
        }
        if let Some(&c) = tree[v].get(next) {
            stack.push((v, parent, next + 1));
            if c != parent {
                stack.push((c, v, 0));
            }
        } else {
            tout[v] = clock;
        }
    }
    (tin, tout)
}
