//! The unit graph of a council: units by index, voters, remote flags, symmetric adjacency and
//! the separate parts (connected components) of the territory (DIS-03).

use crate::error::NoValidScheme;
use shailoo_domain::district::Unit;
use std::collections::HashMap;

/// The most voters a council may have here: far above any council (Kyrgyzstan has about 4.1
/// million voters), and small enough that every exact product fits in `u128`.
pub(crate) const MAX_COUNCIL_VOTERS: u64 = 1_000_000_000_000;

#[derive(Debug, Clone)]
pub(crate) struct Graph {
    pub(crate) voters: Vec<u64>,
    pub(crate) remote: Vec<bool>,
    /// Neighbours by index: symmetric (a border named from one side is a border, as in the
    /// domain's check), sorted, without repeats or self-loops.
    pub(crate) adj: Vec<Vec<u32>>,
    pub(crate) total_voters: u64,
    /// The connected parts, each a list of unit indices in input order; ordered by first unit.
    pub(crate) parts: Vec<Vec<u32>>,
}

impl Graph {
    /// Reads the units; a repeated id or an unknown neighbour is invalid input, named by field.
    pub(crate) fn build(units: &[Unit]) -> Result<Graph, NoValidScheme> {
        let n = units.len();
        if u32::try_from(n).is_err() {
            return Err(NoValidScheme::InvalidInput {
                field: "units".to_owned(),
                problem: format!("{n} units are more than can be districted"),
            });
        }
        let (index, total) = index_units(units)?;
        let adj = adjacency(units, &index)?;
        let parts = parts(&adj);
        Ok(Graph {
            voters: units.iter().map(|u| u.voters).collect(),
            remote: units.iter().map(|u| u.remote).collect(),
            adj,
            total_voters: total,
            parts,
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.voters.len()
    }
}

/// Each unit's index by id (used for look-ups only, never iterated, so the result does not
/// depend on hashing), and the council's voters.
fn index_units(units: &[Unit]) -> Result<(HashMap<&str, u32>, u64), NoValidScheme> {
    let mut index: HashMap<&str, u32> = HashMap::with_capacity(units.len());
    let mut total: u64 = 0;
    for (i, u) in units.iter().enumerate() {
        if index.insert(u.id.as_str(), i as u32).is_some() {
            return Err(NoValidScheme::InvalidInput {
                field: format!("units[{i}].id"),
                problem: format!("unit {} appears twice (DIS-03)", u.id),
            });
        }
        total = total.saturating_add(u.voters);
        if total > MAX_COUNCIL_VOTERS {
            return Err(NoValidScheme::InvalidInput {
                field: format!("units[{i}].voters"),
                problem: format!("the council's voters exceed {MAX_COUNCIL_VOTERS}"),
            });
        }
    }
    Ok((index, total))
}

/// Neighbours by index: symmetric, sorted, without repeats or self-loops.
fn adjacency(units: &[Unit], index: &HashMap<&str, u32>) -> Result<Vec<Vec<u32>>, NoValidScheme> {
    let mut adj: Vec<Vec<u32>> = vec![Vec::new(); units.len()];
    for (i, u) in units.iter().enumerate() {
        for (j, nb) in u.neighbors.iter().enumerate() {
            let Some(&k) = index.get(nb.as_str()) else {
                return Err(NoValidScheme::InvalidInput {
                    field: format!("units[{i}].neighbors[{j}]"),
                    problem: format!("unit {} names an unknown neighbour {nb}", u.id),
                });
            };
            if k as usize != i {
                adj[i].push(k);
                adj[k as usize].push(i as u32);
            }
        }
    }
    for list in &mut adj {
        list.sort_unstable();
        list.dedup();
    }
    Ok(adj)
}

/// The connected parts, each a list of unit indices in input order; ordered by first unit.
fn parts(adj: &[Vec<u32>]) -> Vec<Vec<u32>> {
    let n = adj.len();
    let mut part_of = vec![u32::MAX; n];
    let mut parts: Vec<Vec<u32>> = Vec::new();
    let mut stack = Vec::new();
    for start in 0..n {
        if part_of[start] != u32::MAX {
            continue;
        }
        let p = parts.len() as u32;
        part_of[start] = p;
        stack.push(start as u32);
        let mut members = Vec::new();
        while let Some(i) = stack.pop() {
            members.push(i);
            for &j in &adj[i as usize] {
                if part_of[j as usize] == u32::MAX {
                    part_of[j as usize] = p;
                    stack.push(j);
                }
            }
        }
        members.sort_unstable();
        parts.push(members);
    }
    parts
}
